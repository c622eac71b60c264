"""The tests every "predict, then run" module gets (``course_utils.exercises.lessonN_predictions``).

``prediction_tests(module, slips, other_guesses)`` returns five test functions; a test module
assigns them to names starting with ``test_``, so that pytest collects them there:

- each question's answer (its ``solution_code``) is Correct;
- each typical slip gets its own message, and any other guess the reasoning (``why``);
- the untouched ``____`` is Not attempted yet;
- each question has hints and a name that starts "Prediction K: ".

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
    module: ModuleType, slips: Sequence[Case], other_guesses: Sequence[Case]
) -> tuple[Callable[..., None], ...]:
    """The five tests of a predictions module (see the module docstring)."""
    asked = questions(module)

    def check(monkeypatch, tmp_path, name: str, guess: Any):
        monkeypatch.setenv(progress.PROGRESS_ENV, str(tmp_path / "progress.json"))
        return asked[name].check(guess)

    @pytest.mark.parametrize("name", asked)
    def test_the_answer_is_correct(monkeypatch, tmp_path, name):
        result = check(monkeypatch, tmp_path, name, answer(asked[name]))
        assert result.state is State.CORRECT, result

    @pytest.mark.parametrize(("name", "guess", "message"), slips)
    def test_a_typical_slip_gets_its_own_message(monkeypatch, tmp_path, name, guess, message):
        assert_incorrect(check(monkeypatch, tmp_path, name, guess), message)

    @pytest.mark.parametrize(("name", "guess", "reason"), other_guesses)
    def test_any_other_guess_gets_the_reasoning(monkeypatch, tmp_path, name, guess, reason):
        assert_incorrect(check(monkeypatch, tmp_path, name, guess), reason)

    @pytest.mark.parametrize("name", asked)
    def test_the_blank_is_not_attempted(monkeypatch, tmp_path, name):
        result = check(monkeypatch, tmp_path, name, ____)
        assert result.state is State.NOT_ATTEMPTED, result
        assert not (tmp_path / "progress.json").exists()  # "not attempted" records nothing

    @pytest.mark.parametrize("name", asked)
    def test_every_question_has_hints_and_a_numbered_name(name):
        question = asked[name]
        assert question.hints, name
        assert question.name.startswith(f"Prediction {name[1:]}: "), question.name

    return (
        test_the_answer_is_correct,
        test_a_typical_slip_gets_its_own_message,
        test_any_other_guess_gets_the_reasoning,
        test_the_blank_is_not_attempted,
        test_every_question_has_hints_and_a_numbered_name,
    )
