"""Exercises for lesson 4, a full MNIST CNN (``exercises/04_mnist_cnn_exercises.ipynb``).

- ``q1``: the shape after each layer of a network for 32x32 colour images (``STACK``);
- ``q2``: the number of parameters of each layer of that network;
- ``q3``: build a model to a specification (checked by reading its layers, never trained);
- ``q4``: read three sets of learning curves: over-fits, under-fits or fits well?
- ``q5``: the epoch at which the over-fitting model should have stopped;
- ``q6``, ``q7``: read a confusion matrix: the most common mistake, the worst-recognised digit;
- ``q8``: ``misclassified(labels, probabilities, digit)``, the images of a digit the model
  got wrong.

The curves and the confusion matrix are stored in ``histories``: nothing here is trained.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises.checks import expect_function, number_list, whole_number
from course_utils.exercises.framework import Exercise, Incorrect, expect_array, learner_errors
from course_utils.exercises.histories import CONFUSION, CURVES, confusion_sample
from course_utils.exercises.model_checks import model_checker
from course_utils.exercises.stacks import (
    conv,
    dense,
    dropout,
    flatten,
    parameter_counts,
    pool,
    shapes_question,
)

INPUT_SHAPE = (32, 32, 3)  # a small colour photo, as in CIFAR-10
STACK = [
    conv(32, 3, padding="same", activation="relu"),
    pool(2),
    conv(64, 5, activation="relu"),
    pool(2),
    flatten(),
    dense(64, "relu"),
    dense(10, "softmax"),
]

q1 = shapes_question(
    "Question 1: shapes, layer by layer",
    INPUT_SHAPE,
    STACK,
    hints=[
        "Keep the three numbers (height, width, channels) apart: the input has 3 channels, "
        "and each Conv2D replaces them with one channel per filter.",
        "'same' padding keeps 32; a 2x2 pooling halves the size; a 5x5 kernel without padding "
        "makes it 4 pixels smaller. Flatten multiplies height, width and channels.",
        "The sizes go 32 -> 32 -> 16 -> 12 -> 6, then 6 x 6 x 64 numbers.",
    ],
)


# --- q2: parameters --------------------------------------------------------------------------


def _check_parameters(answer: Any) -> None:
    rows = parameter_counts(INPUT_SHAPE, STACK)
    answer = number_list(answer, len(rows), "layer")
    channels = INPUT_SHAPE[-1]
    for i, (given, (want, why), layer) in enumerate(zip(answer, rows, STACK, strict=True)):
        given = whole_number(given, f"layer {i + 1}'s count", "parameter")
        if given == want:
            channels = layer.n if layer.kind == "Conv2D" else channels
            continue
        message = f"Layer {i + 1}, {layer}, has {want} parameters, not {given}: {why}"
        if want and given == want - layer.n:
            message += f" (each {'filter' if layer.kind == 'Conv2D' else 'unit'} has a bias too)"
        elif layer.kind == "Conv2D" and given == (layer.size**2 + 1) * layer.n:
            rgb = " of an RGB image" if i == 0 and channels == 3 else ""
            message += f" (each filter spans all {channels} input channels{rgb})"
        raise Incorrect(message + ".")


q2 = Exercise(
    "Question 2: counting parameters",
    _check_parameters,
    hints=[
        "Pooling and Flatten have nothing to learn: 0 parameters.",
        "A Conv2D filter has kernel height x kernel width x input channels weights, plus one "
        "bias. The first Conv2D's input has 3 channels; the second's has 32.",
        "A Dense layer has inputs x units weights plus one bias per unit; the first Dense layer "
        "gets the 2304 numbers from Flatten.",
    ],
    solution_code="""
        parameters = [896, 0, 51264, 0, 0, 147520, 650]
    """,
)


# --- q3: build a model to a specification ----------------------------------------------------

SPEC = [
    conv(16, 5, padding="same", activation="relu"),
    pool(2),
    conv(32, 3, activation="relu"),
    pool(2),
    flatten(),
    dropout(0.5),
    dense(10, "softmax"),
]

q3 = Exercise(
    "Question 3: a model to a specification",
    model_checker(INPUT_SHAPE, SPEC),
    hints=[
        "keras.Sequential takes a list: keras.Input(shape=(32, 32, 3)) first, then the seven "
        "layers in order.",
        "layers.Conv2D(filters, kernel_size, padding=..., activation=...), "
        "layers.MaxPooling2D(pool_size), layers.Flatten(), layers.Dropout(rate), "
        "layers.Dense(units, activation=...).",
        "Print model.summary() and compare it with the specification, line by line.",
    ],
    solution_code="""
        model = keras.Sequential(
            [
                keras.Input(shape=(32, 32, 3)),
                layers.Conv2D(16, 5, padding="same", activation="relu"),
                layers.MaxPooling2D(2),
                layers.Conv2D(32, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Flatten(),
                layers.Dropout(0.5),
                layers.Dense(10, activation="softmax"),
            ]
        )
    """,
)


# --- q4, q5: learning curves -----------------------------------------------------------------

DIAGNOSES = ("overfits", "underfits", "fits well")
RIGHT_DIAGNOSES = {"A": "overfits", "B": "underfits", "C": "fits well"}


def _diagnosis(text: str) -> str | None:
    """A learner's wording as one of DIAGNOSES: "Overfitting" -> "overfits"."""
    words = " ".join(text.lower().replace("-", "").split())
    if words.startswith("over"):
        return "overfits"
    if words.startswith("under"):
        return "underfits"
    if words in ("fits well", "fits", "good", "good fit", "well", "fine", "fits fine", "ok"):
        return "fits well"
    return None


def _evidence(model: str) -> str:
    curves = CURVES[model]
    loss, val = curves["loss"], curves["val_loss"]
    best = int(np.argmin(val)) + 1
    return (
        f"Model {model}'s training loss goes from {loss[0]:g} to {loss[-1]:g}, its validation "
        f"loss from {val[0]:g} to {val[-1]:g} (lowest {min(val):g}, at epoch {best})"
    )


NEGATED = {"overfits": "overfit", "underfits": "underfit", "fits well": "fit well"}
WHY_NOT = {
    ("A", "fits well"): "its validation loss has been rising since epoch 5 while the training "
    "loss keeps falling: the gap grows. What does that mean?",
    ("A", "underfits"): "its training loss is nearly 0: it fits its training images very well, "
    "too well for the validation images.",
    ("B", "overfits"): "its validation loss is no higher than its training loss and both are "
    "still falling: nothing is learned by heart yet.",
    ("B", "fits well"): "both losses are still high (accuracy about 80%) and still falling at "
    "the last epoch: the network has not learned enough yet.",
    ("C", "overfits"): "its validation loss is still at its lowest at the last epoch and stays "
    "close to the training loss: no growing gap.",
    ("C", "underfits"): "both losses are low (accuracy near 99%) and have levelled off: more "
    "epochs would bring little.",
}


def _check_diagnoses(answer: Any) -> None:
    if not isinstance(answer, dict):
        raise Incorrect(
            'Give a dict with one diagnosis per model: {"A": "overfits", "B": ..., "C": ...}.'
        )
    if set(answer) != set(CURVES):
        missing = sorted(set(CURVES) - set(answer))
        extra = sorted(set(answer) - set(CURVES), key=str)
        raise Incorrect(
            f"Give one diagnosis for each of the models A, B and C (missing: {missing or 'none'}"
            f", not asked: {extra or 'none'})."
        )
    for model in sorted(CURVES):
        given = answer[model]
        choice = _diagnosis(given) if isinstance(given, str) else None
        if choice is None:
            raise Incorrect(
                f"For model {model}, answer one of {', '.join(repr(d) for d in DIAGNOSES)}, "
                f"not {given!r}."
            )
        if choice != RIGHT_DIAGNOSES[model]:
            raise Incorrect(
                f"Model {model} does not {NEGATED[choice]}: {WHY_NOT[model, choice]} "
                f"({_evidence(model)}.)"
            )


q4 = Exercise(
    "Question 4: reading learning curves",
    _check_diagnoses,
    hints=[
        "Compare the two curves of each model: where is the validation loss going while the "
        "training loss falls?",
        "A validation loss that turns up while the training loss keeps falling means the "
        "network memorises its training images. Two high curves still falling together mean "
        "it has not learned enough yet.",
        "One model of each kind: one gap that grows after a few epochs, one pair of curves "
        "still high at the end, one pair that levels off close together.",
    ],
    solution_code="""
        diagnoses = {"A": "overfits", "B": "underfits", "C": "fits well"}
    """,
)


def _check_stop_epoch(answer: Any) -> None:
    val = CURVES["A"]["val_loss"]
    best = int(np.argmin(val)) + 1
    epoch = whole_number(answer, "your epoch", "epoch")
    if epoch == best:
        return
    if epoch == best - 1:
        raise Incorrect(
            f"Epoch {epoch} is one too early: epochs count from 1, as Keras prints them "
            f"(Epoch 1/12), so index {best - 1} of the history list is epoch {best}."
        )
    if epoch == len(val):
        raise Incorrect(
            f"Epoch {epoch} is the last one, where the training loss is lowest: but the "
            f"validation loss is highest there ({val[-1]:g}). Stop where it is lowest."
        )
    if not 1 <= epoch <= len(val):
        raise Incorrect(f"Model A trained for {len(val)} epochs: give one from 1 to {len(val)}.")
    raise Incorrect(
        f"At epoch {epoch} model A's validation loss is {val[epoch - 1]:g}; it is lower "
        f"elsewhere (down to {min(val):g}). Stop where it is lowest."
    )


q5 = Exercise(
    "Question 5: when should model A stop?",
    _check_stop_epoch,
    hints=[
        "From some epoch on, more training makes model A worse on images it does not train on.",
        "Find the epoch with the lowest validation loss: epochs count from 1, as on the plot.",
        "np.argmin(CURVES['A']['val_loss']) finds its index; the epoch is one more.",
    ],
    solution_code="""
        stop_epoch = 5
    """,
)


# --- q6, q7: a confusion matrix --------------------------------------------------------------


def _as_digit_pair(answer: Any) -> tuple[int, int]:
    if isinstance(answer, np.ndarray) and answer.shape == (2,):
        answer = tuple(answer.tolist())
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Incorrect("Give two digits, (true digit, predicted digit), like (3, 5).")
    true, predicted = (whole_number(d, "a digit") for d in answer)
    if not (0 <= true <= 9 and 0 <= predicted <= 9):
        raise Incorrect(f"Digits go from 0 to 9, not {(true, predicted)}.")
    return true, predicted


def _check_worst_mistake(answer: Any) -> None:
    true, predicted = _as_digit_pair(answer)
    off = CONFUSION - np.diag(np.diag(CONFUSION))
    want = tuple(int(i) for i in np.unravel_index(np.argmax(off), off.shape))
    if (true, predicted) == want:
        return
    if true == predicted:
        raise Incorrect(
            f"({true}, {predicted}) is on the diagonal: {CONFUSION[true, true]} {true}s that "
            "were recognised correctly. Mistakes are off the diagonal."
        )
    if (predicted, true) == want:
        raise Incorrect(
            f"You read it the wrong way round: rows are the true digit and columns the "
            f"prediction, so the {CONFUSION[predicted, true]} in row {predicted}, column {true} "
            f"are {predicted}s taken for {true}s. Give (row, column)."
        )
    raise Incorrect(
        f"{CONFUSION[true, predicted]} {true}s were taken for {predicted}s (row {true}, column "
        f"{predicted}), but another cell off the diagonal holds more."
    )


q6 = Exercise(
    "Question 6: the most common mistake",
    _check_worst_mistake,
    hints=[
        "Row r of the matrix counts the test images whose true digit is r; column c, what the "
        "model predicted. The diagonal holds the correct predictions.",
        "Look only off the diagonal, and find the largest number there.",
        "np.fill_diagonal(m, 0) on a copy, then np.unravel_index(m.argmax(), m.shape) gives "
        "(row, column).",
    ],
    solution_code="""
        most_common_mistake = (4, 9)
    """,
)


def _check_worst_digit(answer: Any) -> None:
    digit = whole_number(answer, "your digit")
    if not 0 <= digit <= 9:
        raise Incorrect(f"Digits go from 0 to 9, not {digit}.")
    recall = np.diag(CONFUSION) / CONFUSION.sum(axis=1)
    want = int(np.argmin(recall))
    if digit == want:
        return
    off = CONFUSION - np.diag(np.diag(CONFUSION))
    share = f"{recall[digit]:.1%} of the {CONFUSION[digit].sum()} {digit}s are recognised"
    if digit == int(np.argmin(np.diag(CONFUSION))):
        raise Incorrect(
            f"{digit} has the fewest correct predictions ({CONFUSION[digit, digit]}), but also "
            f"the fewest test images: {share}. Compare fractions, the diagonal divided by the "
            "row's total, not counts."
        )
    if digit == int(np.argmax(off.sum(axis=0))):
        raise Incorrect(
            f"{digit} is the digit the model most often answers wrongly (column {digit} off the "
            f"diagonal), but the question is which digit's images it gets right least often: "
            f"rows, not columns. {share}."
        )
    raise Incorrect(f"{share}; another digit does worse. Compare each row's diagonal / total.")


q7 = Exercise(
    "Question 7: the digit recognised least often",
    _check_worst_digit,
    hints=[
        "The digits do not have the same number of test images: compare fractions, not counts.",
        "For each row, divide the diagonal number by the row's total: the fraction of that "
        "digit's images that are recognised (its recall).",
        "np.diag(m) / m.sum(axis=1) gives the ten fractions; np.argmin finds the smallest.",
    ],
    solution_code="""
        worst_digit = 9
    """,
)


# --- q8: the misclassified images of one digit -----------------------------------------------

# (step of confusion_sample, digit): mistakes to find, another digit, a digit without mistakes.
MISCLASSIFIED_CASES = [(3, 2), (7, 4), (9, 5)]


def _reference_misclassified(labels: np.ndarray, probabilities: np.ndarray, digit: int) -> list:
    predicted = probabilities.argmax(axis=1)
    return np.flatnonzero((labels == digit) & (predicted != labels)).tolist()


def _check_misclassified(misclassified: Any) -> None:
    expect_function(misclassified, "misclassified")
    for step, digit in MISCLASSIFIED_CASES:
        labels, probabilities = confusion_sample(step)
        call = f"misclassified(labels, probabilities, {digit})"
        with learner_errors("your misclassified"):
            out = misclassified(labels.copy(), probabilities.copy(), digit)
        given = expect_array(out, f"what {call} returned")
        predicted = probabilities.argmax(axis=1)
        want = _reference_misclassified(labels, probabilities, digit)
        if given.dtype == bool:
            if given.shape == labels.shape and given.tolist() == list(
                (labels == digit) & (predicted != labels)
            ):
                raise Incorrect(
                    f"{call} returned a True/False mask: give the image numbers (indices), "
                    "np.flatnonzero(mask)."
                )
            raise Incorrect(f"{call} returned True/False values: give the image numbers.")
        if given.ndim != 1:
            raise Incorrect(
                f"{call} should return a flat list of image numbers, not a {given.ndim}-D array."
            )
        found = [int(i) for i in given.tolist()]
        if len(set(found)) != len(found):
            raise Incorrect(f"{call} lists an image more than once: {found}.")
        if sorted(found) == want:
            continue
        _explain_misclassified(call, set(found), labels, predicted, digit)


def _explain_misclassified(
    call: str, found: set[int], labels: np.ndarray, predicted: np.ndarray, digit: int
) -> None:
    truly = set(np.flatnonzero(labels == digit).tolist())
    wrong = set(np.flatnonzero(predicted != labels).tolist())
    called = set(np.flatnonzero(predicted == digit).tolist())
    if found == called & wrong:
        raise Incorrect(
            f"{call} gives the images the model *called* a {digit} wrongly: these are other "
            f"digits. You want the images that *are* {digit}s (labels == {digit}) and were "
            "called something else."
        )
    if found == wrong:
        raise Incorrect(
            f"{call} gives every misclassified image: keep only those whose true label is {digit}."
        )
    if found == truly:
        raise Incorrect(
            f"{call} gives every {digit} in the sample: keep only those the model got wrong, "
            "where the predicted digit, probabilities.argmax(axis=1), differs from the label "
            "(the highest probability itself, .max(axis=1), is not a digit)."
        )
    if found == truly - wrong:
        raise Incorrect(f"{call} gives the {digit}s the model got right: you want the others.")
    want = truly & wrong
    missing, extra = sorted(want - found), sorted(found - want)
    if missing:
        i = missing[0]
        raise Incorrect(
            f"{call} leaves out image {i}: a {digit} that the model took for a {predicted[i]}."
        )
    i = extra[0]
    what = f"a {labels[i]}" if labels[i] != digit else f"a {digit} the model got right"
    raise Incorrect(f"{call} lists image {i}, which is {what}.")


q8 = Exercise(
    "Question 8: the digits a model gets wrong",
    _check_misclassified,
    hints=[
        "The predicted digit of each image is the one with the highest probability: "
        "probabilities.argmax(axis=1).",
        "You want images whose label is the digit AND whose prediction is not their label: "
        "two conditions combined with &.",
        "np.flatnonzero((labels == digit) & (predicted != labels)) gives their indices.",
    ],
    solution_code='''
        def misclassified(labels, probabilities, digit):
            """Indices of the images of `digit` that the model predicted as another digit."""
            predicted = probabilities.argmax(axis=1)
            return np.flatnonzero((labels == digit) & (predicted != labels))
    ''',
)
