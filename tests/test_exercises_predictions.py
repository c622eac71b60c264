"""'Predict, then run' questions (course_utils.exercises.predictions): the answer and its kinds,
slips with their own message, a wrong guess told why, the blank not attempted."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_helpers import (
    assert_incorrect,
    progress_file,  # noqa: F401  (autouse: checks record into a temporary file)
)

from course_utils.exercises import Exercise, State, ____
from course_utils.exercises.predictions import prediction

SHAPE = prediction(
    "Prediction 1: the output shape",
    answer=(26, 26, 32),
    why="a 3x3 kernel fits 28 - 3 + 1 = 26 times, and a Conv2D gives one channel per filter.",
    slips={(28, 28, 32): "Without padding the output is smaller than the input."},
    hints=["How many positions does a 3x3 kernel have along 28 pixels?"],
)
COUNT = prediction("Parameters", answer=320, why="32 filters of 3 x 3 x 1 weights, plus 32 biases.")
WORD = prediction("Which wins", answer="Max", why="max pooling keeps the largest value.")
FLAG = prediction("Same?", answer=True, why="ReLU and max pooling commute.")
RATIO = prediction("Ratio", answer=0.25, why="one pixel in four is kept.", tolerance=0.01)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (SHAPE, (26, 26, 32)),
        (SHAPE, [26, 26, 32]),
        (SHAPE, np.array([26, 26, 32])),
        (COUNT, 320),
        (COUNT, np.int64(320)),
        (COUNT, 320.0),
        (WORD, "  max "),
        (FLAG, np.bool_(True)),
        (RATIO, 0.2502),
    ],
)
def test_right_answers_of_every_kind(question, answer):
    assert question.check(answer).state is State.CORRECT


@pytest.mark.parametrize(
    ("question", "answer", "message"),
    [
        (SHAPE, (28, 28, 32), "Without padding the output is smaller than the input."),
        (SHAPE, [28, 28, 32], "Without padding"),
        (SHAPE, (26, 26, 1), "Not (26, 26, 1): a 3x3 kernel fits 28 - 3 + 1 = 26 times"),
        (SHAPE, (26, 26), "Not (26, 26):"),
        (SHAPE, 26, "Answer with 3 values in brackets, like (..., ..., ...), not 26."),
        (COUNT, 288, "Not 288: 32 filters of 3 x 3 x 1 weights, plus 32 biases."),
        (COUNT, "320", "Answer with a number, not '320'."),
        (COUNT, True, "Answer with a number, not True."),
        (WORD, "min", "Not 'min': max pooling keeps the largest value."),
        (WORD, 1, "Answer with a word or phrase in quotes, not 1."),
        (FLAG, 1, "Answer with True or False, not 1."),
        (FLAG, False, "Not False: ReLU and max pooling commute."),
        (RATIO, 0.3, "Not 0.3: one pixel in four is kept."),
    ],
)
def test_wrong_answers_say_why(question, answer, message):
    assert_incorrect(question.check(answer), message)


def test_blanks_are_not_attempted():
    assert SHAPE.check(____).state is State.NOT_ATTEMPTED
    assert SHAPE.check((____, ____, 32)).state is State.NOT_ATTEMPTED


def test_the_solution_is_the_answer_as_python():
    for question in (SHAPE, COUNT, WORD, FLAG, RATIO):
        assert isinstance(question, Exercise)
        assert question.check(eval(question.solution_code)).state is State.CORRECT
    assert prediction("n", answer=np.int64(5), why="w.").solution_code == "5"
    assert SHAPE.hint()._repr_markdown_().startswith("**Hint 1 of 1:**")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"why": ""}, ValueError, "why must say why"),
        ({"slips": {(26, 26, 32): "no"}}, ValueError, "is the right answer"),
        ({"tolerance": -1}, ValueError, "tolerance must be >= 0"),
        ({"answer": {"a": 1}}, TypeError, "must be a number, str, bool or tuple"),
    ],
)
def test_bad_predictions_fail_when_the_lesson_module_is_imported(kwargs, error, match):
    arguments = {"answer": (26, 26, 32), "why": "because.", **kwargs}
    with pytest.raises(error, match=match):
        prediction("Prediction", **arguments)
