"""Lesson 2's exercises: reference answers, typical wrong answers, untouched placeholders.

Wrong functions are the reference solution with one typical slip put in.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from exercise_helpers import (
    ExerciseNotebook,
    assert_incorrect,
    notebook_tests,
    progress_file,  # noqa: F401  (autouse: checks record into a temporary file)
    with_item,
)

from course_utils import ops
from course_utils.exercises import State, ____, checks, lesson2, stacks

PREAMBLE = """
import numpy as np

from course_utils.exercises import ____
"""
NOTEBOOK = ExerciseNotebook(lesson2, "02_padding_and_strides_exercises.ipynb", PREAMBLE)
run_cell, with_slip = NOTEBOOK.run_cell, NOTEBOOK.with_slip
ANSWERS = {
    "q1": "sizes",
    "q2": "pad",
    "q3": "conv2d",
    "q4": "same_padding",
    "q5": "shapes",
    "q6": "settings",
}
test_solutions_are_correct, test_placeholders_are_not_attempted = notebook_tests(NOTEBOOK, ANSWERS)


def test_the_formula_answers_agree_with_ops():
    expected = [ops.output_size(h, f, s, p) for h, f, s, p in lesson2.SIZE_CASES]
    assert lesson2.q1.check(expected).state is State.CORRECT


# --- q1: sizes ------------------------------------------------------------------------------

RIGHT = [26, 30, 13, 15, 22, 3]


def replaced(row: int, value: object) -> list:
    return with_item(RIGHT, row - 1, value)  # rows are numbered from 1, as in the notebook


def test_no_row_of_the_table_is_in_the_lesson():
    lesson_rows = {(28, 3, 1, 0), (28, 5, 1, 0), (32, 5, 1, 0), (3, 2, 1, 0), (28, 5, 1, 2)}
    lesson_rows |= {(7, 3, 2, 1), (28, 3, 2, 0), (11, 2, 2, 0)}  # lesson 2's printed table
    assert not lesson_rows & set(lesson2.SIZE_CASES)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (replaced(1, 25), "don't forget the + 1"),
        (replaced(2, 28), "2P in all"),
        (replaced(2, 26), "you left out the padding"),
        (
            replaced(3, 14),
            "rounded down to 13; a window that would stick out of the image is not used, so round down",
        ),
        (replaced(4, 29), "divide by S"),
        (replaced(6, 4), "Row 6 (H=10, F=4, S=3, P=0) should be 3, not 4"),
        (replaced(3, 13.0), "Row 3 is 13.0, a float: write the whole number 13"),
        (replaced(3, 13.5), "Row 3 is 13.5, but it counts whole pixels"),
        (replaced(3, 13.5), "round down (// in Python)"),
        (replaced(3, "13"), "should be a whole number, not '13'"),
        (RIGHT[:5], "6 numbers, not 5"),
        (26, "list of 6 numbers, one per row of the table (not one total)"),
    ],
)
def test_size_mistakes(answer, message):
    assert_incorrect(lesson2.q1.check(answer), message)


def test_sizes_as_a_numpy_array_are_accepted():
    assert lesson2.q1.check(np.array(RIGHT)).state is State.CORRECT


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
        (
            [("return out", "return np.pad(image, p)")],
            "you padded the channel axis too (3 channels became 5): pad only height and width",
        ),
        (
            [("return out", "return out[:, :, 0] if image.ndim == 3 else out")],
            "a colour image keeps its channel axis",
        ),
        (
            [("return out", "return out.tolist()")],
            "is a Python list: return a NumPy array",
        ),
        (
            [("height, width = image.shape[:2]", "height, width = image.shape")],
            "raised ValueError: too many values to unpack",
        ),
    ],
)
def test_pad_slips(tmp_path, replacements, message):
    pad = run_cell(with_slip("q2", *replacements), tmp_path)["pad"]
    assert_incorrect(lesson2.q2.check(pad), message)


def test_pad_with_numpy_is_correct():
    def pad(image, p):
        return np.pad(image, [(p, p), (p, p)] + [(0, 0)] * (image.ndim - 2))

    assert lesson2.q2.check(pad).state is State.CORRECT


def test_a_pad_that_writes_into_the_image_is_told(tmp_path):
    code = """
def pad(image, p):
    image *= 1  # harmless, but in place
    image[0, 0] = 7
    return np.pad(image, [(p, p), (p, p)] + [(0, 0)] * (image.ndim - 2))
