"""The "predict, then run" questions of lesson 3, "Pooling" (ungraded).

Each is asked in the lesson just before the cell that shows the answer: ``p1`` how often
one value wins overlapping windows, ``p2`` what ``same`` padding means for max pooling,
``p3`` the weights a pool saves the next layer, ``p4`` whether pooling makes a feature map
more or less alike after a one-pixel shift.
"""

from __future__ import annotations

from course_utils.exercises.predictions import prediction

p1 = prediction(
    "Prediction 1: how many times the 9 at (1, 1) of the 6x6 toy appears after a 3x3 max "
    "pool with stride 1",
    answer=4,
    why=(
        "9 is the largest value of the toy, so it wins every window that contains it. A 3x3 "
        "window contains (1, 1) when it starts at row 0 or 1 and at column 0 or 1 (a start "
        "at -1 would leave the image): 2 x 2 = 4 windows."
    ),
    slips={
        1: (
            "With stride 1 the windows overlap, so one pixel sits in several of them, and the "
            "9 wins each one it is in."
        ),
        9: (
            "A 3x3 window would contain (1, 1) from 9 starting places, but those starting at "
            "row -1 or column -1 stick out of the image: only 2 x 2 = 4 are real."
        ),
    },
    hints=[
        "The 9 is the largest value: it wins every window it is in. How many windows is that?",
        "List the rows a 3x3 window containing row 1 can start at, without leaving the image.",
    ],
)

p2 = prediction(
    "Prediction 2: MaxPooling2D(2, strides=1, padding='same') on [[-4, -3], [-2, -1]]: the "
    "bottom-right output",
    answer=-1,
    why=(
        "'same' pooling leaves the padded cells out instead of treating them as zeros: the "
        "bottom-right window holds one real pixel, -1, so its maximum is -1."
    ),
    slips={
        0: (
            "That is what zeros in the padding would give. Pooling leaves padded cells out: "
            "the window holds only the real pixel -1."
        ),
        -4: "-4 is the smallest value; max pooling keeps the largest real value in the window.",
    },
    hints=[
        "The bottom-right window covers one real pixel and three padded cells.",
        "Are the padded cells zeros, or are they left out?",
    ],
)

p3 = prediction(
    "Prediction 3: the parameters of Dense(10) after Conv2D(32, 3), MaxPooling2D(2) and "
    "Flatten on a 28x28x1 input",
    answer=54_090,
    why=(
        "the valid 3x3 convolution gives 26x26x32, the 2x2 pool 13x13x32, and Flatten "
        "13 * 13 * 32 = 5,408 values; each of the 10 outputs has a weight per value and a "
        "bias: 5,408 * 10 + 10 = 54,090."
    ),
    slips={
        54_080: "Each of the 10 outputs also has a bias: add 10.",
        216_330: (
            "That is the network without the pool (26 * 26 * 32 * 10 + 10). The pool halves "
            "26x26 to 13x13 first."
        ),
        62_730: (
            "The convolution has no padding: 28 - 3 + 1 = 26, which the pool halves to 13, not 14."
        ),
        5_408: (
            "5,408 is the length of the flattened input; each of those values connects to "
            "each of the 10 outputs."
        ),
    },
    hints=[
        "Follow the shape: 28x28x1 -> conv -> pool -> Flatten. How long is the flat vector?",
        "A Dense layer has (inputs x outputs) weights plus one bias per output.",
    ],
)

p4 = prediction(
    "Prediction 4: after 2x2 max pooling, is the correlation between the maps of the 7 and "
    "of the 7 shifted one pixel 'higher' or 'lower' than before pooling?",
    answer="higher",
    why=(
        "a response that moves by one pixel often stays inside the same 2x2 window, and then "
        "the pooled value does not change: the pooled maps agree more than the raw ones."
    ),
    slips={
        "lower": (
            "Pooling keeps each window's largest value wherever in the window it is, so a "
            "response that moves within its window leaves the pooled map unchanged."
        ),
        "the same": "The shift changes the raw maps; think about what a 2x2 window hides.",
        "same": "The shift changes the raw maps; think about what a 2x2 window hides.",
    },
    hints=[
        "What does max pooling throw away about a response: its value, or its exact place?",
        "A one-pixel move often stays inside the same 2x2 window.",
    ],
)
