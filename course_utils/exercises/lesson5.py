"""Exercises for lesson 5, callbacks (``exercises/05_callbacks_exercises.ipynb``).

- ``q1``: ``StopAtAccuracy(target)``, a callback that stops training at a target accuracy and
  says so; checked by calling it with made-up logs, without training;
- ``q2``: an ``EarlyStopping`` set up to watch the validation loss;
- ``q3``: a ``ModelCheckpoint`` that keeps the best model.

The checks of callbacks (shared with the capstone) are in ``callback_checks``.
"""

from __future__ import annotations

from typing import Any

from course_utils.exercises.callback_checks import (
    STOP_HINTS,
    STOP_SOLUTION,
    check_stop_callback,
    expect_callback,
    expect_monitor,
)
from course_utils.exercises.framework import Exercise, Incorrect

q1 = Exercise(
    "Question 1: stop at a target accuracy",
    check_stop_callback,
    hints=STOP_HINTS,
    solution_code=STOP_SOLUTION,
)


# --- q2, q3: the built-in callbacks ----------------------------------------------------------


def _check_early_stopping(callback: Any) -> None:
    expect_callback(callback, "EarlyStopping")
    expect_monitor(
        callback,
        "val_loss",
        "the training loss keeps falling even while the network starts memorising its "
        "training images",
    )
    if callback.mode not in ("auto", "min"):
        raise Incorrect(
            f"mode='{callback.mode}' would wait for the loss to grow: leave mode='auto'."
        )
    if callback.patience != 3:
        raise Incorrect(
            f"Your callback's patience is {callback.patience} but should be 3: the number of epochs "
            "without improvement it waits before stopping."
        )
    if not callback.restore_best_weights:
        raise Incorrect(
            "Add restore_best_weights=True: otherwise the model keeps the weights of its last "
            "epoch, 3 epochs after the best one."
        )


q2 = Exercise(
    "Question 2: early stopping",
    _check_early_stopping,
    hints=[
        "keras.callbacks.EarlyStopping(monitor=..., patience=..., restore_best_weights=...)",
        "The validation loss is logged as 'val_loss'.",
        "patience counts the epochs without improvement it waits; restore_best_weights=True "
        "goes back to the best epoch when it stops.",
    ],
    solution_code="""
        early_stopping = keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=3, restore_best_weights=True
        )
    """,
)


def _check_checkpoint(callback: Any) -> None:
    expect_callback(callback, "ModelCheckpoint")
    path = str(callback.filepath)
    if callback.save_weights_only:
        raise Incorrect(
            "Save the whole model (layers, weights and optimizer), so that "
            "keras.models.load_model() can read it back: leave save_weights_only=False."
        )
    if not path.endswith(".keras"):
        raise Incorrect(
            f"Save to a .keras file, Keras 3's format for whole models, e.g. 'best_model.keras'; "
            f"not {path!r}."
        )
    expect_monitor(
        callback,
        "val_accuracy",
        "the best model is the one that does best on images it was not trained on",
    )
    if callback.mode not in ("auto", "max"):
        raise Incorrect(
            f"mode='{callback.mode}' would keep the model with the lowest accuracy: "
            "leave mode='auto'."
        )
    if not callback.save_best_only:
        raise Incorrect(
            "Add save_best_only=True: otherwise it saves after every epoch, best or not."
        )


q3 = Exercise(
    "Question 3: keep the best model",
    _check_checkpoint,
    hints=[
        "keras.callbacks.ModelCheckpoint(filepath, monitor=..., save_best_only=...)",
        "Keras 3 saves whole models to files ending in .keras; the validation accuracy is "
        "logged as 'val_accuracy'.",
        "save_best_only=True writes the file only when the monitored number improves.",
    ],
    solution_code="""
        checkpoint = keras.callbacks.ModelCheckpoint(
            "best_model.keras", monitor="val_accuracy", save_best_only=True
        )
    """,
)
