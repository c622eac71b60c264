"""Exercises for lesson 6, how a CNN learns (``exercises/06_how_a_cnn_learns_exercises.ipynb``).

- ``q1``: ``kernel_gradient(image, grad_output)``, the kernel's gradient of a 2-D 'valid'
  convolution;
- ``q2``: ``input_gradient(kernel, grad_output)``, the image's gradient (the flipped kernel);
- ``q3``: ``max_pool_backward(image, grad_output, size, stride)``, with ties and overlapping
  windows;
- ``q4``: ``numeric_gradient(f, x)``, central differences for an array of any shape;
- ``q5``: ``sgd_step(kernel, image, target, learning_rate)``, one gradient descent step on a
  filter that should turn ``image`` into ``target``;
- ``q6``: ``kernel_gradient_batch(x, grad_output)``, for a batch with several channels and
  filters.

References come from ``course_utils.ops`` (``conv2d``, ``conv2d_backward``,
``max_pool2d_backward``), whose results equal ``tf.GradientTape``'s (tested in test_ops.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils import ops
from course_utils.exercises.checks import (
    close,
    expect_function,
    expect_no_slip,
    pattern,
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
)

FLIP_FOR_KERNEL = (
    "the kernel's gradient is a cross-correlation, without a flip: weight (a, b) met pixel "
    "(i + a, j + b) at output (i, j)"
)


def _input_gradient(kernel: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
    """The image's gradient of a 2-D 'valid' convolution, from ``ops.conv2d_backward``."""
    kh, kw = kernel.shape
    oh, ow = grad_output.shape
    image = np.zeros((1, oh + kh - 1, ow + kw - 1, 1))
    grad_image, _ = ops.conv2d_backward(
        image, kernel[:, :, None, None], grad_output[None, :, :, None]
    )
    return grad_image[0, :, :, 0]


