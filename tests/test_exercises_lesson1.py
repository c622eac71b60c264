"""Lesson 1's exercises: reference answers, typical wrong answers, untouched placeholders.

Wrong functions are made by putting one typical slip into the reference solution, so each
test shows the exact mistake a learner makes and the message they get for it.
"""

from __future__ import annotations

import numpy as np
import pytest
from exercise_helpers import (
    ExerciseNotebook,
    assert_incorrect,
    notebook_tests,
    progress_file,  # noqa: F401  (autouse: checks record into a temporary file)
)

from course_utils import ops
from course_utils.exercises import State, ____, checks, lesson1

# What the notebook's earlier cells define.
PREAMBLE = """
import numpy as np

from course_utils.exercises import ____
from course_utils.exercises.lesson1 import IMAGE, KERNEL

sobel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype="float32")
k = np.array([[1, 0, 2], [0, 3, 0], [4, 0, 0]], dtype="float32")
"""
NOTEBOOK = ExerciseNotebook(lesson1, "01_convolution_exercises.ipynb", PREAMBLE)
run_cell, with_slip = NOTEBOOK.run_cell, NOTEBOOK.with_slip
ANSWERS = {
    "q1": "by_hand",
    "q2": "conv2d",
    "q3": "conv2d_channels",
    "q4": "vertical_kernel",
    "q5": "diagonal_kernel",
    "q6": "weights",
    "q7": "flipped",
}
test_solutions_are_correct, test_placeholders_are_not_attempted = notebook_tests(NOTEBOOK, ANSWERS)


# --- q1: by hand ----------------------------------------------------------------------------


def test_by_hand_answer_is_the_reference_result():
    assert lesson1.q1.check(checks.reference_conv(lesson1.IMAGE, lesson1.KERNEL)).state is (
        State.CORRECT
    )
    assert lesson1.q1.check(((8, 5), (0, 9))).state is State.CORRECT
    assert lesson1.q1.check(np.array([[8.0, 5.0], [0.0, 9.0]])).state is State.CORRECT


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([[6, 0], [5, 6]], "you turned the kernel by 180 degrees"),
        ([[6, 2], [3, 12]], "you flipped the kernel left to right"),
        ([[8, 3], [2, 3]], "you flipped the kernel upside down"),
        ([[5, -1], [6, 9]], "you transposed the kernel"),
        ([[8, 0], [5, 9]], "your rows and columns are swapped"),
        ([[12, 15], [13, 14]], "you added up the window without the kernel"),
        ([[8, 5], [0, 8]], "is wrong at row 1, column 1: your value is 8 but it should be 9"),
        (np.zeros((4, 4)), "is 4x4 but should be 2x2: a 3x3 kernel fits 4 - 3 + 1 = 2 times"),
        (np.zeros((4, 4)), "that would need padding"),
        ([8, 5, 0, 9], "is a flat list of 4 numbers but should be 2x2"),
        (17, "is a single number but should be 2x2"),
        ([[8, 5], [0]], "has rows of different lengths"),
    ],
)
def test_by_hand_mistakes(answer, message):
    assert_incorrect(lesson1.q1.check(answer), message)


def test_a_blank_inside_the_answer_is_not_attempted():
    assert lesson1.q1.check([[____, ____], [____, ____]]).state is State.NOT_ATTEMPTED
    assert lesson1.q1.check([[8, 5], [0, ____]]).state is State.NOT_ATTEMPTED


# --- q2: conv2d -----------------------------------------------------------------------------


def test_reference_matches_tensorflow():
    import tensorflow as tf

    for image, kernel in lesson1.CONV_CASES:
        expected = tf.nn.conv2d(image[None, :, :, None], kernel[:, :, None, None], 1, "VALID")
        np.testing.assert_allclose(
            checks.reference_conv(image, kernel), expected.numpy()[0, :, :, 0], rtol=1e-5
        )


def test_conv2d_vectorised_answer_is_correct_too(tmp_path):
    code = """
from numpy.lib.stride_tricks import sliding_window_view


def conv2d(image, kernel):
    windows = sliding_window_view(image, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)
"""
    assert lesson1.q2.check(run_cell(code, tmp_path)["conv2d"]).state is State.CORRECT


