"""The "predict, then run" questions of lesson 4, "A full MNIST CNN" (ungraded).

Each is asked in the lesson just before the cell that shows the answer: ``p1`` the size of
the network's Flatten output, ``p2`` the one kernel that two stacked 3x3 convolutions
equal, ``p3`` batch normalisation's moving mean after one training step, ``p4`` what
Dropout makes of the values it keeps, ``p5`` the parameters of the dense baseline.
"""

from __future__ import annotations

from course_utils.exercises.predictions import prediction

p1 = prediction(
    "Prediction 1: how many numbers come out of Flatten in the lesson's network?",
    answer=1024,
    why=(
        "'same' padding keeps each convolution's output as large as its input, and each 2x2 "
        "pooling with padding='same' halves the sides, rounding up: 28 -> 14 -> 7 -> 4. The "
        "last convolution has 64 filters, so Flatten lines up 4 x 4 x 64 = 1024 numbers."
    ),
    slips={
        576: (
            "3 x 3 x 64 rounds 7 / 2 down, as pooling with padding='valid' does; these pooling "
            "layers have padding='same', which rounds up: 7 -> 4."
        ),
        3136: "7 x 7 x 64 stops after two poolings; there are three: 28 -> 14 -> 7 -> 4.",
        784: (
            "784 = 28 x 28 is the input's pixels; Flatten comes after the three blocks, which "
            "shrink the image to 4x4 and give it 64 channels."
        ),
        64: "64 is the number of channels; Flatten lines up every position of every channel.",
        128: "128 is the dense layer after Flatten; count what goes into it.",
    },
    hints=[
        "Follow the height through the three pooling layers: each halves it.",
        "28 -> 14 -> 7 -> ? (padding='same' rounds up); then height x width x 64 channels.",
    ],
)

p2 = prediction(
    "Prediction 2: two 3x3 convolutions in a row, with nothing between them, equal one "
    "convolution whose kernel has which side?",
    answer=5,
    why=(
        "an output pixel of the second convolution sees 3x3 outputs of the first, and each of "
        "those sees its own 3x3 input pixels; neighbouring patches overlap, so together they "
        "cover 3 + 3 - 1 = 5 pixels a side: one 5x5 kernel does the same."
    ),
    slips={
        6: "3 + 3 counts the shared middle row twice: neighbouring patches overlap, 3 + 3 - 1.",
        9: "9 = 3 x 3 is the number of weights in one kernel; the question asks for its side.",
        3: (
            "The combined kernel reaches further: each of the 3x3 pixels the second "
            "convolution reads was computed from its own 3x3 patch of the input."
        ),
    },
    hints=[
        "Take one output pixel of the second convolution: which of the first one's outputs "
        "does it read, and which input pixels did those read?",
        "Count the input pixels along one row: the patches of neighbouring pixels overlap.",
    ],
)

p3 = prediction(
    "Prediction 3: BatchNormalization(momentum=0.7) starts with moving_mean = 0. After one "
    "training call on a batch whose mean is 3, what is its moving_mean?",
    answer=0.9,
    tolerance=1e-6,
    why=(
        "the moving mean moves only part of the way towards the batch's mean: new = momentum "
        "x old + (1 - momentum) x batch mean = 0.7 x 0 + 0.3 x 3 = 0.9."
    ),
    slips={
        3: (
            "3 is the batch's own mean, which normalises the batch during training; the "
            "moving average only moves 1 - 0.7 = 30% of the way towards it."
        ),
        2.1: "0.7 x 3 gives the batch the weight of the old value: momentum weighs the old one.",
        0: "It does change: every training call moves it towards the batch's mean.",
    },
    hints=[
        "A moving average with momentum 0.7 keeps 70% of its old value.",
        "new = 0.7 x old + 0.3 x (the batch's mean), and old is 0.",
    ],
)

p4 = prediction(
    "Prediction 4: Dropout(0.4) called with training=True on an array of ones: what do the "
    "ones it keeps become?",
    answer=1 / 0.6,
    tolerance=0.01,
    why=(
        "Keras divides the kept values by the fraction kept, 1 - 0.4 = 0.6: 1 / 0.6 = 1.67. "
        "Then the layer's output is as large on average in training (with 40% set to 0) as "
        "when predicting (when nothing is dropped)."
    ),
    slips={
        1: (
            "Kept values are also scaled up, by 1 / (1 - 0.4), so that the average output is "
            "the same with and without dropout."
        ),
        0: "0 is what the dropped ones become; the kept ones are scaled up.",
        0.6: "0.6 is the fraction kept; the kept values are divided by it, not multiplied.",
        0.4: "0.4 is the fraction dropped; the kept values are divided by the fraction kept.",
        2.5: "1 / 0.4 divides by the fraction dropped; divide by the fraction kept, 0.6.",
    },
    hints=[
        "During training, 40% of the values become 0. What keeps the average the same?",
        "The kept values are divided by the fraction kept, 1 - 0.4.",
    ],
)

p5 = prediction(
    "Prediction 5: how many parameters does models.dense_baseline() have: Flatten, then "
    "Dense(128, relu), then Dense(10, softmax), on 28x28 digits?",
    answer=101_770,
    why=(
        "Flatten lines up 28 x 28 = 784 pixels; the hidden layer has 784 x 128 weights and 128 "
        "biases = 100,480; the output layer (128 + 1) x 10 = 1,290; together 101,770."
    ),
    slips={
        100_480: "That is the hidden layer alone; add the output layer's (128 + 1) x 10 = 1,290.",
        101_632: "Each unit also has a bias: add 128 + 10.",
        1_290: "That is the output layer alone; the hidden layer has (784 + 1) x 128.",
        100_352: "784 x 128 is the hidden layer's weights: add its 128 biases and the output layer.",
    },
    hints=[
        "A dense layer has (inputs + 1) x units parameters: one weight per input and a bias.",
        "(784 + 1) x 128 for the hidden layer, plus (128 + 1) x 10 for the output layer.",
    ],
)
