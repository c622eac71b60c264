"""Lesson 4's exercises: reference answers, typical wrong answers, untouched placeholders.

The model question is checked by reading layers and their configs; the curves and the
confusion matrix are stored numbers: nothing is trained here.
"""

from __future__ import annotations

from functools import partial

import keras
import numpy as np
import pytest
from exercise_helpers import (
    ExerciseNotebook,
    assert_incorrect,
    notebook_tests,
    progress_file,  # noqa: F401  (autouse: checks record into a temporary file)
    with_item,
)
from keras import layers

from course_utils.exercises import State, ____, histories, lesson4, stacks

PREAMBLE = """
import keras
import numpy as np
from keras import layers

from course_utils.exercises import ____
from course_utils.exercises.histories import CONFUSION, CURVES, confusion_sample
"""
NOTEBOOK = ExerciseNotebook(lesson4, "04_mnist_cnn_exercises.ipynb", PREAMBLE)
run_cell, with_slip = NOTEBOOK.run_cell, NOTEBOOK.with_slip
ANSWERS = {
    "q1": "shapes",
    "q2": "parameters",
    "q3": "model",
    "q4": "diagnoses",
    "q5": "stop_epoch",
    "q6": "most_common_mistake",
    "q7": "worst_digit",
    "q8": "misclassified",
}
test_solutions_are_correct, test_placeholders_are_not_attempted = notebook_tests(NOTEBOOK, ANSWERS)


def network() -> keras.Model:
    """The network of questions 1 and 2, built by Keras."""
    return keras.Sequential(
        [
            keras.Input(shape=(32, 32, 3)),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 5, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def test_stack_is_the_network_keras_builds():
    model = network()
    keras_shapes = [tuple(layer.output.shape[1:]) for layer in model.layers]
    assert keras_shapes == [shape for shape, _ in stacks.walk((32, 32, 3), lesson4.STACK)]
    assert lesson4.q1.check(keras_shapes).state is State.CORRECT
    counts = [layer.count_params() for layer in model.layers]
    assert lesson4.q2.check(counts).state is State.CORRECT
    assert lesson4.q2.check(np.array(counts)).state is State.CORRECT


# --- q1: shapes -----------------------------------------------------------------------------

SHAPES = [(32, 32, 32), (16, 16, 32), (12, 12, 64), (6, 6, 64), (2304,), (64,), (10,)]
shapes_with = partial(with_item, SHAPES)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            shapes_with(0, (30, 30, 32)),
            "the size should be 32, not 30x30: 'same' padding keeps the size at 32",
        ),
        (shapes_with(0, (32, 32, 3)), "there should be 32 channels, not 3: a Conv2D outputs one"),
        (
            shapes_with(1, (32, 16, 16)),
            "you put the channels first, (32, 16, 16): Keras puts them last",
        ),
        (shapes_with(2, (14, 14, 64)), "a 5x5 kernel without padding fits 16 - 5 + 1 = 12 times"),
        (shapes_with(4, (768,)), "there should be 2304 numbers, not 768: Flatten lines up all"),
        (shapes_with(1, (16.0, 16.0, 32)), "holds floats: write whole numbers, (16, 16, 32)"),
        (shapes_with(5, (2304,)), "a Dense layer outputs one number per unit"),
        (np.zeros((7, 3)), "shapes of different lengths do not fit in one NumPy array"),
    ],
)
def test_shape_mistakes_point_at_the_first_wrong_layer(answer, message):
    assert_incorrect(lesson4.q1.check(answer), message)


def test_a_blank_inside_a_shape_is_not_attempted():
    assert lesson4.q1.check(shapes_with(3, (____, ____, 64))).state is State.NOT_ATTEMPTED


# --- q2: parameters -------------------------------------------------------------------------

