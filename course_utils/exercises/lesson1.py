"""Exercises for lesson 1, convolution by hand (``exercises/01_convolution_exercises.ipynb``).

- ``q1``: a 3x3 kernel on a 4x4 image, by hand (``IMAGE``, ``KERNEL``);
- ``q2``: ``conv2d(image, kernel)`` with loops, matching TensorFlow;
- ``q3``: ``conv2d_channels(image, kernel)`` for a colour image, (H, W, C) with (kh, kw, C);
- ``q4``, ``q5``: design kernels that find vertical lines and diagonal lines;
- ``q6``: the weights that make a Keras ``Conv2D(2, 3)`` on RGB images compute two given
  filters;
- ``q7``: the kernel that makes cross-correlation compute a true convolution.

Checkers compare with ``checks.reference_conv`` and ``course_utils.ops``, whose results equal
``tf.nn.conv2d`` (tested).
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
    kernel_fits,
    pattern,
    reference_conv,
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

# --- q1: by hand -----------------------------------------------------------------------------

IMAGE = np.array([[2, 0, 1, 3], [1, 4, 0, 2], [0, 1, 3, 1], [2, 2, 0, 1]], dtype=np.float32)
KERNEL = np.array([[1, 0, 2], [0, 1, 0], [-1, 0, 0]], dtype=np.float32)


def _check_by_hand(answer: Any) -> None:
    out = expect_array(answer, "your answer")
    expected = reference_conv(IMAGE, KERNEL)
    if out.shape != expected.shape:
        padded = " (that would need padding, which this convolution does not use)"
        raise Incorrect(
            f"{wrong_size('your answer', out.shape, expected.shape)}: "
            f"{kernel_fits(IMAGE.shape, KERNEL.shape)}"
            f"{padded if out.shape == IMAGE.shape else ''}. Give two rows of two numbers."
        )
    for slip, why in (
        (
            reference_conv(IMAGE, KERNEL[::-1, ::-1]),
            "you turned the kernel by 180 degrees (a textbook convolution): multiply each "
            "pixel by the kernel weight at the same place in the window",
        ),
        (reference_conv(IMAGE, KERNEL[:, ::-1]), "you flipped the kernel left to right"),
        (reference_conv(IMAGE, KERNEL[::-1]), "you flipped the kernel upside down"),
        (reference_conv(IMAGE, KERNEL.T), "you transposed the kernel (rows read as columns)"),
        (
            expected.T,
            "your rows and columns are swapped: the top-right number comes from the window "
            "one column to the right, not one row down",
        ),
        (
            reference_conv(IMAGE, np.ones((3, 3))),
            "you added up the window without the kernel: multiply each pixel by its weight",
        ),
    ):
        if close(out, slip):
            raise Incorrect(f"Your answer is {out.tolist()}: {why}.")
    expect_close(
        out,
        expected,
        what="your answer",
        hint="output (i, j) is the sum of the 3x3 window starting at row i, column j, "
        "times the kernel weight by weight",
    )


q1 = Exercise(
    "Question 1: a convolution by hand",
    _check_by_hand,
    hints=[
        "How many positions does a 3x3 kernel have on a 4x4 image? That is the size of the output.",
        "The top-left output number comes from the window of rows 0-2 and columns 0-2: "
        "multiply each of its 9 pixels by the kernel weight in the same place, then add.",
        "The kernel has only four non-zero weights, so each output is four products: for "
        "the top-left one, 2 * 1 + 1 * 2 + 4 * 1 + 0 * (-1).",
    ],
    solution_code="""
        by_hand = [
            [8, 5],
            [0, 9],
        ]
    """,
)


# --- q2: conv2d -----------------------------------------------------------------------------

# (image, kernel) pairs: square first, then non-square image and kernel, then MNIST-sized.
CONV_CASES = [
    (pattern(6, 6, 5), pattern(3, 3, 7)),
    (pattern(5, 7, 11), np.array([[1, 0, -1], [2, 1, -2]], dtype=np.float32)),
    (pattern(28, 28, 13), pattern(5, 5, 3)),
]


def _check_conv2d(conv2d: Any) -> None:
    expect_function(conv2d, "conv2d")
    for image, kernel in CONV_CASES:
        expected = reference_conv(image, kernel)
        sizes = f"{size_of(image.shape)} image and a {size_of(kernel.shape)} kernel"
        what = f"your output for a {sizes}"
        fits = kernel_fits(image.shape, kernel.shape)
        out = call_sliding(conv2d, (image, kernel), f"For a {sizes}", fits, expected.shape)
        out = explain_output(out, expected, what)
        _explain_conv_mistakes(out, expected, image, kernel, sizes)
        expect_close(out, expected, what=what)
        expect_dtype(
            out,
            "float32",
            what=what,
            hint="the image is float32, and np.zeros makes float64 unless you pass "
            "dtype=image.dtype",
        )


def _explain_conv_mistakes(
    out: np.ndarray, expected: np.ndarray, image: np.ndarray, kernel: np.ndarray, sizes: str
) -> None:
    """Recognise the usual slips: flipped kernel, np.dot, transposed axes, loops off by one."""
    if out.shape == expected.shape:
        for flipped, how in (
            (kernel[::-1, ::-1], "flipped (turned by 180 degrees)"),
            (kernel[::-1, :], "flipped upside down"),
            (kernel[:, ::-1], "flipped left to right"),
        ):
            if not np.allclose(flipped, kernel) and close(out, reference_conv(image, flipped)):
                raise Incorrect(
                    f"For a {sizes}, your result equals the result with the kernel {how}, "
                    "a convolution as in maths textbooks: frameworks do not flip. Multiply "
                    "each window by the kernel as it is (cross-correlation)."
                )
        if kernel.shape[0] == kernel.shape[1] and close(out, _with_dot(image, kernel)):
            raise Incorrect(
                f"For a {sizes}, your result is what np.dot (or @) gives: a matrix product, "
                "rows times columns. A convolution multiplies each pixel by the weight in the "
                "same place: window * kernel, elementwise, then np.sum."
            )
    if close(out, expected.T) and not close(expected, expected.T):
        raise Incorrect(
            f"For a {sizes}, your result is transposed (rows and columns swapped): "
            "row i of the output should come from rows i to i + kernel height of the image."
        )
    if out.ndim != 2 or out.shape == expected.shape:
        return
    formula = kernel_fits(image.shape, kernel.shape)
    what = wrong_size(f"your output for a {sizes}", out.shape, expected.shape)
    difference = {out.shape[0] - expected.shape[0], out.shape[1] - expected.shape[1]}
    if difference == {-1}:
        raise Incorrect(f"{what}: your loops stop one step early; {formula}.")
    if difference == {1}:
        raise Incorrect(f"{what}: your loops go one step too far; {formula}.")
    if out.shape == image.shape:
        raise Incorrect(f"{what}: this convolution has no padding ('valid'), so {formula}.")
    if out.shape == expected.shape[::-1]:
        raise Incorrect(
            f"{what}: your rows and columns are swapped; the output has as many rows as "
            f"the kernel fits down the image: {formula}."
        )
    raise Incorrect(f"{what}: {formula}.")


def _with_dot(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """What ``np.sum(np.dot(window, kernel))`` gives at every position (a square kernel)."""
    k = kernel.shape[0]
    rows, cols = image.shape[0] - k + 1, image.shape[1] - k + 1
    return np.array(
        [[np.sum(image[i : i + k, j : j + k] @ kernel) for j in range(cols)] for i in range(rows)]
    )


q2 = Exercise(
    "Question 2: convolution by hand, as a function",
    _check_conv2d,
    hints=[
        "The output has one number per position of the kernel: "
        "image height - kernel height + 1 rows, and the same for columns.",
        "Make the output with np.zeros((out_h, out_w), dtype=image.dtype), then two loops: "
        "for i in range(out_h): for j in range(out_w): ...",
        "Each output number is the sum of the window times the kernel: "
        "np.sum(image[i : i + kh, j : j + kw] * kernel). Do not flip the kernel.",
    ],
    solution_code='''
        def conv2d(image, kernel):
            """Slide `kernel` over `image` (no padding, no flipping) and return the result."""
            kh, kw = kernel.shape
            out_h = image.shape[0] - kh + 1
            out_w = image.shape[1] - kw + 1
            out = np.zeros((out_h, out_w), dtype=image.dtype)
            for i in range(out_h):
                for j in range(out_w):
                    out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
            return out
    ''',
)


# --- q3: several input channels --------------------------------------------------------------


def _channels(height: int, width: int, channels: int, step: int) -> np.ndarray:
    return np.stack([pattern(height, width, step + 2 * c) for c in range(channels)], axis=-1)


# (image, kernel): an RGB image with a non-square kernel, two channels, one channel.
CHANNEL_CASES = [
    (_channels(5, 6, 3, 5), _channels(3, 2, 3, 7)),
    (_channels(6, 6, 2, 11), _channels(3, 3, 2, 3)),
    (_channels(4, 5, 1, 13), _channels(2, 2, 1, 9)),
]


def _conv_channels(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    return ops.conv2d(image[None], kernel[:, :, :, None])[0, :, :, 0]


def _check_conv_channels(conv2d_channels: Any) -> None:
    expect_function(conv2d_channels, "conv2d_channels")
    for image, kernel in CHANNEL_CASES:
        c = image.shape[2]
        sizes = f"{size_of(image.shape)} image and a {size_of(kernel.shape)} kernel"
        what = f"your output for a {sizes}"
        expected = _conv_channels(image, kernel)
        fits = kernel_fits(image.shape, kernel.shape)
        out = call_sliding(conv2d_channels, (image, kernel), f"For a {sizes}", fits, expected.shape)
        if isinstance(out, np.ndarray) and out.shape == (*expected.shape, 1):
            raise Incorrect(
                f"{capitalized(what)} is {size_of(out.shape)}: one filter makes one 2-D map, "
                f"{size_of(expected.shape)}; leave out the channel axis."
            )
        if isinstance(out, np.ndarray) and out.shape == (*expected.shape, c) and c > 1:
            raise Incorrect(
                f"{capitalized(what)} is {size_of(out.shape)}, one map per channel: a filter "
                "adds its channels up into one 2-D map. Sum over the channels too."
            )
        out = explain_output(out, expected, what)
        if out.shape == expected.shape and c > 1:
            for slip, why in (
                (
                    _conv_channels(image[:, :, :1], kernel[:, :, :1]),
                    "your result uses only the first channel: a filter reads all of them",
                ),
                (expected / c, "you averaged the channels: a filter adds them up"),
                (
                    _conv_channels(image, kernel[:, :, ::-1]),
                    "you paired the image's channels with the kernel's in reverse: channel c "
                    "of the image is multiplied by channel c of the kernel",
                ),
            ):
                if close(out, slip) and not close(out, expected):
                    raise Incorrect(f"For a {sizes}, {why}.")
        if out.shape != expected.shape:
            raise Incorrect(
                f"{wrong_size(what, out.shape, expected.shape)}: {fits}, and the channels "
                "add up into one map."
            )
        expect_close(out, expected, what=what)
        expect_dtype(out, "float32", what=what, hint="use dtype=image.dtype for the output")


q3 = Exercise(
    "Question 3: a filter on a colour image",
    _check_conv_channels,
    hints=[
        "A filter for a C-channel image is C kernels stacked: kernel[:, :, c] goes with "
        "image[:, :, c]. The output is still one 2-D map.",
        "Your conv2d from question 2 works on one channel. Run it on each channel with its "
        "own kernel, and add the C results up.",
        "Or change one line of question 2: the window is now image[i : i + kh, j : j + kw, :], "
        "and np.sum(window * kernel) adds over rows, columns and channels at once.",
    ],
    solution_code='''
        def conv2d_channels(image, kernel):
            """One filter over a (height, width, channels) image: one 2-D map."""
            kh, kw, _ = kernel.shape
            out_h = image.shape[0] - kh + 1
            out_w = image.shape[1] - kw + 1
            out = np.zeros((out_h, out_w), dtype=image.dtype)
            for i in range(out_h):
                for j in range(out_w):
                    out[i, j] = np.sum(image[i : i + kh, j : j + kw, :] * kernel)
            return out
    ''',
)


# --- q4, q5: kernels that find lines -------------------------------------------------------


def line_images(size: int = 9) -> dict[str, np.ndarray]:
    """Test images: 1-pixel lines (vertical, horizontal, both diagonals) and a flat gray image."""
    vertical = np.zeros((size, size), dtype=np.float32)
    vertical[:, size // 2] = 1.0
    diagonal = np.eye(size, dtype=np.float32)  # top-left to bottom-right: \
    return {
        "vertical": vertical,
        "horizontal": vertical.T.copy(),
        "diagonal": diagonal,
        "antidiagonal": diagonal[:, ::-1].copy(),  # bottom-left to top-right: /
        "flat": np.full((size, size), 0.5, dtype=np.float32),
    }


LINE_NAMES = {  # how messages name each kind of line
    "vertical": "vertical",
    "horizontal": "horizontal",
    "diagonal": "\\ diagonal",
    "antidiagonal": "/ diagonal",
}


def _line_kernel_checker(target: str, other: str, ratio: float, fix: str) -> Any:
    """A kernel must respond most to the ``target`` line, under ``ratio`` of that to the
    ``other`` line, and about 0 to a flat image; ``fix`` says how to turn one into the other."""
    what = f"your {LINE_NAMES[target]} kernel"

    def check(answer: Any) -> None:
        kernel = expect_array(answer, what).astype(np.float64)
        if kernel.ndim != 2 or not all(1 <= n <= 7 for n in kernel.shape):
            raise Incorrect(
                f"{capitalized(what)} should be a small 2-D array like 3x3, "
                f"not {shape_words(kernel.shape)}."
            )
        if not np.isfinite(kernel).all():
            raise Incorrect(f"{capitalized(what)} contains nan or inf.")
        strength = {
            name: float(np.abs(reference_conv(image, kernel)).max())
            for name, image in line_images().items()
        }
        mine, theirs, flat = strength[target], strength[other], strength["flat"]
        line, other_line = f"a {LINE_NAMES[target]} line", f"a {LINE_NAMES[other]} line"
        if mine < 1e-6 and theirs < 1e-6:
            raise Incorrect(
                f"{capitalized(what)} gives 0 everywhere on {line}: give the pixels along "
                "the line a weight different from their neighbours'."
            )
        if theirs > mine or mine < 1e-6:
            raise Incorrect(
                f"{capitalized(what)} responds more to {other_line} ({theirs:.3g}) than to "
                f"{line} ({mine:.3g}): it finds {LINE_NAMES[other]} lines. {fix}"
            )
        if flat > 0.05 * mine:
            raise Incorrect(
                f"On a flat gray image {what} gives {flat:.3g} instead of about 0 (on {line}: "
                f"{mine:.3g}): make its numbers add up to 0, so that regions without lines "
                "give nothing."
            )
        if theirs > ratio * mine:
            raise Incorrect(
                f"On {other_line} {what} gives up to {theirs:.3g}, too close to what it gives "
                f"on {line} ({mine:.3g}): it should give at most {ratio:.0%} of that there. "
                f"Put the positive weights only along the {LINE_NAMES[target]} line."
            )

    return check


q4 = Exercise(
    "Question 4: a kernel that finds vertical lines",
    _line_kernel_checker("vertical", "horizontal", 0.1, "Swap its rows and columns (kernel.T)."),
    hints=[
        "A vertical line is bright in one column and dark on either side. Where should your "
        "kernel have positive weights, and where negative ones?",
        "Give the middle column positive weights and the side columns negative ones, so "
        "that each row adds up to 0: flat regions and horizontal lines then give 0.",
        "Try three rows of [-1, 2, -1].",
    ],
    solution_code="""
        vertical_kernel = np.array(
            [
                [-1, 2, -1],
                [-1, 2, -1],
                [-1, 2, -1],
            ],
            dtype="float32",
        )
    """,
)

q5 = Exercise(
    "Question 5: a kernel that finds diagonal lines",
    _line_kernel_checker(
        "diagonal", "antidiagonal", 0.5, "Mirror it left to right (kernel[:, ::-1])."
    ),
    hints=[
        "A line from top-left to bottom-right is bright along the diagonal of a window. "
        "Which weights of a 3x3 kernel lie on that diagonal?",
        "Positive weights on the diagonal, negative ones elsewhere, adding up to 0: then a "
        "flat region gives 0, and the other diagonal crosses mostly negative weights.",
        "Try 2 on the diagonal and -1 everywhere else: [[2, -1, -1], [-1, 2, -1], [-1, -1, 2]].",
    ],
    solution_code="""
        diagonal_kernel = np.array(
            [
                [2, -1, -1],
                [-1, 2, -1],
                [-1, -1, 2],
            ],
            dtype="float32",
        )
    """,
)


# --- q6: two filters of a Keras Conv2D on RGB images ----------------------------------------

SOBEL = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float32)
RGB = ("red", "green", "blue")


def rgb_weights() -> list[np.ndarray]:
    """The weights of question 6: filter 0 is Sobel on red, filter 1 the centre's brightness."""
    kernel = np.zeros((3, 3, 3, 2), dtype=np.float32)
    kernel[:, :, 0, 0] = SOBEL
    kernel[1, 1, :, 1] = 1.0
    return [kernel, np.array([0.0, -1.0], dtype=np.float32)]