LOOPS = "for i in range(out_h):\n        for j in range(out_w):"
SIZES = "out_h = image.shape[0] - kh + 1\n    out_w = image.shape[1] - kw + 1"
SUM = "np.sum(image[i : i + kh, j : j + kw] * kernel)"


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        ([("* kernel)", "* kernel[::-1, ::-1])")], "frameworks do not flip"),
        ([("* kernel)", "* kernel[::-1])")], "flipped upside down"),
        ([("return out", "return out.T")], "transposed"),
        (
            [(SIZES, SIZES.replace(" + 1", ""))],
            "is 3x3 but should be 4x4: your loops stop one step early",
        ),
        ([(SIZES, SIZES.replace(" + 1", " + 2"))], "one step too far"),
        (
            [(LOOPS, "for i in range(out_h - 1):\n        for j in range(out_w - 1):")],
            "The last row and last column of your output for a 6x6 image and a 3x3 kernel "
            "are still 0: your loops stop one step early",
        ),
        (
            [(LOOPS, "for i in range(1, out_h):\n        for j in range(out_w):")],
            "The first row of your output for a 6x6 image and a 3x3 kernel is still 0: your "
            "loops start one step late",
        ),
        ([(", dtype=image.dtype)", ")")], "has dtype float64 but should have dtype float32"),
        (
            [(", dtype=image.dtype)", ", dtype=int)")],
            "has dtype int64: an array of whole numbers cuts off the decimals",
        ),
        ([(SUM, SUM.replace(" * kernel", " @ kernel"))], "what np.dot (or @) gives"),
        ([(SUM, SUM.replace(" * kernel", ".dot(kernel)"))], "elementwise, then np.sum"),
        (
            [("out = np.zeros((out_h, out_w), dtype=image.dtype)", "out = image[:out_h, :out_w]")],
            "your conv2d changed the image it was given",
        ),
        ([("np.sum(", "np.mean(")], "is wrong at row 0, column 0"),
        (
            [("    return out", "    return out.tolist()")],
            "is a Python list: return a NumPy array of dtype float32",
        ),
        (
            [("def conv2d(image, kernel):", "def conv2d(image, kernel, stride):")],
            "The check calls your conv2d with 2 arguments, but your function is "
            "conv2d(image, kernel, stride): missing a required argument: 'stride'",
        ),
    ],
)
def test_conv2d_slips_get_their_own_message(tmp_path, replacements, message):
    conv2d = run_cell(with_slip("q2", *replacements), tmp_path)["conv2d"]
    assert_incorrect(lesson1.q2.check(conv2d), message)


def test_loops_past_the_edge_name_the_loop_variables(tmp_path):
    code = with_slip("q2", ("for i in range(out_h):", "for i in range(out_h + 1):"))
    message = lesson1.q2.check(run_cell(code, tmp_path)["conv2d"]).message
    assert message.startswith("Your function conv2d() raised ValueError")
    assert "of your code: out[i, j] = " in message  # the learner's own line
    assert "your loops go one step too far (it failed at i = 4, j = 0)" in message
    assert "fits 6 - 3 + 1 = 4 times down" in message


def test_an_output_too_small_for_the_loops_is_explained(tmp_path):
    code = with_slip("q2", ("np.zeros((out_h, out_w)", "np.zeros((out_h - 1, out_w - 1)"))
    message = lesson1.q2.check(run_cell(code, tmp_path)["conv2d"]).message
    assert message.startswith("Your function conv2d() raised IndexError")
    assert "your loops go one step too far" not in message
    assert "at i = 0, j = 3, a position that exists, an index in that line points outside" in (
        message
    )


def test_a_window_in_the_wrong_place_is_not_blamed_on_the_loops(tmp_path):
    code = with_slip("q2", ("image[i : i + kh,", "image[i + 1 : i + 1 + kh,"))
    message = lesson1.q2.check(run_cell(code, tmp_path)["conv2d"]).message
    assert "loops go one step too far" not in message
    assert "the loops are right, the slice is not" in message


def test_rows_and_columns_mixed_up_on_a_non_square_image(tmp_path):
    code = with_slip(
        "q2",
        (
            "out[i, j] = np.sum(image[i : i + kh, j : j + kw]",
            "out[j, i] = np.sum(image[j : j + kh, i : i + kw]",
        ),
    )
    message = lesson1.q2.check(run_cell(code, tmp_path)["conv2d"]).message
    assert (
        "For a 5x7 image and a 2x3 kernel, it failed at i = 0, j = 4, a position that exists: rows and columns "
        in (message)
    )


def test_conv2d_result_instead_of_function():
    assert_incorrect(lesson1.q2.check(np.zeros((4, 4))), "without parentheses")


