"""The capstone (``exercises/07_capstone.ipynb``): one Conv2D, one MaxPooling2D, 99.8%.

- ``q1``: ``StopAtAccuracy(target, monitor="accuracy")`` stops training when the number its
  ``monitor`` names (the training accuracy, or ``"val_accuracy"``) reaches the target, and
  says so with the epoch; checked with made-up logs, as in lesson 5;
- ``q2``: ``(model, history)`` reaches 99.8% training accuracy on MNIST in fewer than
  20 epochs, stopped by the callback;
- ``q3``: ``(model, history)`` of the same network on Fashion-MNIST reaches ``FASHION_TARGET``.

The checks read the model's layers and the History that ``fit()`` returned: no number in
them depends on a random seed, only on whether the targets were reached.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from course_utils.exercises.callback_checks import (
    STOP_AT_ACCURACY,
    epoch_in_message,
    run_stop_callback,
    stop_callback_checker,
)
from course_utils.exercises.framework import Exercise, Incorrect
from course_utils.exercises.model_checks import expect_model_and_history, layer_summary

MNIST_TARGET = 0.998
# Measured with the solution's network on the full Fashion-MNIST: 92.4% training accuracy after
# 3 epochs, 93.8% after 4 (test: 90%), 98.2% after 10 (test: 91%). In fast mode (500 images)
# the reference solution reaches it too: test_exercise_notebooks.py runs it there.
FASHION_TARGET = 0.93
MAX_EPOCHS = 20  # "in under 20 epochs": at most 19

STOP_AT_VAL_ACCURACY = dataclasses.replace(
    STOP_AT_ACCURACY,
    key="val_accuracy",
    what="the number its monitor names, here the validation accuracy",
    extra={"monitor": "val_accuracy"},
)


def _check_stop_at_accuracy(cls: Any) -> None:
    stop_callback_checker(STOP_AT_ACCURACY)(cls)
    stop_callback_checker(STOP_AT_VAL_ACCURACY)(cls)
    run = run_stop_callback(cls, STOP_AT_ACCURACY)
    problem = epoch_in_message(run.said, run.stopped_at)
    if problem:
        raise Incorrect(problem)
    run = run_stop_callback(cls, STOP_AT_VAL_ACCURACY)
    if "val_accuracy" not in run.said:
        raise Incorrect(
            "With monitor='val_accuracy' your message should say what reached the target: "
            "print self.monitor in it."
        )


q1 = Exercise(
    "Capstone, part 1: a callback that stops training",
    _check_stop_at_accuracy,
    hints=[
        "Keep monitor in __init__ (self.monitor = monitor), and read logs[self.monitor] in "
        "on_epoch_end: 'accuracy' by default, 'val_accuracy' when asked.",
        "Compare it with self.target using >= (reaching the target counts), then set "
        "self.model.stop_training = True.",
        "on_epoch_end gets the epoch counted from 0; Keras prints it counted from 1: "
        "print(f'Epoch {epoch + 1}: {self.monitor} reached ...').",
    ],
    solution_code='''
        class StopAtAccuracy(keras.callbacks.Callback):
            """Stop training once `monitor` (the training accuracy by default) reaches `target`."""

            def __init__(self, target, monitor="accuracy"):
                super().__init__()
                self.target = target
                self.monitor = monitor

            def on_epoch_end(self, epoch, logs=None):
                value = (logs or {}).get(self.monitor, 0.0)
                if value >= self.target:
                    print(f"\\nEpoch {epoch + 1}: {self.monitor} {value:.2%} reached the target.")
                    self.model.stop_training = True
    ''',
)


def _check_structure(model: Any) -> None:
    """Exactly one Conv2D and one MaxPooling2D, and no other convolution or pooling."""
    kinds = [summary.kind for summary in layer_summary(model)]
    for word, wanted in (("Conv", "Conv2D"), ("Pool", "MaxPooling2D")):
        found = [kind for kind in kinds if word in kind]
        if found == [wanted]:
            continue
        if not found:
            raise Incorrect(f"Your model has no {wanted} layer: the capstone needs exactly one.")
        if len(found) > 1:
            raise Incorrect(
                f"Your model has {len(found)} layers of this kind ({', '.join(found)}): "
                f"the capstone allows exactly one {wanted}."
            )
        raise Incorrect(f"Your model uses {found[0]}: the capstone asks for {wanted}.")


def _check_history(model: Any, history: Any, target: float) -> None:
    log = history.history
    if "accuracy" not in log:
        if "acc" in log:
            raise Incorrect(
                "You compiled with metrics=['acc']: use metrics=['accuracy'], the name your "
                "callback reads."
            )
        raise Incorrect("Your history has no training accuracy: compile with metrics=['accuracy'].")
    accuracy = [float(a) for a in log["accuracy"]]
    epochs = len(accuracy)
    if epochs == 0:
        raise Incorrect("Your history is empty: train the model with model.fit(...).")
    if epochs >= MAX_EPOCHS:
        raise Incorrect(
            f"Training ran for {epochs} epochs: reach the target in fewer than {MAX_EPOCHS}."
        )
    first = next((i for i, a in enumerate(accuracy) if a >= target), None)
    if first is None and model.stop_training:
        raise Incorrect(
            f"Training stopped after epoch {epochs} at {accuracy[-1]:.2%} training accuracy, "
            f"short of the {target:.1%} target: something stopped it before the target. Is your "
            f"callback's target {target}? Pass callbacks=[StopAtAccuracy({target})]."
        )
    if first is None:
        raise Incorrect(
            f"Training accuracy reached {max(accuracy):.2%} at best in {epochs} epochs, short of "
            f"the {target:.1%} target. Train longer (up to {MAX_EPOCHS - 1} epochs), or give the "
            "network more filters or a larger Dense layer."
        )
    if first < epochs - 1:
        raise Incorrect(
            f"Training went on after reaching {accuracy[first]:.2%} in epoch {first + 1}: your "
            "callback should stop at the first epoch that reaches the target."
        )
    if not model.stop_training:
        raise Incorrect(
            f"Training reached the target in its last epoch, {epochs}, but it was epochs={epochs} "
            f"that ended it, not your callback: pass callbacks=[StopAtAccuracy({target})] and "
            f"let fit() run for up to {MAX_EPOCHS - 1} epochs."
        )


def _training_checker(target: float) -> Callable[[Any], None]:
    def check(answer: Any) -> None:
        model, history = expect_model_and_history(answer)
        _check_structure(model)
        _check_history(model, history, target)

    return check


q2 = Exercise(
    "Capstone, part 2: 99.8% on MNIST",
    _training_checker(MNIST_TARGET),
    hints=[
        "Start from lesson 4's network and keep one Conv2D and one MaxPooling2D: for example "
        "Conv2D(64, 3, activation='relu'), MaxPooling2D(2), Flatten, a Dense layer, and "
        "Dense(10, activation='softmax').",
        "Compile with optimizer='adam', loss='sparse_categorical_crossentropy' and "
        "metrics=['accuracy'].",
        "history = model.fit(x_train, y_train, epochs=19, callbacks=[StopAtAccuracy(0.998)])",
    ],
    solution_code='''
        from keras import layers


        def build_model():
            """One Conv2D and one MaxPooling2D, then a small classifier, compiled."""
            model = keras.Sequential(
                [
                    keras.Input(shape=(28, 28, 1)),
                    layers.Conv2D(64, 3, activation="relu"),
                    layers.MaxPooling2D(2),
                    layers.Flatten(),
                    layers.Dense(128, activation="relu"),
                    layers.Dense(10, activation="softmax"),
                ]
            )
            model.compile(
                optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
            )
            return model


        model = build_model()
        history = model.fit(
            x_train, y_train, epochs=19, callbacks=[StopAtAccuracy(0.998)], verbose=2
        )
    ''',
)

q3 = Exercise(
    f"Capstone, part 3: {FASHION_TARGET:.0%} on Fashion-MNIST",
    _training_checker(FASHION_TARGET),
    hints=[
        "Build a fresh copy of the same network (call the code or function you wrote in "
        "part 2 again), so that it starts from random weights.",
        f"Train it on the Fashion-MNIST arrays with callbacks=[StopAtAccuracy({FASHION_TARGET})].",
        "Then fashion_model.evaluate(x_test_fashion, y_test_fashion) tells you how it does on "
        "clothes it has never seen.",
    ],
    solution_code=f"""
        fashion_model = build_model()  # the same network, starting afresh
        fashion_history = fashion_model.fit(
            x_train_fashion,
            y_train_fashion,
            epochs=19,
            callbacks=[StopAtAccuracy({FASHION_TARGET})],
            verbose=2,
        )
        test_loss, test_accuracy = fashion_model.evaluate(x_test_fashion, y_test_fashion, verbose=0)
        print(f"Accuracy on test clothes: {{test_accuracy:.1%}}")
    """,
)
