"""Exercises for lesson 2, padding and strides (``exercises/02_padding_and_strides_exercises.ipynb``).

- ``q1``: output sizes from the formula (H - F + 2P) / S + 1;
- ``q2``: ``pad(image, p)``, zero padding by hand;
- ``q3``: ``conv2d(image, kernel, stride, padding)`` with strides and padding;
- ``q4``: ``same_padding(size, kernel, stride)``, TensorFlow's uneven ``"same"`` padding;
- ``q5``: the output shape after each layer of a stack.

``Layer`` and ``shapes_checker`` are shared with lessons 3 and 4.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_utils import ops
from course_utils.exercises import (
    Exercise,
    Incorrect,
    NotAttempted,
    ____,
    expect_array,
    expect_close,
    expect_dtype,
    learner_errors,
)
from course_utils.exercises.lesson1 import (
    _close,
    _pattern,
    _size,
    _size_of,
    call_sliding,
    expect_function,
)

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


def _size_formula(h: int, f: int, s: int, p: int) -> str:
    exact = (h - f + 2 * p) / s + 1
    text = f"({h} - {f} + 2 * {p}) / {s} + 1 = {exact:g}"
    return text if exact.is_integer() else f"{text}, which rounds down to {math.floor(exact)}"


def _check_sizes(answer: Any) -> None:
    if not isinstance(answer, (list, tuple)):
        raise Incorrect(f"Give a list of {len(SIZE_CASES)} numbers, one per row of the table.")
    if len(answer) != len(SIZE_CASES):
        raise Incorrect(
            f"Give one number per row of the table: {len(SIZE_CASES)} numbers, not {len(answer)}."
        )
    for row, (given, (h, f, s, p)) in enumerate(zip(answer, SIZE_CASES, strict=True), start=1):
        if isinstance(given, bool) or not isinstance(given, (int, np.integer)):
            raise Incorrect(f"Row {row}: give a whole number, not {given!r}.")
        want = (h - f + 2 * p) // s + 1
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
        raise Incorrect(message + _size_formula(h, f, s, p) + (f"; {why}" if why else "") + ".")


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

PAD_CASES = [(_pattern(3, 4, 5), 1), (_pattern(4, 3, 7), 2), (_pattern(2, 2, 3), 0)]


def _check_pad(pad: Any) -> None:
    expect_function(pad, "pad")
    for image, p in PAD_CASES:
        with learner_errors("your pad"):
            out = pad(image.copy(), p)
        what = f"the output of pad(image, {p}) for a {_size(image)} image"
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
            raise Incorrect(
                f"{_sentence(what)} is {_size(out)} but should be {_size_of(want)}: {why}."
            )
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
                f"{_sentence(what)} has {out[r, c]:g} at row {r}, column {c}, in the padding: "
                "padding should be zeros."
            )
        expect_close(
            out[p : p + h, p : p + w],
            image,
            what=f"the middle of {what}",
            hint=f"the image should start at row {p}, column {p}",
        )
        expect_dtype(out, image.dtype, what, hint="keep the image's dtype: dtype=image.dtype")


def _sentence(text: str) -> str:
    """Start a message with a capital, leaving code such as conv2d(...) as it is."""
    return text[:1].upper() + text[1:]


def _pixels(n: int) -> str:
    return f"{n} pixel" if n == 1 else f"{n} pixels"


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


def reference_conv(image: np.ndarray, kernel: np.ndarray, stride: int, padding: Any) -> np.ndarray:
    """One 2-D image, one 2-D kernel, via ``ops.conv2d`` (lesson 2)."""
    x, k = np.asarray(image)[None, :, :, None], np.asarray(kernel)[:, :, None, None]
    return ops.conv2d(x, k, strides=stride, padding=padding)[0, :, :, 0]


# (image, kernel, stride, padding)
STRIDE_CASES = [
    (_pattern(6, 7, 5), _pattern(3, 3, 7), 2, 1),
    (_pattern(5, 5, 11), _pattern(2, 3, 3), 1, 0),
    (_pattern(8, 8, 13), _pattern(3, 3, 5), 3, 0),
    (_pattern(7, 6, 3), _pattern(3, 2, 11), 2, 2),
    (_pattern(5, 5, 7), _pattern(3, 3, 13), 1, 1),
]


def _check_conv_strided(conv2d: Any) -> None:
    expect_function(conv2d, "conv2d")
    for image, kernel, s, p in STRIDE_CASES:
        call = f"conv2d(image, kernel, stride={s}, padding={p}) on a {_size(image)} image"
        call += f" with a {_size(kernel)} kernel"
        what = f"the output of {call}"
        (h, w), (kh, kw) = image.shape, kernel.shape
        sizes = f"rows {_size_formula(h, kh, s, p)}; columns {_size_formula(w, kw, s, p)}"
        out = call_sliding(conv2d, (image.copy(), kernel.copy(), s, p), f"For {call}", sizes)
        out = expect_array(out, what)
        expected = reference_conv(image, kernel, s, p)
        if not _close(out, expected):
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
                (kernel, s, 0, f"you did not pad: add {_pixels(p)} of zeros on every side first"),
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
                    if _close(out, slip_corner):
                        raise Incorrect(f"{_sentence(what)}: {why}.")
                if _close(out, slip):
                    raise Incorrect(f"{_sentence(what)}: {why}.")
        if out.shape != expected.shape:
            raise Incorrect(
                f"{_sentence(what)} is {_size(out)} but should be {_size(expected)}: {sizes}."
            )
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
                f"= {need} pixels, so {_pixels(max(need - h, 0))} of padding in all"
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


# --- q5 (and lessons 3, 4): shapes through a stack of layers ---------------------------------


@dataclass(frozen=True)
class Layer:
    """One layer of a stack whose output shapes the learner works out (lessons 2 to 4).

    ``kind`` is "Conv2D", "MaxPooling2D", "Flatten" or "Dense"; ``n`` the filters or units;
    ``size`` the kernel or pool size.
    """

    kind: str
    n: int = 0
    size: int = 0
    stride: int = 1
    padding: str = "valid"

    def __str__(self) -> str:
        args = [str(a) for a in (self.n, self.size) if a]
        if self.kind == "MaxPooling2D" and self.stride != self.size:
            args.append(f"strides={self.stride}")
        if self.kind == "Conv2D" and self.stride != 1:
            args.append(f"strides={self.stride}")
        if self.padding != "valid":
            args.append(f'padding="{self.padding}"')
        return f"{self.kind}({', '.join(args)})"


def conv(filters: int, size: int, stride: int = 1, padding: str = "valid") -> Layer:
    """A Conv2D in a stack: ``conv(64, 3)`` is ``layers.Conv2D(64, 3)`` (lessons 2 to 4)."""
    return Layer("Conv2D", filters, size, stride, padding)


def pool(size: int = 2, stride: int | None = None, padding: str = "valid") -> Layer:
    """A MaxPooling2D in a stack; the stride defaults to the pool size, as in Keras."""
    return Layer("MaxPooling2D", 0, size, size if stride is None else stride, padding)


def walk(input_shape: tuple[int, ...], stack: Sequence[Layer]) -> list[tuple[tuple[int, ...], str]]:
    """The shape after each layer and why, in the learner's words (lessons 2 to 4)."""
    shape, steps = tuple(input_shape), []
    for layer in stack:
        if layer.kind in ("Conv2D", "MaxPooling2D"):
            h, w, c = shape
            new = ops.output_size(h, layer.size, layer.stride, layer.padding)
            channels = layer.n if layer.kind == "Conv2D" else c
            shape = (new, ops.output_size(w, layer.size, layer.stride, layer.padding), channels)
            steps.append((shape, _why_size(layer, h, new)))
        elif layer.kind == "Flatten":
            why = f"Flatten lines up all the numbers: {' x '.join(map(str, shape))}"
            shape = (math.prod(shape),)
            steps.append((shape, f"{why} = {shape[0]}"))
        else:
            shape = (layer.n,)
            steps.append((shape, f"a Dense layer outputs one number per unit: {layer.n}"))
    return steps


