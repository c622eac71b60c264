"""What the lessons' checkers share (course_utils.exercises.checks): wording, comparisons, and
calling a learner's sliding-window function."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_helpers import assert_incorrect

from course_utils import ops
from course_utils.exercises import Exercise, Incorrect
from course_utils.exercises.checks import (
    call_sliding,
    close,
    expect_function,
    is_whole_number,
    kernel_fits,
    pattern,
    pixels,
    reference_conv,
    shape_words,
    size_of,
    wrong_size,
)


def test_patterns_are_exact_quarters_and_differ_by_step():
    image = pattern(5, 7, 11)
    assert image.shape == (5, 7) and image.dtype == np.float32
    np.testing.assert_array_equal(image * 4, np.round(image * 4))
    assert not np.array_equal(pattern(5, 7, 3), image)


@pytest.mark.parametrize(
    ("shape", "words"),
    [((), "a single number"), ((3,), "a flat list of 3 numbers"), ((2, 3), "2x3")],
)
def test_shape_words(shape, words):
    assert shape_words(shape) == words


def test_size_and_pixel_wording():
    assert size_of((6, 7, 1)) == "6x7x1"
    assert wrong_size("the output", (2, 4), (3, 4)) == "The output is 2x4 but should be 3x4"
    assert (pixels(1), pixels(2)) == ("1 pixel", "2 pixels")
    assert kernel_fits((6, 7), (3, 2)) == (
        "a 3x2 kernel fits 6 - 3 + 1 = 4 times down and 7 - 2 + 1 = 6 times across"
    )


def test_whole_numbers_and_closeness():
    assert is_whole_number(3) and is_whole_number(np.int64(3))
    assert not any(is_whole_number(x) for x in (True, 3.0, "3", None))
    a = np.array([1.0, 2.0])
    assert close(a, a + 1e-5) and not close(a, a + 1e-2) and not close(a, a[:1])


def test_reference_conv_is_the_loops_of_lesson_1():
    image, kernel = pattern(6, 7, 5), pattern(3, 2, 7)
    np.testing.assert_allclose(reference_conv(image, kernel), ops.conv2d_loops(image, kernel))


@pytest.mark.parametrize("answer", [np.zeros((4, 4)), int])
def test_a_function_is_expected(answer):
    with pytest.raises(Incorrect, match=r"without parentheses after conv2d\."):
        expect_function(answer, "conv2d")


def loops_too_far(image, kernel):
    out = np.zeros((2, 2))
    for i in range(3):
        out[i, 0] = np.sum(image[i : i + 2, :2] * kernel)
    return out


def windows_too_small(image, kernel):
    return np.sum(image[5:, 5:] * kernel)


def reads_a_number(image, kernel):
    return int("x")


def checker(function):
    image, kernel = pattern(3, 3, 5), pattern(2, 2, 7)
    call_sliding(function, (image, kernel), "For a 3x3 image", kernel_fits((3, 3), (2, 2)))


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (loops_too_far, "For a 3x3 image, your loops go one step too far: a 2x2 kernel fits"),
        (windows_too_small, "For a 3x3 image, a window of the image and the kernel have"),
        (reads_a_number, "Your function reads_a_number() raised ValueError: invalid literal"),
    ],
)
def test_call_sliding_explains_the_crash(function, message):
    assert_incorrect(Exercise("Slide", checker, solution_code="x = 1").check(function), message)
