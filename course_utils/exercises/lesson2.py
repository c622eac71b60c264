"""Exercises for lesson 2, padding and strides (``exercises/02_padding_and_strides_exercises.ipynb``).

- ``q1``: output sizes from the formula (H - F + 2P) / S + 1;
- ``q2``: ``pad(image, p)``, zero padding by hand;
- ``q3``: ``conv2d(image, kernel, stride, padding)`` with strides and padding;
- ``q4``: ``same_padding(size, kernel, stride)``, TensorFlow's uneven ``"same"`` padding;
- ``q5``: the output shape after each layer of a stack (the stack model is in ``stacks``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from course_utils import ops
from course_utils.exercises.checks import (
    call_sliding,
    close,
    expect_function,
    is_whole_number,
    pattern,
    pixels,
    reference_conv,
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
    learner_errors,
)
from course_utils.exercises.stacks import conv, flatten, shapes_question
from course_utils.formulas import size_formula

# --- q1: the output-size formula -------------------------------------------------------------

# (input size H, kernel size F, stride S, padding P), one row of the table each.
SIZE_CASES = [
    (28, 3, 1, 0),
    (28, 5, 1, 2),
    (32, 5, 1, 0),
    (28, 3, 2, 0),
    (28, 3, 2, 1),
    (7, 3, 3, 0),
]


def _check_sizes(answer: Any) -> None:
    if not isinstance(answer, (list, tuple)):
        raise Incorrect(f"Give a list of {len(SIZE_CASES)} numbers, one per row of the table.")
    if len(answer) != len(SIZE_CASES):
        raise Incorrect(
            f"Give one number per row of the table: {len(SIZE_CASES)} numbers, not {len(answer)}."
        )
    for row, (given, (h, f, s, p)) in enumerate(zip(answer, SIZE_CASES, strict=True), start=1):
        if not is_whole_number(given):
            raise Incorrect(f"Row {row}: give a whole number, not {given!r}.")
        want = ops.output_size(h, f, s, p)
        if given == want:
            continue
        slips = {
            (h - f + 2 * p) // s: "don't forget the + 1: the first window position counts too",
            -(-(h - f + 2 * p) // s) + 1: "a window that would stick out of the image is not "
            "used, so round down, not up",
            (h - f + p) // s + 1: "padding adds P pixels on both sides, so 2P in all",
            (h - f) // s + 1: "you left out the padding",
            h - f + 2 * p + 1: f"with stride {s} the window jumps {s} pixels: divide by S",
        }
        why = slips.get(int(given), "")
        message = f"Row {row} (H={h}, F={f}, S={s}, P={p}) should be {want}, not {given}: "
        raise Incorrect(message + size_formula(h, f, s, p) + (f"; {why}" if why else "") + ".")


q1 = Exercise(
    "Question 1: output sizes",
    _check_sizes,
    hints=[
        "Use the formula (H - F + 2P) / S + 1 for each row.",
        "When the division does not come out even, round down: a window that would stick "
        "out of the (padded) image is not used.",
        "Python's // divides and rounds down: (H - F + 2 * P) // S + 1.",
    ],
    solution_code="""
        sizes = [26, 28, 28, 13, 14, 2]
    """,
)


# --- q2: zero padding ------------------------------------------------------------------------

PAD_CASES = [(pattern(3, 4, 5), 1), (pattern(4, 3, 7), 2), (pattern(2, 2, 3), 0)]


def _check_pad(pad: Any) -> None:
    expect_function(pad, "pad")
    for image, p in PAD_CASES:
        with learner_errors("your pad"):
            out = pad(image.copy(), p)
        what = f"the output of pad(image, {p}) for a {size_of(image.shape)} image"
        out = expect_array(out, what)
        (h, w), want = image.shape, (image.shape[0] + 2 * p, image.shape[1] + 2 * p)
        if out.shape != want:
            by = {(h + 2 * q, w + 2 * q): q for q in (p - 1, p + 1) if q >= 0}
            if out.shape in by:
                why = f"you padded {by[out.shape]} pixels on each side, not {p}"
            elif out.shape == (h + p, w + p):
                why = f"you padded one side only: add {p} before and {p} after, on both axes"
            else:
                why = f"{p} zeros on each of the four sides make it {h} + 2 * {p} by {w} + 2 * {p}"
            raise Incorrect(f"{wrong_size(what, out.shape, want)}: {why}.")
        if (
            p
            and np.array_equal(out[:h, :w], image)
            and not np.array_equal(out[p : p + h, p : p + w], image)
        ):
            raise Incorrect(
                f"In {what}, the image starts at row 0, column 0: it should sit in the middle, "
                f"starting at row {p}, column {p}."
            )
        border = np.ones(want, dtype=bool)
        border[p : p + h, p : p + w] = False
        if np.any(out[border] != 0):
            r, c = np.argwhere(border & (out != 0))[0]
            raise Incorrect(
                f"{capitalized(what)} has {out[r, c]:g} at row {r}, column {c}, in the padding: "
                "padding should be zeros."
            )
        expect_close(
            out[p : p + h, p : p + w],
            image,
            what=f"the middle of {what}",
            hint=f"the image should start at row {p}, column {p}",
        )
        expect_dtype(out, image.dtype, what, hint="keep the image's dtype: dtype=image.dtype")


q2 = Exercise(
    "Question 2: zero padding",
    _check_pad,
    hints=[
        "The padded image is p pixels larger on each of the four sides: "
        "(height + 2p) by (width + 2p).",
        "Make it with np.zeros(..., dtype=image.dtype), then copy the image into the middle, "
        "starting at row p and column p.",
        "out[p : p + height, p : p + width] = image. (np.pad(image, p) does it all at once.)",
    ],
    solution_code='''
        def pad(image, p):
            """Return `image` with `p` zeros added on every side."""
            height, width = image.shape
            out = np.zeros((height + 2 * p, width + 2 * p), dtype=image.dtype)
            out[p : p + height, p : p + width] = image
            return out
    ''',
)


# --- q3: convolution with strides and padding ------------------------------------------------


# (image, kernel, stride, padding)
STRIDE_CASES = [
    (pattern(6, 7, 5), pattern(3, 3, 7), 2, 1),
    (pattern(5, 5, 11), pattern(2, 3, 3), 1, 0),
    (pattern(8, 8, 13), pattern(3, 3, 5), 3, 0),
    (pattern(7, 6, 3), pattern(3, 2, 11), 2, 2),
    (pattern(5, 5, 7), pattern(3, 3, 13), 1, 1),
]


def _check_conv_strided(conv2d: Any) -> None:
    expect_function(conv2d, "conv2d")
    for image, kernel, s, p in STRIDE_CASES:
        call = f"conv2d(image, kernel, stride={s}, padding={p}) on a {size_of(image.shape)} image"
        call += f" with a {size_of(kernel.shape)} kernel"
        what = f"the output of {call}"
        (h, w), (kh, kw) = image.shape, kernel.shape
        sizes = f"rows {size_formula(h, kh, s, p)}; columns {size_formula(w, kw, s, p)}"
        out = call_sliding(conv2d, (image.copy(), kernel.copy(), s, p), f"For {call}", sizes)
        out = expect_array(out, what)
        expected = reference_conv(image, kernel, s, p)
        if not close(out, expected):
            # (kernel, stride, padding) a slip would have used, and what to tell the learner.
            slips = [
                (
                    kernel,
                    1,
                    p,
                    f"your windows move 1 pixel at a time: with stride {s} they jump "
                    f"{s} pixels, so window (i, j) starts at row i * {s}, column j * {s} of the "
                    "padded image",
                ),
                (kernel, s, 0, f"you did not pad: add {pixels(p)} of zeros on every side first"),
                (kernel, s, p + 1, f"you padded {p + 1} pixels, not {p}"),
                (kernel, s, max(p - 1, 0), f"you padded {p - 1} pixels, not {p}"),
                (
                    kernel[::-1, ::-1],
                    s,
                    p,
                    "you flipped the kernel: frameworks do not flip (cross-correlation)",
                ),
            ]
            for k, stride, padding, why in slips:
                slip = reference_conv(image, k, stride, padding)
                # Ignoring the stride but sizing the output right keeps the top-left corner.
                if stride != s:
                    slip_corner = slip[: expected.shape[0], : expected.shape[1]]
                    if close(out, slip_corner):
                        raise Incorrect(f"{capitalized(what)}: {why}.")
                if close(out, slip):
                    raise Incorrect(f"{capitalized(what)}: {why}.")
        if out.shape != expected.shape:
            raise Incorrect(f"{wrong_size(what, out.shape, expected.shape)}: {sizes}.")
        expect_close(out, expected, what=what)
        expect_dtype(out, "float32", what, hint="the image is float32: use dtype=image.dtype")


q3 = Exercise(
    "Question 3: convolution with strides and padding",
    _check_conv_strided,
    hints=[
        "First pad the image (your pad() from question 2, or np.pad), then slide the kernel "
        "over the padded image.",
        "The output has (H - F + 2P) // S + 1 rows (and the same formula for columns).",
        "Output (i, j) is the window that starts at row i * stride and column j * stride of "
        "the padded image.",
    ],
    solution_code='''
        def conv2d(image, kernel, stride=1, padding=0):
            """Cross-correlate `image` with `kernel`, after `padding` zeros, every `stride` pixels."""
            padded = np.pad(image, padding)
            kh, kw = kernel.shape
            out_h = (padded.shape[0] - kh) // stride + 1
            out_w = (padded.shape[1] - kw) // stride + 1
            out = np.zeros((out_h, out_w), dtype=image.dtype)
            for i in range(out_h):
                for j in range(out_w):
                    top, left = i * stride, j * stride
                    out[i, j] = np.sum(padded[top : top + kh, left : left + kw] * kernel)
            return out
    ''',
)


# --- q4: TensorFlow's "same" padding ---------------------------------------------------------

# (input size, kernel size, stride): even and odd totals, strides that need less padding.
SAME_CASES = [
    (28, 3, 1),
    (28, 5, 1),
    (5, 2, 1),
    (7, 4, 1),
    (28, 3, 2),
    (5, 3, 2),
    (6, 3, 3),
    (10, 5, 4),
    (8, 2, 4),
]


def _check_same_padding(same_padding: Any) -> None:
    expect_function(same_padding, "same_padding")
    for h, f, s in SAME_CASES:
        with learner_errors("your same_padding"):
            given = same_padding(h, f, s)
        call = f"same_padding({h}, {f}, {s})"
        if not isinstance(given, (tuple, list)) or len(given) != 2:
            raise Incorrect(f"{call} returned {given!r}: return two numbers, (before, after).")
        before, after = (int(n) for n in expect_array(list(given), call))
        want = ops.same_padding(h, f, s)
        if (before, after) == want:
            continue
        n = math.ceil(h / s)
        total, need = sum(want), (n - 1) * s + f
        message = f"{call} should be {want}, not {(before, after)}"
        if (after, before) == want:
            why = "TensorFlow puts the odd extra pixel after (at the bottom or right), not before"
        elif min(before, after) < 0:
            why = "padding cannot be negative: when no padding is needed, it is (0, 0)"
        elif before + after != total:
            why = (
                f"'same' gives ceil({h} / {s}) = {n} outputs, which need ({n} - 1) * {s} + {f} "
                f"= {need} pixels, so {pixels(max(need - h, 0))} of padding in all"
            )
            if s > 1 and before + after == f - 1:
                why += f" (with stride {s} fewer pixels are needed than F - 1)"
        else:
            why = "split the total as evenly as possible, with the extra pixel after"
        raise Incorrect(f"{message}: {why}.")


q4 = Exercise(
    "Question 4: TensorFlow's 'same' padding",
    _check_same_padding,
    hints=[
        "With 'same', the output has ceil(size / stride) positions. How many input pixels do "
        "that many windows cover?",
        "They cover (outputs - 1) * stride + kernel pixels; the padding is what is missing "
        "beyond size (and never less than 0).",
        "Split the total in two: before = total // 2 and after = total - before, so the odd "
        "pixel goes after.",
    ],
    solution_code='''
        import math


        def same_padding(size, kernel, stride):
            """TensorFlow's 'same' padding along one axis, as (before, after)."""
            outputs = math.ceil(size / stride)
            total = max((outputs - 1) * stride + kernel - size, 0)
            return total // 2, total - total // 2
    ''',
)


# --- q5: shapes through a stack of layers ----------------------------------------------------

STACK = [
    conv(16, 3, padding="same"),
    conv(32, 3, stride=2),
    conv(64, 3, 2, "same"),
    conv(64, 5),
    flatten(),
]

q5 = shapes_question(
    "Question 5: shapes through a stack of layers",
    (28, 28, 1),
    STACK,
    hints=[
        "Work one layer at a time: each layer's output is the next one's input.",
        "'valid': (H - F) // S + 1. 'same': ceil(H / S). A Conv2D has one output channel per "
        "filter; Flatten multiplies height, width and channels.",
        "The sizes go 28 -> 28 -> 13 -> 7 -> 3.",
    ],
)
