"""Shared pytest setup: nbval ignores stderr, TensorFlow stays quiet, a stand-in Colab."""

from __future__ import annotations

import os
import sys
import tempfile
import types
from pathlib import Path

import pytest

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
    from nbval.plugin import IPyNbCell
except ImportError:  # nbval missing: the unit tests still run
    IPyNbCell = None

if IPyNbCell is not None:
    _compare_outputs = IPyNbCell.compare_outputs

    def _compare_without_stderr(self, test, ref, skip_compare=None):
        """Compare a checked cell's outputs, leaving out stderr (warnings, progress bars)."""

        def keep(outputs):
            return [
                o
                for o in outputs
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]

        return _compare_outputs(self, keep(test), keep(ref), skip_compare)

    IPyNbCell.compare_outputs = _compare_without_stderr


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
