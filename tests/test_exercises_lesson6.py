"""Lesson 6's exercises: reference answers, typical wrong answers, untouched placeholders.

Wrong functions are the reference solution with one typical slip put in, or written out when
the slip changes the algorithm (routing max pooling's gradient to every tied pixel, say).
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from exercise_helpers import ExerciseNotebook, assert_incorrect, notebook_tests
from numpy.lib.stride_tricks import sliding_window_view

from course_utils import ops
from course_utils.exercises import State, lesson6

PREAMBLE = '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from course_utils.exercises import ____


def correlate(image, kernel):
    """Slide `kernel` over `image`, 'valid' mode: one weighted sum per position."""
    windows = sliding_window_view(image, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)
'''
NOTEBOOK = ExerciseNotebook(lesson6, "06_how_a_cnn_learns_exercises.ipynb", PREAMBLE)
run_cell, with_slip = NOTEBOOK.run_cell, NOTEBOOK.with_slip
ANSWERS = {
    "q1": "kernel_gradient",
    "q2": "input_gradient",
    "q3": "max_pool_backward",
    "q4": "numeric_gradient",
    "q5": "sgd_step",
    "q6": "kernel_gradient_batch",
}
test_solutions_are_correct, test_placeholders_are_not_attempted = notebook_tests(NOTEBOOK, ANSWERS)


def correlate(image, kernel):
    windows = sliding_window_view(image, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def tape_gradients(image, kernel, grad_output):
    """(dloss/dimage, dloss/dkernel) from tf.GradientTape, for 2-D arrays."""
    x = tf.constant(image[None, :, :, None], tf.float64)
    k = tf.constant(kernel[:, :, None, None], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch([x, k])
        out = tf.nn.conv2d(x, k, 1, "VALID")
    upstream = tf.constant(grad_output[None, :, :, None], tf.float64)
    grad_x, grad_k = tape.gradient(out, [x, k], output_gradients=upstream)
    return grad_x.numpy()[0, :, :, 0], grad_k.numpy()[:, :, 0, 0]


def test_references_match_the_tape():
    for image, grad_output in lesson6.KERNEL_CASES:
        kernel = np.zeros(np.subtract(image.shape, grad_output.shape) + 1)
        _, expected = tape_gradients(image.astype(np.float64), kernel, grad_output)
        np.testing.assert_allclose(correlate(image, grad_output), expected, rtol=1e-6)
    for kernel, grad_output in lesson6.INPUT_CASES:
        image = np.zeros(np.add(grad_output.shape, kernel.shape) - 1)
        expected, _ = tape_gradients(image, kernel.astype(np.float64), grad_output)
        np.testing.assert_allclose(
            lesson6._input_gradient(kernel, grad_output), expected, rtol=1e-6
        )


def test_max_pool_references_match_the_tape_with_ties_and_overlaps():
    for image, grad_output, size, stride in lesson6.POOL_CASES:
        x = tf.constant(image[None, :, :, None])
        with tf.GradientTape() as tape:
            tape.watch(x)
            pooled = tf.nn.max_pool2d(x, size, stride, "VALID")
        expected = tape.gradient(pooled, x, output_gradients=grad_output[None, :, :, None])
        got = ops.max_pool2d_backward(
            image[None, :, :, None], grad_output[None, :, :, None], size, stride
        )
        np.testing.assert_allclose(got, expected.numpy())
    # The cases are the ones the messages talk about: ties, and a pixel that wins four windows.
    assert lesson6._route(lesson6.TIES, np.ones((2, 2)), 2, 2, lambda w: w == w.max()).sum() > 4
    centre = ops.max_pool2d_backward(lesson6.CENTRE[None, :, :, None], np.ones((1, 2, 2, 1)), 3, 2)
    assert centre[0, 2, 2, 0] == 4


def test_sgd_step_reference_matches_the_tape():
    for kernel, image, target, lr in lesson6.STEP_CASES:
        k = tf.Variable(kernel[:, :, None, None].astype(np.float64))
        with tf.GradientTape() as tape:
            out = tf.nn.conv2d(image[None, :, :, None].astype(np.float64), k, 1, "VALID")
            loss = tf.reduce_mean((out[0, :, :, 0] - target) ** 2)
        expected = kernel - lr * tape.gradient(loss, k).numpy()[:, :, 0, 0]
        np.testing.assert_allclose(
            lesson6._sgd_step(kernel, image, target, lr), expected, rtol=1e-6
        )


def test_every_question_rejects_a_value_instead_of_a_function():
    for name in ANSWERS:
        result = NOTEBOOK.question(name).check(np.zeros(3))
        assert_incorrect(result, "check() needs your function itself")


# --- q1: the kernel's gradient --------------------------------------------------------------

Q1 = "return correlate(image, grad_output)"


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("return np.flip(correlate(image, grad_output))", "you flipped it 180 degrees"),
        ("return correlate(image, grad_output) / grad_output.size", "you took the mean"),
        ("return -correlate(image, grad_output)", "it has the wrong sign"),
        ("return correlate(image, grad_output).T", "is transposed"),
        (
            "return correlate(image, grad_output)[:1]",
            "is 1x2 but should be 2x2: the gradient has the kernel's shape",
        ),
    ],
)
def test_kernel_gradient_slips(tmp_path, new, message):
    function = run_cell(with_slip("q1", (Q1, new)), tmp_path)["kernel_gradient"]
    assert_incorrect(lesson6.q1.check(function), message)


def test_kernel_gradient_summed_over_the_window():
    def kernel_gradient(image, grad_output):
        kernel_shape = np.subtract(image.shape, grad_output.shape) + 1
        windows = sliding_window_view(image, tuple(kernel_shape))
        return np.einsum("ijkl,ij->ij", windows, grad_output)  # should end in ->kl

    assert_incorrect(lesson6.q1.check(kernel_gradient), "is 3x3 but should be 2x2: you summed")


def test_kernel_gradient_with_loops_is_correct():
    def kernel_gradient(image, grad_output):
        kh, kw = (
            image.shape[0] - grad_output.shape[0] + 1,
            image.shape[1] - grad_output.shape[1] + 1,
        )
        grad = np.zeros((kh, kw))
        for i in range(grad_output.shape[0]):
            for j in range(grad_output.shape[1]):
                grad += grad_output[i, j] * image[i : i + kh, j : j + kw]
        return grad

    assert lesson6.q1.check(kernel_gradient).state is State.CORRECT


# --- q2: the input's gradient ---------------------------------------------------------------

FLIP = "correlate(padded, np.flip(kernel))"
PAD = "np.pad(grad_output, ((kh - 1, kh - 1), (kw - 1, kw - 1)))"


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        ([(FLIP, "correlate(padded, kernel)")], "you slid the kernel without flipping it"),
        ([(FLIP, "correlate(padded, kernel[::-1])")], "you flipped the kernel upside down only"),
        ([(FLIP, "correlate(padded, kernel[:, ::-1])")], "left to right only"),
        ([(PAD, "grad_output")], "is 1x1 but should be 3x3: the gradient has the image's shape"),
        (
            [(PAD, "np.pad(grad_output, 1)")],
            "is 3x4 but should be 5x6: the gradient has the image's shape, grad_output plus 2 rows "
            "and 2 columns",
        ),
    ],
)
def test_input_gradient_slips(tmp_path, replacements, message):
    function = run_cell(with_slip("q2", *replacements), tmp_path)["input_gradient"]
    assert_incorrect(lesson6.q2.check(function), message)


def test_input_gradient_as_stamps_is_correct():
    def input_gradient(kernel, grad_output):
        kh, kw = kernel.shape
        grad = np.zeros((grad_output.shape[0] + kh - 1, grad_output.shape[1] + kw - 1))
        for i in range(grad_output.shape[0]):
            for j in range(grad_output.shape[1]):
                grad[i : i + kh, j : j + kw] += grad_output[i, j] * kernel
        return grad

    assert lesson6.q2.check(input_gradient).state is State.CORRECT


# --- q3: max pooling backwards --------------------------------------------------------------

ROUTE = "grad[top + r, left + c] += grad_output[i, j]"
WHOLE = "grad[top : top + size, left : left + size] += "


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        (
            [(ROUTE, WHOLE + "(window == window.max()) * grad_output[i, j]")],
            "you gave a window's gradient to every pixel that ties for its maximum",
        ),
        (
            [("np.argmax(window)", "window.size - 1 - np.argmax(window.ravel()[::-1])")],
            "on a tie, your gradient goes to the last maximum",
        ),
        ([(ROUTE, WHOLE + "grad_output[i, j]")], "to every pixel of the window"),
        ([(ROUTE, WHOLE + "grad_output[i, j] / size**2")], "you spread the gradient evenly"),
        ([(ROUTE, ROUTE.replace("+=", "="))], "add them (+=) instead of overwriting (=)"),
        ([("return grad", "return grad_output")], "is 2x2 but should be 4x4"),
    ],
)
def test_max_pool_backward_slips(tmp_path, replacements, message):
    function = run_cell(with_slip("q3", *replacements), tmp_path)["max_pool_backward"]
    assert_incorrect(lesson6.q3.check(function), message)


def test_max_pool_backward_messages_name_the_case():
    def max_pool_backward(image, grad_output, size, stride):
        return np.zeros_like(image)

    assert_incorrect(
        lesson6.q3.check(max_pool_backward),
        "Your max_pool_backward for a 4x4 image, size=2, stride=2 is wrong at row 1, column 1",
    )


# --- q4: a gradient check -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        ([("h = 1e-5", "h = 0.01")], "your step h looks like about 0.01: too large"),
        ([("h = 1e-5", "h = 1e-12")], "your step h looks like about 1e-12: too small"),
        ([("(2 * h)", "h")], "it is twice the gradient: divide by 2h"),
        ([("(up - down)", "(down - up)")], "it has the wrong sign"),
        ([("x[index] = saved  # put it back", "pass")], "changed x: put each entry back"),
        ([("return grad", "return grad.ravel()")], "is a flat list of 6 numbers but should be 2x3"),
    ],
)
def test_numeric_gradient_slips(tmp_path, replacements, message):
    function = run_cell(with_slip("q4", *replacements), tmp_path)["numeric_gradient"]
    assert_incorrect(lesson6.q4.check(function), message)


def test_a_one_sided_difference_is_named():
    def numeric_gradient(f, x):
        h = 1e-6
        grad = np.zeros_like(x)
        for index in np.ndindex(x.shape):
            nudged = x.copy()
            nudged[index] += h
            grad[index] = (f(nudged) - f(x)) / h
        return grad

    assert_incorrect(
        lesson6.q4.check(numeric_gradient),
        "it looks like a one-sided difference (forward, step about 1e-06)",
    )


def test_numeric_gradient_with_another_good_step_is_correct(tmp_path):
    function = run_cell(with_slip("q4", ("h = 1e-5", "h = 1e-4")), tmp_path)["numeric_gradient"]
    assert lesson6.q4.check(function).state is State.CORRECT


def test_a_step_between_round_numbers_still_gets_advice(tmp_path):
    function = run_cell(with_slip("q4", ("h = 1e-5", "h = 0.0123")), tmp_path)["numeric_gradient"]
    assert_incorrect(lesson6.q4.check(function), "too large")


# --- q5: one step downhill ------------------------------------------------------------------

STEP = "return kernel - learning_rate * correlate(image, grad_output)"


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        ([(STEP, STEP.replace("kernel -", "kernel +"))], "you stepped uphill"),
        ([("2 * error / error.size", "error / error.size")], "your step is half the right one"),
        ([("2 * error / error.size", "2 * error")], "your step is 12 times too large"),
        ([("2 * error / error.size", "error")], "your step is 12/2 times too large"),
        (
            [
                (
                    "error = correlate(image, kernel) - target",
                    "error = target - correlate(image, kernel)",
                )
            ],
            "uphill",
        ),
        ([(STEP, "return correlate(image, grad_output)")], "that is the gradient"),
        ([(STEP, "return kernel")], "that is the kernel you started from"),
        (
            [
                (
                    STEP,
                    STEP.replace(
                        "correlate(image, grad_output)", "np.flip(correlate(image, grad_output))"
                    ),
                )
            ],
            "flipped 180 degrees",
        ),
    ],
)
def test_sgd_step_slips(tmp_path, replacements, message):
    function = run_cell(with_slip("q5", *replacements), tmp_path)["sgd_step"]
    assert_incorrect(lesson6.q5.check(function), message)


def test_sgd_step_with_ops_and_in_place_update_is_correct():
    def sgd_step(kernel, image, target, learning_rate):
        x, k = image[None, :, :, None], kernel[:, :, None, None]
        error = ops.conv2d(x, k) - target[None, :, :, None]
        _, grad = ops.conv2d_backward(x, k, 2 * error / error.size)
        kernel -= learning_rate * grad[:, :, 0, 0]  # in place: the check passes a copy
        return kernel

    assert lesson6.q5.check(sgd_step).state is State.CORRECT


# --- q6: a batch with channels and filters --------------------------------------------------

EINSUM = 'np.einsum("nijcab,nijf->abcf", windows, grad_output)'


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        ([(EINSUM, EINSUM + " / len(x)")], "you averaged over the images of the batch"),
        ([(EINSUM, EINSUM.replace("grad_output)", "grad_output)[::-1, ::-1]"))], "flipped 180"),
        (
            [(EINSUM, EINSUM.replace("->abcf", "->abfc"))],
            "a kernel is laid out (height, width, in_channels, out_channels): (3, 3, 2, 3)",
        ),
        ([(EINSUM, EINSUM.replace("->abcf", "->abf"))], "has shape (3, 3, 3) but should have"),
        (
            [(EINSUM, EINSUM.replace("windows, grad_output", "windows[:1], grad_output[:1]"))],
            "only image 0 counts",
        ),
    ],
)
def test_kernel_gradient_batch_slips(tmp_path, replacements, message):
    function = run_cell(with_slip("q6", *replacements), tmp_path)["kernel_gradient_batch"]
    assert_incorrect(lesson6.q6.check(function), message)


def test_kernel_gradient_batch_with_ops_is_correct():
    def kernel_gradient_batch(x, grad_output):
        kh, kw = x.shape[1] - grad_output.shape[1] + 1, x.shape[2] - grad_output.shape[2] + 1
        kernel = np.zeros((kh, kw, x.shape[3], grad_output.shape[3]))
        return ops.conv2d_backward(x, kernel, grad_output)[1]

    assert lesson6.q6.check(kernel_gradient_batch).state is State.CORRECT
