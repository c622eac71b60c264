"""The tests every "predict, then run" module gets (``course_utils.exercises.lessonN_predictions``).

``prediction_tests(module, guesses)`` returns two test functions; a test module assigns them
to names starting with ``test_``, so that pytest collects them there:

- ``test_each_question``: its answer (its ``solution_code``) is Correct, the untouched
  ``____`` is Not attempted yet, and it has hints and a name that starts "Prediction K: ";
- ``test_each_guess``: each wrong guess gets a message containing the expected words (a
  typical slip its own message, any other guess the reasoning, ``why``).

Checks are recorded in a progress file of the test's own, never the real one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import pytest
from exercise_helpers import assert_incorrect

from course_utils.exercises import Exercise, State, ____, progress

Case = tuple[str, Any, str]  # (question name, guess, part of the expected message)


def questions(module: ModuleType) -> dict[str, Exercise]:
    """The questions ``p1``, ``p2``, ... of a predictions module, by name."""
    return {name: q for name, q in vars(module).items() if isinstance(q, Exercise)}


def answer(question: Exercise) -> Any:
    """A prediction's answer: its ``solution_code`` is the answer's repr."""
    return eval(question.solution_code)


def prediction_tests(
    module: ModuleType, guesses: Sequence[Case]
) -> tuple[Callable[..., None], Callable[..., None]]:
    """The two tests of a predictions module (see the module docstring)."""
    asked = questions(module)
    unknown = {name for name, _, _ in guesses} - set(asked)
    if unknown:
        raise ValueError(f"guesses name questions {module.__name__} does not have: {unknown}")

    @pytest.mark.parametrize("name", asked)
    def test_each_question(monkeypatch, tmp_path, name):
        saved = tmp_path / "progress.json"
        monkeypatch.setenv(progress.PROGRESS_ENV, str(saved))
        question = asked[name]
        assert question.hints, name
        assert question.name.startswith(f"Prediction {name[1:]}: "), question.name
        result = question.check(____)
        assert result.state is State.NOT_ATTEMPTED, result
        assert not saved.exists()  # "not attempted" records nothing
        result = question.check(answer(question))
        assert result.state is State.CORRECT, result

    @pytest.mark.parametrize(("name", "guess", "message"), guesses)
    def test_each_guess(monkeypatch, tmp_path, name, guess, message):
        monkeypatch.setenv(progress.PROGRESS_ENV, str(tmp_path / "progress.json"))
        assert_incorrect(asked[name].check(guess), message)

    return test_each_question, test_each_guess
