"""Re-execute the lessons in place so their committed outputs are fresh (``make notebooks``).

Lessons are committed executed (readable on GitHub); exercise notebooks are committed
without outputs. Widget outputs are replaced by a short note: a saved widget without its
kernel would show "Error displaying widget: model not found".

    .venv/bin/python tools/execute_notebooks.py [--mnist-path DIR] [notebooks/01_....ipynb ...]

Lessons are committed as a learner online sees them: on the full MNIST. Name a local copy with
``--mnist-path`` (or ``COURSE_MNIST_PATH``); a run whose outputs show the offline sample's
notice, or that runs in fast mode, is refused rather than written.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = "[Interactive widget: run this cell in JupyterLab to use it.]"
# The first words of course_utils.data's offline notice: outputs that are not the full MNIST.
OFFLINE_NOTICE = "No internet ("


def lessons() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def exercises() -> list[Path]:
    return sorted((ROOT / "notebooks" / "exercises").glob("*.ipynb"))


def without_widget_views(nb: nbformat.NotebookNode) -> None:
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                data.pop(WIDGET_VIEW)
                data["text/plain"] = WIDGET_NOTE


def execute(path: Path, timeout: int) -> float:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timestamps of an earlier run
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,  # False trips nbclient on Output widgets; the state is dropped below
        record_timing=False,  # per-cell timestamps would make every re-run a diff of every cell
    ).execute()
    without_widget_views(nb)
    if OFFLINE_NOTICE in nbformat.writes(nb):
        raise SystemExit(
            f"{path.name}: ran on the offline MNIST sample, not written. Give the full MNIST "
            "with --mnist-path DIR (or COURSE_MNIST_PATH)."
        )
    nbformat.write(nb, path)
    return time.perf_counter() - start


def clear(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every lesson")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per cell")
    parser.add_argument(
        "--mnist-path",
        type=Path,
        default=os.environ.get("COURSE_MNIST_PATH") or None,
        help="folder with the full MNIST (default: COURSE_MNIST_PATH)",
    )
    args = parser.parse_args()
    # The kernels inherit this environment: full data, never fast mode.
    os.environ.pop("COURSE_FAST", None)
    if args.mnist_path is not None:
        if not Path(args.mnist_path).is_dir():
            parser.error(f"--mnist-path {args.mnist_path}: no such folder")
        os.environ["COURSE_MNIST_PATH"] = str(Path(args.mnist_path).resolve())
    for path in args.notebooks or lessons():
        path = path.resolve()
        if "exercises" in path.parts:
            clear(path)
            print(f"{path.relative_to(ROOT)}: outputs cleared (exercises are committed clean)")
            continue
        print(f"{path.relative_to(ROOT)}: {execute(path, args.timeout):.0f} s", flush=True)
    for path in exercises():
        clear(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
