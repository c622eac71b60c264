"""Lesson 0's warm-up question: the reference answer, typical wrong ones, the placeholder."""

import numpy as np
import pytest
from exercise_helpers import progress_file  # noqa: F401  (autouse: a temporary progress file)

from course_utils.exercises import State, ____, lesson0

q = lesson0.pixels_per_image


def test_reference_answer_is_correct():
    assert q.check(28 * 28).state is State.CORRECT
    assert q.check(np.prod((28, 28))).state is State.CORRECT  # NumPy integers count too


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (28, "width of one row"),
        (28 * 28 * 3, "grayscale"),
        (100, "28 pixels wide"),
        ("784", "whole number"),
    ],
)
def test_typical_wrong_answers_get_their_own_message(answer, message):
    result = q.check(answer)
    assert result.state is State.INCORRECT and message in result.message


def test_placeholder_is_not_attempted():
    assert q.check(____).state is State.NOT_ATTEMPTED


def test_solution_is_code_that_passes(monkeypatch):
    monkeypatch.setenv("COURSE_STRICT", "1")  # a wrong solution would raise AssertionError
    exec(q.solution_code, {"lesson0": lesson0})
