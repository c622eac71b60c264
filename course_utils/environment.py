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
            # Readable in JupyterLab's dark theme too: figures are white, not transparent.
            "figure.facecolor": "white",
            "image.cmap": "gray",
            "image.interpolation": "nearest",
            "axes.titlesize": "medium",
            "font.size": 10,
        }
    )


# The lower bounds of requirements.txt, which are versions the tests run: Google Colab's
# (requirements-colab.txt, `make test-colab`) or, for JupyterLab's side, Binder's pins.
# tests/test_environment.py keeps the three in step.
PYTHON = (3, 11)
REQUIREMENTS = {
    "tensorflow": (2, 20, 0),
    "keras": (3, 13, 2),
    "ipywidgets": (8, 1, 9),
    "matplotlib": (3, 10, 0),
    "numpy": (2, 1, 3),
}
# Colab's front end supports only ipywidgets 7 (7.7.1 ships there). `make test-colab` runs the
# course's widgets on it, as far as a test can without Colab's own front end.
COLAB_IPYWIDGETS = (7, 7, 1)


def check_environment() -> bool:
    """Print one line per requirement (found version, OK or what to do); True if all pass.

    Lesson 0 runs it; run it again whenever something seems off after an upgrade.
    """
    requirements = dict(REQUIREMENTS)
    if on_colab():
        requirements["ipywidgets"] = COLAB_IPYWIDGETS
    rows = [("python", platform.python_version(), PYTHON)]
    rows += [(package, _installed(package), minimum) for package, minimum in requirements.items()]
    all_ok = True
    for package, found, minimum in rows:
        ok = found != "missing" and _at_least(found, minimum)
        all_ok = all_ok and ok
        wanted = ".".join(map(str, minimum))
        advice = "OK" if ok else f"needs {wanted} or newer: pip install -r requirements.txt"
        print(f"{package:<11} {found:<10} {advice}")
    return all_ok


# The packages a learner's problem most often comes down to.
REPORTED_PACKAGES = (
    "tensorflow",
    "keras",
    "numpy",
    "matplotlib",
    "ipywidgets",
    "ipycanvas",
    "jupyterlab",
)


def environment_report() -> None:
    """Print what a bug report needs to know about this setup, ready to paste into an issue.

    Versions, the machine, where it runs (Colab, Binder or your computer), fast mode and
    which copy of the data the lessons loaded. The course's issue template asks for it.
    Imports nothing heavy, so it works even when TensorFlow does not.
    """
    place = "Google Colab" if on_colab() else "Binder" if on_binder() else "your computer"
    rows = [
        ("course_utils", _installed("course_utils")),
        ("python", f"{platform.python_version()} ({sys.executable})"),
        ("platform", f"{platform.platform()} ({platform.machine()})"),
        ("running on", place),
        ("fast mode", "on (COURSE_FAST)" if fast_mode() else "off"),
    ]
    rows += [(package, _installed(package)) for package in REPORTED_PACKAGES]
    rows.append(("data", _data_sources()))
    print("course_utils environment report: paste all of it into your issue")
    for name, value in rows:
        print(f"{name:<13} {value}")


def _installed(package: str) -> str:
    """The installed version of ``package``, or "missing"."""
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version(package)
    except PackageNotFoundError:
        return "missing"


def _data_sources() -> str:
    """Where this session's datasets came from, as course_utils.data recorded it."""
    data = sys.modules.get("course_utils.data")
    if data is None:
        return "nothing loaded in this session yet"
    used = data.sources_used()  # {"MNIST": "where it came from", ...}
    if not used:
        return "nothing loaded in this session yet"
    return "; ".join(f"{name}: {where}" for name, where in used.items())


def _at_least(found: str, minimum: tuple[int, ...]) -> bool:
    """True when version ``found`` ("2.21.0rc1") is ``minimum`` or newer."""
    parts = []
    for piece in found.split(".")[: len(minimum)]:
        digits = ""
        for ch in piece:  # "0rc1" -> "0": a pre-release counts as its release
            if not ch.isdigit():
                break
            digits += ch
        parts.append(int(digits) if digits else 0)
    parts += [0] * (len(minimum) - len(parts))
    return tuple(parts) >= minimum
