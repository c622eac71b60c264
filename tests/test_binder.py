"""The Binder configuration (binder/) builds what requirements.txt promises.

repo2docker reads binder/ ahead of the repository's root files. These tests check the files'
formats and that the pins in binder/requirements.txt satisfy the ranges a learner installs,
so a change to either side that breaks the other fails here, not on mybinder.org.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
# Binder has no GPU: the CPU-only wheel of TensorFlow is the same library, a fraction the size.
RENAMED = {"tensorflow": "tensorflow-cpu"}
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9.+!_-]+)$")
DEBIAN_PACKAGE = re.compile(r"^[a-z0-9][a-z0-9+.-]+$")


def meaningful_lines(path: Path) -> list[str]:
    """The lines of a config file without comments and blank lines."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def ranges(path: Path) -> dict[str, Requirement]:
    """requirements.txt-style ranges, by canonical name."""
    return {canonicalize_name(r.name): r for r in map(Requirement, meaningful_lines(path))}


@pytest.fixture(scope="module")
def pins() -> dict[str, Version]:
    """binder/requirements.txt as {canonical name: pinned version} (format checked below)."""
    found = {}
    for line in meaningful_lines(BINDER / "requirements.txt"):
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match["name"])] = Version(match["version"])
    return found


def runtime_python() -> Version:
    lines = meaningful_lines(BINDER / "runtime.txt")
    assert len(lines) == 1, f"runtime.txt must hold one line like python-3.11, not {lines}"
    match = re.fullmatch(r"python-(3\.\d+)", lines[0])
    assert match, f"runtime.txt says {lines[0]!r}; repo2docker expects python-3.X, e.g. python-3.11"
    return Version(match[1])


def test_every_requirement_line_is_an_exact_pin_of_a_remote_package():
    lines = meaningful_lines(BINDER / "requirements.txt")
    assert lines, "binder/requirements.txt pins nothing"
    seen = set()
    for line in lines:
        assert not line.startswith(("-", ".", "/")), f"{line!r}: only remote packages, no options"
        assert PIN.match(line), (
            f"binder/requirements.txt: {line!r} is not of the form name==version"
        )
        try:
            requirement = Requirement(line)
        except InvalidRequirement as error:
            pytest.fail(f"binder/requirements.txt: {line!r} does not parse: {error}")
        assert requirement.url is None and requirement.marker is None, line
        assert [spec.operator for spec in requirement.specifier] == ["=="], line
        name = canonicalize_name(requirement.name)
        assert name not in seen, f"binder/requirements.txt pins {name} twice"
        seen.add(name)


def test_every_course_requirement_is_pinned_within_its_range(pins):
    for name, requirement in ranges(ROOT / "requirements.txt").items():
        pinned_name = RENAMED.get(name, name)
        assert pinned_name in pins, (
            f"{requirement} is in requirements.txt but {pinned_name} is not pinned"
        )
        version = pins[pinned_name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"binder pins {pinned_name}=={version}, outside requirements.txt's {requirement}"
        )


def test_tensorflow_is_the_cpu_build(pins):
    assert "tensorflow" not in pins, "pin tensorflow-cpu, not tensorflow (Binder has no GPU)"
    assert "tensorflow-cpu" in pins


def test_course_utils_dependencies_are_pinned_within_its_ranges(pins):
    # postBuild installs course_utils with --no-deps, so its own dependencies must be pinned.
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in map(Requirement, project["dependencies"]):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"course_utils needs {requirement}, which Binder does not pin"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"binder pins {name}=={pins[name]}, outside pyproject.toml's {requirement}"
        )
    assert "course-utils" not in pins, "course_utils is installed from the repository by postBuild"


def test_runtime_is_a_python_that_tensorflow_and_the_pins_support(pins):
    python = runtime_python()
    assert python >= Version("3.10"), (
        f"runtime.txt asks for Python {python}; the course needs 3.10+"
    )
    # Compare with the metadata of installed packages whose version matches the pin: this is
    # what pip on Binder will read. Packages installed here in another version are skipped.
    checked = []
    for name, version in pins.items():
        installed_name = {v: k for k, v in RENAMED.items()}.get(name, name)
        try:
            dist = importlib.metadata.distribution(installed_name)
        except importlib.metadata.PackageNotFoundError:
            continue
        if Version(dist.version) != version:
            continue
        requires_python = dist.metadata.get("Requires-Python")
        if requires_python:
            # repo2docker installs a recent patch release of 3.X, so ">=3.11.5" is fine for 3.11.
            assert SpecifierSet(requires_python).contains(Version(f"{python}.99")), (
                f"{name}=={version} requires Python {requires_python}, runtime.txt says {python}"
            )
        checked.append(name)
        if installed_name == "tensorflow":
            classifiers = dist.metadata.get_all("Classifier") or []
            assert f"Programming Language :: Python :: {python}" in classifiers, (
                f"TensorFlow {version} does not list Python {python} among its supported versions"
            )
    if not checked:
        pytest.skip("none of the pinned versions is installed here, so no metadata to compare")