def test_a_library_function_given_directly_is_the_learners():
    # np.pad is not a convolution: its error is reported as the learner's, not a course bug.
    message = lesson1.q2.check(np.pad).message
    assert message.startswith("Your pad raised TypeError")


# --- q3: several channels -------------------------------------------------------------------


def test_channel_reference_adds_up_per_channel_convolutions():
    for image, kernel in lesson1.CHANNEL_CASES:
        parts = [
            checks.reference_conv(image[:, :, c], kernel[:, :, c]) for c in range(image.shape[2])
        ]
        np.testing.assert_allclose(lesson1._conv_channels(image, kernel), sum(parts), atol=1e-5)


def test_channels_answer_built_on_conv2d_is_correct(tmp_path):
    code = (
        lesson1.q2.solution_code
        + """

def conv2d_channels(image, kernel):
    return sum(conv2d(image[:, :, c], kernel[:, :, c]) for c in range(image.shape[2]))
"""
    )
    assert lesson1.q3.check(run_cell(code, tmp_path)["conv2d_channels"]).state is State.CORRECT


WINDOW = "np.sum(image[i : i + kh, j : j + kw, :] * kernel)"


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        (
            [(WINDOW, "np.sum(image[i : i + kh, j : j + kw, 0] * kernel[:, :, 0])")],
            "your result uses only the first channel",
        ),
        ([(WINDOW, WINDOW.replace("np.sum(", "np.mean(") + " * kh * kw")], "you averaged"),
        ([(WINDOW, WINDOW.replace("* kernel", "* kernel[:, :, ::-1]"))], "in reverse"),
        (
            [(WINDOW, WINDOW.replace("* kernel)", "* kernel, axis=(0, 1))"))],
            "each output position holds a single number",
        ),
        (
            [
                ("(out_h, out_w)", "(out_h, out_w, image.shape[2])"),
                ("out[i, j] =", "out[i, j, :] ="),
                (WINDOW, WINDOW.replace("* kernel)", "* kernel, axis=(0, 1))")),
            ],
            "one map per channel: a filter adds its channels up",
        ),
        ([("return out", "return out[:, :, None]")], "leave out the channel axis"),
        ([("kh, kw, _ = kernel.shape", "kh, kw = kernel.shape")], "too many values to unpack"),
    ],
)
def test_channel_slips(tmp_path, replacements, message):
    function = run_cell(with_slip("q3", *replacements), tmp_path)["conv2d_channels"]
    assert_incorrect(lesson1.q3.check(function), message)


def test_lesson_1_conv2d_on_a_colour_image_is_told_what_fails(tmp_path):
    function = run_cell(lesson1.q2.solution_code.replace("conv2d(", "conv2d_channels("), tmp_path)
    message = lesson1.q3.check(function["conv2d_channels"]).message
    assert message.startswith("Your function conv2d_channels() raised ValueError")


# --- q4, q5: line kernels -------------------------------------------------------------------

SOBEL_X = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
LAPLACIAN = [[0, -1, 0], [-1, 4, -1], [0, -1, 0]]
DIAGONAL = [[2, -1, -1], [-1, 2, -1], [-1, -1, 2]]


def test_edge_kernels_and_scaled_kernels_count_too():
    assert lesson1.q4.check(SOBEL_X).state is State.CORRECT
    assert lesson1.q4.check(np.array(SOBEL_X) * 0.01).state is State.CORRECT
    assert lesson1.q4.check([[1, -2, 1]] * 3).state is State.CORRECT  # dark lines: a strong -2
    assert lesson1.q5.check(-np.array(DIAGONAL)).state is State.CORRECT


@pytest.mark.parametrize(
    ("name", "kernel", "message"),
    [
        ("q4", np.array(SOBEL_X).T, "it finds horizontal lines. Swap its rows and columns"),
        ("q4", LAPLACIAN, "it should give at most 10% of that there"),
        ("q4", [[0, 1, 0]] * 3, "add up to 0"),
        ("q4", np.zeros((3, 3)), "gives 0 everywhere"),
        ("q4", [-1, 2, -1], "not a flat list of 3 numbers"),
        ("q4", np.ones((9, 9)), "small 2-D array"),
        ("q4", "[[-1, 2, -1]]", "should hold numbers"),
        ("q5", np.array(DIAGONAL)[:, ::-1], "it finds / diagonal lines. Mirror it left to right"),
        ("q5", [[-1, 2, -1]] * 3, "it should give at most 50% of that there"),
        ("q5", np.eye(3), "make its numbers add up to 0"),
    ],
)
def test_line_kernel_mistakes_say_which_case_failed(name, kernel, message):
    assert_incorrect(getattr(lesson1, name).check(kernel), message)


