"""How long does each notebook take, and how much memory does its kernel need?

Runs every lesson and exercise notebook in a fresh kernel (nbclient), once at full size and
once in fast mode (COURSE_FAST=1), on a temporary copy of notebooks/ so that nothing the
notebooks write lands in the repository. Peak memory is the kernel's resident memory plus
its child processes (TensorBoard, say), sampled every 0.2 s, and never less than the
kernel's own high-water mark (VmHWM) on Linux. Prints a markdown table.

"Full size" means 60,000 training images: name a local copy of MNIST with ``--mnist-path``
(or ``COURSE_MNIST_PATH``); the kernels inherit it. Offline, ``data.load_mnist()`` falls back to
a 4,000-image sample, which would make every MNIST lesson look faster and smaller than it
is; so by default the full-size runs then use Fashion-MNIST (same shapes, same sizes as
MNIST) in its place: ``--mnist-stand-in fashion``. Each notebook copy gets a first cell that
reroutes ``data.load_mnist`` to ``data.load_fashion_mnist`` (the lessons and widgets call it
through the module, so that reaches them all). Fast mode is left alone: it is what the
tests run. ``--mnist-stand-in none`` measures whatever ``load_mnist`` gives. Fashion-MNIST
is harder, so a lesson that trains until a target accuracy may train longer than on MNIST.

    .venv/bin/python benchmarks/bench_notebooks.py --mnist-path ../shared/data/mnist
    .venv/bin/python benchmarks/bench_notebooks.py --fast-only --suite
    .venv/bin/python benchmarks/bench_notebooks.py --notebooks notebooks/00_start_here.ipynb
    .venv/bin/python benchmarks/bench_notebooks.py --mnist-stand-in none   # MNIST as loaded

Binder gives a session 2 GB, which also holds the JupyterLab server and TensorBoard, so a
notebook over 1.2 GB at full size is a bug: the script names it and exits with status 1.
Binder also gives one CPU: ``--cpus 1`` pins this script and every kernel it starts to one
core (Linux), which approximates a Binder session's times; the table then also says whether
each lesson that trains stays under 3 minutes and the lessons together under 12.

    .venv/bin/python benchmarks/bench_notebooks.py --cpus 1        # as on Binder (1 CPU)

Exercise notebooks as committed only say "not attempted", so they take seconds. ``--solved``
fills their answer cells from the solutions first (tools/fill_exercises.py), which measures
what a learner who has done the work runs, the capstone's training included.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 1229  # 1.2 GB: Binder's 2 GB minus the server, TensorBoard and the browser's tab
# On one CPU (--cpus 1), as on Binder: a training lesson's budget, and the lessons' together.
LESSON_LIMIT_S = 180
ALL_LESSONS_LIMIT_S = 12 * 60
MB = 1024 * 1024
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colours in tracebacks
MNIST_TRAIN_SIZE = 60_000
# The hidden first cell of a full-size run with --mnist-stand-in fashion.
FASHION_STAND_IN = "import course_utils.data as _d; _d.load_mnist = _d.load_fashion_mnist"


@dataclass
class Result:
    seconds: float
    peak_mb: float
    error: str | None = None


class PeakMemory:
    """Samples the resident memory of a process tree in a thread; ``peak_mb`` is the largest.

    ``find_pid`` is called until it returns a pid, so the tree can be watched from before
    the process exists (nbclient starts the kernel inside ``execute``).
    """

    def __init__(self, find_pid, interval: float = 0.2) -> None:
        self.find_pid, self.interval = find_pid, interval
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / MB

    def _watch(self) -> None:
        process = None
        while not self._stop.is_set():
            if process is None:
                pid = self.find_pid()
                process = psutil.Process(pid) if pid else None
            if process is not None:
                self.peak_bytes = max(self.peak_bytes, tree_rss(process), high_water(process))
            self._stop.wait(self.interval)


def tree_rss(process: psutil.Process) -> int:
    """Resident memory of ``process`` and all its descendants, in bytes (0 once it is gone)."""
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass  # a child that ended between listing and reading
    return total


def high_water(process: psutil.Process) -> int:
    """The kernel's own peak resident memory (VmHWM) as the OS counts it; 0 off Linux."""
    try:
        status = Path(f"/proc/{process.pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match[1]) * 1024 if match else 0


def kernel_pid(client: NotebookClient) -> int | None:
    provisioner = getattr(getattr(client, "km", None), "provisioner", None)
    return getattr(provisioner, "pid", None)


def run_notebook(path: Path, fast: bool, timeout: int, prelude: str | None = None) -> Result:
    """Execute ``path`` (a copy: its folder may be written to) in a fresh kernel.

    ``prelude``, if given, runs first, as an extra cell that is not saved anywhere.
    """
    nb = nbformat.read(path, as_version=4)
    if prelude:
        hidden = nbformat.v4.new_code_cell(prelude, metadata={"jupyter": {"source_hidden": True}})
        nb.cells.insert(0, hidden)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        # store_widget_state=False makes nbclient 0.11 fail on Output widgets (KeyError).
    )
    saved = os.environ.get("COURSE_FAST")
    os.environ.pop("COURSE_FAST", None)
    if fast:
        os.environ["COURSE_FAST"] = "1"  # the kernel inherits this process's environment
    error = None
    start = time.perf_counter()
    try:
        with PeakMemory(lambda: kernel_pid(client)) as memory:
            try:
                client.execute()
            except Exception as exc:  # noqa: BLE001 - a failing notebook is a row, not a crash
                last_line = ANSI.sub("", str(exc)).strip().splitlines()[-1]
                error = f"{type(exc).__name__}: {last_line[:200]}"
    finally:
        os.environ.pop("COURSE_FAST", None)
        if saved is not None:
            os.environ["COURSE_FAST"] = saved
    return Result(time.perf_counter() - start, memory.peak_mb, error)


