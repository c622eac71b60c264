"""Drive JupyterLab in headless Chromium the way a learner does (used by test_browser.py).

A private JupyterLab server runs on a copy of the notebooks; Playwright clicks its menus,
drags widgets and draws on canvases; the server's REST API reads back what was saved.
test_site.py uses the same Chromium on the course's static site, served from a folder.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import itertools
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# JupyterLab user settings for a quiet, predictable test session. "windowingMode: none"
# keeps every cell in the page (by default JupyterLab only renders the visible ones).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"checkForUpdates": False, "fetchNews": "false"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
}
PROMPT_NUMBER = re.compile(r"^\[(\d+)\]:?$")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab server serving ``root``."""

    root: Path
    port: int
    token: str
    process: subprocess.Popen
    log: Path
    _log_file: Any = field(repr=False, default=None)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """A browser URL for ``path`` (e.g. ``lab/tree/notebooks/x.ipynb``), token included."""
        return f"{self.base}/{path.lstrip('/')}?token={self.token}"

    def api(self, path: str, method: str = "GET", timeout: float = 30) -> Any:
        request = urllib.request.Request(
            f"{self.base}/api/{path.lstrip('/')}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def notebook(self, path: str) -> dict:
        """The notebook at ``path`` as saved on the server (nbformat JSON)."""
        return self.api(f"contents/{path}?content=1&type=notebook")["content"]

    def shutdown_kernels(self, path: str) -> None:
        """Close the sessions (and kernels) of the notebook at ``path``."""
        for session in self.api("sessions"):
            if session.get("path") == path:
                self.api(f"sessions/{session['id']}", method="DELETE")

    def kernel_states(self, path: str) -> list[str]:
        return [
            s["kernel"]["execution_state"]
            for s in self.api("sessions")
            if s.get("path") == path and s.get("kernel")
        ]

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        if self._log_file is not None:
            self._log_file.close()


def write_lab_settings(folder: Path) -> None:
    for plugin, values in LAB_SETTINGS.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def start_lab(
    root: Path,
    state: Path,
    env: dict[str, str],
    timeout: float = 90,
    test_settings: bool = True,
    extra_args: tuple[str, ...] = (),
) -> Lab:
    """Start ``jupyter lab`` on ``root`` and wait (at most ``timeout`` s) until it answers.

    ``state`` receives the server's own files: settings, workspaces, config, log.
    ``test_settings`` writes LAB_SETTINGS as the user's settings; ``extra_args`` go to
    ``jupyter lab`` as they are.
    """
    settings, workspaces, config = state / "settings", state / "workspaces", state / "config"
    settings.mkdir(parents=True, exist_ok=True)
    if test_settings:
        write_lab_settings(settings)
    workspaces.mkdir(parents=True, exist_ok=True)
    config.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    # A private config dir: a learner's own ~/.jupyter (a password, say) must not change the test.
    env = {**env, "JUPYTER_CONFIG_DIR": str(config), "JUPYTER_RUNTIME_DIR": str(state / "runtime")}
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={workspaces}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        *extra_args,
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI often run as root
        command.append("--allow-root")
    log = state / "jupyterlab.log"
    log_file = log.open("w")
    process = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    lab = Lab(root, port, token, process, log, log_file)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            lab.stop()
            raise RuntimeError(
                f"jupyter lab exited with code {process.returncode}:\n{lab.log_tail()}"
            )
        try:
            lab.api("status", timeout=5)
            return lab
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    lab.stop()
    raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f} s:\n{lab.log_tail()}")


def launch_chromium(playwright: Any, executable: str = CHROMIUM) -> Any:
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)


def require_browser(reason: str) -> None:
    """Skip a browser test, or fail it where COURSE_REQUIRE_BROWSER=1 (CI) says it must run."""
    import pytest  # noqa: PLC0415  (only the tests call this)

    if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (COURSE_REQUIRE_BROWSER=1, so this is an error, not a skip)")
    pytest.skip(reason)


def chromium_binary() -> str:
    """The Chromium to drive: COURSE_CHROMIUM, else Debian's."""
    return os.environ.get("COURSE_CHROMIUM", CHROMIUM)


def chromium_problem() -> str | None:
    """Why the browser tests cannot run here (no Chromium, no Playwright), or None if they can."""
    path = chromium_binary()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        return (
            f"no Chromium at {path}: install it (Debian/Ubuntu: sudo apt-get install chromium) "
            "or set COURSE_CHROMIUM to a Chromium binary"
        )
    try:
        import playwright.sync_api  # noqa: F401, PLC0415
    except ImportError:
        return "the playwright package is missing: pip install -r requirements-dev.txt"
    return None


