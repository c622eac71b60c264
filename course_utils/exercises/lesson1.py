"""Exercises for lesson 1, convolution by hand (``exercises/01_convolution_exercises.ipynb``).

- ``q1``: write ``conv2d(image, kernel)`` with loops, matching TensorFlow;
- ``q2``, ``q3``: design kernels that find vertical and horizontal lines;
- ``q4``: give a Keras ``Conv2D`` the weights that make it compute your convolution.

Checkers compare with ``checks.reference_conv``, computed by ``course_utils.ops``, whose results
equal ``tf.nn.conv2d`` (tested).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises.checks import (
    call_sliding,
    close,
    expect_function,
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
    learner_errors,
)

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
        fits = kernel_fits(image.shape, kernel.shape)
        out = call_sliding(conv2d, (image.copy(), kernel.copy()), f"For a {sizes}", fits)
        out = expect_array(out, f"your output for a {sizes}")
        _explain_conv_mistakes(out, expected, image, kernel, sizes)
        expect_close(out, expected, what=f"your output for a {sizes}")
        expect_dtype(
            out,
            "float32",
            what=f"your output for a {sizes}",
            hint="the image is float32, and np.zeros makes float64 unless you pass "
            "dtype=image.dtype",
        )


def _explain_conv_mistakes(
    out: np.ndarray, expected: np.ndarray, image: np.ndarray, kernel: np.ndarray, sizes: str
) -> None:
    """Recognise the usual slips: flipped kernel, transposed axes, loops off by one."""
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
    raise Incorrect(f"{what}: {formula}.")


q1 = Exercise(
    "Question 1: convolution by hand",
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


# --- q2, q3: kernels that find lines ---------------------------------------------------------


def line_images(size: int = 9) -> dict[str, np.ndarray]:
    """Test images: a 1-pixel vertical line, the same line horizontal, and a flat gray image."""
    vertical = np.zeros((size, size), dtype=np.float32)
    vertical[:, size // 2] = 1.0
    flat = np.full((size, size), 0.5, dtype=np.float32)
    return {"vertical": vertical, "horizontal": vertical.T.copy(), "flat": flat}


def _line_kernel_checker(direction: str) -> Any:
    other = "horizontal" if direction == "vertical" else "vertical"
    what = f"your {direction} kernel"

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
        mine, theirs, flat = strength[direction], strength[other], strength["flat"]
        if mine < 1e-6 and theirs < 1e-6:
            raise Incorrect(
                f"{capitalized(what)} gives 0 everywhere, even on the {direction} line: "
                "give some weights a non-zero value."
            )
        if theirs > mine:
            raise Incorrect(
                f"{capitalized(what)} responds more to a {other} line ({theirs:.3g}) than to a "
                f"{direction} one ({mine:.3g}): it finds {other} lines. Swap its rows and columns."
            )
        if flat > 0.05 * mine:
            raise Incorrect(
                f"On a flat gray image {what} gives {flat:.3g} instead of about 0 (on the "
                f"{direction} line: {mine:.3g}): make its numbers add up to 0, so that regions "
                "without lines give nothing."
            )
        if theirs > 0.1 * mine:
            raise Incorrect(
                f"On a {other} line {what} gives up to {theirs:.3g}, almost as much as on the "
                f"{direction} line ({mine:.3g}): it should give about 0 there. Weigh the "
                f"{'columns' if direction == 'vertical' else 'rows'} differently, but keep each "
                f"{'row' if direction == 'vertical' else 'column'} adding up to 0."
            )

    return check


q2 = Exercise(
    "Question 2: a kernel that finds vertical lines",
    _line_kernel_checker("vertical"),
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

q3 = Exercise(
    "Question 3: a kernel that finds horizontal lines",
    _line_kernel_checker("horizontal"),
    hints=[
        "A horizontal line is a vertical line turned by 90 degrees. So is its kernel.",
        "Give the middle row positive weights and the rows above and below negative ones, "
        "so that each column adds up to 0.",
        "Try vertical_kernel.T, or write it out: [[-1, -1, -1], [2, 2, 2], [-1, -1, -1]].",
    ],
    solution_code="""
        horizontal_kernel = np.array(
            [
                [-1, -1, -1],
                [2, 2, 2],
                [-1, -1, -1],
            ],
            dtype="float32",
        )
    """,
)


# --- q4: the same convolution in Keras -------------------------------------------------------

SOBEL = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float32)


def _check_keras_weights(weights: Any) -> None:
    if not isinstance(weights, (list, tuple)):
        raise Incorrect(
            "layer.set_weights() takes a list of arrays: [kernel, bias], in that order."
        )
    if len(weights) == 1:
        raise Incorrect(
            "You gave only one array: a Conv2D also has a bias, so give [kernel, bias] "
            "(a bias of 0 adds nothing)."
        )
    if len(weights) != 2:
        raise Incorrect(f"Give two arrays, [kernel, bias]; you gave {len(weights)}.")
    kernel = expect_array(weights[0], "your kernel (the first array)")
    bias = expect_array(weights[1], "your bias (the second array)")
    if kernel.shape != (3, 3, 1, 1):
        fix = ": reshape it with .reshape(3, 3, 1, 1)" if kernel.size == 9 else ""
        raise Incorrect(
            f"Your kernel has shape {kernel.shape}, but Keras stores a Conv2D kernel as "
            f"(height, width, input channels, filters) = (3, 3, 1, 1){fix}."
        )
    if bias.shape != (1,):
        raise Incorrect(
            f"Your bias has shape {bias.shape} but should have shape (1,): one number per "
            "filter, e.g. np.zeros(1)."
        )
    plain = kernel[:, :, 0, 0]
    if np.allclose(plain, SOBEL.T):
        raise Incorrect("Your kernel is the Sobel kernel transposed: its first axis is height.")
    if np.allclose(plain, SOBEL[::-1, ::-1]):
        raise Incorrect(
            "Your kernel is the Sobel kernel flipped: Keras does not flip kernels, so give "
            "the kernel as it is."
        )
    if not np.isclose(bias[0], 0.0):
        raise Incorrect(f"Your bias is {bias[0]:g}: the layer would add it to every output. Use 0.")
    import keras  # noqa: PLC0415  (imported here: `import course_utils` must stay light)

    image = pattern(8, 9, 7)
    layer = keras.layers.Conv2D(1, 3)
    layer.build((None, *image.shape, 1))
    with learner_errors("layer.set_weights(weights)"):
        layer.set_weights([np.asarray(w, dtype=np.float32) for w in (kernel, bias)])
    out = keras.ops.convert_to_numpy(layer(image[None, :, :, None]))[0, :, :, 0]
    expect_close(out, reference_conv(image, SOBEL), what="the layer's output")


q4 = Exercise(
    "Question 4: Keras computes your convolution",
    _check_keras_weights,
    hints=[
        "layer.get_weights() shows what set_weights() expects: a list [kernel, bias].",
        "A Conv2D kernel has four axes: (height, width, input channels, filters). "
        "Here that is (3, 3, 1, 1).",
        "sobel.reshape(3, 3, 1, 1) for the kernel, and np.zeros(1) for the bias.",
    ],
    solution_code="""
        weights = [sobel.reshape(3, 3, 1, 1), np.zeros(1, dtype="float32")]
    """,
)