def nbval_flags() -> list[str]:
    """The nbval options `make test` uses, read from the Makefile so the two never drift."""
    match = re.search(r"^NBVAL\s*:=\s*(.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    if not match:
        raise SystemExit("Makefile has no 'NBVAL :=' line: cannot time the test suite")
    return shlex.split(match[1])


def run_suite() -> Result:
    """Time the test suite as `make test` runs it (fast mode, nbval), without ruff."""
    command = [sys.executable, "-m", "pytest", "-q", *nbval_flags()]
    env = {**os.environ, "COURSE_FAST": "1"}
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    with PeakMemory(lambda: process.pid) as memory:
        output, _ = process.communicate()
    error = None
    if process.returncode != 0:
        error = f"pytest exit code {process.returncode}: {output.strip().splitlines()[-1]}"
    return Result(time.perf_counter() - start, memory.peak_mb, error)


def mnist_is_offline_sample() -> bool:
    """True when ``data.load_mnist()`` here gives fewer than 60,000 training images.

    Calls it once (with fast mode off): online that downloads MNIST into Keras's cache,
    which the notebooks then use too; offline it falls back to the sample.
    """
    sys.path.insert(0, str(ROOT))  # course_utils, also when it is not installed
    from course_utils import data  # noqa: PLC0415

    saved = os.environ.pop("COURSE_FAST", None)
    try:
        with contextlib.redirect_stdout(sys.stderr):  # its notice, if any, is not the table
            (x_train, _), _ = data.load_mnist()
    finally:
        if saved is not None:
            os.environ["COURSE_FAST"] = saved
    return len(x_train) < MNIST_TRAIN_SIZE


def solve(path: Path) -> None:
    """Fill the exercise notebook at ``path`` with the solutions, in place."""
    spec = importlib.util.spec_from_file_location(
        "fill_exercises", ROOT / "tools/fill_exercises.py"
    )
    fill_exercises = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fill_exercises)
    nbformat.write(fill_exercises.fill(nbformat.read(path, as_version=4)), path)


def default_notebooks() -> list[Path]:
    lessons = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    return lessons + sorted((ROOT / "notebooks" / "exercises").glob("*.ipynb"))