def test_line_kernel_messages_name_the_images():
    message = lesson1.q4.check(LAPLACIAN).message
    assert "On a horizontal line your vertical kernel gives up to" in message


# --- q6: weights for a Keras Conv2D on RGB images -------------------------------------------

KERNEL, BIAS = lesson1.rgb_weights()


def test_rgb_weights_compute_what_keras_computes():
    import keras

    image = np.random.default_rng(0).normal(size=(1, 7, 8, 3)).astype(np.float32)
    layer = keras.layers.Conv2D(2, 3)
    layer.build(image.shape)
    layer.set_weights([KERNEL, BIAS])
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(image)), ops.conv2d(image, KERNEL, BIAS), atol=1e-5
    )
    assert lesson1.q6.check((KERNEL.astype(np.float64), [0, -1])).state is State.CORRECT


def kernel_with(*changes) -> np.ndarray:
    kernel = KERNEL.copy()
    for index, value in changes:
        kernel[index] = value
    return kernel


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([BIAS, KERNEL], "wrong order: Keras wants [kernel, bias]"),
        ([np.transpose(KERNEL, (3, 2, 0, 1)), BIAS], "filters first as in PyTorch"),
        ([np.transpose(KERNEL, (0, 1, 3, 2)), BIAS], "the input channels and the filters are"),
        ([KERNEL[:, :, :, 0], BIAS], "are (3, 3, 3, 2)"),
        ([KERNEL], "a Conv2D also has biases"),
        (KERNEL, "a list of two arrays"),
        ([KERNEL, np.zeros(1)], "should have shape (2,): one number per filter"),
        (
            [
                kernel_with(((slice(None), slice(None), 0, 0), 0), ((..., 2, 0), lesson1.SOBEL)),
                BIAS,
            ],
            "Filter 0 reads the blue channel: in an RGB image red is channel 0",
        ),
        (
            [kernel_with(((..., 1, 0), lesson1.SOBEL)), BIAS],
            "Filter 0 also reads green or blue",
        ),
        ([kernel_with(((..., 0, 0), lesson1.SOBEL.T)), BIAS], "Sobel kernel transposed"),
        ([kernel_with(((..., 0, 0), lesson1.SOBEL[:, ::-1])), BIAS], "Keras does not flip"),
        ([KERNEL, np.array([0.5, -1.0])], "Filter 0's bias is 0.5 but should be 0"),
        ([kernel_with(((..., 1), 1.0)), BIAS], "it should read only the centre pixel"),
        ([kernel_with(((1, 1, 2, 1), 0.0)), BIAS], "Filter 1 ignores the blue channel"),
        ([KERNEL, np.array([0.0, 1.0])], "Filter 1's bias is 1 but should be -1"),
        ([KERNEL, np.array([0.0, -2.0])], "Filter 1's bias is -2.0 but it should be -1.0"),
        ([kernel_with(((1, 1, 2, 1), 2.0)), BIAS], "is wrong at index [1, 1, 2]"),
    ],
)
def test_rgb_weights_mistakes(weights, message):
    assert_incorrect(lesson1.q6.check(weights), message)


# --- q7: true convolution -------------------------------------------------------------------


def test_flipped_kernel_gives_scipys_convolution():
    from scipy import signal

    image = checks.pattern(6, 7, 5)
    flipped = lesson1.ASYMMETRIC[::-1, ::-1]
    np.testing.assert_allclose(
        checks.reference_conv(image, flipped),
        signal.convolve2d(image, lesson1.ASYMMETRIC, mode="valid"),
        atol=1e-5,
    )
    assert lesson1.q7.check(np.flip(lesson1.ASYMMETRIC).tolist()).state is State.CORRECT


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lesson1.ASYMMETRIC, "that is k itself"),
        (lesson1.ASYMMETRIC[:, ::-1], "left to right only"),
        (lesson1.ASYMMETRIC[::-1], "upside down only"),
        (lesson1.ASYMMETRIC.T, "you transposed k"),
        (lesson1.ASYMMETRIC[:2], "is 2x3 but should be 3x3"),
        (np.ones((3, 3)), "is wrong at row 0, column 0"),
    ],
)
def test_flipped_kernel_mistakes(answer, message):
    assert_incorrect(lesson1.q7.check(answer), message)
