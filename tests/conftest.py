"""Shared pytest setup: nbval ignores stderr, and TensorFlow stays quiet."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# The reference for the property tests is TensorFlow's plain kernels: with oneDNN on,
# TF 2.21 returns zeros for some 1-pixel-wide strided "same" convolutions (for example
# x (2, 2, 1, 1), kernel (1, 2, 1, 1), strides (1, 2)), which hypothesis found.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

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