def cell(result: Result | None, what: str) -> str:
    if result is None:
        return "-"
    if result.error:
        return "error"
    if what == "seconds":
        return f"{result.seconds:.0f}"
    mark = " **over 1.2 GB**" if what == "full_mb" and result.peak_mb > LIMIT_MB else ""
    return f"{result.peak_mb:.0f}{mark}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", nargs="+", type=Path, help="default: lessons + exercises")
    parser.add_argument("--fast-only", action="store_true", help="skip the full-size runs")
    parser.add_argument("--suite", action="store_true", help="also time the whole test suite")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    parser.add_argument(
        "--mnist-stand-in",
        choices=["fashion", "none"],
        help="full-size runs: 'fashion' loads Fashion-MNIST wherever a notebook loads MNIST; "
        "default: 'fashion' when load_mnist() would fall back to its 4,000-image sample",
    )
    parser.add_argument(
        "--solved", action="store_true", help="fill exercise notebooks with their solutions"
    )
    parser.add_argument(
        "--mnist-path",
        type=Path,
        default=os.environ.get("COURSE_MNIST_PATH") or None,
        help="folder with the full MNIST for the full-size runs (default: COURSE_MNIST_PATH)",
    )
    parser.add_argument(
        "--cpus", type=int, help="run on this many cores (Linux); 1 approximates Binder"
    )
    args = parser.parse_args()
    if args.cpus is not None:
        available = sorted(os.sched_getaffinity(0))
        if not 1 <= args.cpus <= len(available):
            parser.error(f"--cpus must be between 1 and {len(available)}, got {args.cpus}")
        # Kernels are child processes: they inherit the affinity, and TensorFlow sizes its
        # thread pools from it.
        os.sched_setaffinity(0, available[: args.cpus])
    if args.mnist_path is not None:
        if not Path(args.mnist_path).is_dir():
            parser.error(f"--mnist-path {args.mnist_path}: no such folder")
        os.environ["COURSE_MNIST_PATH"] = str(Path(args.mnist_path).resolve())
    stand_in = args.mnist_stand_in
    if stand_in is None and not args.fast_only:
        stand_in = "fashion" if mnist_is_offline_sample() else "none"

    notebooks = [p.resolve() for p in args.notebooks] if args.notebooks else default_notebooks()
    source = ROOT / "notebooks"
    for path in notebooks:
        if not path.is_file():
            parser.error(f"no notebook at {path}")
        if not path.is_relative_to(source):
            parser.error(f"{path} is not inside {source}")

    rows, errors, too_big = [], [], []
    with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp:
        for path in notebooks:
            name = str(path.relative_to(source))
            results: dict[str, Result | None] = {"fast": None, "full": None}
            for size in ("fast",) if args.fast_only else ("fast", "full"):
                # A fresh copy per run: a run must not find files the previous one wrote.
                copy = Path(tmp) / size / name.replace("/", "_")
                shutil.rmtree(copy, ignore_errors=True)
                shutil.copytree(source, copy, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
                if args.solved and name.startswith("exercises/"):
                    solve(copy / name)
                print(f"{name} ({size}) ...", file=sys.stderr, flush=True)
                prelude = FASHION_STAND_IN if size == "full" and stand_in == "fashion" else None
                result = run_notebook(copy / name, size == "fast", args.timeout, prelude)
                results[size] = result
                print(f"  {result.seconds:.0f} s, {result.peak_mb:.0f} MB", file=sys.stderr)
                if result.error:
                    errors.append(f"{name} ({size}): {result.error}")
                shutil.rmtree(copy, ignore_errors=True)
            full = results["full"]
            if full is not None and full.peak_mb > LIMIT_MB:
                too_big.append(f"{name}: {full.peak_mb:.0f} MB at full size")
            rows.append((name, results["fast"], full))

    suite = None
    if args.suite:
        print("test suite (fast mode) ...", file=sys.stderr, flush=True)
        suite = run_suite()
        if suite.error:
            errors.append(f"test suite: {suite.error}")

    cores = len(os.sched_getaffinity(0))
    solved = " Exercise notebooks filled with their solutions." if args.solved else ""
    print(f"Measured on {cores} core{'s' if cores > 1 else ''}.{solved}\n")
    if stand_in == "fashion":
        why = "" if args.mnist_stand_in else " (MNIST here is only the 4,000-image offline sample)"
        print(f"Full size: Fashion-MNIST, 60,000/10,000 images, stands in for MNIST{why}.\n")
        full_header = "full s (Fashion stand-in)"
    else:
        full_header = "full s"
    print(f"| notebook | fast s | {full_header} | peak MB fast | peak MB full |")
    print("|---|---:|---:|---:|---:|")
    for name, fast, full in rows:
        print(
            f"| {name} | {cell(fast, 'seconds')} | {cell(full, 'seconds')} "
            f"| {cell(fast, 'fast_mb')} | {cell(full, 'full_mb')} |"
        )
    if suite is not None:
        print(
            f"| *test suite (pytest + nbval, fast)* | {cell(suite, 'seconds')} | - "
            f"| {cell(suite, 'fast_mb')} | - |"
        )
    slow = []
    if cores == 1 and not args.fast_only:
        lessons = [(name, full) for name, _, full in rows if "/" not in name and full]
        for name, full in lessons:
            if full.seconds > LESSON_LIMIT_S:
                slow.append(f"{name}: {full.seconds:.0f} s on one CPU (budget {LESSON_LIMIT_S} s)")
        total = sum(full.seconds for _, full in lessons)
        print(f"\nLessons together at full size on one CPU: {total / 60:.1f} min", end="")
        print(f" (budget {ALL_LESSONS_LIMIT_S // 60} min)" if len(lessons) > 1 else "")
        if len(lessons) > 1 and total > ALL_LESSONS_LIMIT_S:
            slow.append(f"the lessons together: {total / 60:.1f} min on one CPU")
    for line in slow:
        print(f"\nover the time budget: {line}")
    for line in errors:
        print(f"\nerror: {line}")
    for line in too_big:
        print(f"\nover the {LIMIT_MB} MB budget (Binder has 2 GB): {line}")
    return 1 if errors or too_big or slow else 0


if __name__ == "__main__":
    sys.exit(main())
