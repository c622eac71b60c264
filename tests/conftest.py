"""Shared pytest setup: nbval ignores stderr, and TensorFlow stays quiet."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

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