def _why_size(layer: Layer, h: int, new: int) -> str:
    k, s, pooling = layer.size, layer.stride, layer.kind == "MaxPooling2D"
    if layer.padding == "same":
        if s == 1:
            return f"'same' padding keeps the size at {h}"
        rounding = "; 'same' rounds up" if pooling else ""
        return f"'same' padding gives ceil({h} / {s}) = {new}{rounding}"
    if pooling and k == s == 2:
        return f"pooling 2x2 halves {h} and rounds down"
    if s == 1:
        return f"a {k}x{k} kernel without padding fits {h} - {k} + 1 = {new} times"
    window = "window" if pooling else "kernel"
    return f"a {k}x{k} {window} moving {s} pixels at a time fits " + _size_formula(h, k, s, 0)


ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth"]


def shapes_checker(input_shape: tuple[int, ...], stack: Sequence[Layer]) -> Callable[[Any], None]:
    """A checker for "the output shape after each layer" (lessons 2 to 4)."""
    steps = walk(input_shape, stack)
    kinds = [layer.kind for layer in stack]

    def check(answer: Any) -> None:
        shapes = _as_shapes(answer, len(stack), tuple(input_shape))
        for i, (given, (want, why)) in enumerate(zip(shapes, steps, strict=True)):
            if given == want:
                continue
            kind = kinds[i]
            nth = kinds[: i + 1].count(kind)
            name = f"the {ORDINALS[nth - 1]} {kind}" if kinds.count(kind) > 1 else f"the {kind}"
            layer = str(stack[i])
            where = f"After {name}" if layer == f"{kind}()" else f"After {name}, {layer},"
            if len(given) != len(want):
                parts = " (height, width, channels)" if len(want) == 3 else ""
                raise Incorrect(f"{where} the shape should be {want}{parts}, not {given}: {why}.")
            if len(want) == 1:
                raise Incorrect(
                    f"{where} there should be {want[0]} numbers, not {given[0]}: {why}."
                )
            if given[:2] != want[:2]:
                size = str(want[0]) if want[0] == want[1] else f"{want[0]}x{want[1]}"
                raise Incorrect(
                    f"{where} the size should be {size}, not {given[0]}x{given[1]}: {why}."
                )
            reason = (
                "a Conv2D outputs one channel per filter"
                if kind == "Conv2D"
                else "pooling works on each channel separately and keeps them all"
            )
            raise Incorrect(
                f"{where} there should be {want[2]} channels, not {given[2]}: {reason}."
            )

    return check