def test_apt_txt_lists_one_debian_package_per_line():
    path = BINDER / "apt.txt"
    if not path.exists():
        pytest.skip("no binder/apt.txt")
    packages = meaningful_lines(path)
    assert packages, "binder/apt.txt is empty: delete it instead"
    for line in packages:
        assert DEBIAN_PACKAGE.match(line), f"apt.txt: {line!r} is not one Debian package name"
    assert len(packages) == len(set(packages)), "apt.txt lists a package twice"


def check_script(path: Path) -> list[str]:
    """Shared checks for postBuild and start; returns the script's lines."""
    assert os.access(path, os.X_OK), f"{path.name} must be executable (chmod +x binder/{path.name})"
    lines = path.read_text().splitlines()
    assert lines and lines[0] in ("#!/bin/bash", "#!/usr/bin/env bash"), (
        f"{path.name} must start with a bash shebang, not {lines[:1]}"
    )
    if shutil.which("bash"):
        result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, f"{path.name} has a bash syntax error: {result.stderr}"
    return lines


def commands(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines[1:] if line.strip() and not line.strip().startswith("#")]


def test_postbuild_is_strict_installs_course_utils_without_dependencies_and_fetches_the_datasets():
    steps = commands(check_script(BINDER / "postBuild"))
    assert steps and steps[0] == "set -euo pipefail", "postBuild must begin with set -euo pipefail"
    installs = [step for step in steps if re.search(r"\bpip3? install\b", step)]
    assert installs, "postBuild must install course_utils"
    for step in installs:
        assert "--no-deps" in step, f"{step!r} would re-resolve the pinned dependencies"
        assert "-r " not in step and "requirements" not in step, step
    assert any(re.search(r"\s(-e\s+)?\.$", step) for step in installs), (
        "postBuild must install the repository itself (pip install --no-deps -e .)"
    )
    for dataset in ("mnist", "fashion-mnist"):
        assert any(f"prefetch('{dataset}')" in step for step in steps), f"no prefetch of {dataset}"


def test_start_script_hands_over_to_the_server():
    path = BINDER / "start"
    if not path.exists():
        pytest.skip("no binder/start (not needed)")
    steps = commands(check_script(path))
    assert steps and steps[-1] == 'exec "$@"', 'binder/start must end with exec "$@"'


def test_readme_binder_badge_opens_lesson_0():
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"https://mybinder\.org/v2/gh/[^)\s\"']+", readme)
    assert links, "README.md has no Launch on Binder link"
    for link in links:
        query = parse_qs(urlparse(link).query)
        assert "urlpath" in query, f"{link}: add urlpath=lab/tree/notebooks/00_start_here.ipynb"
        target = unquote(query["urlpath"][0])
        assert target.startswith("lab/tree/"), f"{link}: urlpath should open JupyterLab"
        assert (ROOT / target.removeprefix("lab/tree/")).is_file(), f"{link}: no {target}"


THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)