def chromium_or_skip() -> str:
    """The Chromium binary to use, once Chromium and Playwright are known to be there."""
    problem = chromium_problem()
    if problem:
        require_browser(problem)
    return chromium_binary()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser that closes a connection early (favicon.ico, say) is not news


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on 127.0.0.1, as a static host would; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ a notebook in the page


KERNEL_IDLE_JS = """() => {
    const s = document.querySelector(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
    return Boolean(s) && s.getAttribute('data-status') === 'idle';
}"""


def open_notebook(page: Any, lab: Lab, path: str, timeout_ms: int = 60_000) -> None:
    """Open ``path`` in its own workspace and wait until its kernel is ready."""
    workspace = re.sub(r"[^A-Za-z0-9]+", "-", path)
    page.goto(lab.url(f"lab/workspaces/{workspace}/tree/{path}"), timeout=timeout_ms)
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=timeout_ms)
    # Ready when the server has a kernel for it and the page shows that kernel idle. A notebook
    # without a kernelspec gets no kernel until its "Select Kernel" dialog is accepted.
    deadline = time.monotonic() + timeout_ms / 1000
    while not (lab.kernel_states(path) and page.evaluate(KERNEL_IDLE_JS)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path}: no idle kernel after {timeout_ms / 1000:.0f} s")
        dialog = page.locator(".jp-Dialog .jp-mod-accept")
        if dialog.count() and dialog.first.is_visible():
            dialog.first.click()
        time.sleep(0.25)
    # Fold the file browser away: more room for the notebook in screenshots.
    current = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if current.count():
        current.first.click()


def run_menu_command(page: Any, menu: str, command: str) -> None:
    """Click ``menu`` in the menu bar, then the item that runs ``command`` (a JupyterLab id)."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{menu}$")).click()
    page.locator(f".lm-Menu-item[data-command='{command}']").first.click()


def clear_and_run_all(page: Any) -> None:
    """Edit > Clear Outputs of All Cells, then Run > Run All Cells (the kernel is fresh).

    Clearing first resets every prompt to [ ], so a numbered prompt proves the cell ran now.
    """
    run_menu_command(page, "Edit", "editmenu:clear-all")
    run_menu_command(page, "Run", "runmenu:run-all")


def prompts(page: Any) -> list[str]:
    """The execution prompts of the code cells: '[3]:', '[*]:' (queued/running), '[ ]:'."""
    return page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt"
    ).all_inner_texts()


def wait_for_run(page: Any, lab: Lab, path: str, timeout_s: float) -> list[str]:
    """Wait until no cell is queued or running and the kernel is idle; return the prompts.

    Stops early when the run has ended without reaching every cell (after an error JupyterLab
    drops the queue), so a failing lesson fails fast rather than at the timeout.
    """
    deadline = time.monotonic() + timeout_s
    started_by = time.monotonic() + 30  # a run that shows nothing for 30 s never started
    quiet_since = None
    while time.monotonic() < deadline:
        current = [p.strip() for p in prompts(page)]
        busy = any("*" in p for p in current) or "busy" in lab.kernel_states(path)
        started = any("*" in p or PROMPT_NUMBER.match(p) for p in current)
        if busy or not (started or time.monotonic() > started_by):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 2:
            return current
        time.sleep(0.5)
    raise TimeoutError(f"{path}: still running after {timeout_s:.0f} s; prompts: {prompts(page)}")


def save(page: Any, lab: Lab, path: str, timeout_s: float = 30) -> None:
    """Press Ctrl+S in the notebook, then wait until the server's copy has been rewritten."""
    before = lab.api(f"contents/{path}?content=0")["last_modified"]
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").focus()
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if lab.api(f"contents/{path}?content=0")["last_modified"] != before:
            return
        time.sleep(0.3)
    raise TimeoutError(f"{path}: Ctrl+S did not save within {timeout_s:.0f} s")


def wait_until_idle(lab: Lab, path: str, timeout_s: float = 60, quiet_s: float = 1) -> None:
    """Wait until the notebook's kernel has been idle for ``quiet_s`` (after a widget event)."""
    deadline, quiet_since = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        if "busy" in lab.kernel_states(path):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_s:
            return
        time.sleep(0.2)
    raise TimeoutError(f"{path}: the kernel stayed busy for {timeout_s:.0f} s")


WIDGET_FAILURES = ("Error displaying widget", "Click to show javascript error")


def widget_errors(page: Any) -> int:
    """How many outputs show a widget that failed: "Error displaying widget", or the
    "Click to show javascript error" box of a widget whose JavaScript model is missing
    (prose that mentions them does not count)."""
    outputs = page.locator(".jp-OutputArea-output")
    return sum(outputs.filter(has_text=text).count() for text in WIDGET_FAILURES)