def _check_rgb_weights(weights: Any) -> None:
    if not isinstance(weights, (list, tuple)):
        raise Incorrect(
            "layer.set_weights() takes a list of two arrays: [kernel, bias], in that order."
        )
    if len(weights) == 1:
        raise Incorrect(
            "You gave only one array: a Conv2D also has biases, so give [kernel, bias]."
        )
    if len(weights) != 2:
        raise Incorrect(f"Give two arrays, [kernel, bias]; you gave {len(weights)}.")
    kernel = expect_array(weights[0], "your kernel (the first array)")
    bias = expect_array(weights[1], "your bias (the second array)")
    if kernel.size == 2 and bias.size == 54:
        raise Incorrect(
            "Your arrays are in the wrong order: Keras wants [kernel, bias], the kernel first."
        )
    _check_rgb_kernel_shape(kernel)
    if bias.shape != (2,):
        raise Incorrect(
            f"Your bias has shape {bias.shape} but should have shape (2,): one number per filter."
        )
    want_kernel, want_bias = rgb_weights()
    _check_filter0(kernel[:, :, :, 0], bias[0])
    centre = kernel[:, :, :, 1]
    if np.allclose(centre, 1.0):
        raise Incorrect(
            "Filter 1 weighs every pixel of its 3x3 window: it should read only the centre "
            "pixel (row 1, column 1), with weight 1 in each of the three channels."
        )
    for c in range(3):
        if np.isclose(centre[1, 1, c], 0.0) and np.isclose(centre[:, :, c], 0.0).all():
            raise Incorrect(
                f"Filter 1 ignores the {RGB[c]} channel: the brightness adds red, green and "
                f"blue, so put 1 at the centre of channel {c} too (kernel[1, 1, {c}, 1])."
            )
    expect_close(centre, want_kernel[:, :, :, 1], what="filter 1's weights, kernel[:, :, :, 1],")
    if np.isclose(bias[1], 1.0):
        raise Incorrect("Filter 1's bias is 1 but should be -1: it subtracts 1.")
    expect_close(bias[1], want_bias[1], what="filter 1's bias")
    image = np.stack([pattern(8, 9, 3 + 4 * c) for c in range(3)], axis=-1)
    out = ops.conv2d(image[None], kernel, bias)
    expect_close(out, ops.conv2d(image[None], *rgb_weights()), what="the layer's output")


