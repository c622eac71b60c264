"""What the checkers of several lessons share: test inputs, wording, a learner's function.

Used by lessons 1 to 5 (and meant for any new question about arrays or functions):

- test inputs: ``pattern(height, width, step)``, irregular numbers whose sums are exact;
- wording: ``size_of((6, 6)) == "6x6"``, ``wrong_size`` ("... is 2x4 but should be 3x4"),
  ``shape_words`` ("a flat list of 3 numbers"),
  ``pixels(1) == "1 pixel"``, ``kernel_fits`` (how many times a kernel fits an image);
- typed answers: ``whole_number`` (an int, or exactly what to change), ``number_list``
  (a list, tuple or 1-D array of numbers), ``close(a, b)``, ``is_whole_number(value)``;
- a learner's function: ``expect_function`` (they gave the function, not its result),
  ``call_sliding`` (call it; explain a crash with the loop variables' values, and notice a
  function that writes into its input) and ``explain_output`` (the usual slips of a
  right-sized but wrong result: an integer array, loops that stop early, a transposed result);
- references on one 2-D image: ``reference_conv`` and ``reference_pool``, computed by
  ``course_utils.ops``, whose results equal TensorFlow's (tested).
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Iterable
from typing import Any

import numpy as np

from course_utils import ops
from course_utils.exercises.framework import (
    Incorrect,
    capitalized,
    expect_array,
    expect_close,
    explain_error,
    learner_errors,
    learner_frame,
)


def pattern(height: int, width: int, step: int) -> np.ndarray:
    """Fixed, irregular test numbers (lesson 1); different ``step``s give different images.

    The values are quarters from -2 to 2: exact in float32, so sums of them are exact too.
    """
    values = (np.arange(height * width).reshape(height, width) * step + 3) % 17 - 8
    return (values / 4).astype(np.float32)


def size_of(shape: tuple[int, ...]) -> str:
    """A shape as a learner reads it: ``(6, 7)`` -> "6x7" (lesson 1)."""
    return "x".join(str(n) for n in shape)


def shape_words(shape: tuple[int, ...]) -> str:
    """What an answer looks like: "a single number", "a flat list of 3 numbers", "3x3"."""
    if not shape:
        return "a single number"
    if 0 in shape:
        return "empty" if len(shape) == 1 else f"empty ({size_of(shape)})"
    if len(shape) == 1:
        return f"a flat list of {shape[0]} numbers"
    return size_of(shape)


def wrong_size(what: str, shape: tuple[int, ...], expected: tuple[int, ...]) -> str:
    """A message's start: "The output of ... is 2x4 but should be 3x4" (lesson 1)."""
    return f"{capitalized(what)} is {shape_words(shape)} but should be {shape_words(expected)}"


def pixels(n: int) -> str:
    """A number of pixels in words: "1 pixel", "2 pixels" (lesson 2)."""
    return f"{n} pixel" if n == 1 else f"{n} pixels"


def kernel_fits(image_shape: tuple[int, ...], kernel_shape: tuple[int, ...]) -> str:
    """How many times a kernel fits a 2-D image without padding, as the formula (lesson 1)."""
    (h, w), (kh, kw) = image_shape[:2], kernel_shape[:2]
    return (
        f"a {kh}x{kw} kernel fits {h} - {kh} + 1 = {h - kh + 1} times down and "
        f"{w} - {kw} + 1 = {w - kw + 1} times across"
    )


def close(a: np.ndarray, b: np.ndarray) -> bool:
    """Same shape and the same values, within ``expect_close``'s tolerance (lesson 1)."""
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-4, atol=1e-6))


def expect_no_slip(
    out: np.ndarray,
    expected: np.ndarray,
    what: str,
    slips: Iterable[tuple[np.ndarray, str]],
) -> None:
    """Name the mistake when ``out`` is what a known slip computes, then compare as usual.

    ``slips`` pairs what a mistaken version returns with why it is wrong and what to change;
    a slip that happens to agree with the right answer on this input is skipped.
    """
    for slip, why in slips:
        if not close(slip, expected) and close(out, slip):
            raise Incorrect(f"{capitalized(what)} is wrong: {why}.")
    expect_close(out, expected, what)


