"""The arithmetic the lessons show as text: kernels typed by a learner, the sum behind one
output pixel, the output-size formula, what a pooling window holds (lessons 1-3).

Pure functions, no widgets: the explorers of ``course_utils.widgets`` display them and the
exercise checkers quote them, so a formula is written once, here. Numbers come from
``course_utils.ops``.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np

from course_utils import ops


def size_formula(input_size: int, kernel_size: int, stride: int = 1, padding: int | str = 0) -> str:
    """(H - F + 2P) / S + 1 with the numbers filled in, and how it rounds (lesson 2).

    ``size_formula(28, 3, 2, 0) == "(28 - 3 + 2*0) / 2 + 1 = 13.5, rounded down to 13"``;
    ``padding="valid"`` leaves the padding term out. ``kernel_size`` is the pixels a kernel
    covers (for a dilated kernel, its span).
    """
    pad = 0 if padding == "valid" else int(padding)
    term = "" if padding == "valid" else f" + 2*{pad}"
    exact = (input_size - kernel_size + 2 * pad) / stride + 1
    text = f"({input_size} - {kernel_size}{term}) / {stride} + 1 = {exact:g}"
    return text if exact.is_integer() else f"{text}, rounded down to {math.floor(exact)}"


def parse_kernel(text: str, shape: tuple[int, int] = (3, 3)) -> np.ndarray:
    """Read a kernel typed by a learner (lesson 1).

    Accepts a Python-style list ``[[0, -1, 0], [-1, 5, -1], [0, -1, 0]]``, or one row per
    line (or rows separated by ``;``) with numbers separated by spaces or commas.
    Fractions such as ``1/9`` are allowed. Raises ValueError with a message meant for
    the learner when the text is not ``shape[0]`` rows of ``shape[1]`` numbers.
    """
    if not isinstance(text, str):
        raise TypeError(f"text should be a string, got {type(text).__name__}")
    example = "for example [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]"
    if "[" in text or "]" in text:
        if text.count("[") != text.count("]"):
            raise ValueError(f"the brackets [ ] do not match up; write {example}")
        rows = re.findall(r"\[([^\[\]]*)\]", text)
    else:
        rows = [r for r in re.split(r"[;\n]", text) if r.strip()]
    if not rows:
        raise ValueError(
            f"the kernel is empty; write {shape[0]} rows of {shape[1]} numbers, {example}"
        )
    if len(rows) != shape[0]:
        raise ValueError(
            f"the kernel needs {shape[0]} rows of {shape[1]} numbers but has {len(rows)} "
            f"row(s); {example}"
        )
    kernel = []
    for i, row in enumerate(rows, start=1):
        tokens = [t for t in re.split(r"[,\s]+", row.strip()) if t]
        if len(tokens) != shape[1]:
            raise ValueError(
                f"row {i} has {len(tokens)} numbers but needs {shape[1]}: {row.strip()!r}"
            )
        kernel.append([_number(t, i) for t in tokens])
    return np.array(kernel, dtype=float)


def sum_formula(window: np.ndarray, kernel: np.ndarray, total: float) -> str:
    """The sum one output pixel is made of, e.g. ``"0.5*1 + 0*(-1) + ... = 2.3"`` (lesson 1).

    ``total`` is the output value computed by ``ops`` (it should equal the sum).
    """
    window, kernel = np.asarray(window, dtype=float), np.asarray(kernel, dtype=float)
    if window.shape != kernel.shape:
        raise ValueError(f"window {window.shape} and kernel {kernel.shape} should have one shape")
    terms = [
        f"{_num(p)}*{_num(w, paren=True)}"
        for p, w in zip(window.ravel(), kernel.ravel(), strict=True)
    ]
    return " + ".join(terms) + f" = {_num(total)}"


def partial_output(full: np.ndarray, row: int, col: int) -> np.ndarray:
    """A copy of ``full`` with the cells after (row, col), in reading order, set to NaN (lesson 1)."""
    out = np.array(full, dtype=float)
    if not (0 <= row < out.shape[0] and 0 <= col < out.shape[1]):
        raise ValueError(f"(row, col) = ({row}, {col}) is outside the {out.shape} output")
    out.ravel()[row * out.shape[1] + col + 1 :] = np.nan
    return out


def shape_formula(
    input_size: int,
    kernel_size: int,
    stride: int = 1,
    padding: str | int = 0,
    dilation: int = 1,
) -> str:
    """The output-size formula with the numbers filled in, for a square input (lesson 2).

    For example ``"(7 - 3 + 2*1) / 2 + 1 = 4 -> output is 4x4"``. The result comes
    from ``ops.output_size``, so a kernel that does not fit raises its ValueError.
    """
    n_out = ops.output_size(input_size, kernel_size, stride, padding, dilation)
    shape = f"output is {n_out}x{n_out}"
    span = dilation * (kernel_size - 1) + 1
    lead = ""
    if dilation > 1:
        lead = f"dilated kernel covers {dilation}*({kernel_size} - 1) + 1 = {span} pixels; "
    if padding == "same":
        before, after = ops.same_padding(input_size, kernel_size, stride, dilation)
        return (
            f"{lead}'same': ceil({input_size} / {stride}) = {n_out} -> {shape} "
            f"(padding {before} before, {after} after)"
        )
    return f"{lead}{size_formula(input_size, span, stride, padding)} -> {shape}"


def pool_window(
    image: np.ndarray,
    row: int,
    col: int,
    pool_size: int,
    stride: int,
    padding: str = "valid",
) -> np.ndarray:
    """The real (unpadded) pixels that output cell (row, col) pools, in reading order (lesson 3)."""
    image = np.asarray(image, dtype=float)
    (top, _), (left, _) = ops.padding_amounts(padding, image.shape[:2], pool_size, stride)
    y0, x0 = row * stride - top, col * stride - left
    ys = [y for y in range(y0, y0 + pool_size) if 0 <= y < image.shape[0]]
    xs = [x for x in range(x0, x0 + pool_size) if 0 <= x < image.shape[1]]
    return image[np.ix_(ys, xs)].ravel()


def pool_formula(values: np.ndarray, mode: str, result: float) -> str:
    """``"max(1, 3, 5, 6) = 6"`` or ``"mean(1, 3, 5, 6) = 15 / 4 = 3.75"`` (lesson 3)."""
    listed = ", ".join(_num(v) for v in np.ravel(values))
    if mode == "max":
        return f"max({listed}) = {_num(result)}"
    if mode == "average":
        total = float(np.sum(values))
        return f"mean({listed}) = {_num(total)} / {np.size(values)} = {_num(result)}"
    raise ValueError(f'mode should be "max" or "average", got {mode!r}')


# --------------------------------------------------------------------------- helpers


def _number(token: str, row: int) -> float:
    try:
        return float(Fraction(token))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{token!r} in row {row} is not a number") from None


def _num(value: float, paren: bool = False) -> str:
    text = f"{float(value):.3g}"
    text = "0" if text == "-0" else text
    return f"({text})" if paren and text.startswith("-") else text