def _check_rgb_kernel_shape(kernel: np.ndarray) -> None:
    shape = kernel.shape
    if shape == (3, 3, 3, 2):
        return
    keras_order = "Keras stores a Conv2D kernel as (height, width, input channels, filters)"
    if shape == (2, 3, 3, 3):
        raise Incorrect(
            f"Your kernel has shape {shape}, filters first as in PyTorch: {keras_order} = "
            "(3, 3, 3, 2). np.transpose(kernel, (2, 3, 1, 0)) reorders it."
        )
    if shape == (3, 3, 2, 3):
        raise Incorrect(
            f"Your kernel has shape {shape}: the input channels and the filters are swapped. "
            f"{keras_order}: 3 input channels (RGB), 2 filters, (3, 3, 3, 2)."
        )
    raise Incorrect(
        f"Your kernel has shape {shape}, but {keras_order}: 2 filters of 3x3 on 3 channels "
        "are (3, 3, 3, 2)."
    )


def _check_filter0(filter0: np.ndarray, bias0: float) -> None:
    others = [c for c in range(3) if not np.allclose(filter0[:, :, c], 0.0)]
    if others and 0 not in others and len(others) == 1:
        c = others[0]
        raise Incorrect(
            f"Filter 0 reads the {RGB[c]} channel: in an RGB image red is channel 0, so its "
            "weights go in kernel[:, :, 0, 0]."
        )
    if [c for c in others if c != 0]:
        raise Incorrect(
            "Filter 0 also reads green or blue: it should look at the red channel alone, so "
            "kernel[:, :, 1, 0] and kernel[:, :, 2, 0] are all 0."
        )
    red = filter0[:, :, 0]
    if np.allclose(red, SOBEL.T):
        raise Incorrect("Filter 0's red weights are the Sobel kernel transposed: axis 0 is height.")
    if np.allclose(red, SOBEL[::-1, ::-1]) or np.allclose(red, SOBEL[:, ::-1]):
        raise Incorrect(
            "Filter 0's red weights are the Sobel kernel flipped: Keras does not flip "
            "kernels, so give it as it is."
        )
    expect_close(red, SOBEL, what="filter 0's red weights, kernel[:, :, 0, 0],")
    if not np.isclose(bias0, 0.0):
        raise Incorrect(f"Filter 0's bias is {float(bias0):g} but should be 0: it adds nothing.")