def cell_errors(notebook: dict) -> list[str]:
    """'cell N: Name: message' for every error output in a saved notebook."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
    return found


def unexecuted_cells(notebook: dict) -> list[int]:
    """Indices of code cells with source that have no execution count."""
    return [
        index
        for index, cell in enumerate(notebook["cells"])
        if cell["cell_type"] == "code"
        and "".join(cell["source"]).strip()
        and cell.get("execution_count") is None
    ]


NOTEBOOK_SCROLLER = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"


def screenshot_whole_notebook(page: Any, path: Path, max_height: int = 15_000) -> list[Path]:
    """Screenshot the whole notebook: one tall image, or several when it is taller than
    ``max_height`` px (``name.png``, ``name-2.png``, ...). Returns the files written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(f"{path.stem}-[0-9]*{path.suffix}"):
        old.unlink()  # parts left by a longer version of the notebook
    size = page.viewport_size
    # Height of the page with the notebook panel stretched to show its last cell.
    height = page.evaluate(
        """(selector) => {
            const panel = document.querySelector(selector);
            const cells = panel ? panel.querySelectorAll('.jp-Cell') : [];
            if (!cells.length) return window.innerHeight;
            const box = panel.getBoundingClientRect();
            const last = cells[cells.length - 1].getBoundingClientRect();
            const content = last.bottom - box.top + panel.scrollTop;
            return window.innerHeight - box.height + content;
        }""",
        NOTEBOOK_SCROLLER,
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, max_height)})
    page.wait_for_timeout(500)  # let JupyterLab relayout
    scroll = """([selector, first]) => {
        const panel = document.querySelector(selector);
        if (!panel) return false;
        if (first) { panel.scrollTop = 0; return true; }
        const cells = panel.querySelectorAll('.jp-Cell');
        const last = cells[cells.length - 1].getBoundingClientRect();
        if (last.bottom <= panel.getBoundingClientRect().bottom) return false;  // all shown
        const before = panel.scrollTop;
        panel.scrollTop = before + panel.clientHeight - 40;
        return panel.scrollTop > before;
    }"""
    written = []
    while page.evaluate(scroll, [NOTEBOOK_SCROLLER, not written]) and len(written) < 10:
        page.wait_for_timeout(200)
        part = path if not written else path.with_name(f"{path.stem}-{len(written) + 1}.png")
        page.screenshot(path=str(part))
        written.append(part)
    if not written:  # no notebook on the page: show what is there instead
        page.screenshot(path=str(path))
        written.append(path)
    page.set_viewport_size(size)
    return written


# ------------------------------------------------------------------ widgets


def output_area_with(page: Any, selector: str) -> Any:
    """The output area of the code cell whose output contains ``selector``."""
    return page.locator(".jp-Cell-outputArea", has=page.locator(selector)).first


def drag_slider(page: Any, slider: Any, dx: float) -> None:
    """Drag an ipywidgets slider's handle ``dx`` pixels sideways, as with a mouse."""
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    steps = 10
    for i in range(1, steps + 1):
        page.mouse.move(x + dx * i / steps, y)
    page.mouse.up()


def draw_on_canvas(page: Any, canvas: Any) -> None:
    """Draw a digit-like stroke (a tall loop and a tail: roughly a 9) across ``canvas``."""
    canvas.evaluate("el => el.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    box = canvas.bounding_box()
    # Stay inside the part of the canvas that is on screen (a canvas may be taller than it).
    view = page.viewport_size
    top, bottom = max(box["y"], 0), min(box["y"] + box["height"], view["height"])
    side = min(box["width"], bottom - top)
    left = box["x"] + (box["width"] - side) / 2
    w = h = side
    points = [(0.62, 0.30), (0.45, 0.18), (0.32, 0.30), (0.38, 0.45), (0.58, 0.45)]
    points += [(0.62, 0.30), (0.60, 0.55), (0.55, 0.75), (0.50, 0.88)]
    page.mouse.move(left + points[0][0] * w, top + points[0][1] * h)
    page.mouse.down()
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        for i in range(1, 6):
            t = i / 5
            page.mouse.move(left + (x0 + (x1 - x0) * t) * w, top + (y0 + (y1 - y0) * t) * h)
    page.mouse.up()


def text_of(locator: Any) -> str:
    return " ".join(locator.all_inner_texts()).strip()


def wait_for_text_change(locator: Any, before: str, timeout_s: float = 20) -> str:
    """Wait until ``locator``'s text differs from ``before``; return the new text."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        now = text_of(locator)
        if now and now != before:
            return now
        time.sleep(0.2)
    return text_of(locator)


def copy_notebooks(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))


def environment(**extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    env.pop("JUPYTER_TOKEN", None)
    return env
