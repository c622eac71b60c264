"""Lesson 4's exercises: reference answers, typical wrong answers, untouched placeholders.

The model question is checked by reading layers and their configs: nothing is trained here.
"""

from __future__ import annotations

from functools import partial

import keras
import pytest
from exercise_helpers import ExerciseNotebook, assert_incorrect, notebook_tests, with_item
from keras import layers

from course_utils.exercises import State, lesson4, stacks

PREAMBLE = """
import keras
from keras import layers

from course_utils.exercises import ____
"""
NOTEBOOK = ExerciseNotebook(lesson4, "04_mnist_cnn_exercises.ipynb", PREAMBLE)
run_cell = NOTEBOOK.run_cell
ANSWERS = {"q1": "shapes", "q2": "parameters", "q3": "model"}
test_solutions_are_correct, test_placeholders_are_not_attempted = notebook_tests(NOTEBOOK, ANSWERS)


def network() -> keras.Model:
    """The network of questions 1 and 2, built by Keras."""
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def test_stack_is_the_network_keras_builds():
    model = network()
    keras_shapes = [tuple(layer.output.shape[1:]) for layer in model.layers]
    assert keras_shapes == [shape for shape, _ in stacks.walk((28, 28, 1), lesson4.STACK)]
    assert lesson4.q1.check(keras_shapes).state is State.CORRECT
    counts = [layer.count_params() for layer in model.layers]
    assert lesson4.q2.check(counts).state is State.CORRECT


# --- q1: shapes -----------------------------------------------------------------------------

SHAPES = [(26, 26, 64), (13, 13, 64), (11, 11, 64), (5, 5, 64), (1600,), (128,), (10,)]
shapes_with = partial(with_item, SHAPES)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            shapes_with(0, (28, 28, 64)),
            "the size should be 26, not 28x28: a 3x3 kernel without padding fits 28 - 3 + 1 = 26",
        ),
        (
            shapes_with(1, (14, 14, 64)),
            "After the first MaxPooling2D, MaxPooling2D(2), the size should be 13, not 14x14: "
            "pooling 2x2 halves 26 and rounds down",
        ),
        (shapes_with(3, (6, 6, 64)), "the size should be 5, not 6x6: pooling 2x2 halves 11"),
        (shapes_with(2, (11, 11, 128)), "there should be 64 channels, not 128"),
        (shapes_with(4, (800,)), "there should be 1600 numbers, not 800: Flatten lines up all"),
        (
            shapes_with(5, (1600,)),
            "After the first Dense, Dense(128), there should be 128 numbers, not 1600: a Dense "
            "layer outputs one number per unit",
        ),
    ],
)
def test_shape_mistakes_point_at_the_first_wrong_layer(answer, message):
    assert_incorrect(lesson4.q1.check(answer), message)


# --- q2: parameters -------------------------------------------------------------------------

PARAMETERS = [640, 0, 36928, 0, 0, 204928, 1290]
parameters_with = partial(with_item, PARAMETERS)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (parameters_with(0, 576), "Layer 1, Conv2D(64, 3), has 640 parameters, not 576"),
        (parameters_with(0, 576), "(each filter has a bias too)"),
        (parameters_with(2, 640), "(each filter spans all the input channels)"),
        (parameters_with(2, 640), "3 * 3 * 64 * 64 + 64"),
        (parameters_with(5, 204800), "1600 * 128 + 128 (each unit has a bias too)"),
        (parameters_with(1, 64), "MaxPooling2D has nothing to learn"),
        (parameters_with(3, "0"), "give a whole number"),
        (243786, "not one total"),
        (PARAMETERS[:6], "7 numbers, not 6"),
    ],
)
def test_parameter_mistakes(answer, message):
    assert_incorrect(lesson4.q2.check(answer), message)


# --- q3: a model to a specification ---------------------------------------------------------


def sequential(*stack) -> keras.Model:
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), *stack])


def conv(filters=32, size=3, activation="relu", **options):
    return layers.Conv2D(filters, size, activation=activation, **options)


def dense(units=10, activation="softmax"):
    return layers.Dense(units, activation=activation)


def right() -> list:
    """Fresh layers of the specification: a Keras layer belongs to one model only."""
    return [conv(), layers.MaxPooling2D(2), layers.Flatten(), dense()]


def test_equivalent_models_are_correct():
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Flatten()(layers.MaxPooling2D()(x))
    functional = keras.Model(inputs, dense()(x))
    assert lesson4.q3.check(functional).state is State.CORRECT
    separate = sequential(
        layers.Conv2D(32, (3, 3)),
        layers.ReLU(),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
        layers.Dense(10),
        layers.Activation("softmax"),
    )
    assert lesson4.q3.check(separate).state is State.CORRECT


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: sequential(
                conv(), layers.MaxPooling2D(2), layers.Flatten(), dense(128, "relu"), dense()
            ),
            "Your model has one layer too many: an extra Dense(128) after Flatten",
        ),
        (
            lambda: sequential(
                conv(), layers.MaxPooling2D(2), layers.Flatten(), layers.Dropout(0.5), dense()
            ),
            "an extra Dropout(0.5) after Flatten",
        ),
        (
            lambda: sequential(conv(), layers.Flatten(), dense()),
            "Your model is missing the MaxPooling2D(2) layer after Conv2D(32, 3)",
        ),
        (
            lambda: sequential(conv(16), *right()[1:]),
            "Layer 1 (Conv2D) has 16 filters but should have 32",
        ),
        (lambda: sequential(conv(size=5), *right()[1:]), "has a 5x5 kernel but should have 3x3"),
        (
            lambda: sequential(conv(activation=None), *right()[1:]),
            "Layer 1 (Conv2D) has no activation (it is linear): add activation='relu'",
        ),
        (lambda: sequential(conv(padding="same"), *right()[1:]), "padding='valid'"),
        (lambda: sequential(conv(), layers.MaxPooling2D(3), *right()[2:]), "pools 3x3 windows"),
        (
            lambda: sequential(*right()[:3], dense(activation=None)),
            "add activation='softmax' so that the outputs are probabilities",
        ),
        (lambda: sequential(*right()[:3], dense(activation="sigmoid")), "has activation 'sigmoid'"),
        (lambda: sequential(*right()[:3], dense(64)), "has 64 units but should have 10"),
        (
            lambda: sequential(layers.MaxPooling2D(2), conv(), layers.Flatten(), dense()),
            "Layer 1 should be a Conv2D, but it is a MaxPooling2D(2)",
        ),
        (
            lambda: keras.Sequential([conv(), layers.MaxPooling2D(2), layers.Flatten(), dense()]),
            "no input shape: start the list of layers with keras.Input(shape=(28, 28, 1))",
        ),
        (
            lambda: keras.Sequential(
                [keras.Input(shape=(28, 28)), layers.Reshape((28, 28, 1)), *right()]
            ),
            "Your input shape is (28, 28): add the channel axis",
        ),
        (
            lambda: keras.Sequential([keras.Input(shape=(28, 28, 3)), *right()]),
            "Your input shape is (28, 28, 3) but should be (28, 28, 1)",
        ),
        (lambda: right(), "Your model should be a Keras model"),
    ],
)
def test_model_mistakes(build, message):
    assert_incorrect(lesson4.q3.check(build()), message)