q6 = Exercise(
    "Question 6: two filters for an RGB image",
    _check_rgb_weights,
    hints=[
        "layer.get_weights() shows the shapes set_weights() expects: [kernel, bias], with the "
        "kernel as (height, width, input channels, filters).",
        "Start from np.zeros((3, 3, 3, 2)) and np.zeros(2). kernel[:, :, c, f] is the 3x3 "
        "kernel that filter f applies to channel c.",
        "kernel[:, :, 0, 0] = sobel (red, filter 0); kernel[1, 1, :, 1] = 1 (the centre of "
        "every channel, filter 1); bias[1] = -1.",
    ],
    solution_code="""
        kernel = np.zeros((3, 3, 3, 2), dtype="float32")
        kernel[:, :, 0, 0] = sobel  # filter 0: Sobel on the red channel only
        kernel[1, 1, :, 1] = 1  # filter 1: the centre pixel of every channel
        bias = np.array([0, -1], dtype="float32")
        weights = [kernel, bias]
    """,
)


# --- q7: cross-correlation and convolution --------------------------------------------------

ASYMMETRIC = np.array([[1, 0, 2], [0, 3, 0], [4, 0, 0]], dtype=np.float32)


def _check_flipped(answer: Any) -> None:
    kernel = expect_array(answer, "your kernel")
    if kernel.shape != ASYMMETRIC.shape:
        raise Incorrect(
            f"{wrong_size('your kernel', kernel.shape, ASYMMETRIC.shape)}: it is k, rearranged."
        )
    for slip, why in (
        (ASYMMETRIC, "that is k itself: conv2d(image, k) is a cross-correlation"),
        (ASYMMETRIC[:, ::-1], "you flipped k left to right only: flip it upside down too"),
        (ASYMMETRIC[::-1], "you flipped k upside down only: flip it left to right too"),
        (
            ASYMMETRIC.T,
            "you transposed k: a transpose swaps rows and columns, while turning by 180 "
            "degrees flips both",
        ),
    ):
        if np.allclose(kernel, slip):
            raise Incorrect(f"Not quite: {why}. A convolution turns the kernel by 180 degrees.")
    expect_close(kernel, ASYMMETRIC[::-1, ::-1], what="your kernel")


q7 = Exercise(
    "Question 7: a true convolution with your conv2d",
    _check_flipped,
    hints=[
        "A textbook convolution slides the kernel turned by 180 degrees; cross-correlation "
        "slides it as it is.",
        "Turning by 180 degrees is a flip upside down and a flip left to right.",
        "k[::-1, ::-1], or np.flip(k): the top-left weight moves to the bottom-right.",
    ],
    solution_code="""
        flipped = k[::-1, ::-1]
    """,
)
