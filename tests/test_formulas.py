"""Tests for course_utils.formulas: the text the explorers show and the checkers quote."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_utils import formulas, ops
from course_utils.widgets import TOY_POOL_6


def test_size_formula_fills_in_the_numbers_and_says_how_it_rounds():
    assert formulas.size_formula(28, 3, 1, 0) == "(28 - 3 + 2*0) / 1 + 1 = 26"
    assert formulas.size_formula(28, 3, 2, 0) == "(28 - 3 + 2*0) / 2 + 1 = 13.5, rounded down to 13"
    assert formulas.size_formula(7, 3, 1, "valid") == "(7 - 3) / 1 + 1 = 5"


@given(n=st.integers(1, 40), k=st.integers(1, 7), s=st.integers(1, 4), p=st.integers(0, 3))
def test_size_formula_ends_with_what_ops_computes(n, k, s, p):
    if k > n + 2 * p:
        return
    assert formulas.size_formula(n, k, s, p).endswith(f" {ops.output_size(n, k, s, p)}")


# --------------------------------------------------------------------------- parse_kernel


@pytest.mark.parametrize(
    "text",
    [
        "[[0, -1, 0], [-1, 5, -1], [0, -1, 0]]",
        "0 -1 0\n-1 5 -1\n0 -1 0",
        "0,-1,0; -1,5,-1; 0,-1,0",
        "  [ [0 -1 0] [-1 5 -1] [0 -1 0] ]\n",
    ],
)
def test_parse_kernel_accepts_common_spellings(text):
    np.testing.assert_array_equal(
        formulas.parse_kernel(text), [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]
    )


def test_parse_kernel_reads_fractions_and_decimals():
    kernel = formulas.parse_kernel("1/9 1/9 1/9\n0.5 -2.5e-1 1\n0 0 0")
    np.testing.assert_allclose(kernel[0], [1 / 9] * 3)
    np.testing.assert_allclose(kernel[1], [0.5, -0.25, 1])


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("1 2 3\n4 5 6", "needs 3 rows of 3 numbers but has 2 row"),
        ("1 2 3\n4 5\n7 8 9", "row 2 has 2 numbers but needs 3"),
        ("1 2 3\n4 x 6\n7 8 9", "'x' in row 2 is not a number"),
        ("1 2 3\n4 1/0 6\n7 8 9", "'1/0' in row 2 is not a number"),
        ("nan 0 0\n0 0 0\n0 0 0", "'nan' in row 1 is not a number"),
        ("[[1, 2, 3], [4, 5, 6], [7, 8, 9]", "brackets"),
        ("[1, 2, 3, 4, 5, 6, 7, 8, 9]", "has 1 row"),
    ],
)
def test_parse_kernel_explains_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        formulas.parse_kernel(text)


def test_parse_kernel_wants_text():
    with pytest.raises(TypeError, match="string"):
        formulas.parse_kernel([[1, 2, 3]] * 3)


# --------------------------------------------------------------------------- formulas


def test_sum_formula_writes_every_product():
    window = np.array([[1, 2], [3, 4]])
    kernel = np.array([[1, -1], [0, 0.5]])
    text = formulas.sum_formula(window, kernel, total=1.0)
    assert text == "1*1 + 2*(-1) + 3*0 + 4*0.5 = 1"
    with pytest.raises(ValueError, match="one shape"):
        formulas.sum_formula(window, np.ones((3, 3)), 0)


def test_partial_output_hides_cells_not_reached_yet():
    part = formulas.partial_output(np.ones((2, 3)), 0, 1)
    np.testing.assert_array_equal(np.isnan(part), [[False, False, True], [True, True, True]])
    assert np.isfinite(formulas.partial_output(np.ones((2, 3)), 1, 2)).all()
    with pytest.raises(ValueError, match="outside"):
        formulas.partial_output(np.ones((2, 3)), 2, 0)


def test_shape_formula_examples():
    assert formulas.shape_formula(7, 3, 2, 1) == "(7 - 3 + 2*1) / 2 + 1 = 4 -> output is 4x4"
    assert formulas.shape_formula(7, 3, 1, "valid") == "(7 - 3) / 1 + 1 = 5 -> output is 5x5"
    assert formulas.shape_formula(8, 3, 2, 1) == (
        "(8 - 3 + 2*1) / 2 + 1 = 4.5, rounded down to 4 -> output is 4x4"
    )
    assert formulas.shape_formula(5, 2, 1, "same") == (
        "'same': ceil(5 / 1) = 5 -> output is 5x5 (padding 0 before, 1 after)"
    )
    assert formulas.shape_formula(7, 3, 1, 0, dilation=2).startswith(
        "dilated kernel covers 2*(3 - 1) + 1 = 5 pixels; (7 - 5 + 2*0) / 1 + 1 = 3"
    )
    with pytest.raises(ValueError, match="larger than the padded input"):
        formulas.shape_formula(3, 5, 1, 0)


@given(
    n=st.integers(1, 15),
    k=st.integers(1, 7),
    s=st.integers(1, 4),
    p=st.one_of(st.integers(0, 3), st.sampled_from(["valid", "same"])),
    d=st.integers(1, 3),
)
def test_shape_formula_agrees_with_ops_and_the_textbook_formula(n, k, s, p, d):
    span = d * (k - 1) + 1
    pad = 0 if p == "valid" else p
    if p != "same" and span > n + 2 * pad:
        with pytest.raises(ValueError):
            formulas.shape_formula(n, k, s, p, d)
        return
    expected = math.ceil(n / s) if p == "same" else (n + 2 * pad - span) // s + 1
    assert expected == ops.output_size(n, k, s, p, d)
    text = formulas.shape_formula(n, k, s, p, d)
    assert text.split(" -> ")[-1].startswith(f"output is {expected}x{expected}")


def test_pool_window_and_formula_agree_with_ops():
    image = TOY_POOL_6
    for padding in ("valid", "same"):
        for mode, pool in (("max", ops.max_pool2d), ("average", ops.avg_pool2d)):
            pooled = pool(image[None, :, :, None], 3, 2, padding)[0, :, :, 0]
            for (r, c), value in np.ndenumerate(pooled):
                values = formulas.pool_window(image, r, c, 3, 2, padding)
                reduce = np.max if mode == "max" else np.mean
                assert reduce(values) == pytest.approx(value)
                assert formulas.pool_formula(values, mode, value).endswith(f"= {value:.3g}")


def test_pool_window_leaves_out_padding():
    # 'same' with pool 3, stride 2 on 6 pixels pads 0 before and 1 after: the last window
    # has only two real rows and columns.
    values = formulas.pool_window(TOY_POOL_6, 2, 2, 3, 2, "same")
    np.testing.assert_array_equal(values, TOY_POOL_6[4:, 4:].ravel())


def test_pool_formula_text():
    assert formulas.pool_formula([1, 3, 2], "max", 3) == "max(1, 3, 2) = 3"
    assert formulas.pool_formula([1, 3], "average", 2) == "mean(1, 3) = 4 / 2 = 2"
    with pytest.raises(ValueError, match="mode"):
        formulas.pool_formula([1], "min", 1)
