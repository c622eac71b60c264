"""Lesson 5's exercises: reference answers, typical wrong answers, untouched placeholders.

Wrong callbacks are the reference solution with one typical slip put in. Nothing is trained:
the checker calls on_epoch_end with made-up logs.
"""

from __future__ import annotations

import keras
import pytest
from exercise_helpers import ExerciseNotebook, assert_incorrect, notebook_tests

from course_utils.exercises import State, lesson5

PREAMBLE = """
import keras

from course_utils.exercises import ____
"""
NOTEBOOK = ExerciseNotebook(lesson5, "05_callbacks_exercises.ipynb", PREAMBLE)
run_cell, with_slip = NOTEBOOK.run_cell, NOTEBOOK.with_slip
ANSWERS = {"q1": "StopAtAccuracy", "q2": "early_stopping", "q3": "checkpoint"}
test_solutions_are_correct, test_placeholders_are_not_attempted = notebook_tests(NOTEBOOK, ANSWERS)


# --- q1: StopAtAccuracy ---------------------------------------------------------------------

GET = '(logs or {}).get("accuracy", 0.0)'
COMPARE = "if accuracy >= self.target:"
STOP = "self.model.stop_training = True"


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        ([(GET, 'logs["acc"]')], "Keras 3 logs 'accuracy', not 'acc'"),
        ([(GET, 'logs.get("acc")')], "Keras 3 logs 'accuracy', not 'acc'"),
        ([(GET, 'logs.get("acc", 0.0)')], "Keras 3 logs 'accuracy', not 'acc'"),
        ([(GET, 'logs["val_accuracy"]')], "exists only when fit() gets validation data"),
        ([(GET, 'logs["accurracy"]')], "reads logs['accurracy']"),
        ([(COMPARE, "if accuracy > self.target:")], "compare with >= rather than >"),
        ([(COMPARE, "if accuracy >= self.target - 0.001:")], "stopped training at accuracy 0.9975"),
        ([(COMPARE, "if accuracy >= 0.998:")], "did not stop at 0.95: compare with self.target"),
        ([(COMPARE, "if accuracy >= 0.9:")], "stopped training at accuracy 0.9, below the target"),
        ([(STOP, "pass")], "never stopped training"),
        ([(STOP, "self.stop_training = True")], "set self.stop_training, but Keras looks at"),
        ([(STOP, "self.modle.stop_training = True")], "raised AttributeError"),
        (
            [("print(", "(")],
            "stopped training without saying so",
        ),
        (
            [("(keras.callbacks.Callback)", ""), ("super().__init__()\n", "")],
            "should be a subclass of keras.callbacks.Callback",
        ),
        ([("def on_epoch_end(", "def on_batch_end(")], "has no on_epoch_end method"),
    ],
)
def test_stop_callback_slips(tmp_path, replacements, message):
    callback = run_cell(with_slip("q1", *replacements), tmp_path)["StopAtAccuracy"]
    assert_incorrect(lesson5.q1.check(callback), message)


def test_a_crash_in_the_callback_shows_the_learners_line(tmp_path):
    callback = run_cell(with_slip("q1", (STOP, "self.modle.stop_training = True")), tmp_path)
    message = lesson5.q1.check(callback["StopAtAccuracy"]).message
    assert "Your function StopAtAccuracy.on_epoch_end() raised AttributeError" in message
    assert "self.modle.stop_training = True" in message


def test_an_instance_instead_of_the_class(tmp_path):
    callback = run_cell(lesson5.q1.solution_code, tmp_path)["StopAtAccuracy"]
    result = lesson5.q1.check(callback(0.998))
    assert result.state is State.INCORRECT and "the class itself" in result.message


def test_the_callback_stops_real_training(tmp_path):
    """The reference solution does in fit() what the made-up logs say it does."""
    import numpy as np

    callback = run_cell(lesson5.q1.solution_code, tmp_path)["StopAtAccuracy"]
    x = np.linspace(-1, 1, 64, dtype="float32").reshape(-1, 1)
    y = (x[:, 0] > 0).astype("int32")
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(
        optimizer=keras.optimizers.Adam(0.1),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x, y, epochs=50, verbose=0, callbacks=[callback(0.9)])
    accuracy = history.history["accuracy"]
    assert len(accuracy) < 50 and accuracy[-1] >= 0.9 > max(accuracy[:-1], default=0)


# --- q2: EarlyStopping ----------------------------------------------------------------------


def test_early_stopping_with_the_default_monitor_is_correct():
    callback = keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)
    assert lesson5.q2.check(callback).state is State.CORRECT


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: keras.callbacks.EarlyStopping(
                monitor="loss", patience=3, restore_best_weights=True
            ),
            "the training loss keeps falling",
        ),
        (
            lambda: keras.callbacks.EarlyStopping(
                monitor="val_accuracy", patience=3, restore_best_weights=True
            ),
            "the task asks for the validation loss",
        ),
        (
            lambda: keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True),
            "patience is 5 but should be 3",
        ),
        (lambda: keras.callbacks.EarlyStopping(patience=3), "Add restore_best_weights=True"),
        (
            lambda: keras.callbacks.EarlyStopping(
                patience=3, restore_best_weights=True, mode="max"
            ),
            "mode='max' would wait for the loss to grow",
        ),
        (lambda: keras.callbacks.EarlyStopping, "Make one by calling it"),
        (lambda: keras.callbacks.ModelCheckpoint("a.keras"), "not a ModelCheckpoint"),
    ],
)
def test_early_stopping_mistakes(make, message):
    assert_incorrect(lesson5.q2.check(make()), message)


# --- q3: ModelCheckpoint --------------------------------------------------------------------


def test_checkpoint_with_a_path_object_is_correct(tmp_path):
    callback = keras.callbacks.ModelCheckpoint(
        tmp_path / "best.keras", monitor="val_accuracy", save_best_only=True
    )
    assert lesson5.q3.check(callback).state is State.CORRECT


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: keras.callbacks.ModelCheckpoint(
                "best.h5", monitor="val_accuracy", save_best_only=True
            ),
            "Save to a .keras file",
        ),
        (
            lambda: keras.callbacks.ModelCheckpoint(
                "best.weights.h5",
                monitor="val_accuracy",
                save_best_only=True,
                save_weights_only=True,
            ),
            "Save the whole model",
        ),
        (
            lambda: keras.callbacks.ModelCheckpoint("best.keras", save_best_only=True),
            "the task asks for the validation accuracy",
        ),
        (
            lambda: keras.callbacks.ModelCheckpoint(
                "best.keras", monitor="accuracy", save_best_only=True
            ),
            "images it was not trained on",
        ),
        (
            lambda: keras.callbacks.ModelCheckpoint("best.keras", monitor="val_accuracy"),
            "Add save_best_only=True",
        ),
        (
            lambda: keras.callbacks.ModelCheckpoint(
                "best.keras", monitor="val_accuracy", save_best_only=True, mode="min"
            ),
            "lowest accuracy",
        ),
        (
            lambda: keras.callbacks.EarlyStopping(),
            "should be a keras.callbacks.ModelCheckpoint(...), not an EarlyStopping",
        ),
    ],
)
def test_checkpoint_mistakes(make, message):
    assert_incorrect(lesson5.q3.check(make()), message)
