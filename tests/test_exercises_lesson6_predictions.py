"""Lesson 6's "predict, then run" questions: each answer is correct, each slip gets its own
message, any other guess gets the reasoning, and the blank is not attempted."""

from __future__ import annotations

import pytest
from exercise_helpers import assert_incorrect

from course_utils.exercises import State, ____
from course_utils.exercises import lesson6_predictions as predictions

QUESTIONS = {"p1": predictions.p1, "p2": predictions.p2, "p3": predictions.p3, "p4": predictions.p4}


@pytest.fixture(autouse=True)
def no_progress_file(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))


@pytest.mark.parametrize("name", QUESTIONS)
def test_the_answer_is_correct_and_the_blank_is_not_attempted(name):
    question = QUESTIONS[name]
    assert question.check(eval(question.solution_code)).state is State.CORRECT
    assert question.check(____).state is State.NOT_ATTEMPTED
    assert len(question.hints) >= 2


def test_the_answers_are_what_the_lesson_shows():
    """The lesson prints these numbers (toy arrays, so they never change)."""
    import numpy as np

    from course_utils import ops

    image = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    kernel = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1, 1)
    grad_image, _ = ops.conv2d_backward(image, kernel, np.ones((1, 2, 2, 1)))
    assert grad_image[0, 2, 2, 0] == eval(predictions.p2.solution_code)
    grid = np.array([[1, 3, 2, 0], [4, 6, 5, 1], [7, 2, 9, 8], [0, 1, 3, 4]], float)
    routed = ops.max_pool2d_backward(grid[None, :, :, None], np.ones((1, 2, 2, 1)), 2)
    assert np.count_nonzero(routed) == eval(predictions.p3.solution_code)


@pytest.mark.parametrize(
    ("name", "guess", "message"),
    [
        ("p1", "Diverges", None),  # words ignore case
        ("p1", "faster", "Twice the step is not twice the speed"),
        ("p1", "slower", "Not slower: the steps overshoot"),
        ("p1", "it stops", "Not 'it stops': the step is now larger than the valley is wide"),
        ("p1", 2, "Answer with a word or phrase in quotes"),
        ("p2", 1, "1 is the kernel's top-left weight"),
        ("p2", 10, "the gradient of the centre pixel"),
        ("p2", 0, "does change the loss"),
        ("p2", 9, "Not 9: pixel (2, 2) lies in one window only"),
        ("p2", "four", "Answer with a number"),
        ("p3", 16, "That would be average pooling"),
        ("p3", 1, "Each window has its own winner"),
        ("p3", 8, "Not 8: each of the four 2x2 windows passes its gradient to its largest pixel"),
        ("p4", True, "Not True: both compute in float32"),
        ("p4", "no", "Answer with True or False"),
    ],
)
def test_guesses(name, guess, message):
    result = QUESTIONS[name].check(guess)
    if message is None:
        assert result.state is State.CORRECT, result
    else:
        assert_incorrect(result, message)
