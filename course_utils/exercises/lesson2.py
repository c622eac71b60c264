"""Exercises for lesson 2, padding and strides (``exercises/02_padding_and_strides_exercises.ipynb``).

- ``q1``: output sizes from the formula (H - F + 2P) / S + 1, on a table no lesson prints;
- ``q2``: ``pad(image, p)``, zero padding by hand, for gray and colour images;
- ``q3``: ``conv2d(image, kernel, stride, padding)`` with strides and padding;
- ``q4``: ``same_padding(size, kernel, stride)``, TensorFlow's uneven ``"same"`` padding;
- ``q5``: the output shape after each layer of a stack (the stack model is in ``stacks``);
- ``q6``: choose a Conv2D's stride and padding to get a given output size.
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
    explain_output,
    number_list,
    pattern,
    pixels,
    reference_conv,
    size_of,
    whole_number,
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
# None of these rows is in the lesson's table.
SIZE_CASES = [
    (30, 5, 1, 0),
    (30, 5, 1, 2),
    (30, 5, 2, 0),
    (29, 3, 2, 1),
    (64, 7, 3, 3),
    (10, 4, 3, 0),
]


def _check_sizes(answer: Any) -> None:
    answer = number_list(answer, len(SIZE_CASES), "row of the table")
    for row, (given, (h, f, s, p)) in enumerate(zip(answer, SIZE_CASES, strict=True), start=1):
        given = whole_number(
            given,
            f"row {row}",
            "pixel",
            fix="A window that would stick out of the image is not used: round down (// in Python)",
        )
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
        why = slips.get(given, "")
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
        sizes = [26, 30, 13, 15, 22, 3]
    """,
)


# --- q2: zero padding ------------------------------------------------------------------------

# (image, p): gray images of both orientations, a colour image, and no padding at all.
PAD_CASES = [
    (pattern(3, 4, 5), 1),
    (pattern(4, 3, 7), 2),
    (np.stack([pattern(2, 3, 3 + 2 * c) for c in range(3)], axis=-1), 1),
    (pattern(2, 2, 3), 0),
]


def _check_pad(pad: Any) -> None:
    expect_function(pad, "pad")
    for image, p in PAD_CASES:
        original = image.copy()
        with learner_errors("your pad"):
            out = pad(image, p)
        if not np.array_equal(image, original):
            raise Incorrect(
                "Your pad changed the image it was given: build a new array with np.zeros "
                "and copy the image into it."
            )
        kind = "colour image" if image.ndim == 3 else "image"
        what = f"the output of pad(image, {p}) for a {size_of(image.shape)} {kind}"
        if isinstance(out, (list, tuple)):
            raise Incorrect(f"{capitalized(what)} is a Python list: return a NumPy array.")
        out = expect_array(out, what)
        h, w = image.shape[:2]
        want = (h + 2 * p, w + 2 * p, *image.shape[2:])
        if out.shape != want:
            raise Incorrect(f"{wrong_size(what, out.shape, want)}: {_why_pad_size(out, image, p)}.")
        if (
            p
            and np.array_equal(out[:h, :w], image)
            and not np.array_equal(out[p : p + h, p : p + w], image)
        ):
            raise Incorrect(
                f"In {what}, the image starts at row 0, column 0: it should sit in the middle, "
                f"starting at row {p}, column {p}."
            )
        border = np.ones(out.shape[:2], dtype=bool)
        border[p : p + h, p : p + w] = False
        if np.any(out[border] != 0):
            r, c = np.argwhere(border & np.any(out != 0, axis=tuple(range(2, out.ndim))))[0]
            raise Incorrect(
                f"{capitalized(what)} is not 0 at row {r}, column {c}, in the padding: "
                "padding should be zeros."
            )
        expect_close(
            out[p : p + h, p : p + w],
            image,
            what=f"the middle of {what}",
            hint=f"the image should start at row {p}, column {p}",
        )
        expect_dtype(out, image.dtype, what, hint="keep the image's dtype: dtype=image.dtype")


