"""Shared pytest setup: nbval ignores stderr, TensorFlow stays quiet, each lesson runs once,
the slow tests start first, a stand-in Colab."""

from __future__ import annotations

import os
import re
import sys
import tempfile
import types
from pathlib import Path

import browser_helpers
import pytest

pytest_plugins = ["pytester"]  # test_checked_outputs.py runs nbval in a pytest of its own

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# The reference for the property tests is TensorFlow's plain kernels: with oneDNN on,
# TF 2.21 returns zeros for some 1-pixel-wide strided "same" convolutions (for example
# x (2, 2, 1, 1), kernel (1, 2, 1, 1), strides (1, 2)), which hypothesis found.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
# check() records progress; tests (and the notebooks nbval and the browser tests run, which
# inherit this) must never write into the real learner's data folder.
os.environ.setdefault(
    "COURSE_PROGRESS_FILE",
    str(Path(tempfile.mkdtemp(prefix="course-progress-")) / "progress.json"),
)

try:
    import checked_outputs
except ImportError:  # nbval missing: the unit tests still run
    pass
else:
    checked_outputs.leave_stderr_out_of_nbval()


# --- each lesson runs once; the slow files first -----------------------------------------------
LESSONS = Path(__file__).resolve().parent.parent / "notebooks"
IN_BROWSER = re.compile(r"test_browser\.py::\w+::test_lesson_runs_cleanly_in_jupyterlab\[(.+)\]")


def lessons_run_in_browser(items: list[pytest.Item]) -> set[str]:
    """The lessons that test_browser.py runs in JupyterLab in this session (file names).

    It compares their NBVAL_CHECK_OUTPUT cells as nbval does (checked_outputs.py), so nbval
    need not run them again. Read from the items left after -k, -m, --deselect and --ignore;
    none where Chromium or Playwright is missing, since the browser tests then skip.
    """
    if browser_helpers.chromium_problem():
        return set()
    return {match.group(1) for item in items if (match := IN_BROWSER.search(item.nodeid))}


@pytest.hookimpl(trylast=True)  # after pytest's own -k, -m and --deselect
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each lesson runs once; the slow files start first.

    nbval's items for a lesson that test_browser.py runs are deselected. Then browser tests,
    notebooks, the other slow tests and the rest, each file kept whole: with two workers
    (`make test`), a long file that starts last leaves one worker idle while the other
    finishes it; started first, the short files fill in beside it. The Makefile's
    --no-loadscope-reorder keeps this order.
    """
    in_browser = lessons_run_in_browser(items)
    kept, twice = [], []
    for item in items:
        ran_in_browser = item.path.parent == LESSONS and item.path.name in in_browser
        (twice if ran_in_browser else kept).append(item)
    if twice:
        config.hook.pytest_deselected(items=twice)
        items[:] = kept

    def rank(item: pytest.Item) -> int:
        if item.get_closest_marker("browser"):
            return 0
        if item.path.suffix == ".ipynb":
            return 1
        return 2 if item.get_closest_marker("slow") else 3

    file_rank: dict[Path, int] = {}
    for item in items:
        file_rank[item.path] = min(file_rank.get(item.path, 3), rank(item))
    items.sort(key=lambda item: file_rank[item.path])  # stable: a file's own order stays


@pytest.fixture
def fake_colab(monkeypatch) -> list[tuple]:
    """Pretend to run on Google Colab: a stand-in ``google.colab.output`` records its calls.

    Only ``google.colab`` is faked: the real ``google`` package (protobuf, which TensorFlow
    needs) stays as it is.
    """
    calls: list[tuple] = []
    output = types.ModuleType("google.colab.output")
    output.enable_custom_widget_manager = lambda: calls.append(("enable_custom_widget_manager",))
    output.serve_kernel_port_as_window = lambda port, **kwargs: calls.append(
        ("serve_kernel_port_as_window", port, kwargs)
    )
    colab = types.ModuleType("google.colab")
    colab.output = output
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google.colab.output", output)
    return calls