PARAMETERS = [896, 0, 51264, 0, 0, 147520, 650]
parameters_with = partial(with_item, PARAMETERS)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (parameters_with(0, 864), 'Layer 1, Conv2D(32, 3, padding="same"), has 896 parameters'),
        (parameters_with(0, 864), "(each filter has a bias too)"),
        (parameters_with(0, 320), "(each filter spans all 3 input channels of an RGB image)"),
        (parameters_with(2, 1664), "(each filter spans all 32 input channels)"),
        (parameters_with(2, 1664), "5 * 5 * 32 * 64 + 64"),
        (parameters_with(5, 147456), "2304 * 64 + 64 (each unit has a bias too)"),
        (parameters_with(1, 32), "MaxPooling2D has nothing to learn"),
        (parameters_with(3, "0"), "should be a whole number, not '0'"),
        (parameters_with(6, 650.0), "Layer 7's count is 650.0, a float: write the whole number"),
        (sum(PARAMETERS), "Give a list of 7 numbers, one per layer (not one total)"),
        (PARAMETERS[:6], "7 numbers, not 6"),
    ],
)
def test_parameter_mistakes(answer, message):
    assert_incorrect(lesson4.q2.check(answer), message)


# --- q3: a model to a specification ---------------------------------------------------------


def sequential(*stack) -> keras.Model:
    return keras.Sequential([keras.Input(shape=(32, 32, 3)), *stack])


def conv(filters=16, size=5, activation="relu", padding="same", **options):
    return layers.Conv2D(filters, size, activation=activation, padding=padding, **options)


def conv2(filters=32, size=3, activation="relu", **options):
    return layers.Conv2D(filters, size, activation=activation, **options)


def dense(units=10, activation="softmax"):
    return layers.Dense(units, activation=activation)


def right() -> list:
    """Fresh layers of the specification: a Keras layer belongs to one model only."""
    return [
        conv(),
        layers.MaxPooling2D(2),
        conv2(),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(0.5),
        dense(),
    ]


def test_equivalent_models_are_correct():
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.MaxPooling2D()(layers.Conv2D(16, 5, padding="same", activation="relu")(inputs))
    x = layers.MaxPooling2D()(layers.Conv2D(32, 3, activation="relu")(x))
    x = layers.Dropout(0.5)(layers.Flatten()(x))
    functional = keras.Model(inputs, dense()(x))
    assert lesson4.q3.check(functional).state is State.CORRECT
    separate = sequential(
        layers.Conv2D(16, (5, 5), padding="same"),
        layers.ReLU(),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(32, (3, 3)),
        layers.Activation("relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10),
        layers.Softmax(),
    )
    assert lesson4.q3.check(separate).state is State.CORRECT


def without(index: int) -> list:
    layers_ = right()
    del layers_[index]
    return layers_


def replaced(index: int, layer) -> list:
    layers_ = right()
    layers_[index] = layer
    return layers_


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: sequential(*right()[:6], dense(128, "relu"), dense()),
            "Your model has one layer too many: an extra Dense(128) after Dropout(0.5)",
        ),
        (lambda: sequential(*without(5)), "Your model is missing the Dropout(0.5) layer after"),
        (lambda: sequential(*without(1)), "missing the MaxPooling2D(2) layer after Conv2D(16, 5)"),
        (
            lambda: sequential(*replaced(5, layers.Dropout(0.25))),
            "Layer 6 (Dropout) drops a fraction 0.25 of its inputs but should drop 0.5",
        ),
        (
            lambda: sequential(*replaced(0, conv(8))),
            "Layer 1 (Conv2D) has 8 filters but should have 16",
        ),
        (lambda: sequential(*replaced(0, conv(size=3))), "has a 3x3 kernel but should have 5x5"),
        (
            lambda: sequential(*replaced(0, conv(activation=None))),
            "Layer 1 (Conv2D) has no activation (it is linear): add activation='relu'",
        ),
        (
            lambda: sequential(*replaced(0, conv(padding="valid"))),
            "should have strides=1 and padding='same'",
        ),
        (lambda: sequential(*replaced(2, conv2(padding="same"))), "padding='valid'"),
        (lambda: sequential(*replaced(1, layers.MaxPooling2D(3))), "pools 3x3 windows"),
        (
            lambda: sequential(*right()[:6], dense(activation=None)),
            "add activation='softmax' so that the outputs are probabilities",
        ),
        (lambda: sequential(*right()[:6], dense(activation="sigmoid")), "has activation 'sigmoid'"),
        (lambda: sequential(*right()[:6], dense(64)), "has 64 units but should have 10"),
        (
            lambda: keras.Sequential(right()),
            "no input shape: start the list of layers with keras.Input(shape=(32, 32, 3))",
        ),
        (
            lambda: keras.Sequential(
                [keras.Input(shape=(32, 32)), layers.Reshape((32, 32, 1)), *right()]
            ),
            "Your input shape is (32, 32): add the channel axis",
        ),
        (
            lambda: keras.Sequential([keras.Input(shape=(32, 32, 1)), *right()]),
            "Your input shape is (32, 32, 1): colour (RGB) images have 3 channels",
        ),
        (
            lambda: keras.Sequential([keras.Input(shape=(3, 32, 32)), layers.Flatten(), dense()]),
            "Your input shape is (3, 32, 32), channels first: Keras puts them last",
        ),
        (lambda: right(), "Your model should be a Keras model"),
    ],
)
def test_model_mistakes(build, message):
    assert_incorrect(lesson4.q3.check(build()), message)


