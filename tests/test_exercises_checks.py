"""What the lessons' checkers share (course_utils.exercises.checks): wording, comparisons, and
calling a learner's sliding-window function."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_helpers import (
    assert_incorrect,
    progress_file,  # noqa: F401  (autouse: checks record into a temporary file)
)

from course_utils import ops
from course_utils.exercises import Exercise, Incorrect
from course_utils.exercises.checks import (
    call_sliding,
    close,
    expect_function,
    explain_output,
    is_whole_number,
    kernel_fits,
    loop_variables,
    number_list,
    pattern,
    pixels,
    reference_conv,
    shape_words,
    size_of,
    whole_number,
    wrong_size,
)


def test_patterns_are_exact_quarters_and_differ_by_step():
    image = pattern(5, 7, 11)
    assert image.shape == (5, 7) and image.dtype == np.float32
    np.testing.assert_array_equal(image * 4, np.round(image * 4))
    assert not np.array_equal(pattern(5, 7, 3), image)


@pytest.mark.parametrize(
    ("shape", "words"),
    [
        ((), "a single number"),
        ((3,), "a flat list of 3 numbers"),
        ((2, 3), "2x3"),
        ((0,), "empty"),
        ((2, 0), "empty (2x0)"),
    ],
)
def test_shape_words(shape, words):
    assert shape_words(shape) == words


def test_size_and_pixel_wording():
    assert size_of((6, 7, 1)) == "6x7x1"
    assert wrong_size("the output", (2, 4), (3, 4)) == "The output is 2x4 but should be 3x4"
    # Never an empty fragment ("Your answer is  but should be 2x2"):
    assert (
        wrong_size("your answer", (), (2, 2)) == "Your answer is a single number but should be 2x2"
    )
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


def empty_windows(image, kernel):
    out = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            out[i, j] = np.argmax(image[i + 3 :, j : j + 2])  # starts below the image
    return out


def reads_a_number(image, kernel):
    return int("x")


def writes_into_the_image(image, kernel):
    out = image[:2, :2]
    out[0, 0] = 99.0
    return out


def checker(function):
    image, kernel = pattern(3, 3, 5), pattern(2, 2, 7)
    fits = kernel_fits((3, 3), (2, 2))
    call_sliding(function, (image, kernel), "For a 3x3 image", fits, (2, 2))


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (
            loops_too_far,
            "For a 3x3 image, your loops go one step too far (it failed at i = 2): a 2x2 kernel",
        ),
        (windows_too_small, "For a 3x3 image, a window of the image and the kernel have"),
        (
            empty_windows,
            "For a 3x3 image, at i = 0, j = 0, a position that exists, the window you cut from "
            "the image is empty",
        ),
        (reads_a_number, "Your function reads_a_number() raised ValueError: invalid literal"),
        (writes_into_the_image, "For a 3x3 image, your writes_into_the_image changed the image"),
    ],
)
def test_call_sliding_explains_the_crash(function, message):
    assert_incorrect(Exercise("Slide", checker, solution_code="x = 1").check(function), message)


def test_loop_variables_are_read_from_the_learners_frame():
    try:
        loops_too_far(pattern(3, 3, 5), pattern(2, 2, 7))
    except (ValueError, IndexError) as error:
        assert loop_variables(error) == {"i": 2}
    try:
        int("x")
    except ValueError as error:  # raised here, in a test: no loop in this frame's function
        assert loop_variables(error) == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (2.0, "is 2.0, a float: write the whole number 2"),
        (np.float32(3.0), "is 3.0, a float"),
        (0.5, "is 0.5, but it counts whole pixels: there is no 0.5 of a pixel. Use //."),
        ("2", "should be a whole number, not '2'"),
        (True, "should be a whole number, not True"),
        (float("nan"), "should be a whole number, not nan"),
    ],
)
def test_whole_number_never_truncates(value, message):
    with pytest.raises(Incorrect) as failure:
        whole_number(value, "your padding", "pixel", fix="Use //")
    assert message in str(failure.value)
    assert whole_number(np.int64(4), "x") == 4 and isinstance(whole_number(np.int64(4), "x"), int)


def test_number_list_takes_lists_tuples_and_arrays():
    assert number_list(np.array([1, 2, 3]), 3, "row") == [1, 2, 3]
    assert number_list((1, 2), 2, "row") == [1, 2]
    with pytest.raises(Incorrect, match=r"one per row \(not one total\)"):
        number_list(6, 3, "row")
    with pytest.raises(Incorrect, match="3 numbers, not 2"):
        number_list([1, 2], 3, "row")


EXPECTED = np.arange(1, 10, dtype=np.float32).reshape(3, 3) + 0.5


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ([[1.5]], "is a Python list: return a NumPy array of dtype float32"),
        (EXPECTED.astype(int), "has dtype int64: an array of whole numbers cuts off the decimals"),
        (np.where(np.arange(3) == 2, 0, EXPECTED), "The last column of out is still 0: your loops"),
        (
            np.where(np.arange(3)[:, None] == 0, 0, EXPECTED),
            "The first row of out is still 0: your",
        ),
        (EXPECTED.T, "is transposed"),
    ],
)
def test_explain_output_names_the_usual_slips(out, message):
    with pytest.raises(Incorrect) as failure:
        explain_output(out, EXPECTED, "out")
    assert message in str(failure.value)


def test_explain_output_lets_other_differences_through():
    np.testing.assert_array_equal(explain_output(EXPECTED + 1, EXPECTED, "out"), EXPECTED + 1)
    zeros = np.zeros((3, 3), dtype=np.float32)  # all wrong: not about an edge left out
    np.testing.assert_array_equal(explain_output(zeros, EXPECTED, "out"), zeros)
