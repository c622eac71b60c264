"""The "predict, then run" questions of lesson 2, "Padding and strides" (ungraded).

Each is asked in the lesson just before the cell that shows the answer: ``p1`` an output
size that the floor rounds down, ``p2`` where TensorFlow's ``same`` puts its zeros with a
stride, ``p3`` the output size of a dilated kernel.
"""

from __future__ import annotations

from course_utils.exercises.predictions import prediction

p1 = prediction(
    "Prediction 1: output pixels per side, 28x28 input, 3x3 kernel, stride 2, no padding",
    answer=13,
    why=(
        "(28 - 3 + 2*0) / 2 + 1 = 13.5, and a half window does not exist: the formula rounds "
        "down, and the last row and column are never the start of a window. 13."
    ),
    slips={
        13.5: (
            "Windows come in whole numbers: the formula rounds down (the floor), so the last "
            "half window is dropped."
        ),
        14: (
            "14 would need a 14th window starting at pixel 26, which would stick out of the "
            "28-pixel image by one. Without padding it is dropped: floor(13.5) = 13."
        ),
        26: "26 is stride 1. With stride 2 the window jumps two pixels at a time.",
    },
    hints=[
        "Use the formula (H - F + 2P) / S + 1 with H = 28, F = 3, S = 2, P = 0.",
        "The result is not a whole number: round it the way the formula says.",
    ],
)

p2 = prediction(
    "Prediction 2: ops.same_padding(28, 3, 2), the zeros 'same' puts (before, after)",
    answer=(0, 1),
    why=(
        "with stride 2 the output is ceil(28 / 2) = 14 pixels; 14 windows starting 2 apart "
        "reach (14 - 1) * 2 + 3 = 29 pixels, one more than 28. That one zero is odd, and "
        "TensorFlow puts the extra at the end: (0, 1)."
    ),
    slips={
        (1, 1): (
            "One zero on each side is what stride 1 needs. With stride 2, 14 windows reach "
            "(14 - 1) * 2 + 3 = 29 pixels: only one zero in all."
        ),
        (1, 0): "TensorFlow puts total // 2 zeros before and the rest after: 0 before, 1 after.",
        (0, 0): (
            "14 windows starting 2 apart reach (14 - 1) * 2 + 3 = 29 pixels, one more than 28: "
            "one zero is needed."
        ),
    },
    hints=[
        "First the output size: 'same' gives ceil(H / S).",
        "total = (output - 1) * S + F - H; before = total // 2 and after = the rest.",
    ],
)

p3 = prediction(
    "Prediction 3: output pixels per side, 28x28 input, 3x3 kernel, dilation 3, no padding",
    answer=22,
    why=(
        "a 3x3 kernel with dilation 3 spans 3 * (3 - 1) + 1 = 7 pixels, and a 7-pixel window "
        "fits 28 - 7 + 1 = 22 times."
    ),
    slips={
        26: "Dilation spreads the kernel: it now spans 7 pixels, not 3, so fewer positions fit.",
        20: (
            "The span is d * (F - 1) + 1 = 7, not d * F = 9: the gaps are only between the "
            "taps, not after the last one."
        ),
        24: "24 is dilation 2 (a span of 5). With dilation 3 the span is 3 * (3 - 1) + 1 = 7.",
    },
    hints=[
        "How many pixels does the dilated kernel span? d * (F - 1) + 1.",
        "Then use the output-size formula with that span in place of F.",
    ],
)
