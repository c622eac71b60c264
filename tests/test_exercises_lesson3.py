"""Lesson 3's exercises: reference answers, typical wrong answers, untouched placeholders.

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
from course_utils.exercises import State, ____, checks, lesson3, stacks

PREAMBLE = """
import numpy as np

from course_utils.exercises import ____
"""
NOTEBOOK = ExerciseNotebook(lesson3, "03_pooling_exercises.ipynb", PREAMBLE)
run_cell, with_slip = NOTEBOOK.run_cell, NOTEBOOK.with_slip
ANSWERS = {
    "q1": "pooled",
    "q2": "max_pool",
    "q3": "max_pool_channels",
    "q4": "shapes",
    "q5": "same_after_pooling",
    "q6": "winning_pixels",
}
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


def test_grid_answer_is_tensorflows():
    import tensorflow as tf

    pooled = tf.nn.max_pool2d(lesson3.GRID[None, :, :, None], 2, 2, "VALID")[0, :, :, 0]
    assert lesson3.q1.check(pooled.numpy().astype(int).tolist()).state is State.CORRECT


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([[3.5, 2, 2.5], [2.5, 6, 2.5]], "You averaged each window: max pooling keeps"),
        ([[1, 0, 1], [0, 3, 0]], "smallest number"),
        ([[6, 7], [5, 9], [5, 6]], "Your answer is 3x2, rows and columns swapped"),
        (checks.reference_pool(lesson3.GRID, 2, 1), "as if the window moved 1 pixel at a time"),
        ([[6, 6, 5], [7, 9, 9]], "Your windows start at every pixel"),
        ([[6, 5, 5], [7, 9, 5]], "is wrong at row 1, column 2: your value is 5 but it should be 6"),
        ([6, 5, 5, 7, 9, 6], "a flat list of 6 numbers but should be 2x3"),
        ([], "Your answer is empty but should be 2x3"),
    ],
)
def test_grid_mistakes(answer, message):
    assert_incorrect(lesson3.q1.check(answer), message)


def test_a_blank_in_the_grid_is_not_attempted():
    assert lesson3.q1.check([[6, 5, 5], [7, 9, ____]]).state is State.NOT_ATTEMPTED


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
        (
            [
                (
                    "np.zeros((out_h, out_w), dtype=image.dtype)",
                    "np.zeros((out_h, out_w), dtype=int)",
                )
            ],
            "has dtype int64 but should have dtype float32: pooling only picks values",
        ),
        (
            [("for i in range(out_h):", "for i in range(out_h - 1):")],
            "The last row of the output of max_pool(image, size=2, stride=2) on a 4x6 image is "
            "still 0: your loops stop one step early",
        ),
        ([("return out", "return out.T")], "is transposed, 3x2 instead of 2x3"),
        (
            [("out = np.zeros((out_h, out_w), dtype=image.dtype)", "out = image[:out_h, :out_w]")],
            "your max_pool changed the image it was given",
        ),
        (
            [("def max_pool(image, size, stride):", "def max_pool(image, size):")],
            "This question asks for def max_pool(image, size, stride)",
        ),
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


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        (  # rows and columns swapped in the window: past the edge, numpy slices are empty
            [("top, left = i * stride, j * stride", "top, left = j * stride, i * stride")],
            "For max_pool(image, size=2, stride=2) on a 4x6 image, it failed at i = 0, j = 2, "
            "a position that exists: rows and columns are mixed up somewhere.",
        ),
        (
            [("for i in range(out_h):", "for i in range(image.shape[0]):")],
            "your loops go one step too far (it failed at i = 2, j = 0)",
        ),
        (
            [("image[top : top + size, left", "image[top : size, left")],
            "on a 4x6 image, at i = 1, j = 0, a position that exists, the window you cut from the "
            "image is empty: the loops are right, the slice is not.",
        ),
    ],
)
def test_an_empty_window_is_explained(tmp_path, replacements, message):
    max_pool = run_cell(with_slip("q2", *replacements), tmp_path)["max_pool"]
    result = lesson3.q2.check(max_pool)
    assert_incorrect(result, message)
    assert "zero-size array" in result.message  # numpy's own words come first


def test_a_transposed_square_result_is_named(tmp_path):
    code = with_slip("q2", ("out[i, j] = image[top", "out[j, i] = image[top"))
    max_pool = run_cell(code, tmp_path)["max_pool"]
    assert "rows and columns are mixed up" in lesson3.q2.check(max_pool).message


# --- q3: max pooling of feature maps --------------------------------------------------------


def test_channel_pooling_reference_is_keras():
    import keras

    for maps, size in lesson3.CHANNEL_CASES:
        pooled = keras.layers.MaxPooling2D(size)(maps[None]).numpy()[0]
        np.testing.assert_array_equal(ops.max_pool2d(maps[None], size)[0], pooled)


CHANNEL_WINDOW = "window.max(axis=(0, 1))"


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        (
            [(CHANNEL_WINDOW, "window.max()")],
            "is the same in every channel: you took the largest value across the channels too",
        ),
        (
            [
                ("np.zeros((out_h, out_w, maps.shape[2])", "np.zeros((out_h, out_w)"),
                ("out[i, j, :] = window.max(axis=(0, 1))", "out[i, j] = window.max()"),
            ],
            "is 2x3 but should be 2x3x3: you took the largest value across the channels too",
        ),
        ([("return out", "return np.moveaxis(out, -1, 0)")], "the channels should come last"),
        ([(CHANNEL_WINDOW, "window.mean(axis=(0, 1))")], "is wrong at index [0, 0, 0]"),
        ([("return out", "return out.tolist()")], "is a Python list: return a NumPy array"),
    ],
)
def test_channel_pooling_slips(tmp_path, replacements, message):
    function = run_cell(with_slip("q3", *replacements), tmp_path)["max_pool_channels"]
    assert_incorrect(lesson3.q3.check(function), message)


def test_a_loop_over_channels_is_correct_too(tmp_path):
    code = (
        lesson3.q2.solution_code
        + """

