"""Callbacks and TensorBoard helpers for training (introduced in lesson 5).

- ``StopAtTarget``: stop training once a metric reaches a target, and say so.
- ``LivePlot``: learning curves that redraw in place after every epoch.
- ``start_tensorboard`` / ``stop_tensorboard`` / ``tensorboard_url``: open TensorBoard
  on a laptop or on Binder (where it is reached through jupyter-server-proxy).

Importing this module imports Keras.
"""

from __future__ import annotations

import atexit
import importlib.util
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

import keras

from course_utils import _display, viz
from course_utils.environment import on_binder, on_colab


def find_metric(logs: Mapping[str, float] | None, metric: str, who: str) -> float:
    """The value of ``metric`` (or an alias: ``acc`` = ``accuracy``) in Keras's epoch logs.

    Raises ValueError naming what *was* logged when the metric is missing, with the
    usual cause: the metric was not compiled in, or there is no validation data.
    (Introduced in lesson 5.)
    """
    logs = logs or {}
    key = viz.logged_key(logs, metric)
    if key is not None:
        return float(logs[key])
    logged = ", ".join(sorted(logs)) or "nothing"
    base = metric.removeprefix("val_")
    if base != metric and viz.logged_key(logs, base) is not None:
        hint = "Did you pass validation_data=... (or validation_split=0.1) to model.fit()?"
    else:
        hint = f"Did you pass metrics=[{base!r}] to model.compile()?"
    raise ValueError(f"{who}: no {metric!r} in the logs (logged: {logged}). {hint}")


class StopAtTarget(keras.callbacks.Callback):
    """Stop training at the end of the first epoch where ``metric`` reaches ``target``.

    ``mode="max"`` stops when the value is >= target (accuracy); ``"min"`` when it is
    <= target (loss). Prints why it stopped. If the metric is not in the logs at the end
    of the first epoch it raises ValueError rather than silently never stopping.

    After training, ``reached`` says whether the target was hit and ``stopped_epoch`` is
    the epoch number as the progress bar counts (1, 2, ...), or None.
    (Introduced in lesson 5.)
    """

    def __init__(self, metric: str = "accuracy", target: float = 0.998, mode: str = "max"):
        super().__init__()
        if not isinstance(metric, str) or not metric:
            raise TypeError(f"metric should be a metric name like 'accuracy', got {metric!r}")
        if mode not in ("max", "min"):
            raise ValueError(f"mode should be 'max' (accuracy) or 'min' (loss), got {mode!r}")
        if not isinstance(target, int | float) or isinstance(target, bool):
            raise TypeError(f"target should be a number like 0.998, got {target!r}")
        if not math.isfinite(target):
            raise ValueError(f"target should be a finite number, got {target}")
        if "acc" in metric and not 0 < target <= 1:
            raise ValueError(
                f"target for {metric!r} should be a fraction between 0 and 1: write 0.998 "
                f"for 99.8%, got {target}"
            )
        self.metric, self.target, self.mode = metric, float(target), mode
        self.reached = False
        self.stopped_epoch: int | None = None

    def on_train_begin(self, logs=None):
        # Reset, so the same callback can be reused for a second model.fit().
        self.reached, self.stopped_epoch = False, None

    def on_epoch_end(self, epoch, logs=None):
        value = find_metric(logs, self.metric, "StopAtTarget")
        hit = value >= self.target if self.mode == "max" else value <= self.target
        if hit:
            self.reached, self.stopped_epoch = True, epoch + 1
            sign = ">=" if self.mode == "max" else "<="
            print(
                f"Reached {self.metric} {value:.4f} {sign} {self.target:g} at epoch "
                f"{epoch + 1}: stopping training."
            )
            self.model.stop_training = True


