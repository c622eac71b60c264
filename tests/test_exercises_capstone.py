"""The capstone's checks: typical wrong answers (checked on made-up histories, without
training) get their own message; placeholders are not attempted. The reference solutions are
trained in test_exercise_notebooks.py, which runs the notebook filled with them.
"""

from __future__ import annotations

from pathlib import Path

import keras
import pytest
from exercise_helpers import (
    ExerciseNotebook,
    assert_incorrect,
    progress_file,  # noqa: F401  (autouse: checks record into a temporary file)
)
from keras import layers

from course_utils.exercises import State, ____, capstone

# What the notebook's earlier cells define (fast mode: 500 training images of each data set).
PREAMBLE = """
import course_utils

course_utils.setup()

import keras

from course_utils import data
from course_utils.exercises import ____

(x_train, y_train), (x_test, y_test) = data.load_mnist()
x_train, x_test = data.as_model_input(x_train), data.as_model_input(x_test)
(x_train_fashion, y_train_fashion), (x_test_fashion, y_test_fashion) = data.load_fashion_mnist()
x_train_fashion = data.as_model_input(x_train_fashion)
x_test_fashion = data.as_model_input(x_test_fashion)
"""
NOTEBOOK = ExerciseNotebook(capstone, "07_capstone.ipynb", PREAMBLE)
answer_cell = NOTEBOOK.answer_cell


def run_cells(sources: list[str], tmp_path: Path) -> dict:
    """Run cells one after the other, from a file so that inspect can read their code."""
    return NOTEBOOK.run_cell("\n\n".join(sources), tmp_path)


# The reference solutions themselves are trained once, in the notebook:
# test_exercise_notebooks.py fills 07_capstone.ipynb with them and runs it with
# COURSE_STRICT=1, where a check that is not "Correct" fails the test.


def test_placeholders_are_not_attempted(tmp_path):
    namespace = run_cells([answer_cell("q1"), answer_cell("q2"), answer_cell("q3")], tmp_path)
    assert capstone.q1.check(namespace["StopAtAccuracy"]).state is State.NOT_ATTEMPTED
    pair = (namespace["model"], namespace["history"])
    assert capstone.q2.check(pair).state is State.NOT_ATTEMPTED
    pair = (namespace["fashion_model"], namespace["fashion_history"])
    assert capstone.q3.check(pair).state is State.NOT_ATTEMPTED


GET = ".get(self.monitor, 0.0)"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (GET, '.get("acc", 0.0)', "Keras 3 logs 'accuracy', not 'acc'"),
        (
            GET,
            '.get("accuracy", 0.0)',
            "reads logs['accuracy'], but it should watch the number its monitor names, here the "
            "validation accuracy, logs['val_accuracy']",
        ),
        (GET, '.get("loss", 0.0)', "reads logs['loss'], but it should watch the training accuracy"),
        ('monitor="accuracy"', 'monitor="val_accuracy"', "exists only when fit() gets validation"),
        ("{epoch + 1}", "{epoch}", "Your message says epoch 3, but Keras calls that epoch 4"),
        ("Epoch {epoch + 1}: ", "", "Your message should say at which epoch training stopped"),
        ("{self.monitor} ", "", "your message should say what reached the target"),
        ("value >= self.target", "value > self.target", "compare with >= rather than >"),
        (
            'def __init__(self, target, monitor="accuracy"):',
            "def __init__(self, target):",
            "NameError",
        ),
    ],
)
def test_callback_slips(tmp_path, old, new, message):
    assert old in capstone.q1.solution_code
    callback = run_cells([capstone.q1.solution_code.replace(old, new)], tmp_path)
    assert_incorrect(capstone.q1.check(callback["StopAtAccuracy"]), message)


def test_lesson_5s_callback_without_monitor_is_told(tmp_path):
    code = capstone.q1.solution_code.replace(', monitor="accuracy"', "").replace(
        "self.monitor = monitor", 'self.monitor = "accuracy"'
    )
    message = capstone.q1.check(run_cells([code], tmp_path)["StopAtAccuracy"]).message
    assert "StopAtAccuracy(0.998, monitor='val_accuracy') raised TypeError" in message


# --- made-up histories ----------------------------------------------------------------------