def _kernel_gradient_batch(x: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
    kh, kw = x.shape[1] - grad_output.shape[1] + 1, x.shape[2] - grad_output.shape[2] + 1
    kernel = np.zeros((kh, kw, x.shape[3], grad_output.shape[3]))
    return ops.conv2d_backward(x, kernel, grad_output)[1]


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def _call(function: Any, *args: np.ndarray | float) -> Any:
    """Call a learner's function on copies, so that a function that changes its inputs in
    place cannot change the checker's."""
    return function(*(a.copy() if isinstance(a, np.ndarray) else a for a in args))


# --- q1: the kernel's gradient ---------------------------------------------------------------

# (image, grad_output): square, then non-square kernels.
KERNEL_CASES = [
    (pattern(4, 4, 3), pattern(3, 3, 5) + 0.5),
    (pattern(5, 7, 7), pattern(3, 4, 11)),
    (pattern(6, 5, 13), pattern(4, 2, 5) - 0.25),
]


def _check_kernel_gradient(kernel_gradient: Any) -> None:
    expect_function(kernel_gradient, "kernel_gradient")
    for image, grad_output in KERNEL_CASES:
        what = (
            f"your kernel_gradient for a {size_of(image.shape)} image and a "
            f"{size_of(grad_output.shape)} grad_output"
        )
        out = expect_array(_call(kernel_gradient, image, grad_output), what)
        expected = reference_conv(image, grad_output)
        if out.shape == grad_output.shape and out.shape != expected.shape:
            raise Incorrect(
                f"{wrong_size(what, out.shape, expected.shape)}: you summed over each window, "
                "which gives one number per output position. The kernel's gradient has one "
                "number per weight: sum over the output positions instead."
            )
        if not close(expected, expected.T) and close(out, expected.T):
            raise Incorrect(f"{capitalized(what)} is transposed: rows and columns are swapped.")
        if out.shape != expected.shape:
            raise Incorrect(
                f"{wrong_size(what, out.shape, expected.shape)}: the gradient has the kernel's "
                "shape, (image height - grad_output height + 1) x (image width - grad_output "
                "width + 1)."
            )
        slips = (
            (expected[::-1, ::-1], f"you flipped it 180 degrees: {FLIP_FOR_KERNEL}"),
            (
                expected / grad_output.size,
                "you took the mean over the output positions: add them up instead (a mean in "
                "the loss is already part of grad_output)",
            ),
            (-expected, "it has the wrong sign: multiply pixels by grad_output, don't subtract"),
        )
        expect_no_slip(out, expected, what, slips)


q1 = Exercise(
    "Question 1: the kernel's gradient",
    _check_kernel_gradient,
    hints=[
        "Weight (a, b) multiplies pixel image[i + a, j + b] in output (i, j). Its gradient adds "
        "up grad_output[i, j] times that pixel, over every output position (i, j).",
        "That sum is grad_output slid over the image like a kernel: a cross-correlation, which "
        "`correlate` computes.",
        "return correlate(image, grad_output)",
    ],
    solution_code='''
        def kernel_gradient(image, grad_output):
            """dloss/dkernel of correlate(image, kernel), given grad_output = dloss/doutput."""
            return correlate(image, grad_output)
    ''',
)


# --- q2: the input's gradient ----------------------------------------------------------------

# (kernel, grad_output): the 2x2 of the lesson with other numbers, 3x3, a non-square kernel.
INPUT_CASES = [
    (np.array([[2.0, -1.0], [0.5, 3.0]]), np.array([[1.0, 2.0], [-1.0, 0.5]])),
    (pattern(3, 3, 7), pattern(3, 4, 5) + 0.5),
    (pattern(2, 3, 11), pattern(4, 2, 3)),
]


def _check_input_gradient(input_gradient: Any) -> None:
    expect_function(input_gradient, "input_gradient")
    for kernel, grad_output in INPUT_CASES:
        what = (
            f"your input_gradient for a {size_of(kernel.shape)} kernel and a "
            f"{size_of(grad_output.shape)} grad_output"
        )
        out = expect_array(_call(input_gradient, kernel, grad_output), what)
        expected = _input_gradient(kernel, grad_output)
        kh, kw = kernel.shape
        if out.shape != expected.shape:
            rows, cols = _count(kh - 1, "row"), _count(kw - 1, "column")
            why = (
                f"the gradient has the image's shape, grad_output plus {rows} and {cols} (the "
                f"kernel's size - 1). Pad grad_output with {_count(kh - 1, 'zero row')} above "
                f"and below and {_count(kw - 1, 'zero column')} left and right, so that the "
                "kernel reaches every pixel"
            )
            raise Incorrect(f"{wrong_size(what, out.shape, expected.shape)}: {why}.")
        padded = np.pad(grad_output, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
        slips = (
            (
                reference_conv(padded, kernel),
                "you slid the kernel without flipping it. The input's gradient is a true "
                "convolution (lesson 1): slide the kernel flipped 180 degrees, np.flip(kernel)",
            ),
            (
                reference_conv(padded, kernel[::-1]),
                "you flipped the kernel upside down only: flip it left to right too "
                "(np.flip(kernel) flips both)",
            ),
            (
                reference_conv(padded, kernel[:, ::-1]),
                "you flipped the kernel left to right only: flip it upside down too "
                "(np.flip(kernel) flips both)",
            ),
        )
        expect_no_slip(out, expected, what, slips)


q2 = Exercise(
    "Question 2: the input's gradient",
    _check_input_gradient,
    hints=[
        "Each output (i, j) stamps kernel * grad_output[i, j] onto its own window; the image's "
        "gradient is the sum of the stamps. You can write exactly that with two loops.",
        "As a cross-correlation: pad grad_output with kernel size - 1 zeros on every side, then "
        "slide the kernel flipped 180 degrees over it.",
        "kh, kw = kernel.shape; padded = np.pad(grad_output, ((kh - 1, kh - 1), (kw - 1, kw - 1))); "
        "return correlate(padded, np.flip(kernel))",
    ],
    solution_code='''
        def input_gradient(kernel, grad_output):
            """dloss/dimage of correlate(image, kernel), given grad_output = dloss/doutput."""
            kh, kw = kernel.shape
            padded = np.pad(grad_output, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
            return correlate(padded, np.flip(kernel))
    ''',
)


# --- q3: max pooling backwards ---------------------------------------------------------------

TIES = np.array(
    [[5, 5, 1, 2], [0, 5, 2, 2], [3, 1, 4, 4], [1, 3, 4, 0]], dtype=np.float32
)  # ties in three windows: (5, 5, 5), (2, 2, 2) and (4, 4, 4)
CENTRE = np.array(
    [[1, 0, 2, 0, 1], [0, 3, 1, 2, 0], [2, 1, 9, 1, 2], [0, 2, 1, 3, 0], [1, 0, 2, 0, 1]],
    dtype=np.float32,
)  # 3x3 windows every 2 pixels: the 9 in the centre wins all four
# (image, grad_output, size, stride)
POOL_CASES = [
    (
        np.array([[1, 3, 2, 0], [4, 6, 5, 1], [7, 2, 9, 8], [0, 1, 3, 4]], np.float32),
        np.array([[1, 2], [3, 4]], np.float32),
        2,
        2,
    ),
    (TIES, np.array([[1, -2], [3, 0.5]], np.float32), 2, 2),
    (CENTRE, np.array([[1, 2], [3, 4]], np.float32), 3, 2),
    (pattern(3, 4, 7) - 2.5, pattern(2, 3, 5) + 3, 2, 1),
]


def _route(
    image: np.ndarray,
    grad_output: np.ndarray,
    size: int,
    stride: int,
    pick: Callable[[np.ndarray], np.ndarray],
    add: bool = True,
) -> np.ndarray:
    """Give each window's gradient to the pixels ``pick(window)`` marks (a typical slip)."""
    grad = np.zeros_like(image)
    for i in range(grad_output.shape[0]):
        for j in range(grad_output.shape[1]):
            rows, cols = slice(i * stride, i * stride + size), slice(j * stride, j * stride + size)
            share = pick(image[rows, cols]) * grad_output[i, j]
            if add:
                grad[rows, cols] += share
            else:
                grad[rows, cols] = np.where(share != 0, share, grad[rows, cols])
    return grad


def _first_max(window: np.ndarray) -> np.ndarray:
    mask = np.zeros(window.shape)
    mask[np.unravel_index(np.argmax(window), window.shape)] = 1
    return mask


def _last_max(window: np.ndarray) -> np.ndarray:
    return _first_max(window[::-1, ::-1])[::-1, ::-1]


def _check_max_pool_backward(max_pool_backward: Any) -> None:
    expect_function(max_pool_backward, "max_pool_backward")
    for image, grad_output, size, stride in POOL_CASES:
        what = (
            f"your max_pool_backward for a {size_of(image.shape)} image, size={size}, "
            f"stride={stride}"
        )
        out = expect_array(_call(max_pool_backward, image, grad_output, size, stride), what)
        expected = ops.max_pool2d_backward(
            image[None, :, :, None], grad_output[None, :, :, None], size, stride
        )[0, :, :, 0]
        if out.shape != expected.shape:
            raise Incorrect(
                f"{wrong_size(what, out.shape, expected.shape)}: the gradient has the shape of "
                "the image, one number per pixel."
            )
        only_winner = "only the largest pixel of a window changes the output when it changes"

        slips = (
            (
                _route(image, grad_output, size, stride, lambda w: w == w.max()),
                "you gave a window's gradient to every pixel that ties for its maximum, which "
                "counts it several times. Give it to one: the first maximum in reading order "
                "(top row first, left to right), as TensorFlow does; np.argmax finds it",
            ),
            (
                _route(image, grad_output, size, stride, _last_max),
                "on a tie, your gradient goes to the last maximum of the window. TensorFlow "
                "gives it to the first in reading order (top row first, left to right), which "
                "np.argmax finds",
            ),
            (
                _route(image, grad_output, size, stride, np.ones_like),
                f"you gave the window's gradient to every pixel of the window: {only_winner}, "
                "so only the winner gets it",
            ),
            (
                _route(image, grad_output, size, stride, lambda w: np.full(w.shape, 1 / w.size)),
                f"you spread the gradient evenly, as average pooling does: {only_winner}, so "
                "the winner gets all of it",
            ),
            (
                _route(image, grad_output, size, stride, _first_max, add=False),
                "a pixel that wins several overlapping windows must get the sum of their "
                "gradients: add them (+=) instead of overwriting (=)",
            ),
        )
        expect_no_slip(out, expected, what, slips)


q3 = Exercise(
    "Question 3: max pooling backwards",
    _check_max_pool_backward,
    hints=[
        "Start from np.zeros_like(image). Visit each window as the forward pass does (rows "
        "i * stride to i * stride + size, the same for columns), and find its largest pixel.",
        "np.argmax(window) gives the first maximum in reading order, and "
        "np.unravel_index(np.argmax(window), window.shape) turns it into (row, column). Add "
        "grad_output[i, j] there with +=: windows can overlap.",
        "r, c = np.unravel_index(np.argmax(window), window.shape); "
        "grad[top + r, left + c] += grad_output[i, j]",
    ],
    solution_code='''
        def max_pool_backward(image, grad_output, size, stride):
            """dloss/dimage of max pooling, given grad_output = dloss/dpooled."""
            grad = np.zeros_like(image)
            for i in range(grad_output.shape[0]):
                for j in range(grad_output.shape[1]):
                    top, left = i * stride, j * stride
                    window = image[top : top + size, left : left + size]
                    r, c = np.unravel_index(np.argmax(window), window.shape)
                    grad[top + r, left + c] += grad_output[i, j]
            return grad
    ''',
)


# --- q4: a gradient check --------------------------------------------------------------------

WAVE_WEIGHTS = pattern(2, 3, 5) + 0.5
GROWTH_WEIGHTS = pattern(2, 2, 7).reshape(2, 2, 1) * np.ones((1, 1, 2))
# (f, its exact gradient, x): a wave with curvature, then a 3-D x.
GRADIENT_CASES: list[
    tuple[Callable[[np.ndarray], float], Callable[[np.ndarray], np.ndarray], np.ndarray]
] = [
    (
        lambda x: float(np.sum(WAVE_WEIGHTS * np.sin(3 * x))),
        lambda x: 3 * WAVE_WEIGHTS * np.cos(3 * x),
        pattern(2, 3, 5).astype(np.float64) / 2,
    ),
    (
        lambda x: float(np.sum(GROWTH_WEIGHTS * np.exp(x))),
        lambda x: GROWTH_WEIGHTS * np.exp(x),
        pattern(2, 4, 3).astype(np.float64).reshape(2, 2, 2) / 2,
    ),
]
GRADIENT_TOLERANCE = 1e-7  # relative to the largest entry: h near 1e-5 gives about 1e-10
# Steps a learner may choose, written as they would write them (1e-10, 0.003, ...): a step
# that is too small is recognised by its rounding errors, which only the same h reproduces.
STEPS = sorted({float(f"{m}e{e}") for e in range(-12, 1) for m in range(1, 10)})


def _differences(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float, kind: str
) -> np.ndarray:
    """A typical finite difference of each entry: "central", "forward" or "backward"."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h if kind != "backward" else 0
        down[index] -= h if kind != "forward" else 0
        grad[index] = (f(up) - f(down)) / (h if kind != "central" else 2 * h)
    return grad


def _explain_differences(out: np.ndarray, f: Any, x: np.ndarray, exact: np.ndarray) -> str:
    """Why the learner's numbers differ from ``exact``, if a typical slip explains them."""
    scale = np.abs(exact).max()
    if close(out, 2 * exact):
        return "it is twice the gradient: divide by 2h, the distance between x - h and x + h"
    if close(out, -exact):
        return "it has the wrong sign: (f(x + h) - f(x - h)) / (2h), the upper point first"
    error = np.abs(out - exact).max()
    for kind in ("central", "forward", "backward"):
        h = _closest_step(out, f, x, kind)
        if np.abs(out - _differences(f, x, h, kind)).max() <= 0.01 * error + 1e-15 * scale:
            return _step_advice(kind, h)
    return ""


def _closest_step(out: np.ndarray, f: Any, x: np.ndarray, kind: str) -> float:
    """The step of the ``kind`` difference that comes closest to ``out``: the best of the
    usual steps, then, between its neighbours, a search for one like 0.0123."""

    def distance(h: float) -> float:
        return float(np.abs(out - _differences(f, x, h, kind)).max())

    best = min(STEPS, key=distance)
    if distance(best) == 0:
        return best
    low, high = np.log10(best) - 0.5, np.log10(best) + 0.5
    for _ in range(30):  # the error of a difference grows with h: one valley to search
        a, b = low + (high - low) / 3, high - (high - low) / 3
        low, high = (low, b) if distance(10**a) < distance(10**b) else (a, high)
    refined = 10 ** ((low + high) / 2)
    return refined if distance(refined) < distance(best) else best


def _step_advice(kind: str, h: float) -> str:
    if kind != "central":
        return (
            f"it looks like a one-sided difference ({kind}, step about {h:.1g}), whose error "
            "shrinks only like h: use the central difference (f(x + h) - f(x - h)) / (2h)"
        )
    if h > 1e-5:
        return (
            f"your step h looks like about {h:.1g}: too large. The central difference measures "
            "the average slope between x - h and x + h, whose error grows like h squared: use "
            "h = 1e-5"
        )
    return (
        f"your step h looks like about {h:.1g}: too small. f(x + h) and f(x - h) then agree in "
        "almost all their digits, and their difference is mostly rounding error: use h = 1e-5"
    )


def _check_numeric_gradient(numeric_gradient: Any) -> None:
    expect_function(numeric_gradient, "numeric_gradient")
    for f, gradient, x in GRADIENT_CASES:
        what = f"your numeric_gradient for an x of shape {x.shape}"
        given = x.copy()
        out = expect_array(numeric_gradient(f, given), what)
        if not np.array_equal(given, x):
            raise Incorrect(
                f"{capitalized(what)} changed x: put each entry back after nudging it (or nudge "
                "a copy), or the next entries are measured at the wrong place."
            )
        exact = gradient(x)
        if out.shape != x.shape:
            raise Incorrect(f"{wrong_size(what, out.shape, x.shape)}: one number per entry of x.")
        scale = np.abs(exact).max()
        if np.abs(out - exact).max() <= GRADIENT_TOLERANCE * scale:
            continue
        why = _explain_differences(out, f, x, exact)
        if why:
            raise Incorrect(f"{capitalized(what)} is off: {why}.")
        expect_close(
            out,
            exact,
            what,
            rtol=0,
            atol=GRADIENT_TOLERANCE * scale,
            hint="use (f(x + h) - f(x - h)) / (2h) for each entry, with h = 1e-5",
        )


q4 = Exercise(
    "Question 4: a gradient check",
    _check_numeric_gradient,
    hints=[
        "For each entry of x in turn (np.ndindex(x.shape) gives every index, whatever the "
        "shape), nudge that entry up by h and down by h, and see how much f changes.",
        "The central difference (f(x + h) - f(x - h)) / (2h) with h = 1e-5 is accurate to about "
        "1e-10 in float64. Put the entry back afterwards.",
        "for index in np.ndindex(x.shape): save = x[index]; x[index] = save + h; up = f(x); "
        "x[index] = save - h; down = f(x); x[index] = save; grad[index] = (up - down) / (2 * h)",
    ],
    solution_code='''
        def numeric_gradient(f, x):
            """df/dx by central differences, one entry of x at a time."""
            h = 1e-5
            grad = np.zeros_like(x)
            for index in np.ndindex(x.shape):
                saved = x[index]
                x[index] = saved + h
                up = f(x)
                x[index] = saved - h
                down = f(x)
                x[index] = saved  # put it back
                grad[index] = (up - down) / (2 * h)
            return grad
    ''',
)


# --- q5: one gradient descent step on a filter -----------------------------------------------

# (kernel, image, target, learning_rate)
STEP_CASES = [
    (pattern(2, 2, 3), pattern(4, 5, 7), pattern(3, 4, 11), 0.1),
    (pattern(3, 3, 5), pattern(5, 5, 3) / 2, pattern(3, 3, 13), 0.05),
]


def _sgd_step(kernel: np.ndarray, image: np.ndarray, target: np.ndarray, lr: float) -> np.ndarray:
    error = reference_conv(image, kernel) - target
    return kernel - lr * reference_conv(image, 2 * error / error.size)


def _check_sgd_step(sgd_step: Any) -> None:
    expect_function(sgd_step, "sgd_step")
    for kernel, image, target, lr in STEP_CASES:
        what = f"the kernel your sgd_step returns for a {size_of(kernel.shape)} kernel"
        out = expect_array(_call(sgd_step, kernel, image, target, lr), what)
        expected = _sgd_step(kernel, image, target, lr)
        if out.shape != kernel.shape:
            raise Incorrect(
                f"{wrong_size(what, out.shape, kernel.shape)}: return the updated kernel, "
                "kernel - learning_rate * gradient, which has the kernel's shape."
            )
        right = expected - kernel  # the right step: -learning_rate * gradient
        n = target.size
        gradient = -right / lr
        slips = (
            (gradient, "that is the gradient: return kernel - learning_rate * gradient"),
            (kernel, "that is the kernel you started from: subtract learning_rate * gradient"),
            (
                kernel - right,
                "you stepped uphill: kernel + ... makes the loss larger. Subtract: "
                "kernel - learning_rate * gradient",
            ),
            (
                kernel + right / 2,
                "your step is half the right one: the derivative of error ** 2 is 2 * error",
            ),
            (
                kernel + right * n,
                f"your step is {n} times too large: the loss is the mean over the {n} outputs, "
                f"so each output's gradient is 2 * error / {n}",
            ),
            (
                kernel + right * n / 2,
                f"your step is {n}/2 times too large: the loss is the mean of error ** 2 over the "
                f"{n} outputs, so each output's gradient is 2 * error / {n}",
            ),
            (
                kernel + right[::-1, ::-1],
                f"your gradient is flipped 180 degrees: {FLIP_FOR_KERNEL}",
            ),
        )
        expect_no_slip(out, expected, what, slips)


q5 = Exercise(
    "Question 5: one step downhill",
    _check_sgd_step,
    hints=[
        "Three parts: the error, correlate(image, kernel) - target; the gradient of the mean "
        "squared error with respect to each output, 2 * error / error.size; then the kernel's "
        "gradient, as in question 1.",
        "The kernel's gradient is correlate(image, grad_output) with grad_output = "
        "2 * error / error.size. Then step against it.",
        "return kernel - learning_rate * correlate(image, 2 * error / error.size)",
    ],
    solution_code='''
        def sgd_step(kernel, image, target, learning_rate):
            """The kernel after one gradient descent step on mean((correlate - target) ** 2)."""
            error = correlate(image, kernel) - target
            grad_output = 2 * error / error.size  # d mean(error ** 2) / d output
            return kernel - learning_rate * correlate(image, grad_output)
    ''',
)


# --- q6: a batch with channels and filters ---------------------------------------------------


def _batch(n: int, height: int, width: int, channels: int, step: int) -> np.ndarray:
    flat = pattern(n * height, width * channels, step)
    return flat.reshape(n, height, width, channels)


# (x, grad_output): the kernel is (3, 3, 2, 3), then (2, 3, 3, 2).
BATCH_CASES = [
    (_batch(3, 5, 6, 2, 7), _batch(3, 3, 4, 3, 5)),
    (_batch(2, 4, 4, 3, 11), _batch(2, 3, 2, 2, 3) + 0.5),
]


def _check_kernel_gradient_batch(kernel_gradient_batch: Any) -> None:
    expect_function(kernel_gradient_batch, "kernel_gradient_batch")
    for x, grad_output in BATCH_CASES:
        what = f"your kernel_gradient_batch for x {x.shape} and grad_output {grad_output.shape}"
        out = expect_array(_call(kernel_gradient_batch, x, grad_output), what)
        expected = _kernel_gradient_batch(x, grad_output)
        kh, kw, c, f = expected.shape
        if out.shape == (kh, kw, f, c) != expected.shape:
            raise Incorrect(
                f"{capitalized(what)} has shape {out.shape}, but a kernel is laid out (height, "
                f"width, in_channels, out_channels): {expected.shape}. Swap its last two axes."
            )
        if out.shape != expected.shape:
            raise Incorrect(
                f"{capitalized(what)} has shape {out.shape} but should have {expected.shape}: "
                "(kernel height, kernel width, x's channels, grad_output's channels), one "
                "number per weight."
            )
        slips = (
            (
                expected / len(x),
                "you averaged over the images of the batch: add them up (a mean in the loss is "
                "already part of grad_output)",
            ),
            (
                _kernel_gradient_batch(x[:1], grad_output[:1]),
                "only image 0 counts in it: add up the gradients of every image of the batch",
            ),
            (expected[::-1, ::-1], f"it is flipped 180 degrees: {FLIP_FOR_KERNEL}"),
        )
        expect_no_slip(out, expected, what, slips)


q6 = Exercise(
    "Question 6: a batch with channels and filters",
    _check_kernel_gradient_batch,
    hints=[
        "Weight [a, b, c, f] multiplies x[n, i + a, j + b, c] in output [n, i, j, f]. Its "
        "gradient adds up that pixel times grad_output[n, i, j, f] over n, i and j: the axes "
        "the weight does not have.",
        "sliding_window_view(x, (kh, kw), axis=(1, 2)) gives every window as an array "
        "(n, i, j, c, a, b); np.einsum can multiply it by grad_output (n, i, j, f) and sum over "
        "n, i and j in one call.",
        'np.einsum("nijcab,nijf->abcf", windows, grad_output)',
    ],
    solution_code='''
        def kernel_gradient_batch(x, grad_output):
            """dloss/dkernel (kh, kw, in_channels, filters) for a batch x (n, h, w, channels)."""
            kh = x.shape[1] - grad_output.shape[1] + 1
            kw = x.shape[2] - grad_output.shape[2] + 1
            windows = sliding_window_view(x, (kh, kw), axis=(1, 2))  # (n, i, j, c, a, b)
            return np.einsum("nijcab,nijf->abcf", windows, grad_output)
    ''',
)