def is_whole_number(value: Any) -> bool:
    """An int or NumPy integer, but not True or False (lesson 2)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def whole_number(value: Any, what: str, unit: str = "number", fix: str = "") -> int:
    """The answer as an int, or Incorrect saying exactly what to change (lesson 2).

    A float is never truncated: 2.0 is told to be written 2, and 0.5 that it is not a
    whole ``unit`` ("pixel", "epoch"); ``fix`` says how to get a whole one.
    """
    if is_whole_number(value):
        return int(value)
    if isinstance(value, (float, np.floating)) and np.isfinite(value):
        if float(value).is_integer():
            raise Incorrect(
                f"{capitalized(what)} is {float(value)!r}, a float: write the whole number "
                f"{int(value)} (// divides and rounds down to a whole number; / always gives a "
                "float)."
            )
        raise Incorrect(
            f"{capitalized(what)} is {float(value):g}, but it counts whole {unit}s: there is "
            f"no {float(value):g} of a {unit}{f'. {fix}' if fix else ''}."
        )
    raise Incorrect(f"{capitalized(what)} should be a whole number, not {value!r}.")


def number_list(answer: Any, count: int, per: str) -> list[Any]:
    """A list of ``count`` answers, one per ``per`` ("row of the table"), from a list, tuple
    or 1-D NumPy array; otherwise Incorrect saying what to give (lesson 2)."""
    if isinstance(answer, np.ndarray) and answer.ndim == 1:
        answer = answer.tolist()
    if not isinstance(answer, (list, tuple)):
        one = " (not one total)" if is_whole_number(answer) else ""
        raise Incorrect(f"Give a list of {count} numbers, one per {per}{one}, like [1, 2, ...].")
    if len(answer) != count:
        raise Incorrect(f"Give one number per {per}: {count} numbers, not {len(answer)}.")
    return list(answer)


def expect_function(answer: Any, name: str) -> None:
    """Fail unless the answer is a function, with a message that says how to pass it."""
    if not callable(answer) or inspect.isclass(answer):
        raise Incorrect(
            f"check() needs your function itself, not what it returns: .check({name}), "
            f"without parentheses after {name}."
        )


def call_sliding(
    function: Any,
    args: tuple[Any, ...],
    where: str,
    fits: str,
    positions: tuple[int, int],
) -> Any:
    """Call a learner's sliding-window function with ``args`` (copied: the first is the image).

    ``where`` names the case ("For a 6x6 image and a 3x3 kernel"), ``fits`` says how many
    positions there are ("a 3x3 kernel fits 6 - 3 + 1 = 4 times down and ..."),
    ``positions`` is (rows, columns) of the output. A crash where a window or an index
    leaves an array is explained with the loop variables' values at that moment; a
    function that changes its input is told so. (Introduced in lesson 1.)
    """
    given = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
    name = getattr(function, "__name__", "function")
    try:
        out = function(*given)
    except (ValueError, IndexError) as error:
        text = str(error)
        if "setting an array element with a sequence" in text:
            raise Incorrect(
                f"{explain_error(error)}. {where}, each output position holds a single number, "
                "but your line computes several: np.sum(...) without axis= adds everything up "
                "(rows, columns and channels)."
            ) from None
        # An empty window: a slice that starts past the image's edge gives no error, only an
        # empty array, and its .max() (or np.max) fails with "zero-size array".
        empty = "zero-size array" in text or "empty sequence" in text  # max / argmax
        if "broadcast" not in text and "out of bounds" not in text and not empty:
            with learner_errors(f"your {name}"):
                raise
        why = _why_out_of_range(error, "broadcast" in text, fits, positions, empty)
        raise Incorrect(f"{explain_error(error)}. {where}, {why}") from None
    image = args[0]
    if isinstance(image, np.ndarray) and not np.array_equal(given[0], image):
        raise Incorrect(
            f"{where}, your {name} changed the image it was given. A slice like "
            "image[0:2, 0:2] is a view that shares the image's numbers: writing into it (or "
            "into out = image) writes into the image. Make the output with np.zeros(...), or "
            "take a .copy() of the slice."
        )
    return out


def _why_out_of_range(
    error: Exception, broadcast: bool, fits: str, positions: tuple[int, int], empty: bool = False
) -> str:
    loops = loop_variables(error)
    rows, cols = positions
    at = ", ".join(f"{name} = {value}" for name, value in loops.items())
    # The outer loop walks the rows and the inner one the columns, as in every lesson.
    row, col = (list(loops.values()) + [None, None])[:2]
    if row is not None and (row >= rows or (col is not None and col >= cols)):
        return f"your loops go one step too far (it failed at {at}): {fits}."
    if row is not None and col is not None and (row >= cols or col >= rows) and not broadcast:
        return (
            f"it failed at {at}, a position that exists: rows and columns are mixed up "
            f"somewhere. The output has {rows} rows and {cols} columns ({fits}); the row "
            "index comes first (out[i, j]) and goes with the image's height, shape[0]."
        )
    if loops and broadcast:
        return (
            f"at {at}, a position that exists, the window you cut from the image and the "
            "kernel have different shapes: the loops are right, the slice is not. The window "
            "for output (i, j) starts at row i, column j (times the stride) and is exactly as "
            "tall and wide as the kernel."
        )
    if loops and empty:
        return (
            f"at {at}, a position that exists, the window you cut from the image is empty: "
            "the loops are right, the slice is not. The window for output (i, j) starts at "
            "row i * stride, column j * stride, and is `size` rows tall and `size` columns "
            "wide: image[i*stride : i*stride + size, j*stride : j*stride + size]."
        )
    if loops:
        return (
            f"at {at}, a position that exists, an index in that line points outside an "
            "array: the loops are right, the index is not."
        )
    if empty:
        return (
            "a window you cut from the image is empty (NumPy cannot take the largest or "
            f"smallest of nothing). Check where your slices start and end: {fits}."
        )
    if broadcast:
        return (
            "a window of the image and the kernel have different shapes: each window must be "
            f"exactly as tall and wide as the kernel, and {fits}."
        )
    return f"an index points outside an array: {fits}."


def loop_variables(error: Exception) -> dict[str, int]:
    """The learner's ``for ... in range(...)`` variables when ``error`` happened (lesson 1)."""
    frame = learner_frame(error)
    if frame is None:
        return {}
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(frame.f_code)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return {}
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.For) and isinstance(node.iter, ast.Call):
            targets = node.target.elts if isinstance(node.target, ast.Tuple) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name) and t.id not in names]
    values = {name: frame.f_locals.get(name) for name in names}
    return {name: int(v) for name, v in values.items() if is_whole_number(v)}


