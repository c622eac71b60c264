"""The networks the lessons build and compare (introduced in lesson 4).

Each builder returns an *uncompiled* ``keras.Sequential``: compiling is a step the lessons
show, and lesson 5 compiles the same networks with different metrics and callbacks.
``compile_for_classification`` is the one-line version used once that step is familiar.

- ``single_conv()``: one convolution, one pooling layer, a wide dense layer.
- ``two_conv()``: two convolution + pooling blocks; shapes walk 28 -> 26 -> 13 -> 11 -> 5.
- ``recommended()``: the best network this course trains on a laptop CPU in about a
  minute: with ``EPOCHS``, ``BATCH_SIZE`` and ``cosine_schedule(LEARNING_RATE, ...)``
  it reaches about 92% test accuracy on Fashion-MNIST in 3 epochs.

Importing this module imports Keras.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras
from keras import layers

INPUT_SHAPE = (28, 28, 1)
# The recipe for ``recommended()``: 128 images per step keeps a CPU's cores busy, and a
# learning rate that starts high and decays to zero (cosine) converges in 3 epochs.
EPOCHS = 3
BATCH_SIZE = 128
LEARNING_RATE = 0.003


def single_conv(
    filters: int = 32,
    kernel_size: int = 5,
    dense_units: int = 1000,
    num_classes: int = 10,
    input_shape: Sequence[int] = INPUT_SHAPE,
) -> keras.Sequential:
    """One Conv2D + one MaxPooling2D, then a dense layer: 28x28 -> 14x14x32 -> 1000 -> 10.

    Padding is ``"same"``, so the convolution keeps 28x28 and pooling halves it.
    Uncompiled (see ``compile_for_classification``). (Introduced in lesson 4.)
    """
    _check_positive_int(filters=filters, kernel_size=kernel_size, dense_units=dense_units)
    input_shape = _check_shape(input_shape, min_side=2)
    _check_num_classes(num_classes)
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(filters, kernel_size, padding="same", activation="relu"),
            layers.MaxPooling2D(pool_size=2, padding="same"),
            layers.Flatten(),
            layers.Dense(dense_units, activation="relu"),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="single_conv",
    )


def two_conv(
    filters: int = 64,
    dense_units: int = 128,
    num_classes: int = 10,
    input_shape: Sequence[int] = INPUT_SHAPE,
) -> keras.Sequential:
    """Two blocks of Conv2D(3x3, no padding) + MaxPooling2D(2), then Dense layers.

    Each 3x3 convolution trims one pixel per side and each pooling halves (rounding
    down): 28 -> 26 -> 13 -> 11 -> 5, so Flatten gives 5 * 5 * 64 = 1600 numbers.
    Uncompiled (see ``compile_for_classification``). (Introduced in lesson 4.)
    """
    _check_positive_int(filters=filters, dense_units=dense_units)
    input_shape = _check_shape(input_shape, min_side=10)
    _check_num_classes(num_classes)
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(filters, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(filters, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(dense_units, activation="relu"),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="two_conv",
    )


def recommended(
    num_classes: int = 10, input_shape: Sequence[int] = INPUT_SHAPE
) -> keras.Sequential:
    """Two conv blocks with batch normalisation: fast on a CPU, about 92% on Fashion-MNIST.

    Train it with ``EPOCHS`` epochs of ``BATCH_SIZE`` images and a cosine learning rate
    (``cosine_schedule``). Built for a CPU: only 16 filters at full 28x28 resolution, where
    every filter is expensive, and 64 after pooling; BatchNormalization after the pooling,
    where the feature maps are 4 times smaller and it costs little. BatchNormalization is
    what lets a high learning rate converge in 3 epochs. Uncompiled. (Introduced in lesson 4.)
    """
    input_shape = _check_shape(input_shape, min_side=4)
    _check_num_classes(num_classes)
    # momentum=0.9 (Keras's default is 0.99): the statistics used at test time then settle
    # within ~50 steps, so short runs on small data (fast mode, the MNIST sample) work too.
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.BatchNormalization(momentum=0.9),
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.BatchNormalization(momentum=0.9),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="recommended",
    )


def cosine_schedule(
    learning_rate: float, epochs: int, train_size: int, batch_size: int = BATCH_SIZE
) -> keras.optimizers.schedules.LearningRateSchedule:
    """A learning rate that starts at ``learning_rate`` and glides to ~0 by the last step.

    ``train_size`` is the number of training images; with ``batch_size`` and ``epochs``
    it gives the number of steps to spread the decay over. (Introduced in lesson 4.)
    """
    _check_learning_rate(learning_rate)
    _check_positive_int(epochs=epochs, train_size=train_size, batch_size=batch_size)
    steps = epochs * math.ceil(train_size / batch_size)
    return keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps, alpha=0.01)


def compile_for_classification(
    model: keras.Model,
    learning_rate: float | keras.optimizers.schedules.LearningRateSchedule = 0.001,
) -> keras.Model:
    """Compile ``model`` with Adam, sparse categorical cross-entropy and accuracy.

    "Sparse" because the labels are class numbers (0..9), not one-hot vectors. Pass a
    float or a schedule such as ``cosine_schedule(...)``. Returns the same model, now
    compiled. (Introduced in lesson 4.)
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model should be a Keras model, got {type(model).__name__}")
    if not isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        _check_learning_rate(learning_rate)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


BUILDERS = {"single_conv": single_conv, "two_conv": two_conv, "recommended": recommended}


# --------------------------------------------------------------------------- argument checks


def _check_positive_int(**values: object) -> None:
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} should be a whole number, got {value!r}")
        if value < 1:
            raise ValueError(f"{name} should be at least 1, got {value}")


def _check_num_classes(num_classes: object) -> None:
    if not isinstance(num_classes, int) or isinstance(num_classes, bool):
        raise TypeError(f"num_classes should be a whole number, got {num_classes!r}")
    if num_classes < 2:
        raise ValueError(
            f"num_classes should be at least 2 (a classifier chooses between classes), "
            f"got {num_classes}"
        )


def _check_shape(input_shape: object, min_side: int) -> tuple[int, int, int]:
    """(height, width, channels), each a positive int, height and width >= ``min_side``."""
    if isinstance(input_shape, str) or not isinstance(input_shape, Sequence):
        raise TypeError(
            f"input_shape should be (height, width, channels) like (28, 28, 1), got {input_shape!r}"
        )
    shape = tuple(input_shape)
    if len(shape) != 3 or not all(isinstance(s, int) and not isinstance(s, bool) for s in shape):
        raise ValueError(
            f"input_shape should be three whole numbers (height, width, channels) like "
            f"(28, 28, 1), got {input_shape!r}; a grayscale image needs its channel axis too"
        )
    height, width, channels = shape
    if channels < 1 or min(height, width) < min_side:
        raise ValueError(
            f"input_shape {shape} is too small for this network: height and width should "
            f"be at least {min_side} and channels at least 1"
        )
    return height, width, channels


def _check_learning_rate(learning_rate: object) -> None:
    if not isinstance(learning_rate, int | float) or isinstance(learning_rate, bool):
        raise TypeError(f"learning_rate should be a number like 0.001, got {learning_rate!r}")
    if not 0 < learning_rate < 1:
        raise ValueError(
            f"learning_rate should be between 0 and 1 (typical: 0.001), got {learning_rate}"
        )
