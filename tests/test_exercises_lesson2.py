"""Lesson 2's exercises: reference answers, typical wrong answers, untouched placeholders.

Wrong functions are the reference solution with one typical slip put in.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from exercise_helpers import ExerciseNotebook, assert_incorrect, notebook_tests, with_item

from course_utils import ops
from course_utils.exercises import State, ____, checks, lesson2, stacks

PREAMBLE = """
import numpy as np

from course_utils.exercises import ____
"""
NOTEBOOK = ExerciseNotebook(lesson2, "02_padding_and_strides_exercises.ipynb", PREAMBLE)
run_cell, with_slip = NOTEBOOK.run_cell, NOTEBOOK.with_slip
ANSWERS = {"q1": "sizes", "q2": "pad", "q3": "conv2d", "q4": "same_padding", "q5": "shapes"}
test_solutions_are_correct, test_placeholders_are_not_attempted = notebook_tests(NOTEBOOK, ANSWERS)


def test_the_formula_answers_agree_with_ops():
    expected = [ops.output_size(h, f, s, p) for h, f, s, p in lesson2.SIZE_CASES]
    assert lesson2.q1.check(expected).state is State.CORRECT


# --- q1: sizes ------------------------------------------------------------------------------

RIGHT = [26, 28, 28, 13, 14, 2]


def replaced(row: int, value: object) -> list:
    return with_item(RIGHT, row - 1, value)  # rows are numbered from 1, as in the notebook


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (replaced(1, 25), "don't forget the + 1"),
        (replaced(2, 26), "2P in all"),
        (replaced(2, 24), "you left out the padding"),
        (
            replaced(4, 14),
            "rounded down to 13; a window that would stick out of the image is not used, so round down",
        ),
        (replaced(4, 26), "divide by S"),
        (replaced(6, 3), "Row 6 (H=7, F=3, S=3, P=0) should be 2, not 3"),
        (replaced(3, 28.0), "whole number"),
        (RIGHT[:5], "6 numbers, not 5"),
        (26, "list of 6 numbers"),
    ],
)
def test_size_mistakes(answer, message):
    assert_incorrect(lesson2.q1.check(answer), message)


# --- q2: pad --------------------------------------------------------------------------------

SIZE = "height + 2 * p, width + 2 * p"
MIDDLE = "out[p : p + height, p : p + width]"


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        (
            [
                (SIZE, "height + 2 * p + 2, width + 2 * p + 2"),
                (MIDDLE, "out[p + 1 : p + 1 + height, p + 1 : p + 1 + width]"),
            ],
            "you padded 2 pixels on each side, not 1",
        ),
        ([(SIZE, "height + p, width + p")], "you padded one side only"),
        ([("np.zeros(", "np.ones(")], "padding should be zeros"),
        ([(MIDDLE, "out[:height, :width]")], "it should sit in the middle, starting at row 1"),
        ([(", dtype=image.dtype", "")], "has dtype float64 but should have dtype float32"),
        ([("return out", "return np.pad(image, p, mode='edge')")], "padding should be zeros"),
    ],
)
def test_pad_slips(tmp_path, replacements, message):
    pad = run_cell(with_slip("q2", *replacements), tmp_path)["pad"]
    assert_incorrect(lesson2.q2.check(pad), message)


def test_pad_with_numpy_is_correct():
    assert lesson2.q2.check(lambda image, p: np.pad(image, p)).state is State.CORRECT


# --- q3: conv2d with stride and padding -----------------------------------------------------


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        ([("top, left = i * stride, j * stride", "top, left = i, j")], "your windows move 1 pixel"),
        ([("np.pad(image, padding)", "image")], "you did not pad: add 1 pixel of zeros"),
        ([("np.pad(image, padding)", "np.pad(image, padding + 1)")], "you padded 2 pixels, not 1"),
        ([("* kernel)", "* kernel[::-1, ::-1])")], "you flipped the kernel"),
        ([(", dtype=image.dtype", "")], "has dtype float64"),
        (
            [("(padded.shape[0] - kh) // stride + 1", "-(-(padded.shape[0] - kh) // stride) + 1")],
            "your loops go one step too far: rows (6 - 3 + 2*1) / 2 + 1 = 3.5, rounded down to 3",
        ),
        (
            [("(padded.shape[0] - kh) // stride + 1", "(padded.shape[0] - kh) // stride")],
            "is 2x4 but should be 3x4",
        ),
    ],
)
def test_conv_strided_slips(tmp_path, replacements, message):
    conv2d = run_cell(with_slip("q3", *replacements), tmp_path)["conv2d"]
    assert_incorrect(lesson2.q3.check(conv2d), message)


def test_conv_strided_ignoring_the_stride_everywhere(tmp_path):
    code = with_slip(
        "q3",
        ("top, left = i * stride, j * stride", "top, left = i, j"),
        ("(padded.shape[0] - kh) // stride + 1", "padded.shape[0] - kh + 1"),
        ("(padded.shape[1] - kw) // stride + 1", "padded.shape[1] - kw + 1"),
    )
    message = lesson2.q3.check(run_cell(code, tmp_path)["conv2d"]).message
    assert "your windows move 1 pixel at a time: with stride 2 they jump 2 pixels" in message


def test_the_strided_reference_matches_tensorflow():
    import tensorflow as tf

    for image, kernel, stride, p in lesson2.STRIDE_CASES:
        x, k = image[None, :, :, None], kernel[:, :, None, None]
        expected = tf.nn.conv2d(x, k, stride, [[0, 0], [p, p], [p, p], [0, 0]]).numpy()
        np.testing.assert_allclose(
            checks.reference_conv(image, kernel, stride, p), expected[0, :, :, 0], rtol=1e-5
        )


# --- q4: same padding -----------------------------------------------------------------------

TOTAL = "total = max((outputs - 1) * stride + kernel - size, 0)"


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        (
            [("return total // 2, total - total // 2", "return total - total // 2, total // 2")],
            "same_padding(5, 2, 1) should be (0, 1), not (1, 0): TensorFlow puts the odd extra "
            "pixel after",
        ),
        ([(TOTAL, "total = kernel - 1")], "with stride 2 fewer pixels are needed"),
        ([(TOTAL, "total = (outputs - 1) * stride + kernel - size")], "cannot be negative"),
        (
            [("math.ceil(size / stride)", "size // stride")],
            "same_padding(5, 3, 2) should be (1, 1)",
        ),
        ([("return total // 2, total - total // 2", "return total")], "return two numbers"),
        (
            [("return total // 2, total - total // 2", "return 0, total")],
            "split the total as evenly as possible",
        ),
    ],
)
def test_same_padding_slips(tmp_path, replacements, message):
    same_padding = run_cell(with_slip("q4", *replacements), tmp_path)["same_padding"]
    assert_incorrect(lesson2.q4.check(same_padding), message)


def test_same_padding_cases_agree_with_tensorflow():
    """The reference (ops.same_padding) is what TensorFlow does: compare output sizes and values."""
    import tensorflow as tf

    for size, kernel, stride in lesson2.SAME_CASES:
        x = np.arange(1, size + 1, dtype="float32").reshape(1, 1, size, 1)
        k = np.arange(1, kernel + 1, dtype="float32").reshape(1, kernel, 1, 1)
        same = tf.nn.conv2d(x, k, stride, "SAME").numpy()
        before, after = ops.same_padding(size, kernel, stride)
        padded = np.pad(x, [(0, 0), (0, 0), (before, after), (0, 0)])
        np.testing.assert_allclose(tf.nn.conv2d(padded, k, stride, "VALID").numpy(), same)


# --- q5: shapes through a stack -------------------------------------------------------------

SHAPES = [(28, 28, 16), (13, 13, 32), (7, 7, 64), (3, 3, 64), (576,)]
shapes_with = partial(with_item, SHAPES)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            shapes_with(0, (26, 26, 16)),
            'After the first Conv2D, Conv2D(16, 3, padding="same"), the size should be 28, '
            "not 26x26: 'same' padding keeps the size at 28",
        ),
        (shapes_with(1, (14, 14, 32)), "fits (28 - 3 + 2*0) / 2 + 1 = 13.5, rounded down to 13"),
        (shapes_with(2, (6, 6, 64)), "'same' padding gives ceil(13 / 2) = 7"),
        (shapes_with(0, (28, 28, 1)), "there should be 16 channels, not 1: a Conv2D outputs one"),
        (shapes_with(4, (192,)), "After the Flatten there should be 576 numbers"),
        (shapes_with(4, 576), None),
        (shapes_with(0, (None, 28, 28, 16)), "Leave out the batch axis"),
        ([(28, 28, 1), *SHAPES], "Leave out the input shape (28, 28, 1)"),
        (SHAPES[:4], "5 shapes, not 4"),
        (shapes_with(0, (28, 28)), "the shape should be (28, 28, 16) (height, width, channels)"),
        (shapes_with(3, "3x3x64"), "Each shape should be a tuple"),
    ],
)
def test_shape_mistakes_point_at_the_first_wrong_layer(answer, message):
    result = lesson2.q5.check(answer)
    if message is None:  # a plain number for a 1-D shape is fine
        assert result.state is State.CORRECT
        return
    assert_incorrect(result, message)


def test_a_blank_inside_a_shape_is_not_attempted():
    assert lesson2.q5.check(shapes_with(2, (7, 7, ____))).state is State.NOT_ATTEMPTED


def test_walk_agrees_with_keras():
    import keras

    model = keras.Sequential([keras.Input(shape=(28, 28, 1))])
    for layer in lesson2.STACK:
        if layer.kind == "Conv2D":
            model.add(keras.layers.Conv2D(layer.n, layer.size, layer.stride, layer.padding))
        else:
            model.add(keras.layers.Flatten())
    keras_shapes = [tuple(layer.output.shape[1:]) for layer in model.layers]
    assert keras_shapes == [shape for shape, _ in stacks.walk((28, 28, 1), lesson2.STACK)]
