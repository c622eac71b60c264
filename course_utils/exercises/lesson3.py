"""Exercises for lesson 3, pooling (``exercises/03_pooling_exercises.ipynb``).

- ``q1``: max pooling of a 4x6 grid, by hand (``GRID``);
- ``q2``: ``max_pool(image, size, stride)`` for one 2-D image;
- ``q3``: ``max_pool_channels(maps, size)`` for a stack of feature maps (H, W, C);
- ``q4``: the output shape after each layer of a stack with convolutions and pooling;
- ``q5``: which small shifts of a feature map survive 2x2 max pooling (``SHIFT_MAP``);
- ``q6``: which pixel wins each window of an overlapping 3x3 pooling (``WINNERS_GRID``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils import ops
from course_utils.exercises.checks import (
    call_sliding,
    close,
    expect_function,
    explain_output,
    pattern,
    reference_pool,
    shape_words,
    size_of,
    wrong_size,
)
from course_utils.exercises.framework import (
    Exercise,
    Incorrect,
    capitalized,
    expect_array,
    expect_close,
    expect_dtype,
)
from course_utils.exercises.stacks import conv, flatten, pool, shapes_question

GRID = np.array(
    [[1, 3, 2, 0, 5, 1], [4, 6, 5, 1, 2, 2], [7, 2, 9, 8, 0, 3], [0, 1, 3, 4, 6, 1]],
    dtype=np.float32,
)


def _check_grid(answer: Any) -> None:
    out = expect_array(answer, "your answer")
    expected = reference_pool(GRID, 2, 2)
    if out.shape == (3, 5):
        raise Incorrect(
            "Your answer is 3x5, as if the window moved 1 pixel at a time: with stride 2 the "
            "2x2 windows do not overlap, so a 4x6 grid gives 2x3."
        )
    if out.shape == (3, 2):
        raise Incorrect(
            "Your answer is 3x2, rows and columns swapped: the grid has 4 rows and 6 columns, "
            "so 2x2 pooling gives 2 rows of 3 numbers."
        )
    if out.shape != expected.shape:
        raise Incorrect(
            f"Your answer is {shape_words(out.shape)} but should be 2x3: two rows of three "
            "numbers, like [[1, 2, 3], [4, 5, 6]]."
        )
    largest = "max pooling keeps the largest number"
    for slip, why in (
        (reference_pool(GRID, 2, 2, average=True), f"You averaged each window: {largest}."),
        (-reference_pool(-GRID, 2, 2), f"You took the smallest number of each window: {largest}."),
        (
            reference_pool(GRID, 2, 1)[:2, :3],
            "Your windows start at every pixel: with stride 2 they start at rows 0 and 2, and "
            "at columns 0, 2 and 4.",
        ),
    ):
        if np.allclose(out, slip):
            raise Incorrect(why)
    expect_close(
        out, expected, what="your answer", hint="each number is the largest in its 2x2 window"
    )


q1 = Exercise(
    "Question 1: max pooling by hand",
    _check_grid,
    hints=[
        "Cut the 4x6 grid into 2x2 windows that do not overlap: two rows of three windows.",
        "Keep the largest number of each window, in the same place: the top-left window gives "
        "the top-left number of the answer.",
        "The top-left window holds 1, 3, 4 and 6; the one to its right holds 2, 0, 5 and 1.",
    ],
    solution_code="""
        pooled = [
            [6, 5, 5],
            [7, 9, 6],
        ]
    """,
)


# (image, pool size, stride): non-overlapping, an odd size that drops a row, overlapping windows.
POOL_CASES = [
    (GRID, 2, 2),
    (pattern(7, 5, 11), 2, 2),
    (pattern(6, 6, 5), 3, 2),
    (pattern(5, 5, 7) - 2.5, 2, 1),  # all negative: a maximum that starts at 0 is wrong
    (pattern(6, 8, 13), 3, 3),
]


def _check_max_pool(max_pool: Any) -> None:
    expect_function(max_pool, "max_pool")
    for image, size, stride in POOL_CASES:
        call = f"max_pool(image, size={size}, stride={stride}) on a {size_of(image.shape)} image"
        what = f"the output of {call}"
        rows = (image.shape[0] - size) / stride + 1
        cols = (image.shape[1] - size) / stride + 1
        formula = f"(H - size) / stride + 1 gives {rows:g} rows and {cols:g} columns"
        if not (rows.is_integer() and cols.is_integer()):
            formula += ", rounded down: a window that would stick out of the image is dropped"
        expected = reference_pool(image, size, stride)
        out = call_sliding(max_pool, (image, size, stride), f"For {call}", formula, expected.shape)
        out = explain_output(out, expected, what, image.dtype)
        if out.shape == expected.shape[::-1] != expected.shape and close(out, expected.T):
            raise Incorrect(
                f"{capitalized(what)} is transposed, {size_of(out.shape)} instead of "
                f"{size_of(expected.shape)}: output (i, j) comes from the window i * stride rows "
                "down and j * stride columns across."
            )
        slips = [
            (
                reference_pool(image, size, stride, average=True),
                "you averaged each window: max pooling keeps the largest value",
            ),
            (
                reference_pool(image, size, size),
                f"your windows jump {size} pixels (the pool "
                f"size), but they should move by stride={stride}",
            ),
            (
                reference_pool(image, size, 1),
                f"your windows move 1 pixel at a time, but they should jump stride={stride} pixels",
            ),
        ]
        for slip, why in slips:
            # A slip in the window positions alone keeps the output size: compare the corner.
            corner = slip[: expected.shape[0], : expected.shape[1]]
            if not close(out, expected) and (close(out, slip) or close(out, corner)):
                raise Incorrect(f"{capitalized(what)}: {why}.")
        if out.shape != expected.shape:
            raise Incorrect(f"{wrong_size(what, out.shape, expected.shape)}: {formula}.")
        wrong = ~np.isclose(out, expected)
        if np.any(wrong & (out == 0) & (expected < 0)):
            raise Incorrect(
                f"{capitalized(what)} has 0 where a window holds only negative numbers: start "
                "each window's maximum from its first value (or use np.max), not from 0."
            )
        expect_close(out, expected, what=what)
        expect_dtype(
            out, image.dtype, what, hint="pooling only picks values: use dtype=image.dtype"
        )


q2 = Exercise(
    "Question 2: max pooling as a function",
    _check_max_pool,
    hints=[
        "This is your convolution loop again, with two changes: windows start every `stride` "
        "pixels, and each window gives its largest value instead of a weighted sum.",
        "The output has (height - size) // stride + 1 rows, and the same formula for columns.",
        "out[i, j] = image[i * stride : i * stride + size, j * stride : j * stride + size].max()",
    ],
    solution_code='''
        def max_pool(image, size, stride):
            """Largest value of each size x size window, windows every `stride` pixels."""
            out_h = (image.shape[0] - size) // stride + 1
            out_w = (image.shape[1] - size) // stride + 1
            out = np.zeros((out_h, out_w), dtype=image.dtype)
            for i in range(out_h):
                for j in range(out_w):
                    top, left = i * stride, j * stride
                    out[i, j] = image[top : top + size, left : left + size].max()
            return out
    ''',
)


# --- q3: a stack of feature maps ------------------------------------------------------------


def _maps(height: int, width: int, channels: int, step: int) -> np.ndarray:
    return np.stack([pattern(height, width, step + 3 * c) for c in range(channels)], axis=-1)


# (maps, size): three channels that divide evenly, then an odd size with two channels.
CHANNEL_CASES = [(_maps(4, 6, 3, 5), 2), (_maps(7, 5, 2, 11), 2), (_maps(6, 6, 4, 7), 3)]


def _check_max_pool_channels(max_pool_channels: Any) -> None:
    expect_function(max_pool_channels, "max_pool_channels")
    for maps, size in CHANNEL_CASES:
        h, w, c = maps.shape
        call = f"max_pool_channels(maps, {size}) on {size_of(maps.shape)} maps"
        what = f"the output of {call}"
        expected = ops.max_pool2d(maps[None], size)[0]
        fits = f"{h} // {size} = {h // size} rows and {w} // {size} = {w // size} columns"
        out = call_sliding(max_pool_channels, (maps, size), f"For {call}", fits, expected.shape[:2])
        if isinstance(out, (list, tuple)):
            raise Incorrect(f"{capitalized(what)} is a Python list: return a NumPy array.")
        out = expect_array(out, what)
        if out.shape == expected.shape[:2]:
            across = ops.max_pool2d(maps.max(axis=2)[None, :, :, None], size)[0, :, :, 0]
            why = (
                "you took the largest value across the channels too"
                if close(out, across)
                else "the channel axis is missing"
            )
            raise Incorrect(
                f"{wrong_size(what, out.shape, expected.shape)}: {why}. Pooling works on each "
                "channel separately and keeps them all: (rows, columns, channels)."
            )
        if out.shape == (c, *expected.shape[:2]):
            raise Incorrect(
                f"{wrong_size(what, out.shape, expected.shape)}: the channels should come "
                "last, as in Keras: (rows, columns, channels)."
            )
        if out.shape != expected.shape:
            raise Incorrect(
                f"{wrong_size(what, out.shape, expected.shape)}: {size}x{size} windows that "
                f"do not overlap fit {fits}, and every channel is kept."
            )
        if close(out, np.broadcast_to(out.max(axis=2, keepdims=True), out.shape)) and c > 1:
            raise Incorrect(
                f"{capitalized(what)} is the same in every channel: you took the largest value "
                "across the channels too. Pool each channel on its own."
            )
        expect_close(out, expected, what=what, hint="pool each channel on its own")
        expect_dtype(out, maps.dtype, what, hint="pooling only picks values: dtype=maps.dtype")


q3 = Exercise(
    "Question 3: pooling a stack of feature maps",
    _check_max_pool_channels,
    hints=[
        "The output keeps every channel: (height // size, width // size, channels).",
        "A window is now maps[top : top + size, left : left + size, :], and you want its "
        "largest value in each channel separately, not one number for all channels.",
        "window.max(axis=(0, 1)) gives one maximum per channel; store it in out[i, j, :].",
    ],
    solution_code='''
        def max_pool_channels(maps, size):
            """size x size max pooling, stride size, of each channel of (height, width, channels)."""
            out_h, out_w = maps.shape[0] // size, maps.shape[1] // size
            out = np.zeros((out_h, out_w, maps.shape[2]), dtype=maps.dtype)
            for i in range(out_h):
                for j in range(out_w):
                    window = maps[i * size : (i + 1) * size, j * size : (j + 1) * size, :]
                    out[i, j, :] = window.max(axis=(0, 1))
            return out
    ''',
)


# --- q4: shapes through a stack --------------------------------------------------------------

STACK = [conv(32, 5, padding="same"), pool(2), conv(64, 3), pool(3, 2, "same"), flatten()]

q4 = shapes_question(
    "Question 4: shapes with pooling",
    (28, 28, 1),
    STACK,
    hints=[
        "Pooling shrinks height and width and keeps the number of channels.",
        "'valid' pooling: (H - size) // stride + 1. 'same' pooling: ceil(H / stride), whatever "
        "the pool size.",
        "The sizes go 28 -> 28 -> 14 -> 12 -> 6.",
    ],
)


# --- q5: what pooling keeps when the image moves --------------------------------------------

SHIFT_MAP = np.array([[5, 1, 2, 0], [0, 1, 6, 1], [2, 0, 3, 1], [4, 1, 7, 0]], dtype=np.float32)
SHIFTS = {"right by 1": (0, 1), "down by 1": (1, 0), "right by 2": (0, 2)}


def shifted(feature_map: np.ndarray, down: int, right: int) -> np.ndarray:
    """The map moved ``down`` rows and ``right`` columns; zeros come in at the edge (lesson 3)."""
    out = np.zeros_like(feature_map)
    h, w = feature_map.shape
    out[down:, right:] = feature_map[: h - down, : w - right]
    return out


def _check_shifts(answer: Any) -> None:
    names = list(SHIFTS)
    if not isinstance(answer, (list, tuple)) or len(answer) != len(names):
        raise Incorrect(
            f"Give a list of {len(names)} answers, True or False, one per shift: "
            f"{', '.join(names)}."
        )
    original = reference_pool(SHIFT_MAP, 2, 2)
    for given, name in zip(answer, names, strict=True):
        if not isinstance(given, (bool, np.bool_)):
            raise Incorrect(f"For the shift {name}, answer True or False, not {given!r}.")
        pooled = reference_pool(shifted(SHIFT_MAP, *SHIFTS[name]), 2, 2)
        same = bool(np.array_equal(pooled, original))
        if bool(given) == same:
            continue
        shown = pooled.astype(int).tolist()
        if same:
            raise Incorrect(
                f"Shifted {name}, the map still pools to {shown}, exactly as before: every "
                "largest value stays inside its own 2x2 window. So the answer is True."
            )
        raise Incorrect(
            f"Shifted {name}, the map pools to {shown}, not {original.astype(int).tolist()}: "
            "a largest value crossed into another window (or left the map). Pooling only "
            "forgives a shift that keeps each maximum in its window."
        )


q5 = Exercise(
    "Question 5: which shifts does pooling forgive?",
    _check_shifts,
    hints=[
        "Find the largest value of each 2x2 window of the original map, and where it sits in "
        "its window.",
        "After a shift, is each of those values still in the same window, and still the "
        "largest there? Values from a neighbouring window may move in too.",
        "Shifting right by 1 moves a value in column 0 to column 1 (same window) but a value "
        "in column 1 to column 2 (the next window).",
    ],
    solution_code="""
        same_after_pooling = [True, False, False]
    """,
)


# --- q6: which pixel wins each window ------------------------------------------------------

WINNERS_GRID = np.array(
    [
        [1, 4, 2, 0, 3],
        [2, 0, 9, 1, 5],
        [6, 3, 1, 2, 0],
        [0, 5, 2, 8, 1],
        [7, 1, 4, 0, 6],
    ],
    dtype=np.float32,
)
WINDOW, STEP = 3, 2


def winners(grid: np.ndarray, size: int, stride: int) -> list[tuple[int, int]]:
    """(row, column) in ``grid`` of each window's largest value, in reading order (lesson 3)."""
    rows = (grid.shape[0] - size) // stride + 1
    cols = (grid.shape[1] - size) // stride + 1
    found = []
    for i in range(rows):
        for j in range(cols):
            window = grid[i * stride : i * stride + size, j * stride : j * stride + size]
            r, c = np.unravel_index(np.argmax(window), window.shape)
            found.append((i * stride + int(r), j * stride + int(c)))
    return found


