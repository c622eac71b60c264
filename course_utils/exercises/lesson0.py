"""The one warm-up question of lesson 0 ("Start here"): how exercises work."""

from __future__ import annotations

import numbers

from course_utils.exercises.framework import Exercise, Incorrect


def _check_pixels(answer: object) -> None:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        raise Incorrect(f"Give a whole number, like 100 or 10 * 10; you gave {answer!r}.")
    if answer == 28:
        raise Incorrect("28 is the width of one row. How many rows are there?")
    if answer == 28 * 28 * 3:
        raise Incorrect("MNIST images are grayscale: one number per pixel, not three.")
    if answer != 28 * 28:
        raise Incorrect(f"{answer} is not it: an image is 28 pixels wide and 28 pixels tall.")


pixels_per_image = Exercise(
    "How many numbers describe one MNIST image?",
    _check_pixels,
    hints=[
        "Look at the shape printed above: x_train.shape is (number of images, height, width).",
        "One number per pixel: multiply the height by the width.",
    ],
    solution_code="lesson0.pixels_per_image.check(28 * 28)",
)