class LivePlot(keras.callbacks.Callback):
    """Learning curves (training and validation) redrawn in place after every epoch.

    In a notebook the plot updates in place, without clearing the cell's other output;
    it is drawn by ``viz.plot_history``, one panel per metric. Elsewhere (a terminal) it
    prints one line per epoch. ``history`` holds the values plotted so far.
    (Introduced in lesson 5.)
    """

    def __init__(self, metrics: str | Sequence[str] = ("loss", "accuracy")):
        super().__init__()
        metrics = (metrics,) if isinstance(metrics, str) else tuple(metrics)
        if not metrics or not all(isinstance(m, str) and m for m in metrics):
            raise ValueError(f"metrics should be names like ('loss', 'accuracy'), got {metrics!r}")
        self.metrics = metrics
        self.history: dict[str, list[float]] = {}
        self._handle = None

    def on_train_begin(self, logs=None):
        self.history = {}
        self._handle = None

    def on_epoch_end(self, epoch, logs=None):
        for metric in self.metrics:
            self.history.setdefault(metric, []).append(find_metric(logs, metric, "LivePlot"))
            try:
                value = find_metric(logs, "val_" + metric, "LivePlot")
            except ValueError:  # no validation data: only the training curve is drawn
                continue
            self.history.setdefault("val_" + metric, []).append(value)
        if _in_notebook():
            self._show(_display.figure_png(viz.plot_history(self.history, metrics=self.metrics)))
        else:
            parts = [f"{name} {values[-1]:.4f}" for name, values in self.history.items()]
            print(f"epoch {epoch + 1}: " + ", ".join(parts))

    def _show(self, png: bytes) -> None:
        from IPython.display import Image, display  # noqa: PLC0415

        if self._handle is None:
            self._handle = display(Image(data=png), display_id=True)
        else:
            self._handle.update(Image(data=png))


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (where display handles update output in place)."""
    try:
        from IPython import get_ipython  # noqa: PLC0415
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


# --------------------------------------------------------------------------- TensorBoard

_SERVERS: dict[int, subprocess.Popen] = {}


def tensorboard_url(port: int = 6006) -> str:
    """The address at which your browser reaches a TensorBoard running on ``port``.

    Locally: ``http://localhost:6006/``. On Binder (``JUPYTERHUB_SERVICE_PREFIX`` is set)
    the server's proxy forwards ``{prefix}proxy/6006/`` to it; that needs the
    ``jupyter-server-proxy`` package, which the course's Binder image installs.
    (Introduced in lesson 5.)
    """
    _check_port(port)
    if not on_binder():
        return f"http://localhost:{port}/"
    if importlib.util.find_spec("jupyter_server_proxy") is None:
        raise RuntimeError(
            "On Binder, TensorBoard is reached through jupyter-server-proxy, which is not "
            "installed here: pip install jupyter-server-proxy, then restart the server."
        )
    prefix = os.environ["JUPYTERHUB_SERVICE_PREFIX"].rstrip("/")
    return f"{prefix}/proxy/{port}/"


def tensorboard_link(port: int = 6006) -> str:
    """An HTML link to TensorBoard that opens in a new browser tab. (Introduced in lesson 5.)"""
    url = tensorboard_url(port)
    return f'<a href="{url}" target="_blank">Open TensorBoard ({url})</a>'


# TensorBoard's own switch (tensorboard.compat.notf) to read logs without importing
# TensorFlow: the server then takes ~80 MB instead of ~700 MB, which Binder's 2 GB needs.
_TENSORBOARD_WITHOUT_TF = (
    "import sys, types; "
    "sys.modules['tensorboard.compat.notf'] = types.ModuleType('tensorboard.compat.notf'); "
    "from tensorboard.main import run_main; run_main()"
)


def start_tensorboard(
    logdir: str | os.PathLike = "logs", port: int | None = None, timeout: float = 60.0
) -> subprocess.Popen:
    """Start TensorBoard in the background on ``logdir`` and show a link to it.

    Waits (at most ``timeout`` seconds) until it answers, then shows the link: a
    clickable one in a notebook, the URL in a terminal. Calling it again restarts the
    TensorBoard this kernel started on that port. On Binder it also sets
    ``TENSORBOARD_PROXY_URL`` so that the ``%tensorboard`` magic works there too; on
    Colab, Colab's own proxy makes the link.
    Without ``port`` it uses TensorBoard's usual 6006, or the next free port when another
    program (another notebook's TensorBoard, say) already has it.
    Returns the process; ``stop_tensorboard()`` ends it. (Introduced in lesson 5.)
    """
    if not isinstance(logdir, str | os.PathLike):
        raise TypeError(f"logdir should be a folder name like 'logs', got {logdir!r}")
    if port is None:
        port = _free_port(6006)
    _check_port(port)
    url = tensorboard_url(port)
    stop_tensorboard(port)
    if _answers(port):
        raise RuntimeError(
            f"Something else already uses port {port} (another TensorBoard?): stop it, or "
            f"choose another port, e.g. start_tensorboard({str(logdir)!r}, port={port + 1})."
        )
    Path(logdir).mkdir(parents=True, exist_ok=True)
    # Binder's and Colab's proxies connect from the same machine, so "localhost" would do;
    # --bind_all follows jupyter-server-proxy's documented setup. Locally, stay off the network.
    host = ["--bind_all"] if on_binder() or on_colab() else ["--host", "127.0.0.1"]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-c", _TENSORBOARD_WITHOUT_TF, "--logdir", str(logdir)]
        + ["--port", str(port), *host],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    _SERVERS[port] = process
    deadline = time.monotonic() + timeout
    while not _answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_tensorboard(port)
            log.seek(0)
            tail = log.read().decode(errors="replace").strip().splitlines()[-5:]
            raise RuntimeError(
                f"TensorBoard did not start on port {port} within {timeout:g} s. "
                "Its last words:\n" + ("\n".join(tail) or "(nothing)")
            )
        time.sleep(0.25)
    if on_binder():
        os.environ["TENSORBOARD_PROXY_URL"] = url.replace(f"/{port}/", "/%PORT%/")
    _announce(url, port)
    return process


def stop_tensorboard(port: int | None = None) -> int:
    """Stop the TensorBoard this kernel started on ``port`` (all of them if None).

    Returns how many were stopped. (Introduced in lesson 5.)
    """
    ports = list(_SERVERS) if port is None else [port] if port in _SERVERS else []
    for p in ports:
        process = _SERVERS.pop(p)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return len(ports)


# A TensorBoard left running after the kernel exits would hold the port.
atexit.register(stop_tensorboard)


def _free_port(first: int, tries: int = 50) -> int:
    """``first``, or the next port after it that no program here listens on."""
    for port in range(first, first + tries):
        if port in _SERVERS:  # ours: start_tensorboard restarts it
            return port
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"Ports {first} to {first + tries - 1} are all taken; pass port=...")


def _answers(port: int) -> bool:
    """True when an HTTP server answers on ``port`` of this machine."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
            return True
    except urllib.error.HTTPError:  # it answered, if only with an error status
        return True
    except OSError:  # refused, reset or timed out: nobody (ready) there
        return False


def _announce(url: str, port: int) -> None:
    if on_colab():
        # Colab's browser tab cannot reach the kernel's localhost; Colab proxies the port
        # and makes the link itself.
        from google.colab import output  # noqa: PLC0415

        output.serve_kernel_port_as_window(port, anchor_text="Open TensorBoard")
    elif _in_notebook():
        from IPython.display import HTML, display  # noqa: PLC0415

        display(HTML(tensorboard_link(port)))
    else:
        print(f"TensorBoard is running: open {url} in your browser.")


def _check_port(port: object) -> None:
    if not isinstance(port, int) or isinstance(port, bool) or not 1024 <= port <= 65535:
        raise ValueError(f"port should be a whole number between 1024 and 65535, got {port!r}")
