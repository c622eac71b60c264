"""course_utils.ops against TensorFlow: property tests over random shapes, plus the edge cases."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import ops

tf = pytest.importorskip("tensorflow")

FAST = settings(deadline=None, max_examples=100)
MANY = settings(deadline=None, max_examples=300)


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """CS231n-style error: absolute near zero, relative for large values."""
    assert a.shape == b.shape, f"shape {a.shape} != {b.shape}"
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(1.0, float(np.max(np.abs(b)))))


def tf_padding(pads: list[tuple[int, int]]) -> list[list[int]]:
    return [[0, 0], list(pads[0]), list(pads[1]), [0, 0]]


def random_array(data, shape, low=-1.0, high=1.0, dtype=np.float32) -> np.ndarray:
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


@st.composite
def conv_case(draw, strided_and_dilated: bool = False):
    """One conv2d problem: x, kernel, strides, dilations and a padding in any accepted form."""
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    if strided_and_dilated:
        strides = (draw(st.integers(2, 3)), draw(st.integers(1, 3)))
        dilations = (draw(st.integers(2, 3)), draw(st.integers(1, 3)))
    else:
        # tf.nn.conv2d on CPU has not always allowed strides > 1 together with dilations > 1.
        strides = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        dilations = (
            (1, 1) if max(strides) > 1 else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        )
    kind = draw(st.sampled_from(["valid", "same", "SAME", "int", "pair", "explicit"]))
    if strided_and_dilated:
        kind = draw(st.sampled_from(["valid", "explicit"]))
    pads = [(draw(st.integers(0, 3)), draw(st.integers(0, 3))) for _ in range(2)]
    padding = {
        "int": pads[0][0],
        "pair": (pads[0][0], pads[1][0]),
        "explicit": tuple(pads),
    }.get(kind, kind)
    pads = {
        "valid": [(0, 0)] * 2,
        "int": [(pads[0][0],) * 2] * 2,
        "pair": [(pads[0][0],) * 2, (pads[1][0],) * 2],
    }.get(kind, pads)
    # Inputs at least as large as the dilated kernel minus the padding, so the kernel fits.
    spans = ((kh - 1) * dilations[0] + 1, (kw - 1) * dilations[1] + 1)
    hw = [
        draw(st.integers(max(1, span - sum(p)) if kind.lower() != "same" else 1, span + 6))
        for span, p in zip(spans, pads, strict=True)
    ]
    batch, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return batch, hw, c_in, (kh, kw, c_in, c_out), strides, dilations, padding, pads


@MANY
@given(case=conv_case(), data=st.data(), with_bias=st.booleans())
def test_conv2d_matches_tensorflow(case, data, with_bias):
    batch, (h, w), c_in, kshape, strides, dilations, padding, pads = case
    x = random_array(data, (batch, h, w, c_in))
    kernel = random_array(data, kshape)
    bias = random_array(data, (kshape[3],)) if with_bias else None
    ours = ops.conv2d(x, kernel, bias, strides=strides, padding=padding, dilations=dilations)
    tf_pad = padding.upper() if isinstance(padding, str) else tf_padding(pads)
    theirs = tf.nn.conv2d(x, kernel, strides, tf_pad, dilations=dilations).numpy()
    if with_bias:
        theirs = theirs + bias
    assert ours.dtype == np.float32
    assert rel_error(ours, theirs) < 1e-5


@FAST
@given(case=conv_case(strided_and_dilated=True), data=st.data())
def test_strided_dilated_conv_is_dilated_conv_subsampled(case, data):
    batch, (h, w), c_in, kshape, strides, dilations, padding, _ = case
    x, kernel = random_array(data, (batch, h, w, c_in)), random_array(data, kshape)
    strided = ops.conv2d(x, kernel, strides=strides, padding=padding, dilations=dilations)
    dense = ops.conv2d(x, kernel, strides=1, padding=padding, dilations=dilations)
    assert rel_error(strided, dense[:, :: strides[0], :: strides[1]]) < 1e-6


@st.composite
def pool_case(draw):
    size = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    strides = draw(
        st.sampled_from([None, 1, 2, (draw(st.integers(1, 3)), draw(st.integers(1, 3)))])
    )
    padding = draw(st.sampled_from(["valid", "same", "Same"]))
    low = 1 if padding.lower() == "same" else max(size)
    hw = (draw(st.integers(low, 8)), draw(st.integers(low, 8)))
    return (draw(st.integers(1, 2)), *hw, draw(st.integers(1, 3))), size, strides, padding


@MANY
@given(case=pool_case(), data=st.data())
def test_max_pool2d_matches_tensorflow(case, data):
    shape, size, strides, padding = case
    x = random_array(data, shape)
    theirs = tf.nn.max_pool2d(x, size, size if strides is None else strides, padding.upper())
    ours = ops.max_pool2d(x, size, strides, padding)
    assert ours.dtype == np.float32
    assert rel_error(ours, theirs.numpy()) < 1e-6


@MANY
@given(case=pool_case(), data=st.data())
def test_avg_pool2d_matches_tensorflow(case, data):
    shape, size, strides, padding = case
    x = random_array(data, shape)
    theirs = tf.nn.avg_pool2d(x, size, size if strides is None else strides, padding.upper())
    ours = ops.avg_pool2d(x, size, strides, padding)
    assert ours.dtype == np.float32
    assert rel_error(ours, theirs.numpy()) < 1e-5


@FAST
@given(h=st.integers(2, 9), w=st.integers(2, 9), size=st.integers(2, 3), data=st.data())
def test_max_pool2d_explicit_padding_matches_tensorflow(h, w, size, data):
    pads = [(data.draw(st.integers(0, size - 1)), data.draw(st.integers(0, size - 1)))] * 2
    x = random_array(data, (1, h + size, w + size, 2))
    theirs = tf.nn.max_pool2d(x, size, 1, tf_padding(pads)).numpy()
    assert rel_error(ops.max_pool2d(x, size, 1, tuple(pads)), theirs) < 1e-6


@FAST
@given(h=st.integers(1, 9), size=st.integers(1, 4), stride=st.integers(1, 3), data=st.data())
def test_avg_pool2d_explicit_same_padding_equals_same(h, size, stride, data):
    x = random_array(data, (1, h, h, 1))
    pads = ops.same_padding(h, size, stride)
    explicit = ops.avg_pool2d(x, size, stride, (pads, pads))
    assert rel_error(explicit, ops.avg_pool2d(x, size, stride, "same")) < 1e-6


@FAST
@given(h=st.integers(1, 8), w=st.integers(1, 8), kh=st.integers(1, 4), kw=st.integers(1, 4))
def test_conv2d_loops_matches_conv2d(h, w, kh, kw):
    rng = np.random.default_rng(h * 1000 + w * 100 + kh * 10 + kw)
    image = rng.uniform(-1, 1, (h + kh, w + kw)).astype(np.float32)
    kernel = rng.uniform(-1, 1, (kh, kw)).astype(np.float32)
    loops = ops.conv2d_loops(image, kernel)
    vectorized = ops.conv2d(image[None, :, :, None], kernel[:, :, None, None])[0, :, :, 0]
    assert loops.dtype == np.float32
    assert rel_error(loops, vectorized) < 1e-6


@FAST
@given(
    n=st.integers(1, 12),
    k=st.integers(1, 4),
    s=st.integers(1, 3),
    d=st.integers(1, 3),
    pad=st.one_of(st.sampled_from(["valid", "same"]), st.integers(0, 3)),
)
def test_output_size_matches_tensorflow(n, k, s, d, pad):
    if s > 1:
        d = 1  # see conv_case
    if pad == "valid" and (k - 1) * d + 1 > n:
        n = (k - 1) * d + 1
    if isinstance(pad, int):
        n = max(n, (k - 1) * d + 1 - 2 * pad)
    tf_pad = pad.upper() if isinstance(pad, str) else tf_padding([(pad, pad), (0, 0)])
    x, kernel = np.zeros((1, n, 1, 1), np.float32), np.zeros((k, 1, 1, 1), np.float32)
    tf_shape = tf.nn.conv2d(x, kernel, (s, 1), tf_pad, dilations=(d, 1)).shape
    assert ops.output_size(n, k, s, pad, d) == tf_shape[1]


@FAST
@given(n=st.integers(1, 12), k=st.integers(1, 5), s=st.integers(1, 3), data=st.data())
def test_same_padding_matches_tensorflow(n, k, s, data):
    # Same numbers, different placement would move the output: compare values, not shapes.
    x = random_array(data, (1, n, n, 1))
    kernel = random_array(data, (k, k, 1, 1))
    pads = ops.same_padding(n, k, s)
    explicit = tf.nn.conv2d(x, kernel, s, tf_padding([pads, pads])).numpy()
    assert rel_error(explicit, tf.nn.conv2d(x, kernel, s, "SAME").numpy()) < 1e-6


def test_same_padding_puts_the_extra_pixel_after():
    assert ops.same_padding(5, 2) == (0, 1)
    assert ops.same_padding(28, 5) == (2, 2)
    assert ops.same_padding(6, 3, stride=2) == (0, 1)  # output 3 needs 2*2 + 3 = 7 pixels
    assert ops.same_padding(7, 3, dilation=2) == (2, 2)  # the kernel spans 5 pixels


def test_output_size_formula_by_hand():
    assert ops.output_size(28, 5) == 24
    assert ops.output_size(28, 5, padding=2) == 28
    assert ops.output_size(28, 5, stride=2, padding="same") == 14
    assert ops.output_size(7, 3, stride=2, padding=1) == 4  # (7 - 3 + 2) / 2 + 1
    assert ops.output_size(10, 3, dilation=2) == 6  # kernel spans 5 pixels
    assert ops.output_size(5, 2, padding=(0, 1)) == 5


# The 4x4 image and 2x2 kernel worked out by hand. Each output pixel is
# 1*top-left + 2*top-right + 0*bottom-left - 1*bottom-right of its window, so
# out[0, 0] = 1*1 + 2*2 - 1*1 = 4, out[0, 1] = 2 + 0 - 2 = 0, out[0, 2] = 0 + 2 - 0 = 2,
# out[1, 0] = 3 + 2 - 2 = 3,      out[1, 1] = 1 + 4 - 1 = 4, out[1, 2] = 2 + 0 - 3 = -1,
# out[2, 0] = 0 + 4 - 0 = 4,      out[2, 1] = 2 + 2 - 2 = 2, out[2, 2] = 1 + 6 - 1 = 6.
TOY_IMAGE = np.array([[1, 2, 0, 1], [3, 1, 2, 0], [0, 2, 1, 3], [1, 0, 2, 1]], dtype=np.uint8)
TOY_KERNEL = np.array([[1, 2], [0, -1]])
TOY_RESULT = np.array([[4, 0, 2], [3, 4, -1], [4, 2, 6]])


def test_toy_example_by_hand():
    np.testing.assert_array_equal(ops.conv2d_loops(TOY_IMAGE, TOY_KERNEL), TOY_RESULT)
    nhwc, hwio = TOY_IMAGE[None, :, :, None], TOY_KERNEL[:, :, None, None]
    out = ops.conv2d(nhwc, hwio)
    assert out.dtype == np.float32  # uint8 and int inputs are computed as float32
    np.testing.assert_array_equal(out[0, :, :, 0], TOY_RESULT)
    # 2x2 blocks: [1 2; 3 1] [0 1; 2 0] / [0 2; 1 0] [1 3; 2 1] -> max 3 2 / 2 3, sum 7 3 / 3 7.
    np.testing.assert_array_equal(ops.max_pool2d(nhwc, 2)[0, :, :, 0], [[3, 2], [2, 3]])
    np.testing.assert_array_equal(ops.avg_pool2d(nhwc, 2)[0, :, :, 0], [[1.75, 0.75], [0.75, 1.75]])


def test_float64_stays_float64():
    x, kernel = np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1))
    assert ops.conv2d(x, kernel).dtype == np.float64
    assert ops.max_pool2d(x, 2).dtype == np.float64
    assert ops.avg_pool2d(x.astype(np.float32), 2).dtype == np.float32


X = np.zeros((1, 5, 5, 1), np.float32)
K = np.zeros((3, 3, 1, 2), np.float32)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: ops.conv2d(X, np.zeros((7, 7, 1, 1))),
            r"kernel covers 7x7 .* padded input is only 5x5",
        ),
        (lambda: ops.conv2d(X, K, dilations=3), r"kernel covers 7x7"),
        (
            lambda: ops.conv2d(X, np.zeros((8, 8, 1, 1)), padding=1),
            r"kernel covers 8x8 .* only 7x7",
        ),
        (lambda: ops.max_pool2d(X, 6), r"pool_size covers 6x6 .* only 5x5"),
        (
            lambda: ops.conv2d(X[0, :, :, 0], K),
            r"x should be 4-D \(batch, height, width, channels\), got shape \(5, 5\)",
        ),
        (lambda: ops.conv2d(X, K[:, :, :, 0]), r"kernel should be 4-D .* got shape \(3, 3, 1\)"),
        (lambda: ops.conv2d_loops(X, K), r"image should be 2-D"),
        (lambda: ops.max_pool2d(X[0], 2), r"x should be 4-D"),
        (lambda: ops.conv2d(X, K, strides=0), r"strides should be a positive int"),
        (lambda: ops.conv2d(X, K, strides=(1, -2)), r"strides .* got -2"),
        (lambda: ops.max_pool2d(X, 2, strides=0), r"strides should be a positive"),
        (lambda: ops.max_pool2d(X, 0), r"pool_size should be a positive"),
        (lambda: ops.conv2d(X, K, dilations=0), r"dilations should be a positive int"),
        (
            lambda: ops.conv2d(X, np.zeros((3, 3, 3, 2))),
            r"kernel expects 3 input channels but x has 1",
        ),
        (lambda: ops.conv2d(X, K, bias=np.zeros(3)), r"bias should have shape \(2,\)"),
        (lambda: ops.conv2d(X, K, bias=np.zeros((1, 2))), r"bias .* got shape \(1, 2\)"),
        (lambda: ops.conv2d(X, K, padding="full"), r"padding .* 'full': unknown padding"),
        (lambda: ops.avg_pool2d(X, 2, padding="causal"), r"unknown padding"),
        (lambda: ops.conv2d(X, K, padding=-1), r"padding cannot be negative"),
        (lambda: ops.conv2d(X, K, padding=((0, 1), (-1, 0))), r"padding cannot be negative"),
        (lambda: ops.conv2d(X, K, padding=(1, 2, 3)), r"padding should be an int"),
        (lambda: ops.max_pool2d(X, 2, padding=2), r"padding 2 should be smaller than pool_size"),
        (lambda: ops.output_size(5, 7), r"kernel_size 7 .* larger than the padded input"),
        (lambda: ops.output_size(5, 3, stride=0), r"stride should be a positive int"),
        (lambda: ops.output_size(5, 3, dilation=0), r"dilation should be a positive int"),
        (lambda: ops.output_size(5, 3, padding=-1), r"padding cannot be negative"),
        (lambda: ops.output_size(5, 3, padding="half"), r"unknown padding"),
        (lambda: ops.same_padding(0, 3), r"input_size should be a positive int"),
        (
            lambda: ops.conv2d_loops(np.zeros((2, 2)), np.zeros((3, 3))),
            r"kernel \(3, 3\) is larger",
        ),
    ],
)
def test_bad_arguments_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_non_integer_stride_is_a_type_error():
    with pytest.raises(TypeError, match="strides should be an int"):
        ops.conv2d(X, K, strides=1.5)


def test_one_pixel_wide_strided_same_conv():
    """The case where TensorFlow's oneDNN path returns zeros: each output is x * k[0, 0]."""
    x = np.arange(1, 5, dtype=np.float32).reshape(2, 2, 1, 1)
    kernel = np.array([[[[2.0]], [[5.0]]]], dtype=np.float32)  # (1, 2, 1, 1)
    out = ops.conv2d(x, kernel, strides=(1, 2), padding="same")
    np.testing.assert_array_equal(out.ravel(), [2.0, 4.0, 6.0, 8.0])  # the right column is padding


