"""Exercises for lesson 3, pooling (``exercises/03_pooling_exercises.ipynb``).

- ``q1``: max pooling of a small grid, by hand;
- ``q2``: ``max_pool(image, size, stride)`` for one 2-D image;
- ``q3``: the output shape after each layer of a stack with convolutions and pooling.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises.checks import (
    call_sliding,
    close,
    expect_function,
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

GRID = np.array([[1, 3, 2, 0], [4, 6, 5, 1], [7, 2, 9, 8], [0, 1, 3, 4]], dtype=np.float32)


def _check_grid(answer: Any) -> None:
    out = expect_array(answer, "your answer")
    expected = reference_pool(GRID, 2, 2).astype(int)
    if out.shape == (3, 3):
        raise Incorrect(
            "Your answer is 3x3, as if the window moved 1 pixel at a time: with stride 2 the "
            "2x2 windows do not overlap, so a 4x4 grid gives 2x2."
        )
    if out.shape != (2, 2):
        raise Incorrect(
            f"Your answer is {shape_words(out.shape)} but should be 2x2: two rows of two numbers, "
            "like [[1, 2], [3, 4]]."
        )
    largest = "max pooling keeps the largest number"
    for slip, why in (
        (reference_pool(GRID, 2, 2, average=True), f"You averaged each window: {largest}."),
        (-reference_pool(-GRID, 2, 2), f"You took the smallest number of each window: {largest}."),
        (expected.T, "Your answer is transposed: its first row comes from the top two rows."),
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
        "Cut the 4x4 grid into four 2x2 windows: top-left, top-right, bottom-left, bottom-right.",
        "Keep the largest number of each window, in the same place: the top-left window gives "
        "the top-left number of the answer.",
        "The top-left window holds 1, 3, 4 and 6.",
    ],
    solution_code="""
        pooled = [
            [6, 5],
            [7, 9],
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
        out = call_sliding(max_pool, (image.copy(), size, stride), f"For {call}", formula)
        out = expect_array(out, what)
        expected = reference_pool(image, size, stride)
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


STACK = [conv(32, 5, padding="same"), pool(2), conv(64, 3), pool(3, 2, "same"), flatten()]

q3 = shapes_question(
    "Question 3: shapes with pooling",
    (28, 28, 1),
    STACK,
    hints=[
        "Pooling shrinks height and width and keeps the number of channels.",
        "'valid' pooling: (H - size) // stride + 1. 'same' pooling: ceil(H / stride), whatever "
        "the pool size.",
        "The sizes go 28 -> 28 -> 14 -> 12 -> 6.",
    ],
)
