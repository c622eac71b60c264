"""Exercises for lesson 4, a full MNIST CNN (``exercises/04_mnist_cnn_exercises.ipynb``).

- ``q1``: the shape after each layer: 28 -> 26 -> 13 -> 11 -> 5 -> 1600;
- ``q2``: the number of parameters of each layer of that network;
- ``q3``: build a model to a specification (checked by reading its layers, never trained).
"""

from __future__ import annotations

from typing import Any

from course_utils.exercises.checks import is_whole_number
from course_utils.exercises.framework import Exercise, Incorrect
from course_utils.exercises.model_checks import model_checker
from course_utils.exercises.stacks import (
    conv,
    dense,
    flatten,
    parameter_counts,
    pool,
    shapes_question,
)

INPUT_SHAPE = (28, 28, 1)
# The two-convolution network of lesson 4 (after the Fashion-MNIST seed).
STACK = [conv(64, 3), pool(2), conv(64, 3), pool(2), flatten(), dense(128), dense(10)]

q1 = shapes_question(
    "Question 1: shapes, layer by layer",
    INPUT_SHAPE,
    STACK,
    hints=[
        "A 3x3 convolution without padding makes the image 2 pixels smaller; a 2x2 pooling "
        "halves it, rounding down.",
        "A Conv2D has one output channel per filter; pooling keeps the channels; Flatten "
        "multiplies height, width and channels; a Dense layer has one output per unit.",
        "The sizes go 28 -> 26 -> 13 -> 11 -> 5, then 5 x 5 x 64 numbers.",
    ],
)


# --- q2: parameters --------------------------------------------------------------------------


def _check_parameters(answer: Any) -> None:
    rows = parameter_counts(INPUT_SHAPE, STACK)
    if not isinstance(answer, (list, tuple)):
        raise Incorrect(f"Give a list of {len(rows)} numbers, one per layer, not one total.")
    if len(answer) != len(rows):
        raise Incorrect(f"Give one number per layer: {len(rows)} numbers, not {len(answer)}.")
    for i, (given, (want, why), layer) in enumerate(zip(answer, rows, STACK, strict=True)):
        if not is_whole_number(given):
            raise Incorrect(f"Layer {i + 1}: give a whole number, not {given!r}.")
        if given == want:
            continue
        message = f"Layer {i + 1}, {layer}, has {want} parameters, not {given}: {why}"
        if want and given == want - layer.n:
            message += f" (each {'filter' if layer.kind == 'Conv2D' else 'unit'} has a bias too)"
        elif layer.kind == "Conv2D" and i > 0 and given == (layer.size**2 + 1) * layer.n:
            message += " (each filter spans all the input channels)"
        raise Incorrect(message + ".")


q2 = Exercise(
    "Question 2: counting parameters",
    _check_parameters,
    hints=[
        "Pooling and Flatten have nothing to learn: 0 parameters.",
        "A Conv2D filter has kernel height x kernel width x input channels weights, plus one "
        "bias. The second Conv2D's input has 64 channels.",
        "A Dense layer has inputs x units weights plus one bias per unit; the first Dense layer "
        "gets the 1600 numbers from Flatten.",
    ],
    solution_code="""
        parameters = [640, 0, 36928, 0, 0, 204928, 1290]
    """,
)


# --- q3: build a model to a specification ----------------------------------------------------

SPEC = [conv(32, 3, activation="relu"), pool(2), flatten(), dense(10, "softmax")]

q3 = Exercise(
    "Question 3: a model to a specification",
    model_checker(INPUT_SHAPE, SPEC),
    hints=[
        "keras.Sequential takes a list: keras.Input(shape=(28, 28, 1)) first, then the four "
        "layers in order.",
        "layers.Conv2D(filters, kernel_size, activation=...), layers.MaxPooling2D(pool_size), "
        "layers.Flatten(), layers.Dense(units, activation=...).",
        "Print model.summary() and compare it with the specification, line by line.",
    ],
    solution_code="""
        model = keras.Sequential(
            [
                keras.Input(shape=(28, 28, 1)),
                layers.Conv2D(32, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Flatten(),
                layers.Dense(10, activation="softmax"),
            ]
        )
    """,
)