def start_environment(**env: str) -> dict[str, str]:
    """The thread settings binder/start hands to the server, given JupyterHub's variables."""
    base = {k: v for k, v in os.environ.items() if k not in (*THREAD_VARIABLES, "CPU_LIMIT")}
    result = subprocess.run(
        [str(BINDER / "start"), "env"],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {k: v for k, v in pairs if k in THREAD_VARIABLES}


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize(("limit", "threads"), [("1.0", "1"), ("0.5", "1"), ("2", "2")])
def test_start_sizes_thread_pools_to_binders_cpu_limit(limit, threads):
    assert start_environment(CPU_LIMIT=limit) == dict.fromkeys(THREAD_VARIABLES, threads)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_start_leaves_threads_alone_without_a_limit_or_when_set():
    assert start_environment() == {}
    assert start_environment(CPU_LIMIT="lots") == {}
    assert start_environment(CPU_LIMIT="1", OMP_NUM_THREADS="3")["OMP_NUM_THREADS"] == "3"


def fake_command(folder: Path, name: str, script: str) -> None:
    """A stand-in ``name`` on PATH: a bash script."""
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(f"#!/bin/bash\n{script}\n")
    (folder / name).chmod(0o755)


def jupyterlab_settings(app_dir: Path) -> Path:
    """Where a JupyterLab whose application directory is ``app_dir`` finds the course's file."""
    return app_dir / "settings" / "overrides.d" / "course.json"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_postbuild_runs_its_steps_from_the_repository_root(tmp_path):
    # Run the real script with stand-ins for `python` (records its arguments and working
    # directory instead of installing anything) and `jupyter` (names an application folder).
    log, bin_dir, app = tmp_path / "calls.log", tmp_path / "bin", tmp_path / "app"
    fake_command(bin_dir, "python", f'echo "$PWD|$*" >> "{log}"')
    fake_command(bin_dir, "jupyter", f'echo "Application directory:   {app}"')
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [str(BINDER / "postBuild")], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    calls = [line.split("|", 1) for line in log.read_text().splitlines()]
    assert calls, "postBuild ran no python command"
    assert {cwd for cwd, _ in calls} == {str(ROOT)}, f"steps ran in {calls}, not the repo root"
    assert any("pip install" in args and "--no-deps" in args for _, args in calls)
    for dataset in ("mnist", "fashion-mnist"):
        assert any(f"prefetch('{dataset}')" in args for _, args in calls), dataset
    installed = jupyterlab_settings(app)
    assert installed.read_text() == (BINDER / "jupyterlab-overrides.json").read_text()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_lab_installs_the_same_jupyterlab_settings(tmp_path):
    app = tmp_path / "app"
    fake_command(tmp_path / "bin", "jupyter", f'echo "Application directory:   {app}"')
    result = subprocess.run(
        ["make", "--no-print-directory", "lab-settings", f"BIN={tmp_path / 'bin'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (
        jupyterlab_settings(app).read_text() == (BINDER / "jupyterlab-overrides.json").read_text()
    )


def test_fashion_mnist_comes_from_postbuild_not_an_unchecked_apt_package():
    # Whether Ubuntu 24.04, Binder's base image, has dataset-fashion-mnist was never checked;
    # if apt could not find it, the whole Binder build would fail. postBuild fetches it
    # (test_postbuild_is_strict_..._fetches_the_datasets).
    path = BINDER / "apt.txt"
    assert "dataset-fashion-mnist" not in (meaningful_lines(path) if path.exists() else [])


@pytest.mark.slow
def test_jupyterlab_serves_the_course_settings_no_news_question(tmp_path):
    """A real JupyterLab reading the course's file: lesson 0 opens without the news pop-up."""
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed here (Colab's run)")
    import browser_helpers as bh
    from jupyterlab.labapp import LabApp

    # The folder postBuild and `make lab` compute is the one JupyterLab reads by default.
    listed = subprocess.run(
        [sys.executable, "-m", "jupyterlab", "path"], capture_output=True, text=True, check=True
    ).stdout
    app_dir = re.search(r"^Application directory:\s*(.+)$", listed, re.M)[1].strip()
    assert Path(LabApp().app_settings_dir) == Path(app_dir) / "settings"

    installed = jupyterlab_settings(tmp_path / "app")  # as postBuild installs it
    installed.parent.mkdir(parents=True)
    shutil.copy(BINDER / "jupyterlab-overrides.json", installed)
    (tmp_path / "root").mkdir()
    lab = bh.start_lab(
        tmp_path / "root",
        tmp_path / "state",
        bh.environment(),
        test_settings=False,  # the test sessions' own settings would hide the course's
        extra_args=(f"--LabApp.app_settings_dir={tmp_path / 'app' / 'settings'}",),
    )
    try:
        request = urllib.request.Request(
            f"{lab.base}/lab/api/settings/@jupyterlab/apputils-extension:notification",
            headers={"Authorization": f"token {lab.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            served = json.loads(response.read())
    finally:
        lab.stop()
    # Overrides change the defaults that the page's settings start from.
    defaults = {k: v.get("default") for k, v in served["schema"]["properties"].items()}
    assert served["settings"] == {}, "no user settings here: only the course's defaults count"
    assert defaults["fetchNews"] == "false", defaults  # JupyterLab's own default asks: "none"
    assert defaults["checkForUpdates"] is False, defaults