def _check_winners(answer: Any) -> None:
    want = winners(WINNERS_GRID, WINDOW, STEP)
    if isinstance(answer, (list, tuple)) and all(
        isinstance(a, (int, float, np.number)) for a in answer
    ):
        raise Incorrect(
            "Give positions, (row, column) pairs, not the values that win: "
            "[(row, column), (row, column), ...]."
        )
    try:
        pairs = np.asarray(answer, dtype=float).reshape(-1, 2)
    except (ValueError, TypeError):
        raise Incorrect(
            f"Give a list of {len(want)} (row, column) pairs, one per window, like "
            "[(0, 1), (2, 3), ...]."
        ) from None
    if len(pairs) < len(want) and len(set(want)) == len(pairs):
        raise Incorrect(
            f"Give one position per window, {len(want)} in all: windows that overlap can share "
            "a winner, and then its position appears twice."
        )
    if len(pairs) != len(want):
        raise Incorrect(f"Give one (row, column) per window: {len(want)} pairs, not {len(pairs)}.")
    given = [(int(r), int(c)) for r, c in pairs]
    local = [(r - (k // 2) * STEP, c - (k % 2) * STEP) for k, (r, c) in enumerate(want)]
    if given == local:
        raise Incorrect(
            "These are positions inside each 3x3 window: give them in the whole 5x5 grid. "
            f"Window (i, j) starts at row {STEP} * i and column {STEP} * j."
        )
    if given == [(c, r) for r, c in want]:
        raise Incorrect("Rows and columns are swapped: give each position as (row, column).")
    for k, (g, w) in enumerate(zip(given, want, strict=True)):
        if g != w:
            i, j = divmod(k, 2)
            top, left = STEP * i, STEP * j
            inside = top <= g[0] < top + WINDOW and left <= g[1] < left + WINDOW
            holds = f", which holds {WINNERS_GRID[g]:g}" if inside else ", which is not in it"
            raise Incorrect(
                f"Window {k + 1} (rows {top}-{top + WINDOW - 1}, columns {left}-"
                f"{left + WINDOW - 1}) is not won by {g}{holds}: find its largest value."
            )


q6 = Exercise(
    "Question 6: which pixel wins each window?",
    _check_winners,
    hints=[
        "With 3x3 windows and stride 2, the four windows start at (0, 0), (0, 2), (2, 0) and "
        "(2, 2): neighbouring windows share a row or a column.",
        "In each window, find the largest value, then give its position in the whole grid.",
        "The top-left window is rows 0-2 and columns 0-2; its largest value is 9, at row 1, "
        "column 2. Can that same 9 win another window too?",
    ],
    solution_code="""
        winning_pixels = [(1, 2), (1, 2), (4, 0), (3, 3)]
    """,
)