def _why_pad_size(out: np.ndarray, image: np.ndarray, p: int) -> str:
    (h, w), extra = image.shape[:2], image.shape[2:]
    if image.ndim == 3 and out.shape == tuple(n + 2 * p for n in image.shape):
        return (
            f"you padded the channel axis too ({image.shape[2]} channels became "
            f"{out.shape[2]}): pad only height and width, e.g. "
            "np.pad(image, ((p, p), (p, p), (0, 0))) or np.zeros((h + 2 * p, w + 2 * p, c))"
        )
    if image.ndim == 3 and out.ndim == 2:
        return "a colour image keeps its channel axis: pad height and width, keep the channels"
    by = {(h + 2 * q, w + 2 * q, *extra): q for q in (p - 1, p + 1) if q >= 0}
    if out.shape in by:
        return f"you padded {pixels(by[out.shape])} on each side, not {p}"
    if out.shape == (h + p, w + p, *extra):
        return f"you padded one side only: add {p} before and {p} after, on both axes"
    return f"{p} zeros on each of the four sides make it {h} + 2 * {p} by {w} + 2 * {p}"


q2 = Exercise(
    "Question 2: zero padding",
    _check_pad,
    hints=[
        "The padded image is p pixels larger on each of the four sides: (height + 2p) by "
        "(width + 2p). A colour image keeps its channels: only height and width grow.",
        "Make it with np.zeros((height + 2 * p, width + 2 * p) + image.shape[2:], "
        "dtype=image.dtype), then copy the image into the middle, starting at row p and "
        "column p.",
        "out[p : p + height, p : p + width] = image works for both: a colour image's "
        "channels come along.",
    ],
    solution_code='''
        def pad(image, p):
            """Return `image` with `p` zeros added on every side (height and width only)."""
            height, width = image.shape[:2]
            out = np.zeros((height + 2 * p, width + 2 * p) + image.shape[2:], dtype=image.dtype)
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
        expected = reference_conv(image, kernel, s, p)
        out = call_sliding(conv2d, (image, kernel, s, p), f"For {call}", sizes, expected.shape)
        out = explain_output(out, expected, what)
        if not close(out, expected):
            for slip, why in _stride_slips(image, kernel, s, p):
                # Ignoring the stride but sizing the output right keeps the top-left corner.
                corner = slip[: expected.shape[0], : expected.shape[1]]
                if close(out, slip) or (slip.shape != expected.shape and close(out, corner)):
                    raise Incorrect(f"{capitalized(what)}: {why}.")
        if out.shape != expected.shape:
            raise Incorrect(f"{wrong_size(what, out.shape, expected.shape)}: {sizes}.")
        expect_close(out, expected, what=what)
        expect_dtype(out, "float32", what, hint="the image is float32: use dtype=image.dtype")


def _stride_slips(
    image: np.ndarray, kernel: np.ndarray, s: int, p: int
) -> list[tuple[np.ndarray, str]]:
    """What each usual slip computes, and what to tell the learner who made it."""
    windows = f"window (i, j) starts at row i * {s}, column j * {s} of the padded image"
    slips = [
        (
            reference_conv(image, kernel, 1, p),
            f"your windows move 1 pixel at a time: with stride {s} they jump {s} pixels, so "
            + windows,
        ),
        (
            reference_conv(image, kernel, (s, 1), p),
            f"your windows jump {s} pixels down but only 1 across: the stride applies to the "
            "columns too, so " + windows,
        ),
        (
            reference_conv(image, kernel, (1, s), p),
            f"your windows jump {s} pixels across but only 1 down: the stride applies to the "
            "rows too, so " + windows,
        ),
        (
            reference_conv(image, kernel, s, 0),
            f"you did not pad: add {pixels(p)} of zeros on every side first",
        ),
        (reference_conv(image, kernel, s, p + 1), f"you padded {p + 1} pixels, not {p}"),
        (
            reference_conv(image, kernel, s, ((p, 0), (p, 0))),
            f"you padded only the top and the left: add {pixels(p)} on the bottom and the right "
            "too",
        ),
        (
            reference_conv(image, kernel, s, ((0, p), (0, p))),
            f"you padded only the bottom and the right: add {pixels(p)} on the top and the left "
            "too",
        ),
        (
            reference_conv(image, kernel[::-1, ::-1], s, p),
            "you flipped the kernel: frameworks do not flip (cross-correlation)",
        ),
    ]
    if p > 1:
        slips.append(
            (reference_conv(image, kernel, s, p - 1), f"you padded {p - 1} pixels, not {p}")
        )
    if s == 1 or p == 0:  # the slips that do nothing in this case would hide the real one
        slips = [
            (slip, why)
            for slip, why in slips
            if not close(slip, reference_conv(image, kernel, s, p))
        ]
    return slips


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
        if isinstance(given, np.ndarray) and given.shape == (2,):
            given = tuple(given.tolist())
        if not isinstance(given, (tuple, list)) or len(given) != 2:
            raise Incorrect(f"{call} returned {given!r}: return two numbers, (before, after).")
        before, after = (
            whole_number(
                n,
                f"the {side} padding that {call} returned",
                "pixel",
                fix="Split the total with whole-number division: before = total // 2",
            )
            for n, side in zip(given, ("before", "after"), strict=True)
        )
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


# --- q6: choose the stride and padding -------------------------------------------------------

SETTINGS_INPUT, SETTINGS_KERNEL = 28, 3
SETTINGS_TARGETS = [28, 14, 13, 10]  # output sizes to reach with Conv2D(8, 3)


def _check_settings(answer: Any) -> None:
    count = len(SETTINGS_TARGETS)
    if isinstance(answer, tuple) and len(answer) == 2 and not isinstance(answer[0], tuple):
        raise Incorrect(f"Give a list of {count} pairs, one per output size: [(1, 'same'), ...].")
    if not isinstance(answer, (list, tuple)) or len(answer) != count:
        raise Incorrect(
            f"Give a list of {count} (strides, padding) pairs, one per output size, like "
            "[(1, 'same'), ...]."
        )
    h, f = SETTINGS_INPUT, SETTINGS_KERNEL
    for target, pair in zip(SETTINGS_TARGETS, answer, strict=True):
        where = f"For {target}x{target}"
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise Incorrect(
                f"{where}, give a pair (strides, padding), like (2, 'same'), not {pair!r}."
            )
        stride, padding = pair
        if isinstance(stride, str) and not isinstance(padding, str):
            raise Incorrect(f"{where}, the pair is (strides, padding): the number comes first.")
        stride = whole_number(stride, f"{where.lower()}, your stride", "pixel")
        if stride < 1:
            raise Incorrect(f"{where}, the stride should be at least 1, not {stride}.")
        if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
            raise Incorrect(f"{where}, padding should be 'valid' or 'same', not {padding!r}.")
        got = ops.output_size(h, f, stride, padding.lower())
        if got == target:
            continue
        how = (
            f"'same' gives ceil({h} / {stride}) = {got}"
            if padding.lower() == "same"
            else f"'valid' gives {size_formula(h, f, stride, 'valid')}"
        )
        raise Incorrect(
            f"{where}, strides={stride} with padding='{padding}' gives {got}x{got}: {how}."
        )


q6 = Exercise(
    "Question 6: choose the stride and padding",
    _check_settings,
    hints=[
        "Start from the two formulas: 'same' gives ceil(H / S) and 'valid' gives "
        "(H - F) // S + 1, here with H = 28 and F = 3.",
        "Stride 1 keeps 28 with 'same'; stride 2 halves it with 'same' (14) and gives one "
        "less with 'valid' (13).",
        "For 10, try stride 3: which padding gives ceil(28 / 3)?",
    ],
    solution_code="""
        settings = [(1, "same"), (2, "same"), (2, "valid"), (3, "same")]
    """,
)
