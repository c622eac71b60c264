"""Lesson 3's predictions: the shared checks of tests/prediction_helpers.py, and each answer
against the code that reveals it in the lesson (p4, "higher", is shown by the lesson's own
numbers on MNIST)."""

from __future__ import annotations

import numpy as np
import pytest
from prediction_helpers import answer, prediction_tests

from course_utils import ops, widgets
from course_utils.exercises import State, progress
from course_utils.exercises import lesson3_predictions as predictions

SLIPS = [
    ("p1", 1, "overlap"),
    ("p1", 9, "stick out of the image"),
    ("p3", 54080, "add 10"),
    ("p3", 216330, "without the pool"),
    ("p3", 62730, "not 14"),
    ("p3", 5408, "length of the flattened input"),
    ("p2", 0, "zeros in the padding"),
    ("p2", -4, "largest real value"),
    ("p4", "lower", "wherever in the window"),
    ("p4", "the same", "what a 2x2 window hides"),
    ("p4", "same", "what a 2x2 window hides"),
]
OTHER_GUESSES = [
    ("p1", 2, "2 x 2 = 4"),
    ("p1", "four", "a number"),
    ("p3", 100, "5,408 * 10 + 10"),
    ("p2", -2, "its maximum is -1"),
    ("p4", "no idea", "stays inside the same 2x2 window"),
    ("p4", True, "a word or phrase"),
]

test_each_question, test_each_guess = prediction_tests(predictions, SLIPS + OTHER_GUESSES)


def test_the_answers_agree_with_the_code_that_reveals_them():
    pooled = ops.max_pool2d(widgets.TOY_POOL_6[None, :, :, None], pool_size=3, strides=1)
    assert np.sum(pooled == 9) == answer(predictions.p1)
    keras = pytest.importorskip("keras")
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(32, 3),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(10),
        ]
    )
    assert model.layers[-1].count_params() == answer(predictions.p3)
    negative = -np.array([[4.0, 3.0], [2.0, 1.0]])[None, :, :, None]
    same = ops.max_pool2d(negative, pool_size=2, strides=1, padding="same")
    assert same[0, 1, 1, 0] == answer(predictions.p2)


def test_words_ignore_case_and_spaces(monkeypatch, tmp_path):
    monkeypatch.setenv(progress.PROGRESS_ENV, str(tmp_path / "progress.json"))
    assert predictions.p4.check("  Higher ").state is State.CORRECT