def _as_shapes(answer: Any, count: int, input_shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    if not isinstance(answer, (list, tuple)):
        raise Incorrect(f"Give a list of {count} shapes, one per layer, like [(26, 26, 64), ...].")
    shapes = []
    for item in answer:
        shape = (item,) if isinstance(item, (int, np.integer)) else item
        if not isinstance(shape, (list, tuple)):
            raise Incorrect(f"Each shape should be a tuple like (26, 26, 64), not {item!r}.")
        if any(n is ____ for n in shape):
            raise NotAttempted()
        if shape and shape[0] is None:
            raise Incorrect(
                "Leave out the batch axis (the None that model.summary() shows): "
                "give (height, width, channels)."
            )
        if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in shape):
            raise Incorrect(
                f"Each shape should hold whole numbers, like (26, 26, 64), not {item!r}."
            )
        shapes.append(tuple(int(n) for n in shape))
    if len(shapes) == count + 1 and shapes[0] == input_shape:
        raise Incorrect(
            f"Leave out the input shape {input_shape}: start with the shape after the first layer."
        )
    if len(shapes) != count:
        raise Incorrect(f"Give one shape per layer: {count} shapes, not {len(shapes)}.")
    return shapes


STACK = [
    conv(16, 3, padding="same"),
    conv(32, 3, stride=2),
    conv(64, 3, 2, "same"),
    conv(64, 5),
    Layer("Flatten"),
]

q5 = Exercise(
    "Question 5: shapes through a stack of layers",
    shapes_checker((28, 28, 1), STACK),
    hints=[
        "Work one layer at a time: each layer's output is the next one's input.",
        "'valid': (H - F) // S + 1. 'same': ceil(H / S). A Conv2D has one output channel per "
        "filter; Flatten multiplies height, width and channels.",
        "The sizes go 28 -> 28 -> 13 -> 7 -> 3.",
    ],
    solution_code="""
        shapes = [(28, 28, 16), (13, 13, 32), (7, 7, 64), (3, 3, 64), (576,)]
    """,
)
