"""Re-execute the lessons in place so their committed outputs are fresh (``make notebooks``).

Lessons are committed executed (readable on GitHub); exercise notebooks are committed
without outputs. Widget outputs are replaced by a short note: a saved widget without its
kernel would show "Error displaying widget: model not found".

    .venv/bin/python tools/execute_notebooks.py [notebooks/01_convolution_by_hand.ipynb ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = "[Interactive widget: run this cell in JupyterLab to use it.]"


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
    args = parser.parse_args()
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