def test_padding_amounts_as_tensorflow_applies_them():
    assert ops.padding_amounts("valid", (5, 5), 3) == ((0, 0), (0, 0))
    assert ops.padding_amounts("same", (5, 5), 2) == ((0, 1), (0, 1))
    assert ops.padding_amounts(1, (5, 5), 3) == ((1, 1), (1, 1))
    assert ops.padding_amounts((1, 2), (5, 5), 3) == ((1, 1), (2, 2))
    assert ops.padding_amounts(((0, 1), (2, 3)), (5, 5), 3) == ((0, 1), (2, 3))
    with pytest.raises(ValueError, match="padding"):
        ops.padding_amounts("full", (5, 5), 3)


# --- backward passes (lesson 6) ------------------------------------------------------------


def tape_gradients(f: Callable, inputs: list[np.ndarray], grad_output: np.ndarray) -> list:
    """What tf.GradientTape gives for f(*inputs) with upstream gradient ``grad_output``."""
    tensors = [tf.constant(a) for a in inputs]
    with tf.GradientTape() as tape:
        tape.watch(tensors)
        out = f(*tensors)
    grads = tape.gradient(out, tensors, output_gradients=tf.constant(grad_output))
    return [g.numpy() for g in grads]


def tf_conv2d(x, kernel, strides, padding, dilations):
    """tf.nn.conv2d, with any dilation spelled out as zeros between the kernel's taps.

    TensorFlow's CPU kernels have no gradient for dilations > 1; a kernel with d - 1 zeros
    between its taps is the same convolution, and the tape differentiates through the spreading.
    """
    kh, kw = kernel.shape[:2]
    rows = np.eye((kh - 1) * dilations[0] + 1)[:, :: dilations[0]]  # (span, kh): tap i -> i*d
    cols = np.eye((kw - 1) * dilations[1] + 1)[:, :: dilations[1]]
    dtype = kernel.dtype.as_numpy_dtype
    spread = tf.einsum("ai,bj,ijcf->abcf", rows.astype(dtype), cols.astype(dtype), kernel)
    return tf.nn.conv2d(x, spread, strides, padding)


