"""Notebook setup shared by every lesson (introduced in lesson 0, "Start here")."""

from __future__ import annotations

import contextlib
import os
import platform
import sys

FAST_ENV = "COURSE_FAST"
_ON = {"1", "true", "yes", "on"}


def env_flag(name: str) -> bool:
    """True when the environment variable ``name`` is 1, true, yes or on (any case).

    The one reading of every on/off setting (``COURSE_FAST``, ``COURSE_OFFLINE``,
    ``COURSE_STRICT``); the README lists them all.
    """
    return os.environ.get(name, "").strip().lower() in _ON


def on_colab() -> bool:
    """True inside a Google Colab notebook, which ships its own TensorFlow and widgets."""
    return "google.colab" in sys.modules


def on_binder() -> bool:
    """True on Binder/JupyterHub, where the browser reaches ports only through the proxy."""
    return bool(os.environ.get("JUPYTERHUB_SERVICE_PREFIX"))


def fast_mode() -> bool:
    """True when ``COURSE_FAST`` is on: data loaders then return small subsets."""
    return env_flag(FAST_ENV)


def setup(seed: int = 42, quiet: bool = True) -> None:
    """Prepare a lesson: seed every generator, quiet TensorFlow, set plot defaults.

    Call it once at the top of each notebook. Running it again resets the seeds, so
    re-running a notebook in the same kernel tells the same story. Prints one line
    with the versions in use.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    if quiet:
        # Read when TensorFlow loads; 3 also hides "failed call to cuInit" on machines
        # without a GPU, which is harmless but alarming in a first lesson.
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    _set_plot_defaults()
    if on_colab():
        # Colab draws only ipywidgets' own widgets until this is switched on; the digit
        # canvas of lesson 4 (ipycanvas) needs it.
        from google.colab import output  # noqa: PLC0415

        output.enable_custom_widget_manager()

    with _silence_native_stderr(quiet):
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


@contextlib.contextmanager
def _silence_native_stderr(quiet: bool):
    """Hide what TensorFlow's C++ core prints while it loads (CUDA probes, oneDNN notes).

    It writes straight to file descriptor 2, which Jupyter shows under the cell, and it no
    longer honours TF_CPP_MIN_LOG_LEVEL for these lines. Python errors still surface: they
    are raised, not printed.
    """
    if not quiet or "tensorflow" in sys.modules:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


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


# The lower bounds of requirements.txt (major, minor); tests/test_environment.py keeps the two
# in step.
REQUIREMENTS = {
    "tensorflow": (2, 16),
    "keras": (3, 3),
    "ipywidgets": (8, 1),
    "matplotlib": (3, 8),
    "numpy": (1, 26),
}


def check_environment() -> bool:
    """Print one line per requirement (found version, OK or what to do); True if all pass.

    Lesson 0 runs it; run it again whenever something seems off after an upgrade.
    """
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    requirements = dict(REQUIREMENTS)
    if on_colab():
        # Colab's front end supports only ipywidgets 7 (7.7.1 ships there); the course's
        # widgets work with it.
        requirements["ipywidgets"] = (7, 7)
    rows = [("python", platform.python_version(), _at_least(platform.python_version(), (3, 10)))]
    for package, minimum in requirements.items():
        try:
            found = version(package)
        except PackageNotFoundError:
            found = "missing"
        rows.append((package, found, found != "missing" and _at_least(found, minimum)))
    for (package, found, ok), minimum in zip(rows, [(3, 10), *requirements.values()], strict=True):
        wanted = ".".join(map(str, minimum))
        advice = "OK" if ok else f"needs {wanted} or newer: pip install -r requirements.txt"
        print(f"{package:<11} {found:<10} {advice}")
    return all(ok for _, _, ok in rows)


def _at_least(found: str, minimum: tuple[int, int]) -> bool:
    parts = []
    for piece in found.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts) >= minimum
