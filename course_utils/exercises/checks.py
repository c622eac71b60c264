"""What the checkers of several lessons share: test inputs, wording, a learner's function.

Used by lessons 1 to 3 (and meant for any new question about arrays or functions):

- test inputs: ``pattern(height, width, step)``, irregular numbers whose sums are exact;
- wording: ``size_of((6, 6)) == "6x6"``, ``wrong_size`` ("... is 2x4 but should be 3x4"),
  ``shape_words`` ("a flat list of 3 numbers"),
  ``pixels(1) == "1 pixel"``, ``kernel_fits`` (how many times a kernel fits an image);
- comparing: ``close(a, b)``, ``is_whole_number(value)``;
- a learner's function: ``expect_function`` (they gave the function, not its result) and
  ``call_sliding`` (call it, and explain the crash of loops that run past the edge);
- references on one 2-D image: ``reference_conv`` and ``reference_pool``, computed by
  ``course_utils.ops``, whose results equal TensorFlow's (tested).
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from course_utils import ops
from course_utils.exercises.framework import (
    Incorrect,
    capitalized,
    explain_error,
    learner_errors,
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


def wrong_size(what: str, shape: tuple[int, ...], expected: tuple[int, ...]) -> str:
    """A message's start: "The output of ... is 2x4 but should be 3x4" (lesson 1)."""
    return f"{capitalized(what)} is {size_of(shape)} but should be {size_of(expected)}"


def shape_words(shape: tuple[int, ...]) -> str:
    """What an answer looks like: "a single number", "a flat list of 3 numbers", "3x3"."""
    if len(shape) == 1:
        return f"a flat list of {shape[0]} numbers"
    return size_of(shape) if shape else "a single number"


def pixels(n: int) -> str:
    """A number of pixels in words: "1 pixel", "2 pixels" (lesson 2)."""
    return f"{n} pixel" if n == 1 else f"{n} pixels"


def kernel_fits(image_shape: tuple[int, ...], kernel_shape: tuple[int, ...]) -> str:
    """How many times a kernel fits a 2-D image without padding, as the formula (lesson 1)."""
    (h, w), (kh, kw) = image_shape, kernel_shape
    return (
        f"a {kh}x{kw} kernel fits {h} - {kh} + 1 = {h - kh + 1} times down and "
        f"{w} - {kw} + 1 = {w - kw + 1} times across"
    )


def close(a: np.ndarray, b: np.ndarray) -> bool:
    """Same shape and the same values, within ``expect_close``'s tolerance (lesson 1)."""
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-4, atol=1e-6))


def is_whole_number(value: Any) -> bool:
    """An int or NumPy integer, but not True or False (lesson 2)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def expect_function(answer: Any, name: str) -> None:
    """Fail unless the answer is a function, with a message that says how to pass it."""
    if not callable(answer) or inspect.isclass(answer):
        raise Incorrect(
            f"check() needs your function itself, not what it returns: .check({name}), "
            f"without parentheses after {name}."
        )


def call_sliding(function: Any, args: tuple[Any, ...], where: str, fits: str) -> Any:
    """Call a learner's sliding-window function; explain the crash of loops that go too far.

    ``where`` names the case ("For a 6x6 image and a 3x3 kernel"), ``fits`` says how many
    positions there are ("a 3x3 kernel fits 6 - 3 + 1 = 4 times down and ..."). Other
    errors are reported as the learner's (introduced in lesson 1).
    """
    try:
        return function(*args)
    except (ValueError, IndexError) as error:
        text = str(error)
        if "broadcast" not in text and "out of bounds" not in text:
            with learner_errors(f"your {function.__name__}"):
                raise
        why = f"your loops go one step too far: {fits}."
        if "broadcast" in text:
            why = (
                "a window of the image and the kernel have different shapes. Near the bottom or "
                f"right edge, that means {why} Elsewhere, check that each window is kernel "
                "height rows by kernel width columns."
            )
        raise Incorrect(f"{explain_error(error)}. {where}, {why}") from None


def reference_conv(
    image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int | str = 0
) -> np.ndarray:
    """Cross-correlation of one 2-D image with one 2-D kernel, via ``ops`` (lessons 1, 2)."""
    x, k = np.asarray(image)[None, :, :, None], np.asarray(kernel)[:, :, None, None]
    return ops.conv2d(x, k, strides=stride, padding=padding)[0, :, :, 0]


def reference_pool(image: np.ndarray, size: int, stride: int, average: bool = False) -> np.ndarray:
    """Max (or average) pooling of one 2-D image, 'valid', via ``ops`` (lesson 3)."""
    pooling = ops.avg_pool2d if average else ops.max_pool2d
    return pooling(np.asarray(image)[None, :, :, None], size, stride)[0, :, :, 0]