def tolerance(dtype) -> float:
    return 1e-10 if dtype == np.float64 else 1e-5


@MANY
@given(
    case=st.one_of(conv_case(), conv_case(strided_and_dilated=True)),
    data=st.data(),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_conv2d_backward_matches_gradient_tape(case, data, dtype):
    batch, (h, w), c_in, kshape, strides, dilations, padding, pads = case
    x = random_array(data, (batch, h, w, c_in), dtype=dtype)
    kernel = random_array(data, kshape, dtype=dtype)
    out_shape = ops.conv2d(x, kernel, strides=strides, padding=padding, dilations=dilations).shape
    grad = random_array(data, out_shape, dtype=dtype)
    grad_x, grad_kernel = ops.conv2d_backward(x, kernel, grad, strides, padding, dilations)
    tf_pad = padding.upper() if isinstance(padding, str) else tf_padding(pads)
    tf_x, tf_kernel = tape_gradients(
        lambda a, k: tf_conv2d(a, k, strides, tf_pad, dilations), [x, kernel], grad
    )
    assert grad_x.dtype == grad_kernel.dtype == dtype
    assert rel_error(grad_x, tf_x) < tolerance(dtype)
    assert rel_error(grad_kernel, tf_kernel) < tolerance(dtype)


@FAST
@given(case=st.one_of(conv_case(), conv_case(strided_and_dilated=True)), data=st.data())
def test_conv_input_gradient_is_a_convolution_with_the_flipped_kernel(case, data):
    """Lesson 6's statement, with conv2d itself: correlate the spread, fully padded gradient."""
    batch, (h, w), c_in, kshape, strides, dilations, padding, _ = case
    x, kernel = random_array(data, (batch, h, w, c_in)), random_array(data, kshape)
    grad = random_array(data, ops.conv2d(x, kernel, None, strides, padding, dilations).shape)
    grad_x, _ = ops.conv2d_backward(x, kernel, grad, strides, padding, dilations)
    (top, bottom), (left, right) = ops.padding_amounts(
        padding, (h, w), kshape[:2], strides, dilations
    )
    spans = [(k - 1) * d + 1 for k, d in zip(kshape[:2], dilations, strict=True)]
    # grad on the stride-1 grid of the padded input: zeros between its pixels
    dense = (h + top + bottom - spans[0] + 1, w + left + right - spans[1] + 1)
    spread = np.zeros((batch, *dense, kshape[3]), np.float32)
    spread[:, :: strides[0], :: strides[1]] = grad
    flipped = kernel[::-1, ::-1].transpose(0, 1, 3, 2)  # and in/out channels swapped
    full = ((spans[0] - 1,) * 2, (spans[1] - 1,) * 2)
    padded_grad_x = ops.conv2d(spread, flipped, padding=full, dilations=dilations)
    assert rel_error(grad_x, padded_grad_x[:, top : top + h, left : left + w]) < 1e-5


@st.composite
def pool_input(draw, shape, dtype):
    """Random values, or small integers: many ties, inside a window and between windows."""
    seed = draw(st.integers(0, 2**32 - 1), label="seed")
    rng = np.random.default_rng(seed)
    if draw(st.booleans(), label="ties"):
        return rng.integers(0, 3, shape).astype(dtype)
    return rng.uniform(-1, 1, shape).astype(dtype)


@MANY
@given(case=pool_case(), data=st.data(), dtype=st.sampled_from([np.float32, np.float64]))
def test_max_pool2d_backward_matches_gradient_tape(case, data, dtype):
    shape, size, strides, padding = case
    x = data.draw(pool_input(shape, dtype))
    grad = random_array(data, ops.max_pool2d(x, size, strides, padding).shape, dtype=dtype)
    steps = size if strides is None else strides
    (theirs,) = tape_gradients(
        lambda a: tf.nn.max_pool2d(a, size, steps, padding.upper()), [x], grad
    )
    ours = ops.max_pool2d_backward(x, grad, size, strides, padding)
    assert ours.dtype == dtype
    assert rel_error(ours, theirs) < tolerance(dtype)


@MANY
@given(case=pool_case(), data=st.data(), dtype=st.sampled_from([np.float32, np.float64]))
def test_avg_pool2d_backward_matches_gradient_tape(case, data, dtype):
    shape, size, strides, padding = case
    x = random_array(data, shape, dtype=dtype)
    grad = random_array(data, ops.avg_pool2d(x, size, strides, padding).shape, dtype=dtype)
    steps = size if strides is None else strides
    (theirs,) = tape_gradients(
        lambda a: tf.nn.avg_pool2d(a, size, steps, padding.upper()), [x], grad
    )
    ours = ops.avg_pool2d_backward(x, grad, size, strides, padding)
    assert ours.dtype == dtype
    assert rel_error(ours, theirs) < tolerance(dtype)


@st.composite
def explicit_pool_case(draw):
    """Pooling with explicit ((top, bottom), (left, right)) padding, each smaller than the window."""
    size = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    strides = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    pads = tuple((draw(st.integers(0, k - 1)), draw(st.integers(0, k - 1))) for k in size)
    hw = [draw(st.integers(max(1, k - sum(p)), 7)) for k, p in zip(size, pads, strict=True)]
    return (draw(st.integers(1, 2)), *hw, draw(st.integers(1, 2))), size, strides, pads


@FAST
@given(case=explicit_pool_case(), data=st.data())
def test_max_pool2d_backward_explicit_padding_matches_padded_input(case, data):
    """TensorFlow on an input padded with -inf, then a 'valid' pool: the tape crops it back."""
    shape, size, strides, pads = case
    x = data.draw(pool_input(shape, np.float64))
    grad = random_array(data, ops.max_pool2d(x, size, strides, pads).shape, dtype=np.float64)
    (theirs,) = tape_gradients(
        lambda a: tf.nn.max_pool2d(
            tf.pad(a, tf_padding(pads), constant_values=-np.inf), size, strides, "VALID"
        ),
        [x],
        grad,
    )
    assert rel_error(ops.max_pool2d_backward(x, grad, size, strides, pads), theirs) < 1e-10


@FAST
@given(case=explicit_pool_case(), data=st.data())
def test_avg_pool2d_backward_explicit_padding_matches_padded_input(case, data):
    """TensorFlow: a 'valid' mean over the zero-padded input, rescaled to leave padding out."""
    shape, size, strides, pads = case
    x = random_array(data, shape, dtype=np.float64)
    grad = random_array(data, ops.avg_pool2d(x, size, strides, pads).shape, dtype=np.float64)
    ones = tf.pad(tf.ones((1, *shape[1:3], 1), tf.float64), tf_padding(pads))
    # avg_pool2d of the padded ones is (real pixels) / (window size): divide by it.
    real_share = tf.nn.avg_pool2d(ones, size, strides, "VALID")
    (theirs,) = tape_gradients(
        lambda a: (
            tf.nn.avg_pool2d(tf.pad(a, tf_padding(pads)), size, strides, "VALID") / real_share
        ),
        [x],
        grad,
    )
    assert rel_error(ops.avg_pool2d_backward(x, grad, size, strides, pads), theirs) < 1e-10


def cs231n_rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """Relative error as CS231n reports it: max |a - b| / max(|a| + |b|, tiny), elementwise."""
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def numerical_gradient(
    f: Callable[[np.ndarray], np.ndarray], a: np.ndarray, grad_output: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Central differences of sum(f(a) * grad_output), one element of ``a`` at a time."""
    a, grad = a.copy(), np.zeros_like(a)
    for i in np.ndindex(a.shape):
        old = a[i]
        a[i] = old + h
        plus = np.sum(f(a) * grad_output)
        a[i] = old - h
        minus = np.sum(f(a) * grad_output)
        a[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def distinct_values(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """float64 values in [-1, 1), all at least 1.8 / size apart (over 1e-3 here): a step of
    h = 1e-5 cannot change which pixel of a max-pooling window wins."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    return (rng.permutation(n) + rng.uniform(0, 0.1, n)).reshape(shape) / n * 2 - 1


CONV_CHECKS = [
    ((2, 5, 6, 3), (3, 2, 3, 2), {}),
    ((1, 7, 6, 2), (2, 3, 2, 3), {"strides": 2, "padding": "same"}),  # uneven: pads (0, 1)
    (
        (2, 8, 7, 2),
        (2, 2, 2, 2),
        {"strides": (2, 1), "padding": ((1, 2), (0, 1)), "dilations": (2, 3)},
    ),
    ((1, 6, 6, 1), (3, 3, 1, 4), {"padding": "same", "dilations": 2}),
]
POOL_CHECKS = [
    ((2, 5, 5, 2), {"pool_size": 2, "strides": 1, "padding": "same"}),
    ((1, 7, 6, 3), {"pool_size": 3, "strides": 2}),
    ((1, 6, 7, 2), {"pool_size": (2, 3), "strides": (1, 2), "padding": ((1, 0), (1, 1))}),
    ((2, 6, 5, 1), {"pool_size": 3, "strides": 2, "padding": "same"}),  # uneven: pads (0, 1)
]


@pytest.mark.parametrize(("x_shape", "k_shape", "kwargs"), CONV_CHECKS)
def test_conv2d_backward_finite_differences(x_shape, k_shape, kwargs):
    x, kernel = distinct_values(x_shape, 0), distinct_values(k_shape, 1)
    grad = np.random.default_rng(2).standard_normal(ops.conv2d(x, kernel, **kwargs).shape)
    grad_x, grad_kernel = ops.conv2d_backward(x, kernel, grad, **kwargs)
    assert grad_x.dtype == grad_kernel.dtype == np.float64
    num_x = numerical_gradient(lambda a: ops.conv2d(a, kernel, **kwargs), x, grad)
    num_kernel = numerical_gradient(lambda k: ops.conv2d(x, k, **kwargs), kernel, grad)
    assert cs231n_rel_error(grad_x, num_x) < 1e-6
    assert cs231n_rel_error(grad_kernel, num_kernel) < 1e-6


@pytest.mark.parametrize("pool", ["max", "avg"])
@pytest.mark.parametrize(("x_shape", "kwargs"), POOL_CHECKS)
def test_pool2d_backward_finite_differences(pool, x_shape, kwargs):
    forward = {"max": ops.max_pool2d, "avg": ops.avg_pool2d}[pool]
    backward = {"max": ops.max_pool2d_backward, "avg": ops.avg_pool2d_backward}[pool]
    x = distinct_values(x_shape, 3)
    grad = np.random.default_rng(4).standard_normal(forward(x, **kwargs).shape)
    ours = backward(x, grad, **kwargs)
    assert ours.dtype == np.float64
    assert (
        cs231n_rel_error(ours, numerical_gradient(lambda a: forward(a, **kwargs), x, grad)) < 1e-6
    )


def test_max_pool2d_backward_ties_go_to_the_first_maximum_in_reading_order():
    # Windows (2x2, stride 1) [0 1; 1 1] and [1 1; 1 0] are both won by the 1 at (0, 1);
    # [1 1; 1 0] at (1, 0) by the 1 at (1, 0), and [1 0; 0 1] at (1, 1) by the 1 at (1, 1).
    x = np.array([[0, 1, 1], [1, 1, 0], [1, 0, 1]], dtype=np.float32)[None, :, :, None]
    grad_x = ops.max_pool2d_backward(x, np.ones((1, 2, 2, 1)), 2, strides=1)
    np.testing.assert_array_equal(grad_x[0, :, :, 0], [[0, 2, 0], [1, 1, 0], [0, 0, 0]])
    # All equal: every window routes its gradient to its top-left pixel.
    grad_x = ops.max_pool2d_backward(np.zeros((1, 3, 3, 1)), np.ones((1, 2, 2, 1)), 2, 1)
    np.testing.assert_array_equal(grad_x[0, :, :, 0], [[1, 1, 0], [1, 1, 0], [0, 0, 0]])


def test_max_pool2d_backward_padding_never_wins():
    """Even when every real pixel is -inf, the first real pixel of the window wins, as in TF."""
    x = np.full((1, 3, 4, 1), -np.inf)
    grad = np.arange(1.0, 13.0).reshape(1, 3, 4, 1)
    (theirs,) = tape_gradients(lambda a: tf.nn.max_pool2d(a, 3, 1, "SAME"), [x], grad)
    np.testing.assert_array_equal(ops.max_pool2d_backward(x, grad, 3, 1, "same"), theirs)


def test_backward_passes_by_hand():
    nhwc, hwio = TOY_IMAGE[None, :, :, None], TOY_KERNEL[:, :, None, None]
    ones = np.ones((1, 3, 3, 1), np.float32)
    grad_x, grad_kernel = ops.conv2d_backward(nhwc, hwio, ones)
    assert grad_x.dtype == grad_kernel.dtype == np.float32  # uint8 and int: float32
    # With grad 1 everywhere, each weight's gradient is the sum of the pixels it slid over:
    # the top-left weight saw the top-left 3x3 block, and so on.
    sums = [[TOY_IMAGE[i : i + 3, j : j + 3].sum() for j in range(2)] for i in range(2)]
    np.testing.assert_array_equal(grad_kernel[:, :, 0, 0], sums)
    # The image's corner pixel was used once, by the kernel's corner weight.
    assert grad_x[0, 0, 0, 0] == 1 and grad_x[0, 3, 3, 0] == -1 and grad_x[0, 0, 3, 0] == 2
    grad_pool = ops.avg_pool2d_backward(nhwc, np.ones((1, 2, 2, 1)), 2)
    np.testing.assert_array_equal(grad_pool, np.full((1, 4, 4, 1), 0.25, np.float32))


def test_backward_float64_stays_float64():
    x, kernel = np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1))
    grads = ops.conv2d_backward(x, kernel, np.ones((1, 2, 2, 1)))
    assert [g.dtype for g in grads] == [np.float64, np.float64]
    assert ops.max_pool2d_backward(x, np.ones((1, 1, 1, 1)), 2).dtype == np.float64
    x32 = x.astype(np.float32)
    assert ops.avg_pool2d_backward(x32, np.ones((1, 1, 1, 1), np.float32), 2).dtype == np.float32