def max_pool_channels(maps, size):
    channels = [max_pool(maps[:, :, c], size, size) for c in range(maps.shape[2])]
    return np.stack(channels, axis=-1)
"""
    )
    function = run_cell(code, tmp_path)["max_pool_channels"]
    assert lesson3.q3.check(function).state is State.CORRECT


# --- q4: shapes -----------------------------------------------------------------------------

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
    assert_incorrect(lesson3.q4.check(answer), message)


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


# --- q5: shifts -----------------------------------------------------------------------------


def test_shifted_moves_the_map_with_zeros_coming_in():
    moved = lesson3.shifted(lesson3.SHIFT_MAP, 1, 2)
    np.testing.assert_array_equal(moved[1:, 2:], lesson3.SHIFT_MAP[:-1, :-2])
    assert not moved[0].any() and not moved[:, :2].any()


def test_the_shift_answers_are_what_keras_pools():
    import keras

    pool = keras.layers.MaxPooling2D(2)
    original = pool(lesson3.SHIFT_MAP[None, :, :, None]).numpy()
    same = []
    for down, right in lesson3.SHIFTS.values():
        moved = lesson3.shifted(lesson3.SHIFT_MAP, down, right)[None, :, :, None]
        same.append(bool(np.array_equal(pool(moved).numpy(), original)))
    assert lesson3.q5.check(same).state is State.CORRECT
    assert len(set(same)) == 2  # not all the same: the question cannot be guessed as one rule


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([True, True, True], "Shifted down by 1, the map pools to [[5, 2], [2, 6]], not"),
        ([False, False, False], "Shifted right by 1, the map still pools to [[5, 6], [4, 7]]"),
        (["yes", False, False], "For the shift right by 1, answer True or False, not 'yes'"),
        ([True, False], "Give a list of 3 answers, True or False, one per shift"),
    ],
)
def test_shift_mistakes(answer, message):
    assert_incorrect(lesson3.q5.check(answer), message)


# --- q6: winning pixels ---------------------------------------------------------------------

WINNERS = [(1, 2), (1, 2), (4, 0), (3, 3)]


def test_winners_are_the_positions_of_keras_maxima():
    import tensorflow as tf

    x = lesson3.WINNERS_GRID[None, :, :, None]
    _, argmax = tf.nn.max_pool_with_argmax(x, 3, 2, "VALID")
    flat = argmax.numpy().ravel()
    assert [divmod(int(i), 5) for i in flat] == lesson3.winners(lesson3.WINNERS_GRID, 3, 2)
    assert lesson3.q6.check(np.array(WINNERS)).state is State.CORRECT
    assert lesson3.q6.check([WINNERS[:2], WINNERS[2:]]).state is State.CORRECT  # as a 2x2 grid


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([(1, 2), (1, 0), (2, 0), (1, 1)], "These are positions inside each 3x3 window"),
        ([(2, 1), (2, 1), (0, 4), (3, 3)], "Rows and columns are swapped"),
        ([9, 9, 7, 8], "Give positions, (row, column) pairs, not the values that win"),
        ([(1, 2), (4, 0), (3, 3)], "windows that overlap can share a winner"),
        (
            [(1, 2), (1, 2), (4, 0), (2, 2)],
            "Window 4 (rows 2-4, columns 2-4) is not won by (2, 2), which holds 1",
        ),
        ([(1, 2), (1, 2), (4, 0), (0, 0)], "is not won by (0, 0), which is not in it"),
        ("(1, 2)", "Give a list of 4 (row, column) pairs"),
    ],
)
def test_winner_mistakes(answer, message):
    assert_incorrect(lesson3.q6.check(answer), message)
