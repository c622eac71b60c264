"""The layer-stack model (course_utils.exercises.stacks) and the model checker built on it.

``walk`` and ``parameter_counts`` agree with Keras on random stacks; the shapes question and
the model checker say what is wrong in the learner's terms.
"""

from __future__ import annotations

import re

import keras
import pytest
from exercise_helpers import progress_file  # noqa: F401  (autouse: a temporary progress file)
from hypothesis import given, settings
from hypothesis import strategies as st
from keras import layers

from course_utils import ops
from course_utils.exercises import Incorrect, State, stacks
from course_utils.exercises.model_checks import model_checker
from course_utils.exercises.stacks import Layer, conv, dense, flatten, pool


def keras_layer(layer: Layer) -> keras.layers.Layer:
    """The Keras layer a ``Layer`` stands for."""
    if layer.kind == "Conv2D":
        return layers.Conv2D(layer.n, layer.size, layer.stride, layer.padding)
    if layer.kind == "MaxPooling2D":
        return layers.MaxPooling2D(layer.size, layer.stride, layer.padding)
    if layer.kind == "Dense":
        return layers.Dense(layer.n)
    return layers.Flatten()


@st.composite
def stacks_and_inputs(draw) -> tuple[tuple[int, int, int], list[Layer]]:
    """An input shape and a stack of convolutions and poolings that fit it, then a classifier."""
    size, channels = draw(st.integers(4, 20)), draw(st.integers(1, 3))
    stack, side = [], size
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["Conv2D", "MaxPooling2D"]))
        padding = draw(st.sampled_from(["valid", "same"]))
        window = draw(st.integers(1, min(4, side) if padding == "valid" else 4))
        stride = draw(st.integers(1, 3))
        if kind == "Conv2D":
            stack.append(conv(draw(st.integers(1, 6)), window, stride, padding))
        else:
            stack.append(pool(window, stride, padding))
        side = ops.output_size(side, window, stride, padding)
    stack += [flatten(), dense(draw(st.integers(1, 5)))]
    return (size, size, channels), stack


@settings(deadline=None, max_examples=25)
@given(stacks_and_inputs())
def test_walk_and_parameter_counts_agree_with_keras(case):
    input_shape, stack = case
    model = keras.Sequential([keras.Input(shape=input_shape), *map(keras_layer, stack)])
    assert [shape for shape, _ in stacks.walk(input_shape, stack)] == [
        tuple(layer.output.shape[1:]) for layer in model.layers
    ]
    assert [count for count, _ in stacks.parameter_counts(input_shape, stack)] == [
        layer.count_params() for layer in model.layers
    ]


def test_layers_read_as_keras_code():
    assert str(conv(32, 3)) == "Conv2D(32, 3)"
    assert str(conv(64, 3, 2, "same")) == 'Conv2D(64, 3, strides=2, padding="same")'
    assert str(pool(3, 2, "same")) == 'MaxPooling2D(3, strides=2, padding="same")'
    assert str(pool(2)) == "MaxPooling2D(2)"
    assert str(dense(10, "softmax")) == "Dense(10)"
    assert (str(flatten()), flatten().label) == ("Flatten()", "Flatten")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Layer("Dence", 10), "kind must be one of Conv2D, MaxPooling2D, Flatten, Dense"),
        (lambda: conv(8, 3, padding="full"), "padding must be 'valid' or 'same'"),
    ],
)
def test_a_misspelt_layer_is_an_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_a_shapes_question_is_solved_by_the_walk():
    stack = [conv(8, 3), pool(2), flatten(), dense(4)]
    question = stacks.shapes_question("Shapes", (12, 12, 1), stack, hints=["One layer at a time."])
    assert question.solution_code == "shapes = [(10, 10, 8), (5, 5, 8), (200,), (4,)]"
    assert question.check([(10, 10, 8), (5, 5, 8), (200,), (4,)]).state is State.CORRECT
    result = question.check([(10, 10, 8), (5, 5, 8), (200,), (8,)])
    assert result.message == (
        "After the Dense, Dense(4), there should be 4 numbers, not 8: "
        "a Dense layer outputs one number per unit: 4."
    )


# --- model_checker with strides and padding that are not Keras's defaults ------------------

SPEC = [conv(8, 3, 2, "same", "relu"), pool(3, 2), flatten(), dense(4, "softmax")]
check_model = model_checker((12, 12, 1), SPEC)


def model(*stack) -> keras.Model:
    return keras.Sequential([keras.Input(shape=(12, 12, 1)), *stack])


def test_a_model_with_the_specified_strides_and_padding_is_correct():
    right = model(
        layers.Conv2D(8, 3, strides=2, padding="same", activation="relu"),
        layers.MaxPooling2D(3, strides=2),
        layers.Flatten(),
        layers.Dense(4, activation="softmax"),
    )
    assert check_model(right) is None


@pytest.mark.parametrize(
    ("conv_options", "pool_options", "message"),
    [
        ({}, {"strides": 2}, "Layer 1 (Conv2D) should have strides=2 and padding='same'."),
        (
            {"strides": 2, "padding": "same"},
            {},
            "Layer 2 (MaxPooling2D) should have strides=2 and padding='valid'.",
        ),
    ],
)
def test_other_strides_and_padding_are_named(conv_options, pool_options, message):
    wrong = model(
        layers.Conv2D(8, 3, activation="relu", **conv_options),
        layers.MaxPooling2D(3, **pool_options),
        layers.Flatten(),
        layers.Dense(4, activation="softmax"),
    )
    with pytest.raises(Incorrect, match=re.escape(message)):
        check_model(wrong)


def test_dropout_keeps_the_shape_and_learns_nothing():
    stack = [conv(8, 3), flatten(), stacks.dropout(0.25), dense(10)]
    steps = stacks.walk((6, 6, 1), stack)
    assert [shape for shape, _ in steps] == [(4, 4, 8), (128,), (128,), (10,)]
    assert "keeps the shape" in steps[2][1]
    assert [n for n, _ in stacks.parameter_counts((6, 6, 1), stack)] == [80, 0, 0, 1290]
    assert str(stacks.dropout(0.25)) == "Dropout(0.25)"
    model = keras.Sequential(
        [
            keras.Input((6, 6, 1)),
            layers.Conv2D(8, 3),
            layers.Flatten(),
            layers.Dropout(0.25),
            layers.Dense(10),
        ]
    )
    assert [layer.count_params() for layer in model.layers] == [80, 0, 0, 1290]


def test_a_shape_with_the_channels_first_is_named():
    question = stacks.shapes_question("Q", (8, 8, 1), [conv(4, 3), flatten()], hints=[])
    result = question.check([(4, 6, 6), (144,)])
    assert result.state is State.INCORRECT
    assert "you put the channels first, (4, 6, 6): Keras puts them last" in result.message
    floats = question.check([(6.0, 6.0, 4), (144,)])
    assert "holds floats: write whole numbers, (6, 6, 4)" in floats.message