"""
    assert_incorrect(lesson2.q2.check(run_cell(code, tmp_path)["pad"]), "changed the image")


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
            "your loops go one step too far (it failed at i = 3, j = 0): rows (6 - 3 + 2*1) / 2 + 1"
            " = 3.5, rounded down to 3",
        ),
        (
            [("(padded.shape[0] - kh) // stride + 1", "(padded.shape[0] - kh) // stride")],
            "is 2x4 but should be 3x4",
        ),
        (
            [("top, left = i * stride, j * stride", "top, left = i * stride, j")],
            "your windows jump 2 pixels down but only 1 across",
        ),
        (
            [("top, left = i * stride, j * stride", "top, left = i, j * stride")],
            "your windows jump 2 pixels across but only 1 down",
        ),
        (
            [("np.pad(image, padding)", "np.pad(image, ((padding, 0), (padding, 0)))")],
            "you padded only the top and the left",
        ),
        (
            [("np.pad(image, padding)", "np.pad(image, ((0, padding), (0, padding)))")],
            "you padded only the bottom and the right",
        ),
        (
            [(", dtype=image.dtype)", ", dtype=int)")],
            "has dtype int64: an array of whole numbers cuts off the decimals",
        ),
        (
            [("def conv2d(image, kernel, stride=1, padding=0):", "def conv2d(image, kernel):")],
            "The check calls your conv2d with 4 arguments, but your function is "
            "conv2d(image, kernel): too many positional arguments. This question asks for def "
            "conv2d(image, kernel, stride=1, padding=0)",
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
            [("return total // 2, total - total // 2", "return total / 2, total - total / 2")],
            "The before padding that same_padding(28, 3, 1) returned is 1.0, a float: write the "
            "whole number 1",
        ),
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


def test_fractional_padding_is_never_truncated():
    # (0.5, 0.5) was once reported as (0, 0): now the fraction itself is named.
    result = lesson2.q4.check(lambda size, kernel, stride: (0.5, 0.5))
    assert_incorrect(
        result,
        "The before padding that same_padding(28, 3, 1) returned is 0.5, but it counts whole "
        "pixels: there is no 0.5 of a pixel. Split the total with whole-number division",
    )


def test_same_padding_as_an_array_is_accepted():
    def same_padding(size, kernel, stride):
        return np.array(ops.same_padding(size, kernel, stride))

    assert lesson2.q4.check(same_padding).state is State.CORRECT


def test_lesson_1_conv2d_is_told_which_parameters_to_add(tmp_path):
    """Reusing lesson 1's conv2d(image, kernel) here is the learner's slip, never a course bug."""
    from course_utils.exercises import lesson1

    conv2d = run_cell(lesson1.q2.solution_code, tmp_path)["conv2d"]
    result = lesson2.q3.check(conv2d)
    assert_incorrect(
        result, "This question asks for def conv2d(image, kernel, stride=1, padding=0)"
    )
    assert "bug in the course" not in result.message


# --- q6: stride and padding for a given size ------------------------------------------------

RIGHT_SETTINGS = [(1, "same"), (2, "same"), (2, "valid"), (3, "same")]


def test_every_setting_that_gives_the_size_is_right():
    import keras

    for target, (stride, padding) in zip(lesson2.SETTINGS_TARGETS, RIGHT_SETTINGS, strict=True):
        conv = keras.layers.Conv2D(8, 3, strides=stride, padding=padding)
        assert conv.compute_output_shape((None, 28, 28, 1))[1] == target
    assert lesson2.q6.check([(1, "SAME"), (2, "same"), (2, "valid"), [3, "same"]]).state is (
        State.CORRECT
    )


settings_with = partial(with_item, RIGHT_SETTINGS)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            settings_with(1, (2, "valid")),
            "For 14x14, strides=2 with padding='valid' gives 13x13: 'valid' gives (28 - 3) / 2 + "
            "1 = 13.5, rounded down to 13",
        ),
        (settings_with(3, (3, "valid")), "For 10x10, strides=3 with padding='valid' gives 9x9"),
        (settings_with(0, (1, "valid")), "For 28x28, strides=1 with padding='valid' gives 26x26"),
        (settings_with(2, (2, "same")), "'same' gives ceil(28 / 2) = 14"),
        (settings_with(0, ("same", 1)), "the pair is (strides, padding): the number comes first"),
        (settings_with(0, (1.0, "same")), "your stride is 1.0, a float"),
        (settings_with(0, (0, "same")), "the stride should be at least 1, not 0"),
        (settings_with(0, (1, "full")), "padding should be 'valid' or 'same', not 'full'"),
        (settings_with(0, "same"), "give a pair (strides, padding)"),
        (RIGHT_SETTINGS[:3], "Give a list of 4 (strides, padding) pairs"),
        ((2, "same"), "Give a list of 4 pairs, one per output size"),
    ],
)
def test_settings_mistakes(answer, message):
    assert_incorrect(lesson2.q6.check(answer), message)
