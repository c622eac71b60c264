"""course_utils.setup(), fast mode, settings and the environment check of lesson 0."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import course_utils
from course_utils import environment


def test_setup_makes_runs_repeatable(capsys):
    import keras

    course_utils.setup(seed=7)
    first = (np.random.rand(3), keras.random.uniform((3,)).numpy())  # noqa: NPY002
    course_utils.setup(seed=7)
    second = (np.random.rand(3), keras.random.uniform((3,)).numpy())  # noqa: NPY002
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("Python ") and "TensorFlow" in line and "Keras" in line


@pytest.mark.parametrize("seed", [-1, 1.5, "42", True])
def test_setup_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match="seed"):
        course_utils.setup(seed=seed)


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("yes", True), ("0", False), ("", False)]
)
def test_fast_mode_reads_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_FAST", value)
    assert course_utils.fast_mode() is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("TRUE", True), (" on ", True), ("yes", True), ("0", False), ("no", False)],
)
def test_env_flag_is_the_one_reading_of_on_off_settings(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_SOMETHING", value)
    assert environment.env_flag("COURSE_SOMETHING") is expected
    monkeypatch.delenv("COURSE_SOMETHING")
    assert environment.env_flag("COURSE_SOMETHING") is False


def test_on_binder_reads_jupyterhubs_prefix(monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    assert not environment.on_binder()
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/someone/")
    assert environment.on_binder()


ROOT = Path(__file__).resolve().parent.parent


def test_requirements_bounds_match_requirements_txt():
    lower = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        found = re.match(r"([A-Za-z0-9_.-]+)\s*>=\s*(\d+)\.(\d+)", line)
        if found:
            lower[found[1].lower()] = (int(found[2]), int(found[3]))
    for package, minimum in environment.REQUIREMENTS.items():
        assert lower.get(package) == minimum, (
            f"{package}: check_environment wants {minimum}, requirements.txt says "
            f"{lower.get(package)}"
        )


def test_every_course_setting_is_in_the_readme_table():
    used = set()
    for folder in ("course_utils", "tests", "tools", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "test_environment.py":  # its made-up COURSE_SOMETHING
                continue
            used |= set(re.findall(r"\bCOURSE_[A-Z_]+[A-Z]\b", path.read_text()))
    documented = set(
        re.findall(r"^\| `(COURSE_[A-Z_]+)` \|", (ROOT / "README.md").read_text(), re.M)
    )
    assert used - documented == set(), "add these to the README's Settings table"
    assert documented - used == set(), "the README documents settings nothing reads"


def test_check_environment_passes_here_and_fails_on_old_versions(monkeypatch, capsys):
    assert environment.check_environment() is True
    monkeypatch.setitem(environment.REQUIREMENTS, "numpy", (99, 0))
    assert environment.check_environment() is False
    assert "needs 99.0 or newer" in capsys.readouterr().out


def test_version_comparison_tolerates_suffixes():
    assert environment._at_least("2.21.0rc1", (2, 16))
    assert not environment._at_least("2.9.1", (2, 16))


def test_setup_on_colab_turns_on_custom_widgets(fake_colab, capsys):
    assert environment.on_colab()
    course_utils.setup()
    assert fake_colab == [("enable_custom_widget_manager",)]


def test_setup_elsewhere_leaves_colab_alone():
    assert not environment.on_colab()
    course_utils.setup()  # would fail importing google.colab if it tried


def test_check_environment_accepts_colabs_ipywidgets_7_only_on_colab(monkeypatch, request):
    from importlib import metadata

    real = metadata.version
    monkeypatch.setattr(
        metadata, "version", lambda name: "7.7.1" if name == "ipywidgets" else real(name)
    )
    assert environment.check_environment() is False  # JupyterLab 4 needs ipywidgets 8
    request.getfixturevalue("fake_colab")
    assert environment.check_environment() is True
