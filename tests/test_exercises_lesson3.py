"""Lesson 3's exercises: reference answers, typical wrong answers, untouched placeholders.

Wrong functions are the reference solution with one typical slip put in.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from exercise_helpers import ExerciseNotebook, assert_incorrect, notebook_tests, with_item

from course_utils.exercises import State, checks, lesson3, stacks

PREAMBLE = """
import numpy as np

from course_utils.exercises import ____
"""
NOTEBOOK = ExerciseNotebook(lesson3, "03_pooling_exercises.ipynb", PREAMBLE)
run_cell, with_slip = NOTEBOOK.run_cell, NOTEBOOK.with_slip
ANSWERS = {"q1": "pooled", "q2": "max_pool", "q3": "shapes"}
test_solutions_are_correct, test_placeholders_are_not_attempted = notebook_tests(NOTEBOOK, ANSWERS)


def test_reference_pooling_matches_tensorflow():
    import tensorflow as tf

    for image, size, stride in lesson3.POOL_CASES:
        x = image[None, :, :, None]
        for average, pool in ((False, tf.nn.max_pool2d), (True, tf.nn.avg_pool2d)):
            expected = pool(x, size, stride, "VALID").numpy()[0, :, :, 0]
            got = checks.reference_pool(image, size, stride, average=average)
            np.testing.assert_allclose(got, expected, rtol=1e-6)


# --- q1: pooling by hand --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([[3.5, 2], [2.5, 6]], "You averaged each window: max pooling keeps the largest"),
        ([[1, 0], [0, 3]], "smallest number"),
        ([[6, 7], [5, 9]], "transposed"),
        ([[6, 6, 5], [7, 9, 9], [7, 9, 9]], "as if the window moved 1 pixel at a time"),
        ([[6, 5], [7, 8]], "is wrong at row 1, column 1: your value is 8 but it should be 9 "),
        ([6, 5, 7, 9], "a flat list of 4 numbers but should be 2x2"),
    ],
)
def test_grid_mistakes(answer, message):
    assert_incorrect(lesson3.q1.check(answer), message)


# --- q2: max_pool ---------------------------------------------------------------------------

WINDOW = "image[top : top + size, left : left + size].max()"
ROWS = "(image.shape[0] - size) // stride + 1"


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        ([(WINDOW, WINDOW.replace(".max()", ".mean()"))], "you averaged each window"),
        (
            [("top, left = i * stride, j * stride", "top, left = i * size, j * size")],
            "your windows jump 3 pixels (the pool size), but they should move by stride=2",
        ),
        (
            [("top, left = i * stride, j * stride", "top, left = i, j")],
            "your windows move 1 pixel at a time, but they should jump stride=2 pixels",
        ),
        (
            [(ROWS, "-(-(image.shape[0] - size) // stride) + 1")],
            "is 4x2 but should be 3x2: (H - size) / stride + 1 gives 3.5 rows and 2.5 columns, "
            "rounded down",
        ),
        ([(f"= {WINDOW}", f"= max(0, {WINDOW})")], "has 0 where a window holds only negative"),
        ([(", dtype=image.dtype", "")], "has dtype float64 but should have dtype float32"),
        ([("np.zeros((out_h, out_w)", "np.zeros((out_h - 1, out_w)")], "raised IndexError"),
    ],
)
def test_max_pool_slips(tmp_path, replacements, message):
    max_pool = run_cell(with_slip("q2", *replacements), tmp_path)["max_pool"]
    assert_incorrect(lesson3.q2.check(max_pool), message)


def test_max_pool_with_numpy_windows_is_correct():
    from numpy.lib.stride_tricks import sliding_window_view

    def max_pool(image, size, stride):
        return sliding_window_view(image, (size, size))[::stride, ::stride].max(axis=(2, 3))

    assert lesson3.q2.check(max_pool).state is State.CORRECT


# --- q3: shapes -----------------------------------------------------------------------------

SHAPES = [(28, 28, 32), (14, 14, 32), (12, 12, 64), (6, 6, 64), (2304,)]
shapes_with = partial(with_item, SHAPES)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            shapes_with(1, (28, 28, 32)),
            "After the first MaxPooling2D, MaxPooling2D(2), the size should be 14, not 28x28: "
            "pooling 2x2 halves 28 and rounds down",
        ),
        (shapes_with(1, (14, 14, 64)), "there should be 32 channels, not 64: pooling works on"),
        (shapes_with(2, (14, 14, 64)), "a 3x3 kernel without padding fits 14 - 3 + 1 = 12 times"),
        (
            shapes_with(3, (5, 5, 64)),
            'After the second MaxPooling2D, MaxPooling2D(3, strides=2, padding="same"), the size '
            "should be 6, not 5x5: 'same' padding gives ceil(12 / 2) = 6; 'same' rounds up",
        ),
        (shapes_with(4, (1600,)), "6 x 6 x 64 = 2304"),
    ],
)
def test_shape_mistakes(answer, message):
    assert_incorrect(lesson3.q3.check(answer), message)


def keras_shapes(stack: list) -> list[tuple]:
    """The output shape of each layer, from Keras itself."""
    import keras

    model = keras.Sequential([keras.Input(shape=(28, 28, 1))])
    for layer in stack:
        if layer.kind == "Conv2D":
            model.add(keras.layers.Conv2D(layer.n, layer.size, layer.stride, layer.padding))
        elif layer.kind == "MaxPooling2D":
            model.add(keras.layers.MaxPooling2D(layer.size, layer.stride, layer.padding))
        elif layer.kind == "Dense":
            model.add(keras.layers.Dense(layer.n))
        else:
            model.add(keras.layers.Flatten())
    return [tuple(layer.output.shape[1:]) for layer in model.layers]


def test_walk_agrees_with_keras():
    steps = stacks.walk((28, 28, 1), lesson3.STACK)
    assert keras_shapes(lesson3.STACK) == [shape for shape, _ in steps]
