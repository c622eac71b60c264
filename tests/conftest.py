"""Shared pytest setup: nbval ignores stderr, TensorFlow stays quiet, each lesson runs once,
the slow tests start first, a stand-in Colab."""

from __future__ import annotations

import os
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


# --- each lesson runs once --------------------------------------------------------------------
TESTS = Path(__file__).resolve().parent
BROWSER_TESTS = TESTS / "test_browser.py"
LESSONS = TESTS.parent / "notebooks"


def lessons_run_in_browser(config: pytest.Config) -> bool:
    """Whether test_browser.py will run every lesson in JupyterLab in this session.

    It compares the NBVAL_CHECK_OUTPUT cells as nbval does (checked_outputs.py), so nbval
    need not run the lessons again: that halves the time the lessons take. Only when nothing
    can leave the browser tests out: they are among the paths asked for, no -k or -m is
    given, Chromium and Playwright are here. Otherwise nbval runs the lessons as usual.
    """
    if config.option.keyword or config.option.markexpr:
        return False
    if browser_helpers.chromium_problem():
        return False
    base = config.invocation_params.dir
    asked = [(base / arg.split("::")[0]).resolve() for arg in config.args]
    return any(path == BROWSER_TESTS or path in BROWSER_TESTS.parents for path in asked)


def pytest_report_header(config: pytest.Config) -> str:
    if lessons_run_in_browser(config):
        return "lessons: run once, in JupyterLab (test_browser.py), checked cells compared there"
    return "lessons: run by nbval (the browser tests will not run them here)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each lesson runs once; the slow files start first.

    Where test_browser.py runs every lesson in JupyterLab, nbval's items for the lessons are
    deselected (see lessons_run_in_browser). Then browser tests, notebooks, the other slow
    tests and the rest, each file kept whole: with two workers (`make test`), a long file
    that starts last leaves one worker idle while the other finishes it; started first, the
    short files fill in beside it. The Makefile's --no-loadscope-reorder keeps this order.
    """
    if lessons_run_in_browser(config):
        lessons = [item for item in items if item.path.parent == LESSONS]
        if lessons:
            config.hook.pytest_deselected(items=lessons)
            items[:] = [item for item in items if item.path.parent != LESSONS]

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