# --- q4, q5: learning curves ----------------------------------------------------------------


def test_the_stored_curves_show_what_the_diagnoses_say():
    a, b, c = (histories.CURVES[name] for name in "ABC")
    best_a = int(np.argmin(a["val_loss"]))
    assert 0 < best_a < len(a["val_loss"]) - 3  # A: the validation loss turns up, and stays up
    assert a["loss"] == sorted(a["loss"], reverse=True)
    assert b["val_loss"] == sorted(b["val_loss"], reverse=True) and b["loss"][-1] > 0.5
    assert int(np.argmin(c["val_loss"])) == len(c["val_loss"]) - 1 and c["loss"][-1] < 0.05
    assert all(len(curves[key]) == 12 for curves in (a, b, c) for key in curves)
    assert lesson4.q5.check(best_a + 1).state is State.CORRECT


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"A": "Overfitting", "B": "under-fits", "C": "good fit"}, None),
        ({"A": "overfits", "B": "overfits", "C": "fits well"}, "Model B does not overfit"),
        ({"A": "fits well", "B": "underfits", "C": "fits well"}, "the gap grows"),
        ({"A": "underfits", "B": "underfits", "C": "fits well"}, "training loss is nearly 0"),
        ({"A": "overfits", "B": "fits well", "C": "fits well"}, "not learned enough yet"),
        ({"A": "overfits", "B": "underfits", "C": "overfits"}, "no growing gap"),
        ({"A": "overfits", "B": "underfits", "C": "underfits"}, "have levelled off"),
        ({"A": "overfits", "B": "underfits", "C": "bad"}, "For model C, answer one of"),
        ({"A": "overfits", "B": "underfits"}, "missing: ['C']"),
        (["overfits", "underfits", "fits well"], "Give a dict with one diagnosis per model"),
    ],
)
def test_diagnosis_mistakes(answer, message):
    result = lesson4.q4.check(answer)
    if message is None:
        assert result.state is State.CORRECT, result
        return
    assert_incorrect(result, message)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (4, "Epoch 4 is one too early: epochs count from 1"),
        (12, "Epoch 12 is the last one, where the training loss is lowest"),
        (7, "At epoch 7 model A's validation loss is 0.121"),
        (13, "Model A trained for 12 epochs"),
        (5.0, "is 5.0, a float: write the whole number 5"),
    ],
)
def test_stop_epoch_mistakes(answer, message):
    assert_incorrect(lesson4.q5.check(answer), message)


# --- q6, q7: the confusion matrix -----------------------------------------------------------


def test_the_confusion_matrix_adds_up_to_the_mnist_test_set():
    assert histories.CONFUSION.sum() == 10_000
    assert histories.CONFUSION.sum(axis=1).tolist() == histories.TEST_IMAGES_PER_DIGIT
    assert (histories.CONFUSION >= 0).all()


