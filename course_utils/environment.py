"""Notebook setup shared by every lesson (introduced in lesson 0, "Start here")."""

from __future__ import annotations

import os
import platform

FAST_ENV = "COURSE_FAST"


def fast_mode() -> bool:
    """True when ``COURSE_FAST`` is set to 1/true/yes: data loaders then return small subsets."""
    return os.environ.get(FAST_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def setup(seed: int = 42, quiet: bool = True) -> None:
    """Prepare a lesson: seed every generator, quiet TensorFlow, set plot defaults.

    Call it once at the top of each notebook. Running it again resets the seeds, so
    re-running a notebook in the same kernel tells the same story. Prints one line
    with the versions in use.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    if quiet:
        # Must be set before TensorFlow is first imported to hide its C++ start-up chatter.
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    _set_plot_defaults()

    import keras  # noqa: PLC0415  (deferred on purpose: `import course_utils` stays light)
    import tensorflow as tf  # noqa: PLC0415

    if quiet:
        tf.get_logger().setLevel("ERROR")
        # Keras prints an "untrained model" warning etc. through absl; keep notebooks clean.
        import absl.logging  # noqa: PLC0415

        absl.logging.set_verbosity(absl.logging.ERROR)
    # Seeds Python's `random`, NumPy's global generator and TensorFlow in one call.
    keras.utils.set_random_seed(seed)

    line = (
        f"Python {platform.python_version()} | TensorFlow {tf.__version__} | "
        f"Keras {keras.__version__} | seed {seed}" + (" | fast mode" if fast_mode() else "")
    )
    print(line)


def _set_plot_defaults() -> None:
    import matplotlib as mpl  # noqa: PLC0415

    mpl.rcParams.update(
        {
            "figure.figsize": (6.0, 4.0),
            "figure.dpi": 80,
            "image.cmap": "gray",
            "image.interpolation": "nearest",
            "axes.titlesize": "medium",
            "font.size": 10,
        }
    )
