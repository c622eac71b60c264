"""The exercise notebooks, run for real, and the "predict, then run" questions of the lessons.

As committed, every check says "Not attempted yet" and no cell fails. Filled with the reference
solutions by tools/fill_exercises.py and run with COURSE_STRICT=1 (a check that is not correct
raises), every check says "Correct", and the progress table of the last cell shows every
question solved. Each run uses a fresh kernel in notebooks/exercises, in fast mode, with its
progress file in a temporary folder. Also: every answer cell belongs to a question with a
solution, and every question of the exercise modules has its answer and check cells in a
notebook.

Prediction modules (``lessonN_predictions``) are imported by lesson N's notebook, never
filled: each question is one ``pK.check(____)`` cell whose stored output says "Not attempted
yet".

Nothing here lists the notebooks or modules: they are found in notebooks/exercises/ and in
the package course_utils.exercises (a module with questions is one that defines Exercises).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pytest

from course_utils.exercises import Exercise, State, progress

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "notebooks" / "exercises"
NOTEBOOKS = sorted(EXERCISES.glob("*.ipynb"))
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PACKAGE = "course_utils.exercises"


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


question_modules = progress.question_modules
PREDICTIONS = re.compile(r"lesson(\d+)_predictions")


def prediction_modules() -> list[str]:
    return [name for name in question_modules() if PREDICTIONS.fullmatch(name)]


def questions() -> dict[str, Exercise]:
    """Every question of the exercise modules, keyed like the cell tags: "lesson1.q1"."""
    return {
        f"{module}.{name}": question
        for module, mine in question_modules().items()
        for name, question in mine.items()
    }


def imported_modules(nb: nbformat.NotebookNode) -> set[str]:
    """The question modules a notebook's code cells import."""
    modules, found = question_modules(), set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # a cell with IPython syntax (%pip) imports no question module
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or node.module is None:
                continue
            if node.module == PACKAGE:  # from course_utils.exercises import ____, lesson0
                found |= {alias.name for alias in node.names}
            elif node.module.startswith(PACKAGE + "."):
                found.add(node.module.removeprefix(PACKAGE + "."))
    return found & set(modules)


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


def test_prediction_modules_are_not_in_exercise_notebooks():
    in_exercises = set().union(*(imported_modules(read(path)) for path in NOTEBOOKS))
    assert not in_exercises & set(prediction_modules())


@pytest.mark.parametrize("module", prediction_modules())
def test_predictions_are_asked_unanswered_in_their_lesson(module):
    number = int(PREDICTIONS.fullmatch(module).group(1))
    lessons = [path for path in LESSONS if module in imported_modules(read(path))]
    assert [path.name[:2] for path in lessons] == [f"{number:02d}"], lessons
    cells = [cell for cell in read(lessons[0]).cells if cell.cell_type == "code"]
    for name in question_modules()[module]:
        asking = [cell for cell in cells if re.search(rf"\b{name}\.check\(", cell.source)]
        assert len(asking) == 1, f"{module}.{name}: {len(asking)} cells call {name}.check("
        cell = asking[0]
        assert "____" in cell.source, f"{module}.{name} is committed answered"
        assert cell.source.startswith("# NBVAL_CHECK_OUTPUT"), f"{module}.{name}"
        shown = [o.get("data", {}).get("text/plain", "") for o in cell.outputs]
        assert any(text.startswith("Not attempted yet") for text in shown), (name, shown)


@pytest.mark.parametrize("module", prediction_modules())
def test_each_prediction_accepts_its_own_answer(module, monkeypatch, tmp_path):
    monkeypatch.setenv(progress.PROGRESS_ENV, str(tmp_path / "progress.json"))
    for name, question in question_modules()[module].items():
        answer = eval(question.solution_code)  # a prediction's solution is its answer's repr
        assert question.check(answer).state is State.CORRECT, f"{module}.{name}"


def test_every_exercise_question_has_hints_in_steps():
    """A nudge first and something close to the answer last: at least two hints."""
    in_exercises = set().union(*(tagged_modules(read(path)) for path in NOTEBOOKS))
    for key, question in questions().items():
        if key.split(".")[0] in in_exercises:
            assert len(question.hints) >= 2, key


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_last_cell_shows_progress(path):
    cells = [cell for cell in read(path).cells if cell.cell_type == "code"]
    assert "progress.show()" in cells[-1].source


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


def execute(
    nb: nbformat.NotebookNode, monkeypatch, strict: bool, progress_file: Path
) -> nbformat.NotebookNode:
    from nbclient import NotebookClient  # noqa: PLC0415

    # The kernel inherits this environment: fast-mode data, strict checks or not, and a
    # progress file of its own (never the real user's, never in the repository).
    monkeypatch.setenv("COURSE_FAST", "1")
    monkeypatch.setenv(progress.PROGRESS_ENV, str(progress_file))
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


def shown_progress(nb: nbformat.NotebookNode) -> str:
    """What the last cell (progress.show()) displayed, as plain text."""
    last = [cell for cell in nb.cells if cell.cell_type == "code"][-1]
    shown = [o["data"]["text/plain"] for o in last.outputs if o.output_type == "execute_result"]
    assert len(shown) == 1, last.outputs
    return shown[0]


def progress_line(shown: str, key: str) -> str:
    """The line of the progress table that lists the module of ``key`` ("lesson1.q1")."""
    module = key.split(".")[0]
    title = progress.module_title(module)
    return next(line for line in shown.splitlines() if line.startswith(title + " "))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_as_committed_every_check_is_not_attempted(path, monkeypatch, tmp_path):
    nb = execute(read(path), monkeypatch, strict=False, progress_file=tmp_path / "progress.json")
    results = check_results(nb)
    for key, text in results.items():
        assert text.startswith("Not attempted yet"), f"{key}: {text}"
    assert not (tmp_path / "progress.json").exists()  # "not attempted" records nothing
    line = progress_line(shown_progress(nb), next(iter(results)))
    assert f"0 of {len(results)} solved" in line, line


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_filled_with_the_solutions_every_check_is_correct(path, monkeypatch, tmp_path):
    saved = tmp_path / "progress.json"
    nb = execute(fill_exercises.fill(read(path)), monkeypatch, strict=True, progress_file=saved)
    results = check_results(nb)
    for key, text in results.items():
        assert text == "Correct", f"{key}: {text}"
    line = progress_line(shown_progress(nb), next(iter(results)))
    assert f"{len(results)} of {len(results)} solved" in line, line
    assert set(results) <= {k for k, v in read_progress(saved).items() if v["solved"]}


def read_progress(path: Path) -> dict:
    return json.loads(path.read_text())["questions"]
