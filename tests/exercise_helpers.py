"""What the exercise tests share: run code as a notebook cell would, read an untouched answer
cell, put a typical slip into a reference solution or a right list, check that a wrong answer
gets its message, the two tests every exercise notebook gets (its solutions are correct, its
placeholders are not attempted), and ``progress_file``, which keeps checks from recording into
the real user's progress file.
"""

from __future__ import annotations

import runpy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import nbformat
import pytest

from course_utils.exercises import Exercise, Result, State, progress

EXERCISE_NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks" / "exercises"


@dataclass(frozen=True)
class ExerciseNotebook:
    """One exercise notebook: the module holding its questions, its file name in
    notebooks/exercises, and the code its earlier cells run before the answer cells."""

    module: ModuleType
    filename: str
    preamble: str = ""

    def question(self, name: str) -> Exercise:
        """The question called ``name`` ("q1", "q2", ...) in the notebook's module."""
        return getattr(self.module, name)

    def run_cell(self, source: str, tmp_path: Path) -> dict[str, Any]:
        """Run code as a notebook cell would, from a file so that inspect can read its functions."""
        # A new file per call: inspect and linecache must not see an earlier cell's source.
        path = tmp_path / f"cell{len(list(tmp_path.glob('cell*.py')))}.py"
        path.write_text(self.preamble + source)
        return runpy.run_path(str(path))

    def answer_cell(self, name: str) -> str:
        """The source of the answer cell for question ``name``, as the learner first sees it."""
        tag = f"answer:{self.module.__name__.rpartition('.')[2]}.{name}"
        for cell in nbformat.read(EXERCISE_NOTEBOOKS / self.filename, as_version=4).cells:
            if tag in cell.metadata.get("tags", []):
                return cell.source
        raise AssertionError(f"no answer cell for {name}")

    def with_slip(self, name: str, *replacements: tuple[str, str]) -> str:
        """The reference solution of ``name`` with each ``(old, new)`` replacement made."""
        code = self.question(name).solution_code
        for old, new in replacements:
            # A slip that no longer matches would silently test the right answer.
            assert old in code, f"{old!r} is not in the solution of {name}"
            code = code.replace(old, new)
        return code


@pytest.fixture(autouse=True)
def progress_file(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> Path:
    """Checks record into a temporary progress file, never the real user's.

    Autouse in every test module that imports it: ``from exercise_helpers import
    progress_file``.
    """
    path = tmp_path_factory.mktemp("progress") / "progress.json"
    monkeypatch.setenv(progress.PROGRESS_ENV, str(path))
    return path


def with_item(right: Sequence[Any], index: int, value: Any) -> list[Any]:
    """A copy of the list ``right`` with the item at ``index`` replaced by ``value``."""
    answer = list(right)
    answer[index] = value
    return answer


def assert_incorrect(result: Result, message: str) -> None:
    """The check said Incorrect, and ``message`` is part of what it told the learner."""
    # pytest does not rewrite asserts outside test files: each assert says what it saw.
    assert result.state is State.INCORRECT, result
    assert message in result.message, result.message


def notebook_tests(
    notebook: ExerciseNotebook, answers: dict[str, str | tuple[str, ...]]
) -> tuple[Callable[..., None], Callable[..., None]]:
    """``test_solutions_are_correct`` and ``test_placeholders_are_not_attempted`` for a notebook
    whose question ``name`` leaves its answer in the variable ``answers[name]`` (or in several
    variables, checked as a tuple: ``("model", "history")`` for ``check((model, history))``).

    A test module assigns them to those two names, so that pytest collects them there.
    """

    def answer_of(name: str, found: dict[str, Any]) -> Any:
        names = answers[name]
        return found[names] if isinstance(names, str) else tuple(found[n] for n in names)

    @pytest.mark.parametrize("name", answers)
    def test_solutions_are_correct(tmp_path: Path, name: str) -> None:
        found = notebook.run_cell(notebook.question(name).solution_code, tmp_path)
        # pytest does not rewrite asserts outside test files: the Result says what went wrong.
        result = notebook.question(name).check(answer_of(name, found))
        assert result.state is State.CORRECT, result

    @pytest.mark.parametrize("name", answers)
    def test_placeholders_are_not_attempted(tmp_path: Path, name: str) -> None:
        assert "____" in notebook.answer_cell(name)
        found = notebook.run_cell(notebook.answer_cell(name), tmp_path)
        result = notebook.question(name).check(answer_of(name, found))
        assert result.state is State.NOT_ATTEMPTED, result

    return test_solutions_are_correct, test_placeholders_are_not_attempted