def network(*middle) -> keras.Model:
    middle = middle or (layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2))
    return keras.Sequential(
        [keras.Input(shape=(28, 28, 1)), *middle, layers.Flatten(), layers.Dense(10)]
    )


def history_for(model, accuracy, stopped=True, key="accuracy") -> keras.callbacks.History:
    """What fit() would have returned, had training gone this way."""
    history = keras.callbacks.History()
    history.set_model(model)
    history.history = {"loss": [1.0 - a for a in accuracy], key: list(accuracy)}
    history.epoch = list(range(len(accuracy)))
    model.stop_training = stopped  # set by a callback that ends training
    return history


CLIMB = [0.95, 0.98, 0.99, 0.995, 0.9985]


def test_a_made_up_success_is_correct():
    model = network()
    assert capstone.q2.check((model, history_for(model, CLIMB))).state is State.CORRECT
    model = network()  # the pair the other way round is fine too
    assert capstone.q2.check((history_for(model, CLIMB), model)).state is State.CORRECT


@pytest.mark.parametrize(
    ("middle", "message"),
    [
        (
            (layers.Conv2D(32, 3), layers.Conv2D(32, 3), layers.MaxPooling2D(2)),
            "has 2 layers of this kind (Conv2D, Conv2D): the capstone allows exactly one Conv2D",
        ),
        ((layers.Conv2D(32, 3),), "Your model has no MaxPooling2D layer"),
        ((layers.MaxPooling2D(2),), "Your model has no Conv2D layer"),
        (
            (layers.Conv2D(32, 3), layers.AveragePooling2D(2)),
            "Your model uses AveragePooling2D: the capstone asks for MaxPooling2D",
        ),
        (
            (layers.SeparableConv2D(32, 3), layers.MaxPooling2D(2)),
            "Your model uses SeparableConv2D: the capstone asks for Conv2D",
        ),
        (
            (layers.Conv2D(32, 3), layers.MaxPooling2D(2), layers.MaxPooling2D(2)),
            "exactly one MaxPooling2D",
        ),
    ],
)
def test_structure_mistakes(middle, message):
    model = network(*middle)
    assert_incorrect(capstone.q2.check((model, history_for(model, CLIMB))), message)


@pytest.mark.parametrize(
    ("accuracy", "options", "message"),
    [
        ([0.9] * 19 + [0.999], {}, "Training ran for 20 epochs: reach the target in fewer than 20"),
        (
            [0.95, 0.99, 0.997],
            {"stopped": False},
            "reached 99.70% at best in 3 epochs, short of the 99.8% target",
        ),
        (
            [0.95, 0.98],
            {},
            "Training stopped after epoch 2 at 98.00% training accuracy, short of the 99.8% "
            "target: something stopped it before the target. Is your callback's target 0.998?",
        ),
        ([0.95, 0.998, 0.999], {}, "went on after reaching 99.80% in epoch 2"),
        (CLIMB, {"stopped": False}, "it was epochs=5 that ended it, not your callback"),
        (CLIMB, {"key": "acc"}, "You compiled with metrics=['acc']"),
        (CLIMB, {"key": "sparse_categorical_accuracy"}, "compile with metrics=['accuracy']"),
        ([], {}, "Your history is empty"),
    ],
)
def test_history_mistakes(accuracy, options, message):
    model = network()
    assert_incorrect(capstone.q2.check((model, history_for(model, accuracy, **options))), message)


def test_the_fashion_target_is_its_own():
    model = network()
    result = capstone.q3.check((model, history_for(model, [0.85, 0.9, 0.925])))
    assert result.state is State.INCORRECT and "short of the 93.0% target" in result.message
    model = network()
    assert capstone.q3.check((model, history_for(model, [0.85, 0.93]))).state is State.CORRECT


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda model, history: model, "as a pair: (model, history)"),
        (lambda model, history: (model, history.history), "should be the History"),
        (lambda model, history: (network(), history), "comes from training another model"),
        (lambda model, history: ("model", history), "should be your Keras model, not a str"),
    ],
)
def test_answer_shape_mistakes(answer, message):
    model = network()
    assert_incorrect(capstone.q2.check(answer(model, history_for(model, CLIMB))), message)


def test_half_an_answer_is_not_attempted():
    assert capstone.q2.check((network(), ____)).state is State.NOT_ATTEMPTED
