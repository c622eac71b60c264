"""Lesson 1's exercises: reference answers, typical wrong answers, untouched placeholders.

Wrong functions are made by putting one typical slip into the reference solution, so each
test shows the exact mistake a learner makes and the message they get for it.
"""

from __future__ import annotations

import numpy as np
import pytest
from exercise_helpers import ExerciseNotebook, assert_incorrect

from course_utils.exercises import State, ____, checks, lesson1

# What the notebook's earlier cells define.
PREAMBLE = """
import numpy as np

from course_utils.exercises import ____

sobel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype="float32")
"""
NOTEBOOK = ExerciseNotebook(lesson1, "01_convolution_exercises.ipynb", PREAMBLE)
run_cell, answer_cell, with_slip = NOTEBOOK.run_cell, NOTEBOOK.answer_cell, NOTEBOOK.with_slip


# --- q1: conv2d -----------------------------------------------------------------------------


def test_reference_matches_tensorflow():
    import tensorflow as tf

    for image, kernel in lesson1.CONV_CASES:
        expected = tf.nn.conv2d(image[None, :, :, None], kernel[:, :, None, None], 1, "VALID")
        np.testing.assert_allclose(
            checks.reference_conv(image, kernel), expected.numpy()[0, :, :, 0], rtol=1e-5
        )


def test_conv2d_solution_is_correct(tmp_path):
    conv2d = run_cell(lesson1.q1.solution_code, tmp_path)["conv2d"]
    assert lesson1.q1.check(conv2d).state is State.CORRECT


def test_conv2d_vectorised_answer_is_correct_too(tmp_path):
    code = """
from numpy.lib.stride_tricks import sliding_window_view


def conv2d(image, kernel):
    windows = sliding_window_view(image, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)
"""
    assert lesson1.q1.check(run_cell(code, tmp_path)["conv2d"]).state is State.CORRECT


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("* kernel)", "* kernel[::-1, ::-1])", "frameworks do not flip"),
        ("* kernel)", "* kernel[::-1])", "flipped upside down"),
        ("return out", "return out.T", "transposed"),
        (
            "out_h = image.shape[0] - kh + 1\n    out_w = image.shape[1] - kw + 1",
            "out_h = image.shape[0] - kh\n    out_w = image.shape[1] - kw",
            "your loops stop one step early",
        ),
        (
            "out_h = image.shape[0] - kh + 1\n    out_w = image.shape[1] - kw + 1",
            "out_h = image.shape[0] - kh + 2\n    out_w = image.shape[1] - kw + 2",
            "one step too far",
        ),
        (", dtype=image.dtype)", ")", "has dtype float64 but should have dtype float32"),
        ("np.sum(", "np.mean(", "is wrong at row 0, column 0"),
        ("j : j + kw]", "j : j + kh]", "raised ValueError"),
    ],
)
def test_conv2d_slips_get_their_own_message(tmp_path, old, new, message):
    conv2d = run_cell(with_slip("q1", (old, new)), tmp_path)["conv2d"]
    assert_incorrect(lesson1.q1.check(conv2d), message)


def test_off_by_one_names_the_sizes(tmp_path):
    code = with_slip("q1", ("- kh + 1", "- kh")).replace("- kw + 1", "- kw")
    message = lesson1.q1.check(run_cell(code, tmp_path)["conv2d"]).message
    assert "is 3x3 but should be 4x4" in message and "6 - 3 + 1 = 4" in message


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("for i in range(out_h):", "for i in range(out_h + 1):", "ValueError"),
        ("np.zeros((out_h, out_w)", "np.zeros((out_h - 1, out_w - 1)", "IndexError"),
    ],
)
def test_loops_past_the_edge_are_explained(tmp_path, old, new, error):
    message = lesson1.q1.check(run_cell(with_slip("q1", (old, new)), tmp_path)["conv2d"]).message
    assert message.startswith(f"Your function conv2d() raised {error}")
    assert "of your code: out[i, j] = " in message  # the learner's own line
    assert "your loops go one step too far" in message
    assert "fits 6 - 3 + 1 = 4 times down" in message


def test_conv2d_result_instead_of_function():
    result = lesson1.q1.check(np.zeros((4, 4)))
    assert result.state is State.INCORRECT and "without parentheses" in result.message


