""" "Predict, then run" questions of lesson 6, how a CNN learns (``06_how_a_cnn_learns.ipynb``).

- ``p1``: what gradient descent on one filter does with twice the learning rate;
- ``p2``: the gradient of one corner pixel of lesson 1's 3x3 toy image;
- ``p3``: how many pixels max pooling's backward pass gives a gradient;
- ``p4``: whether the network recomputed in NumPy equals ``model.predict`` bit for bit.
"""

from __future__ import annotations

from course_utils.exercises.predictions import prediction

p1 = prediction(
    "Prediction 1: learning rate 2 instead of 1",
    answer="diverges",
    why=(
        "the step is now larger than the valley is wide. Each step overshoots the bottom and "
        "lands higher up the other side, so the loss grows step after step: it diverges."
    ),
    slips={
        "faster": (
            "Twice the step is not twice the speed: the first steps already went almost all "
            "the way down the steepest direction. Twice as far overshoots the bottom, and the "
            "loss grows step after step: it diverges."
        ),
        "slower": (
            "Not slower: the steps overshoot the bottom, each landing higher than the last, "
            "so the loss grows without end: it diverges."
        ),
    },
    hints=[
        "With learning rate 1 the loss fell from about 1.6 to 0.04 in the first 10 steps. "
        "What happens if each of those steps goes twice as far?",
        "Picture a ball in a valley that jumps to the other side at every step, further than "
        "it started.",
    ],
)

p2 = prediction(
    "Prediction 2: the gradient of the bottom-right pixel",
    answer=4,
    why=(
        "pixel (2, 2) lies in one window only, the bottom-right one, where it sits under the "
        "kernel's bottom-right weight, 4. Nudging it by a little changes the loss by 4 times "
        "that little."
    ),
    slips={
        1: (
            "1 is the kernel's top-left weight. Pixel (2, 2) lies in the bottom-right window, "
            "under the kernel's bottom-right weight: the kernel is read the other way round."
        ),
        10: (
            "10 = 1 + 2 + 3 + 4 is the gradient of the centre pixel, which all four windows "
            "contain. A corner pixel lies in a single window."
        ),
        0: "The pixel is part of the bottom-right window, so it does change the loss.",
    },
    hints=[
        "Which of the four 2x2 windows contain pixel (2, 2)?",
        "In that window, which weight of the kernel lies on top of pixel (2, 2)?",
    ],
)

p3 = prediction(
    "Prediction 3: how many pixels get a gradient",
    answer=4,
    why=(
        "each of the four 2x2 windows passes its gradient to its largest pixel only: the other "
        "three pixels of a window could change a little without changing the output. "
        "4 windows, 4 winners."
    ),
    slips={
        16: (
            "That would be average pooling, where every pixel counts. In max pooling a pixel "
            "that is not the largest in its window does not change the output when it changes "
            "a little, so its gradient is 0."
        ),
        1: (
            "Each window has its own winner, and the four windows do not overlap: one pixel per "
            "window."
        ),
    },
    hints=[
        "If you nudge a pixel that is not the largest of its window, does the pooled output "
        "change?",
        "Count the windows.",
    ],
)

p4 = prediction(
    "Prediction 4: identical bit for bit?",
    answer=False,
    why=(
        "both compute in float32, which keeps about 7 significant digits, and they add up the "
        "same products in a different order, so the last digit or two differ. The predicted "
        "digits are the same; the probabilities agree to about 1e-6."
    ),
    hints=[
        "Lesson 1 compared ops.conv2d with tf.nn.conv2d: how close did they come?",
        "Is (a + b) + c always exactly a + (b + c) with 7 significant digits?",
    ],
)
