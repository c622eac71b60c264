"""course_utils.ops against TensorFlow: property tests over random shapes, plus the edge cases."""

from __future__ import annotations

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


def random_array(data, shape, low=-1.0, high=1.0) -> np.ndarray:
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    return np.random.default_rng(seed).uniform(low, high, shape).astype(np.float32)


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