def test_conv2d_placeholder_is_not_attempted(tmp_path):
    assert "____" in answer_cell("q1")
    conv2d = run_cell(answer_cell("q1"), tmp_path)["conv2d"]
    assert lesson1.q1.check(conv2d).state is State.NOT_ATTEMPTED
    assert lesson1.q1.check(____).state is State.NOT_ATTEMPTED


# --- q2, q3: line kernels -------------------------------------------------------------------

SOBEL_X = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
LAPLACIAN = [[0, -1, 0], [-1, 4, -1], [0, -1, 0]]


@pytest.mark.parametrize("name", ["q2", "q3"])
def test_line_kernel_solutions_are_correct(tmp_path, name):
    found = run_cell(getattr(lesson1, name).solution_code, tmp_path)
    kernel = found["vertical_kernel" if name == "q2" else "horizontal_kernel"]
    assert getattr(lesson1, name).check(kernel).state is State.CORRECT


def test_edge_kernels_and_scaled_kernels_count_too():
    assert lesson1.q2.check(SOBEL_X).state is State.CORRECT
    assert lesson1.q3.check(np.array(SOBEL_X).T * 0.01).state is State.CORRECT
    assert lesson1.q2.check([[1, -2, 1]] * 3).state is State.CORRECT  # dark lines: a strong -2


@pytest.mark.parametrize(
    ("name", "kernel", "message"),
    [
        ("q2", np.array(SOBEL_X).T, "it finds horizontal lines"),
        ("q3", SOBEL_X, "it finds vertical lines"),
        ("q2", LAPLACIAN, "should give about 0 there"),
        ("q2", [[0, 1, 0]] * 3, "add up to 0"),
        ("q3", np.zeros((3, 3)), "gives 0 everywhere"),
        ("q2", [-1, 2, -1], "not a flat list of 3 numbers"),
        ("q2", np.ones((9, 9)), "small 2-D array"),
        ("q2", "[[-1, 2, -1]]", "should hold numbers"),
    ],
)
def test_line_kernel_mistakes_say_which_case_failed(name, kernel, message):
    assert_incorrect(getattr(lesson1, name).check(kernel), message)


def test_line_kernel_messages_name_the_images():
    message = lesson1.q2.check(LAPLACIAN).message
    assert "On a horizontal line your vertical kernel gives up to" in message


@pytest.mark.parametrize("name", ["q2", "q3"])
def test_line_kernel_placeholders_are_not_attempted(tmp_path, name):
    found = run_cell(answer_cell(name), tmp_path)
    kernel = found["vertical_kernel" if name == "q2" else "horizontal_kernel"]
    assert getattr(lesson1, name).check(kernel).state is State.NOT_ATTEMPTED


# --- q4: weights for a Keras Conv2D ---------------------------------------------------------

SOBEL = np.array(SOBEL_X, dtype="float32")


def test_keras_weights_solution_is_correct(tmp_path):
    weights = run_cell(lesson1.q4.solution_code, tmp_path)["weights"]
    assert lesson1.q4.check(weights).state is State.CORRECT
    assert lesson1.q4.check((SOBEL[:, :, None, None], [0.0])).state is State.CORRECT


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([SOBEL, np.zeros(1)], "reshape it with .reshape(3, 3, 1, 1)"),
        ([SOBEL.reshape(3, 3, 1, 1)], "a Conv2D also has a bias"),
        (SOBEL.reshape(3, 3, 1, 1), "a list of arrays"),
        ([SOBEL.reshape(3, 3, 1, 1), np.float32(0)], "should have shape (1,)"),
        ([SOBEL.T.reshape(3, 3, 1, 1), np.zeros(1)], "transposed"),
        ([SOBEL[::-1, ::-1].reshape(3, 3, 1, 1), np.zeros(1)], "Keras does not flip"),
        ([SOBEL.reshape(3, 3, 1, 1), np.ones(1)], "Your bias is 1"),
        ([np.ones((3, 3, 1, 1)), np.zeros(1)], "is wrong at"),
    ],
)
def test_keras_weights_mistakes(weights, message):
    assert_incorrect(lesson1.q4.check(weights), message)


def test_keras_weights_placeholder_is_not_attempted(tmp_path):
    weights = run_cell(answer_cell("q4"), tmp_path)["weights"]
    assert lesson1.q4.check(weights).state is State.NOT_ATTEMPTED
