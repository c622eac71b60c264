"""Lesson 1's predictions: the shared checks of tests/prediction_helpers.py, and each answer
against the code that reveals it in the lesson."""

from __future__ import annotations

import numpy as np
import pytest
from prediction_helpers import answer, prediction_tests
from scipy import signal

from course_utils import ops
from course_utils.exercises import lesson1_predictions as predictions

SLIPS = [
    ("p1", (16, 26, 26, 1), "4 filters give 4 channels"),
    ("p1", (16, 28, 28, 4), "28 - 3 + 1 = 26"),
    ("p1", [16, 25, 25, 4], "the + 1 counts the first"),
    ("p1", (16, 4, 26, 26), "channels last"),
    ("p2", 37, "cross-correlation"),
    ("p2", 12, "plain sum"),
    ("p3", 800, "one bias"),
    ("p3", 2432, "1 channel"),
    ("p3", 26, "32 of them"),
    ("p3", 25088, "do not depend on the image size"),
]
OTHER_GUESSES = [
    ("p1", (16, 24, 24, 4), "(16, 26, 26, 4)"),
    ("p1", (26, 26), "stacked on the last axis"),
    ("p1", "big", "4 values in brackets"),
    ("p2", 20, "[[4, 3], [2, 1]]"),
    ("p2", "23", "a number"),
    ("p3", 1000, "32 x (5 x 5 x 1 + 1) = 832"),
]

test_each_question, test_each_guess = prediction_tests(predictions, SLIPS + OTHER_GUESSES)


def test_the_answers_agree_with_the_code_that_reveals_them():
    maps = ops.conv2d(np.zeros((16, 28, 28, 1)), np.zeros((3, 3, 1, 4)))
    assert maps.shape == answer(predictions.p1)
    image = np.arange(1, 10, dtype=float).reshape(3, 3)
    top_left = signal.convolve2d(image, [[1, 2], [3, 4]], mode="valid")[0, 0]
    assert top_left == answer(predictions.p2)
    keras = pytest.importorskip("keras")
    layer = keras.layers.Conv2D(filters=32, kernel_size=5)
    layer.build((None, 28, 28, 1))
    assert layer.count_params() == answer(predictions.p3)
