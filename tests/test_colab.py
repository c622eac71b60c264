"""Colab and Binder links, and the first cell that installs course_utils on Colab.

Every link is built from one address, pyproject.toml's [project.urls] Repository, by
tools/set_repository.py; these tests fail when a notebook, a badge or that address disagree.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("set_repository", ROOT / "tools/set_repository.py")
set_repository = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(set_repository)

SLUG = set_repository.repository()
NOTEBOOKS = set_repository.notebooks()
README = (ROOT / "README.md").read_text()


def names(paths: list[Path]) -> list[str]:
    return [str(path.relative_to(ROOT)) for path in paths]


def test_the_repository_address_is_a_github_slug():
    assert set_repository.SLUG.match(SLUG), f"pyproject.toml's Repository gives {SLUG!r}"


def test_every_link_in_the_readme_uses_the_repository_address():
    links = re.findall(r"https://(?:mybinder\.org|colab\.research\.google\.com)/[^)\s]+", README)
    assert links
    for link in links:
        if link.endswith(".svg"):  # a badge's image, not a link to the repository
            continue
        assert f"/{SLUG}/" in link, f"{link} does not point at {SLUG}: run tools/set_repository.py"


def test_every_notebook_has_a_colab_badge_that_opens_it():
    targets = re.findall(r"https://colab\.research\.google\.com/github/[^)\s]+", README)
    opened = sorted(set_repository.colab_url(SLUG, name) for name in names(NOTEBOOKS))
    assert sorted(set(targets)) == opened
    assert "colab-badge.svg" in README


def test_the_binder_badge_is_built_from_the_repository_address():
    assert set_repository.binder_url(SLUG) in README


@pytest.mark.parametrize("path", NOTEBOOKS, ids=names(NOTEBOOKS))
def test_first_code_cell_installs_course_utils_on_colab(path):
    nb = nbformat.read(path, as_version=4)
    first = next(cell for cell in nb.cells if cell.cell_type == "code")
    assert first.source == set_repository.colab_cell_source(SLUG), (
        f"{path.name}: run tools/set_repository.py to put the Colab cell first"
    )
    assert not first.outputs, "the Colab cell prints nothing outside Colab"


class RecordingShell:
    """Stands in for IPython's shell: records the magics a cell runs."""

    def __init__(self) -> None:
        self.magics: list[tuple[str, str]] = []

    def run_line_magic(self, name: str, line: str) -> None:
        self.magics.append((name, line))


def run_colab_cell() -> list[tuple[str, str]]:
    """Execute the Colab cell as IPython would, returning the magics it ran."""
    code = TransformerManager().transform_cell(set_repository.colab_cell_source(SLUG))
    shell = RecordingShell()
    exec(code, {"get_ipython": lambda: shell})  # noqa: S102 - our own cell
    return shell.magics


def test_colab_cell_does_nothing_elsewhere():
    assert run_colab_cell() == []


def test_colab_cell_pip_installs_from_github_on_colab(fake_colab):
    [(magic, line)] = run_colab_cell()
    assert magic == "pip"
    assert shlex.split(line) == [
        "install",
        "--quiet",
        f"course_utils[colab] @ git+https://github.com/{SLUG}",
    ]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_what_the_colab_cell_names_installs_from_a_git_repository(tmp_path, fake_colab):
    # The same requirement, with a local clone in place of GitHub (no network here):
    # proves that the repository builds as a package, with its extra and its subpackages.
    clone = tmp_path / "clone"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(clone)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "snapshot"], check=True)

    [(_, line)] = run_colab_cell()
    args = [arg.replace(f"https://github.com/{SLUG}", clone.as_uri()) for arg in shlex.split(line)]
    target = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "pip", *args, "--no-deps", "--no-build-isolation"]
        + ["--target", str(target)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    check = subprocess.run(
        [sys.executable, "-c", "import course_utils.exercises.lesson1, course_utils; print(1)"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert check.stdout.strip() == "1", check.stderr[-2000:]
    assert (target / "course_utils" / "exercises" / "lesson1.py").is_file()


def test_set_repository_moves_every_link_to_a_new_address(tmp_path):
    new = "ada-lovelace/cnn-course"
    readme = set_repository.set_readme(README, new)
    assert f"/{SLUG}/" not in readme.replace(f"/{new}/", "")
    assert set_repository.binder_url(new) in readme
    for name in names(NOTEBOOKS):
        assert set_repository.colab_url(new, name) in readme
    pyproject = set_repository.set_pyproject((ROOT / "pyproject.toml").read_text(), new)
    assert f'Repository = "https://github.com/{new}"' in pyproject

    copy = tmp_path / "lesson.ipynb"
    shutil.copy(NOTEBOOKS[0], copy)
    assert set_repository.set_colab_cell(copy, new) is True
    assert set_repository.set_colab_cell(copy, new) is False  # idempotent
    cells = nbformat.read(copy, as_version=4).cells
    codes = [cell for cell in cells if cell.cell_type == "code"]
    assert codes[0].source == set_repository.colab_cell_source(new)
    assert sum(cell.get("id") == set_repository.CELL_ID for cell in cells) == 1
    assert len(cells) == len(nbformat.read(NOTEBOOKS[0], as_version=4).cells)