def test_the_confusion_answers_follow_from_the_matrix():
    from sklearn.metrics import confusion_matrix

    # The matrix, rebuilt from labels as sklearn would count them, gives the same answers.
    true, predicted = np.nonzero(histories.CONFUSION)
    counts = histories.CONFUSION[true, predicted]
    rebuilt = confusion_matrix(np.repeat(true, counts), np.repeat(predicted, counts))
    np.testing.assert_array_equal(rebuilt, histories.CONFUSION)
    off = rebuilt - np.diag(np.diag(rebuilt))
    worst = tuple(int(i) for i in np.unravel_index(off.argmax(), off.shape))
    assert lesson4.q6.check(worst).state is State.CORRECT
    recall = np.diag(rebuilt) / rebuilt.sum(axis=1)
    assert lesson4.q7.check(int(recall.argmin())).state is State.CORRECT
    # The slips the messages name are different digits from the answer, as they must be.
    assert int(np.diag(rebuilt).argmin()) != int(recall.argmin())
    assert int(off.sum(axis=0).argmax()) != int(recall.argmin())


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((9, 4), "You read it the wrong way round: rows are the true digit"),
        ((1, 1), "(1, 1) is on the diagonal: 1130 1s that were recognised correctly"),
        ((7, 2), "9 7s were taken for 2s (row 7, column 2), but another cell"),
        ((4, 10), "Digits go from 0 to 9"),
        (49, "Give two digits, (true digit, predicted digit)"),
        ((4.0, 9), "is 4.0, a float"),
    ],
)
def test_worst_mistake_mistakes(answer, message):
    assert_incorrect(lesson4.q6.check(answer), message)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (5, "5 has the fewest correct predictions (876), but also the fewest test images"),
        (3, "3 is the digit the model most often answers wrongly (column 3"),
        (4, "98.3% of the 982 4s are recognised; another digit does worse"),
        (10, "Digits go from 0 to 9, not 10"),
    ],
)
def test_worst_digit_mistakes(answer, message):
    assert_incorrect(lesson4.q7.check(answer), message)


# --- q8: misclassified ----------------------------------------------------------------------


def test_the_samples_have_mistakes_to_find_and_a_digit_without_any():
    found = []
    for step, digit in lesson4.MISCLASSIFIED_CASES:
        labels, probabilities = histories.confusion_sample(step)
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
        found.append(lesson4._reference_misclassified(labels, probabilities, digit))
    assert [len(f) for f in found] == [2, 2, 0]


PREDICTED = "predicted = probabilities.argmax(axis=1)"
WRONG = "(labels == digit) & (predicted != labels)"


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        (
            [(WRONG, "(predicted == digit) & (predicted != labels)")],
            "gives the images the model *called* a 2 wrongly: these are other digits",
        ),
        ([(WRONG, "predicted != labels")], "gives every misclassified image: keep only those"),
        ([(WRONG, "labels == digit")], "gives every 2 in the sample"),
        (
            [(PREDICTED, "predicted = probabilities.max(axis=1)")],
            "the highest probability itself, .max(axis=1), is not a digit",
        ),
        (
            [(WRONG, "(labels == digit) & (predicted == labels)")],
            "gives the 2s the model got right",
        ),
        (
            [("return np.flatnonzero(", "return (")],
            "returned a True/False mask: give the image numbers (indices), np.flatnonzero(mask)",
        ),
        (
            [("return np.flatnonzero(", "return np.flatnonzero(")],
            None,
        ),
        (
            [
                (
                    "return np.flatnonzero((labels == digit) & (predicted != labels))",
                    "return list(np.flatnonzero((labels == digit) & (predicted != labels)))[:1]",
                )
            ],
            "leaves out image 23: a 2 that the model took for a 5",
        ),
        (
            [("probabilities.argmax(axis=1)", "probabilities.argmax(axis=0)")],
            "raised",
        ),
    ],
)
def test_misclassified_slips(tmp_path, replacements, message):
    function = run_cell(with_slip("q8", *replacements), tmp_path)["misclassified"]
    result = lesson4.q8.check(function)
    if message is None:
        assert result.state is State.CORRECT, result
        return
    assert_incorrect(result, message)


def test_misclassified_in_any_order_as_a_list_is_correct():
    def misclassified(labels, probabilities, digit):
        found = np.flatnonzero((labels == digit) & (probabilities.argmax(axis=1) != labels))
        return [int(i) for i in found[::-1]]

    assert lesson4.q8.check(misclassified).state is State.CORRECT
