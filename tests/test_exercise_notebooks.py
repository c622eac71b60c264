"""The exercise notebooks, run for real.

As committed, every check says "Not attempted yet" and no cell fails. Filled with the reference
solutions by tools/fill_exercises.py and run with COURSE_STRICT=1 (a check that is not correct
raises), every check says "Correct". Each run uses a fresh kernel in notebooks/exercises, in
fast mode. Also: every answer cell belongs to a question with a solution, and every question
of the exercise modules has its answer and check cells in a notebook.

Nothing here lists the notebooks or modules: they are found in notebooks/exercises/ and in
the package course_utils.exercises (a module with questions is one that defines Exercises).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
from pathlib import Path

import nbformat
import pytest

import course_utils.exercises
from course_utils.exercises import Exercise

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "notebooks" / "exercises"
NOTEBOOKS = sorted(EXERCISES.glob("*.ipynb"))
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# `from course_utils.exercises.lesson1 import q1, q2`, `from course_utils.exercises import lesson0`
IMPORT = re.compile(r"^from course_utils\.exercises(?:\.(\w+))? import ([\w, ]+)$", re.MULTILINE)


def _load_fill_tool():
    spec = importlib.util.spec_from_file_location(
        "fill_exercises", ROOT / "tools/fill_exercises.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fill_exercises = _load_fill_tool()


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def question_modules() -> dict[str, dict[str, Exercise]]:
    """Each module of course_utils.exercises that defines questions, with its questions."""
    found = {}
    for info in pkgutil.iter_modules(course_utils.exercises.__path__):
        module = importlib.import_module(f"course_utils.exercises.{info.name}")
        mine = {k: v for k, v in vars(module).items() if isinstance(v, Exercise)}
        if mine:
            found[info.name] = mine
    return found


def questions() -> dict[str, Exercise]:
    """Every question of the exercise modules, keyed like the cell tags: "lesson1.q1"."""
    return {
        f"{module}.{name}": question
        for module, mine in question_modules().items()
        for name, question in mine.items()
    }


def imported_modules(nb: nbformat.NotebookNode) -> set[str]:
    """The question modules a notebook's code cells import."""
    modules = question_modules()
    found = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for module, names in IMPORT.findall(cell.source):
            found |= {module} if module else {n.strip() for n in names.split(",")} & set(modules)
    return found


def tagged_modules(nb: nbformat.NotebookNode) -> set[str]:
    return {key.split(".")[0] for key in fill_exercises.tagged(nb, "answer")}


# --- structure: fast ------------------------------------------------------------------------


def test_exercise_notebooks_are_found():
    assert NOTEBOOKS and LESSONS
    assert all(re.fullmatch(r"\d\d_\w+\.ipynb", path.name) for path in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_notebook_imports_the_module_its_answer_cells_name(path):
    nb = read(path)
    assert tagged_modules(nb), "an exercise notebook without questions"
    assert imported_modules(nb) == tagged_modules(nb)


def test_every_lesson_has_exercises():
    """Each lesson has an exercise notebook with its number, or asks its questions itself."""
    numbers = {path.name[:2] for path in NOTEBOOKS}
    for lesson in LESSONS:
        assert lesson.name[:2] in numbers or imported_modules(read(lesson)), lesson.name


def test_every_question_module_has_a_notebook_and_a_test_file():
    in_exercises = set().union(*(tagged_modules(read(path)) for path in NOTEBOOKS))
    in_lessons = set().union(*(imported_modules(read(path)) for path in LESSONS))
    for module in question_modules():
        assert module in in_exercises | in_lessons, f"no notebook uses {module}"
        assert (ROOT / "tests" / f"test_exercises_{module}.py").exists(), module


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    for cell in read(path).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_answer_cell_has_a_question_and_a_check_cell(path):
    nb = read(path)
    answers, checks = fill_exercises.tagged(nb, "answer"), fill_exercises.tagged(nb, "check")
    assert answers, "an exercise notebook without questions"
    assert set(answers) == set(checks)
    known = questions()
    order = [id(cell) for cell in nb.cells]
    for key, cell in answers.items():
        assert key in known, f"answer:{key} names no question of course_utils.exercises"
        assert known[key].solution_code.strip()
        assert "____" in cell.source, f"the answer cell of {key} has no blank to fill in"
        name = key.split(".")[1]
        check = checks[key]
        assert check.source.startswith(f"{name}.check(")
        # The check comes right after its answer cell, and the hint cell right after that.
        at = order.index(id(cell))
        assert order[at + 1] == id(check)
        assert nb.cells[at + 2].source == f"# {name}.hint()\n# {name}.solution()"


def test_every_question_of_a_notebooks_module_appears_in_exactly_one_notebook():
    tags = [key for path in NOTEBOOKS for key in fill_exercises.tagged(read(path), "answer")]
    modules = {key.split(".")[0] for key in tags}
    expected = [key for key in questions() if key.split(".")[0] in modules]
    assert sorted(tags) == sorted(expected)


def test_fill_replaces_each_answer_with_its_solution():
    nb = read(NOTEBOOKS[0])
    key = next(iter(fill_exercises.tagged(nb, "answer")))
    filled = fill_exercises.fill(nb)
    answers = fill_exercises.tagged(filled, "answer")
    assert answers[key].source == questions()[key].solution_code
    assert all("____" not in cell.source for cell in answers.values())
    assert "____" in fill_exercises.tagged(nb, "answer")[key].source  # a copy


def test_fill_rejects_a_tag_without_a_question():
    nb = read(NOTEBOOKS[0])
    key, cell = next(iter(fill_exercises.tagged(nb, "answer").items()))
    cell.metadata["tags"] = [f"answer:{key.split('.')[0]}.q99"]
    with pytest.raises(ValueError, match="no question q99"):
        fill_exercises.fill(nb)


# --- running them: slow ---------------------------------------------------------------------


def execute(nb: nbformat.NotebookNode, monkeypatch, strict: bool) -> nbformat.NotebookNode:
    from nbclient import NotebookClient  # noqa: PLC0415

    # The kernel inherits this environment: fast-mode data, and strict checks or not.
    monkeypatch.setenv("COURSE_FAST", "1")
    if strict:
        monkeypatch.setenv("COURSE_STRICT", "1")
    else:
        monkeypatch.delenv("COURSE_STRICT", raising=False)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(EXERCISES)}}
    )
    client.execute()  # raises CellExecutionError if any cell raises
    return nb


def check_results(nb: nbformat.NotebookNode) -> dict[str, str]:
    """What each check cell displayed, as plain text."""
    results = {}
    for key, cell in fill_exercises.tagged(nb, "check").items():
        shown = [o["data"]["text/plain"] for o in cell.outputs if o.output_type == "execute_result"]
        assert len(shown) == 1, f"{key}: {cell.outputs}"
        results[key] = shown[0]
    return results


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_as_committed_every_check_is_not_attempted(path, monkeypatch):
    results = check_results(execute(read(path), monkeypatch, strict=False))
    for key, text in results.items():
        assert text.startswith("Not attempted yet"), f"{key}: {text}"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_filled_with_the_solutions_every_check_is_correct(path, monkeypatch):
    nb = execute(fill_exercises.fill(read(path)), monkeypatch, strict=True)
    results = check_results(nb)
    for key, text in results.items():
        assert text == "Correct", f"{key}: {text}"
