"""Lesson 2's predictions: the shared checks of tests/prediction_helpers.py, and each answer
against the code that reveals it in the lesson."""

from __future__ import annotations

from prediction_helpers import answer, prediction_tests

from course_utils import ops
from course_utils.exercises import lesson2_predictions as predictions

SLIPS = [
    ("p1", 13.5, "rounds down"),
    ("p1", 14, "stick out"),
    ("p1", 26, "stride 1"),
    ("p2", (1, 1), "what stride 1 needs"),
    ("p2", [1, 0], "0 before, 1 after"),
    ("p2", (0, 0), "one zero is needed"),
    ("p3", 26, "spreads the kernel"),
    ("p3", 20, "not d * F = 9"),
    ("p3", 24, "dilation 2"),
]
OTHER_GUESSES = [
    ("p1", 12, "the formula rounds down"),
    ("p1", "13", "a number"),
    ("p2", (0, 2), "(0, 1)"),
    ("p2", 0, "2 values in brackets"),
    ("p3", 21, "28 - 7 + 1 = 22"),
]

test_each_question, test_each_guess = prediction_tests(predictions, SLIPS + OTHER_GUESSES)


def test_the_answers_agree_with_the_code_that_reveals_them():
    assert ops.output_size(28, 3, 2, 0) == answer(predictions.p1)
    assert ops.same_padding(28, 3, 2) == answer(predictions.p2)
    assert ops.output_size(28, 3, dilation=3) == answer(predictions.p3)
