"""Lesson 4's predictions: the shared checks of tests/prediction_helpers.py, and each answer
against the code that reveals it in the lesson."""

from __future__ import annotations

import numpy as np
import pytest
from prediction_helpers import answer, prediction_tests
from scipy import signal

from course_utils import ops
from course_utils.exercises import lesson4_predictions as predictions

SLIPS = [
    ("p1", 576, "rounds 7 / 2 down"),
    ("p1", 3136, "there are three"),
    ("p1", 784, "the input's pixels"),
    ("p1", 64, "the number of channels"),
    ("p1", 128, "the dense layer after Flatten"),
    ("p2", 6, "3 + 3 - 1"),
    ("p2", 9, "asks for its side"),
    ("p2", 3, "its own 3x3 patch"),
    ("p3", 3, "30% of the way"),
    ("p3", 2.1, "momentum weighs the old one"),
    ("p3", 0, "every training call moves it"),
    ("p4", 1, "Kept values are also scaled up"),
    ("p4", 0, "what the dropped ones become"),
    ("p4", 0.6, "divided by it, not multiplied"),
    ("p4", 0.4, "the fraction dropped"),
    ("p4", 2.5, "divide by the fraction kept"),
    ("p5", 100_480, "the hidden layer alone"),
    ("p5", 101_632, "also has a bias"),
    ("p5", 1_290, "the output layer alone"),
    ("p5", 100_352, "add its 128 biases"),
]
OTHER_GUESSES = [
    ("p1", 2048, "4 x 4 x 64 = 1024"),
    ("p1", (4, 4, 64), "Answer with a number"),
    ("p2", 7, "3 + 3 - 1 = 5"),
    ("p2", "5", "Answer with a number"),
    ("p3", 0.3, "0.7 x 0 + 0.3 x 3 = 0.9"),
    ("p4", 1.5, "1 / 0.6 = 1.67"),
    ("p4", True, "Answer with a number"),
    ("p5", 100_000, "together 101,770"),
]

test_each_question, test_each_guess = prediction_tests(predictions, SLIPS + OTHER_GUESSES)


def test_near_answers_within_the_tolerance_are_correct(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    assert predictions.p4.check(1.67).state.name == "CORRECT"  # 1 / 0.6, rounded
    assert predictions.p4.check(5 / 3).state.name == "CORRECT"
    assert predictions.p3.check(np.float32(0.9)).state.name == "CORRECT"


def test_two_convolutions_equal_one_with_the_predicted_side():
    rng = np.random.default_rng(0)
    image = rng.normal(size=(1, 12, 12, 1))
    k1, k2 = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    twice = ops.conv2d(ops.conv2d(image, k1[:, :, None, None]), k2[:, :, None, None])
    combined = signal.convolve2d(k1, k2)  # the lesson's way of combining the two kernels
    assert combined.shape == (answer(predictions.p2),) * 2
    np.testing.assert_allclose(ops.conv2d(image, combined[:, :, None, None]), twice)


def test_the_answers_agree_with_keras():
    keras = pytest.importorskip("keras")
    from course_utils import models

    network = models.recommended()
    flatten = next(layer for layer in network.layers if isinstance(layer, keras.layers.Flatten))
    assert flatten.output.shape[1] == answer(predictions.p1)
    assert models.dense_baseline().count_params() == answer(predictions.p5)

    norm = keras.layers.BatchNormalization(momentum=0.7)
    norm(np.array([[1.0], [2.0], [3.0], [6.0]], dtype="float32"), training=True)  # mean 3
    assert keras.ops.convert_to_numpy(norm.moving_mean)[0] == pytest.approx(answer(predictions.p3))

    kept = keras.ops.convert_to_numpy(keras.layers.Dropout(0.4)(np.ones((1, 1000)), training=True))
    np.testing.assert_allclose(np.unique(kept), [0.0, answer(predictions.p4)], rtol=1e-6)