G = np.zeros((1, 3, 3, 2), np.float32)  # the shape of conv2d(X, K)
P = np.zeros((1, 2, 2, 1), np.float32)  # the shape of max_pool2d(X, 2)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: ops.conv2d_backward(X, K, np.zeros((1, 5, 5, 2))),
            r"grad_output should have the shape of conv2d's output \(1, 3, 3, 2\), "
            r"got shape \(1, 5, 5, 2\)",
        ),
        (
            lambda: ops.conv2d_backward(X, K, G, padding="same"),
            r"conv2d's output \(1, 5, 5, 2\), got shape \(1, 3, 3, 2\)",
        ),
        (lambda: ops.conv2d_backward(X, K, G[0]), r"grad_output should be 4-D .* \(3, 3, 2\)"),
        (
            lambda: ops.max_pool2d_backward(X, P, 2, strides=1),
            r"max_pool2d's output \(1, 4, 4, 1\), got shape \(1, 2, 2, 1\)",
        ),
        (
            lambda: ops.avg_pool2d_backward(X, np.zeros((1, 2, 2, 3)), 2),
            r"avg_pool2d's output \(1, 2, 2, 1\), got shape \(1, 2, 2, 3\)",
        ),
    ],
)
def test_backward_checks_grad_output(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"strides": 0},
        {"strides": (1, -2)},
        {"strides": 1.5},
        {"dilations": 0},
        {"dilations": 3},
        {"padding": "full"},
        {"padding": -1},
        {"padding": ((0, 1), (-1, 0))},
        {"padding": (1, 2, 3)},
        {"kernel": np.zeros((8, 8, 1, 1))},
        {"kernel": np.zeros((3, 3, 3, 2))},
        {"kernel": K[:, :, :, 0]},
        {"x": X[0]},
        {"x": np.full((1, 5, 5, 1), "a")},
    ],
)
def test_conv2d_backward_rejects_what_conv2d_rejects(kwargs):
    args = {"x": X, "kernel": K, **kwargs}
    with pytest.raises((ValueError, TypeError)) as forward:
        ops.conv2d(**args)
    with pytest.raises(forward.type, match=re.escape(str(forward.value))):
        ops.conv2d_backward(grad_output=G, **args)


@pytest.mark.parametrize("pool", ["max", "avg"])
@pytest.mark.parametrize(
    "kwargs",
    [
        {"pool_size": 0},
        {"pool_size": 6},
        {"pool_size": (2, 2, 2)},
        {"strides": 0},
        {"padding": "causal"},
        {"padding": 2},
        {"padding": (-1, 0)},
        {"x": X[0]},
    ],
)
def test_pool2d_backward_rejects_what_pool2d_rejects(pool, kwargs):
    forward = {"max": ops.max_pool2d, "avg": ops.avg_pool2d}[pool]
    backward = {"max": ops.max_pool2d_backward, "avg": ops.avg_pool2d_backward}[pool]
    args = {"x": X, "pool_size": 2, **kwargs}
    with pytest.raises((ValueError, TypeError)) as raised:
        forward(**args)
    with pytest.raises(raised.type, match=re.escape(str(raised.value))):
        backward(grad_output=P, **args)