def explain_output(
    out: Any, expected: np.ndarray, what: str, dtype: Any = np.float32
) -> np.ndarray:
    """The usual slips of a function's result, before comparing values (lessons 1 to 3).

    A list instead of an array, an integer array that cut off the decimals, a result whose
    last row or column was never filled (loops that stop one step early), or a transposed
    one: each gets its own message. Returns the output as an array.
    """
    if isinstance(out, (list, tuple)):
        raise Incorrect(
            f"{capitalized(what)} is a Python {type(out).__name__}: return a NumPy array "
            f"of dtype {np.dtype(dtype)}, e.g. make it with np.zeros((rows, cols), "
            "dtype=image.dtype) and fill it in."
        )
    array = expect_array(out, what)
    if array.shape != expected.shape:
        return array
    wrong = ~np.isclose(array, expected, rtol=1e-4, atol=1e-6)
    if not wrong.any():
        return array
    if array.dtype.kind in "biu" and np.dtype(dtype).kind == "f":
        raise Incorrect(
            f"{capitalized(what)} has dtype {array.dtype}: an array of whole numbers cuts off "
            f"the decimals of what you store in it (2.75 becomes 2). Make it with "
            f"dtype=image.dtype ({np.dtype(dtype)})."
        )
    if array.ndim == 2 and min(array.shape) > 1:
        unfilled = _unfilled_edges(array, wrong)
        if unfilled:
            raise Incorrect(_unfilled_message(what, unfilled))
        if array.shape[0] == array.shape[1] and close(array, expected.T):
            raise Incorrect(
                f"{capitalized(what)} is transposed (rows and columns swapped): output "
                "(i, j) comes from the window that starts i rows down and j columns across."
            )
    return array


def _unfilled_edges(array: np.ndarray, wrong: np.ndarray) -> list[str]:
    """Which edges ("last row", "first column", ...) are all that is wrong, and still 0."""
    edges = {
        "first row": (0, slice(None)),
        "last row": (-1, slice(None)),
        "first column": (slice(None), 0),
        "last column": (slice(None), -1),
    }
    if wrong.all():
        return []  # nothing is right: this is not about a row or column left out
    covered = np.zeros_like(wrong)
    found = []
    for name, index in edges.items():
        if wrong[index].any() and np.all(array[index] == 0):
            covered[index] = True
            found.append(name)
    return found if found and not (wrong & ~covered).any() else []


def _unfilled_message(what: str, edges: list[str]) -> str:
    late = any(edge.startswith("first") for edge in edges)
    why = (
        "your loops start one step late: the first position is 0, so range(rows) starts there"
        if late
        else "your loops stop one step early: range(n) already stops before n, so loop over "
        "range(rows) and range(cols), the number of positions, without - 1"
    )
    verb = "is" if len(edges) == 1 else "are"
    return f"The {' and '.join(edges)} of {what} {verb} still 0: {why}."


def reference_conv(
    image: np.ndarray,
    kernel: np.ndarray,
    stride: int | tuple[int, int] = 1,
    padding: Any = 0,
) -> np.ndarray:
    """Cross-correlation of one 2-D image with one 2-D kernel, via ``ops`` (lessons 1, 2).

    ``stride`` may differ per axis, (rows, columns); ``padding`` is what ``ops.conv2d`` takes.
    """
    x, k = np.asarray(image)[None, :, :, None], np.asarray(kernel)[:, :, None, None]
    return ops.conv2d(x, k, strides=stride, padding=padding)[0, :, :, 0]


def reference_pool(
    image: np.ndarray, size: int, stride: int | tuple[int, int], average: bool = False
) -> np.ndarray:
    """Max (or average) pooling of one 2-D image, 'valid', via ``ops`` (lesson 3)."""
    pooling = ops.avg_pool2d if average else ops.max_pool2d
    return pooling(np.asarray(image)[None, :, :, None], size, stride)[0, :, :, 0]
