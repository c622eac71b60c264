"""The "predict, then run" questions of lesson 1, "Convolution by hand" (ungraded).

Each is asked in the lesson just before the cell that shows the answer: ``p1`` the shape of
a batch convolution, ``p2`` a true convolution (kernel flipped) on the toy image, ``p3`` the
parameters of a Keras ``Conv2D`` on gray digits.
"""

from __future__ import annotations

from course_utils.exercises.predictions import prediction

p1 = prediction(
    "Prediction 1: the shape of ops.conv2d(digits, filters), 16 digits and four 3x3 filters",
    answer=(16, 26, 26, 4),
    why=(
        "the batch keeps its 16 images; a 3x3 window fits 28 - 3 + 1 = 26 times along each "
        "side (valid mode); and each of the 4 filters makes its own map, stacked on the last "
        "axis: (16, 26, 26, 4)."
    ),
    slips={
        (16, 26, 26, 1): (
            "Each filter makes its own map, and the maps are stacked on the last axis: "
            "4 filters give 4 channels, not 1."
        ),
        (16, 28, 28, 4): (
            "Valid mode keeps the window inside the image: a 3x3 window fits 28 - 3 + 1 = 26 "
            "times along each side, so the maps are smaller than the digits."
        ),
        (16, 25, 25, 4): (
            "Count the positions: a 3x3 window can start at columns 0, 1, ..., 25, that is "
            "28 - 3 + 1 = 26 of them (the + 1 counts the first)."
        ),
        (16, 4, 26, 26): (
            "Keras and TensorFlow put the channels last: (batch, height, width, channels)."
        ),
    },
    hints=[
        "Take the axes one at a time: batch, height, width, channels.",
        "Height and width: 28 - 3 + 1 each. Channels: one per filter.",
    ],
)

p2 = prediction(
    "Prediction 2: the top-left value of scipy's convolve2d(image, [[1, 2], [3, 4]], 'valid')",
    answer=23,
    why=(
        "convolution flips the kernel upside down and left to right, to [[4, 3], [2, 1]], "
        "then slides it: the top-left window [[1, 2], [4, 5]] gives 1*4 + 2*3 + 4*2 + 5*1 = 23."
    ),
    slips={
        37: (
            "37 = 1*1 + 2*2 + 4*3 + 5*4 is cross-correlation, what my_conv2d computes. True "
            "convolution flips the kernel first, to [[4, 3], [2, 1]]."
        ),
        12: "12 is the window's plain sum (a kernel of ones); this kernel is [[1, 2], [3, 4]].",
    },
    hints=[
        "Write down the top-left 2x2 window of the image first.",
        "Rotate the kernel by 180 degrees: [[1, 2], [3, 4]] becomes [[4, 3], [2, 1]].",
    ],
)

p3 = prediction(
    "Prediction 3: the parameters of Conv2D(filters=32, kernel_size=5) on gray 28x28 digits",
    answer=832,
    why=(
        "each filter has 5 x 5 x 1 weights (one input channel) and one bias, so the layer "
        "has 32 x (5 x 5 x 1 + 1) = 832 numbers to learn."
    ),
    slips={
        800: "Each filter also has one bias: add 32.",
        2432: "The digits are gray, with 1 channel: 5 x 5 x 1 weights per filter, not 5 x 5 x 3.",
        26: "That is one filter (25 weights and a bias); the layer has 32 of them.",
        25088: (
            "The parameters do not depend on the image size: the same 5x5 weights slide over "
            "every position."
        ),
    },
    hints=[
        "Count one filter first: its weights cover 5 x 5 pixels of 1 channel, plus a bias.",
        "Then multiply by the number of filters.",
    ],
)
