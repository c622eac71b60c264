"""Checks of a learner's Keras callbacks, without training: made-up logs, a stand-in model.

Used by lesson 5 and the capstone:

- ``stop_callback_checker``: a checker for a class like ``StopAtLoss(target)`` that stops
  training once a logged number reaches a target and says so; ``run_stop_callback`` calls
  its ``on_epoch_end`` with made-up logs (a ``StopTask`` such as ``STOP_AT_LOSS`` describes
  them) and ``epoch_in_message`` reads what it printed;
- ``replay_early_stopping``: run a learner's ``keras.callbacks.EarlyStopping(...)`` on a
  stored history and see when it stops and whose weights it keeps;
- ``expect_callback`` and ``expect_monitor`` start the checks of a built-in callback.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course_utils.exercises.framework import Incorrect, learner_errors


class _Logs(dict):
    """The ``logs`` dict Keras passes to ``on_epoch_end``, remembering the keys read from it."""

    def __init__(self, **values: float) -> None:
        super().__init__(values)
        self.read: list[Any] = []

    def __getitem__(self, key: Any) -> Any:
        self.read.append(key)
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self.read.append(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.append(key)
        return super().__contains__(key)


class _Model:
    """Stands in for the model: all a stopping callback needs is ``stop_training``.

    For ``EarlyStopping`` its "weights" are the number of the epoch they come from.
    """

    def __init__(self) -> None:
        self.stop_training = False
        self.epoch = 0  # the last epoch trained, counted from 1
        self.weights_from = 0

    def get_weights(self) -> list[np.ndarray]:
        return [np.array(self.epoch)]

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        self.weights_from = int(weights[0])


@dataclass(frozen=True)
class StopTask:
    """What a stopping callback must do: stop at the first epoch where ``key`` reaches
    ``target`` (>= for "max", <= for "min"), and say so.

    ``values`` reach the target exactly at index ``stops_at``; ``other`` is a second
    (target, values) run that stops at its index 1, to catch a target written into the code.
    """

    name: str  # the class, e.g. "StopAtLoss"
    key: str  # the logged number it watches, e.g. "loss"
    mode: str  # "max" (accuracy) or "min" (loss)
    target: float
    values: tuple[float, ...]
    stops_at: int
    other: tuple[float, tuple[float, float]]
    what: str  # in words, e.g. "the training loss"
    extra: dict[str, Any] = field(default_factory=dict)  # keyword arguments of the class

    @property
    def reaches(self) -> str:
        return ">=" if self.mode == "max" else "<="

    def logs(self, value: float) -> dict[str, float]:
        """Made-up logs of one epoch: the watched number, and the others Keras logs with it."""
        if self.mode == "max":
            accuracy, loss = value, round(2 * (1 - value), 4)
        else:
            accuracy, loss = round(1 - value / 2, 4), value
        if not self.key.startswith("val_"):
            return {"loss": loss, "accuracy": accuracy}
        # The training numbers are better than the validation ones, as they usually are: a
        # callback that reads them instead stops too early.
        better = {"loss": round(loss / 2, 4), "accuracy": round((1 + accuracy) / 2, 4)}
        return better | {"val_loss": loss, "val_accuracy": accuracy}


STOP_AT_ACCURACY = StopTask(
    name="StopAtAccuracy",
    key="accuracy",
    mode="max",
    target=0.998,
    values=(0.9, 0.97, 0.9975, 0.998, 0.9993),
    stops_at=3,
    other=(0.9, (0.85, 0.95)),
    what="the training accuracy",
)
STOP_AT_LOSS = StopTask(
    name="StopAtLoss",
    key="loss",
    mode="min",
    target=0.05,
    values=(0.9, 0.35, 0.12, 0.05, 0.03),
    stops_at=3,
    other=(0.2, (0.3, 0.15)),
    what="the training loss",
)


@dataclass
class StopRun:
    """What a stopping callback did over a few made-up epochs (``run_stop_callback``)."""

    callback: Any
    stopped_at: int | None = None  # the epoch (from 0) that set stop_training
    said: str = ""  # what it printed in that epoch
    read: set[Any] = field(default_factory=set)


def run_stop_callback(
    cls: type, task: StopTask, target: float | None = None, values: Sequence[float] = ()
) -> StopRun:
    """Make ``cls(target, **task.extra)`` and call its ``on_epoch_end`` with made-up logs.

    By default the task's target and values; stops at the epoch that sets
    ``model.stop_training``. A crash is the learner's (lesson 5).
    """
    target = task.target if target is None else target
    values = values or task.values
    arguments = ", ".join([repr(target), *(f"{k}={v!r}" for k, v in task.extra.items())])
    with learner_errors(f"{cls.__name__}({arguments})"):
        callback = cls(target, **task.extra)
    model = _Model()
    callback.set_model(model)
    run = StopRun(callback)
    for epoch, value in enumerate(values):
        logs, printed = _Logs(**task.logs(value)), io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                callback.on_epoch_end(epoch, logs)
        except Exception as error:
            _explain_keys(logs.read, task)
            with learner_errors(f"your {cls.__name__}.on_epoch_end"):
                raise error from None
        run.read.update(key for key in logs.read if isinstance(key, str))
        if model.stop_training:
            run.stopped_at, run.said = epoch, printed.getvalue()
            break
    return run


def _explain_keys(read: Sequence[Any], task: StopTask) -> None:
    """Fail with a specific message when the callback read a key other than ``task.key``."""
    key = task.key
    for wrong in read:
        if wrong == key:
            continue
        if wrong == "acc" and key == "accuracy":
            raise Incorrect(
                "Your callback reads logs['acc'], but Keras 3 logs 'accuracy', not 'acc': it uses "
                "the name given in compile(metrics=['accuracy']). Read logs['accuracy']."
            )
        if isinstance(wrong, str) and wrong.startswith("val_") and not key.startswith("val_"):
            raise Incorrect(
                f"Your callback reads {wrong!r}, which exists only when fit() gets validation "
                f"data: this callback watches {task.what}, logs[{key!r}]."
            )
        if wrong in ("loss", "accuracy", "val_loss", "val_accuracy"):
            raise Incorrect(
                f"Your callback reads logs[{wrong!r}], but it should watch {task.what}, "
                f"logs[{key!r}]."
            )
        raise Incorrect(
            f"Your callback reads logs[{wrong!r}], which Keras does not log: it should watch "
            f"{task.what}, logs[{key!r}]."
        )


def _expect_callback_class(cls: Any, name: str) -> None:
    import keras  # noqa: PLC0415  (imported here: `import course_utils` must stay light)

    if isinstance(cls, keras.callbacks.Callback):
        raise Incorrect(
            f"check() takes the class itself, not a callback made from it: .check({name}), "
            "without parentheses."
        )
    if not inspect.isclass(cls):
        raise Incorrect(f"Give check() your class, not a {type(cls).__name__}.")
    if not issubclass(cls, keras.callbacks.Callback):
        raise Incorrect(
            f"{cls.__name__} should be a subclass of keras.callbacks.Callback, so that fit() "
            f"can call it: class {cls.__name__}(keras.callbacks.Callback)."
        )
    if cls.on_epoch_end is keras.callbacks.Callback.on_epoch_end:
        raise Incorrect(
            f"{cls.__name__} has no on_epoch_end method: Keras calls "
            "on_epoch_end(self, epoch, logs=None) after every epoch."
        )


def stop_callback_checker(task: StopTask) -> Callable[[Any], None]:
    """A checker for a class that stops training when ``task.key`` reaches its target.

    The class is made with ``cls(target, **task.extra)`` and its ``on_epoch_end`` called
    with made-up logs; a second target catches a number written into the code. (Lesson 5
    and the capstone.)
    """

    def check(cls: Any) -> None:
        _expect_callback_class(cls, task.name)
        run = run_stop_callback(cls, task)
        if task.key not in run.read:
            _explain_keys(sorted(run.read, key=str), task)
        if run.stopped_at is None:
            if getattr(run.callback, "stop_training", False) is True:
                raise Incorrect(
                    "Your callback set self.stop_training, but Keras looks at the model's flag: "
                    "self.model.stop_training = True."
                )
            raise Incorrect(
                f"Your callback never stopped training, even at {task.key} "
                f"{task.values[task.stops_at]} and {task.values[-1]} with target {task.target}: "
                f"set self.model.stop_training = True once logs[{task.key!r}] {task.reaches} "
                "self.target."
            )
        _explain_when(run, task)
        _explain_message(run, task)
        other_target, other_values = task.other
        other = run_stop_callback(cls, task, other_target, other_values)
        if other.stopped_at != 1:
            happened = (
                f"stopped at {other_values[0]}"
                if other.stopped_at == 0
                else f"did not stop at {other_values[1]}"
            )
            raise Incorrect(
                f"With {task.name}({other_target}) your callback {happened}: compare with "
                "self.target, not with a number written into on_epoch_end."
            )

    return check


def _explain_when(run: StopRun, task: StopTask) -> None:
    stopped, value = run.stopped_at, task.values[run.stopped_at]
    if stopped < task.stops_at:
        side = "below" if task.mode == "max" else "above"
        direction = "" if task.mode == "max" else f"{task.what} goes down, so "
        raise Incorrect(
            f"Your callback stopped training at {task.key} {value}, {side} the target "
            f"{task.target}: {direction}stop only when logs[{task.key!r}] {task.reaches} "
            "self.target."
        )
    if stopped > task.stops_at:
        strict = task.reaches[0]
        raise Incorrect(
            f"Your callback did not stop at {task.key} {task.values[task.stops_at]}, exactly "
            f"the target: reaching the target includes being equal to it, so compare with "
            f"{task.reaches} rather than {strict}."
        )


def _explain_message(run: StopRun, task: StopTask) -> None:
    if not run.said.strip():
        raise Incorrect(
            "Your callback stopped training without saying so: print a message when it "
            "stops, e.g. print(f'Reached the target {self.target}: stopping training.')"
        )


def epoch_in_message(said: str, epoch: int) -> str | None:
    """None if the message names epoch ``epoch + 1`` (as Keras counts), else what is wrong."""
    numbers = {int(n) for n in re.findall(r"(?<![\d.])\d+(?![\d.])", said)}
    if epoch + 1 in numbers:
        return None
    if epoch in numbers:
        return (
            f"Your message says epoch {epoch}, but Keras calls that epoch {epoch + 1}: "
            "on_epoch_end gets the epoch counted from 0, so print epoch + 1."
        )
    return f"Your message should say at which epoch training stopped ({epoch + 1} here)."


# --- Keras's own callbacks -------------------------------------------------------------------


def expect_callback(callback: Any, name: str) -> None:
    """Fail unless ``callback`` is a ``keras.callbacks.<name>`` made by calling it (lesson 5)."""
    import keras  # noqa: PLC0415  (imported here: `import course_utils` must stay light)

    wanted = getattr(keras.callbacks, name)
    if callback is wanted:
        raise Incorrect(f"Make one by calling it: keras.callbacks.{name}(...).")
    if not isinstance(callback, wanted):
        given = type(callback).__name__
        article = "an" if given[:1].lower() in "aeiou" else "a"
        raise Incorrect(f"This should be a keras.callbacks.{name}(...), not {article} {given}.")


def expect_monitor(callback: Any, wanted: str, why_not_training: str) -> None:
    """Fail unless the callback watches ``wanted``, e.g. "val_loss" (lesson 5).

    ``why_not_training`` says why the training metric ("loss") is the wrong one to watch.
    """
    if callback.monitor == wanted:
        return
    metric = wanted.removeprefix("val_")
    why = (
        why_not_training
        if callback.monitor == metric
        else f"the task asks for the validation {metric}"
    )
    raise Incorrect(f"Your callback watches '{callback.monitor}', but {why}: monitor='{wanted}'.")


def replay_early_stopping(callback: Any, val_loss: Sequence[float]) -> tuple[int | None, int]:
    """Run an ``EarlyStopping`` on a stored validation-loss history, without training.

    Returns (the epoch it stopped after, or None if it never stopped; the epoch whose
    weights the model ends with), epochs counted from 1 (lesson 5).
    """
    # On a copy: the learner's callback stays as it was, ready for a real fit. And from a new
    # callback's starting point: Keras 3.13 (Colab's) keeps `best` from an earlier run, so a
    # second check, or a callback already used in fit(), would otherwise stop too early.
    callback = copy.copy(callback)
    callback.best = callback.baseline
    model = _Model()
    callback.set_model(model)
    callback.on_train_begin()
    stopped = None
    for epoch, value in enumerate(val_loss):
        model.epoch = model.weights_from = epoch + 1
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, {"loss": value * 0.8, "val_loss": value})
        if model.stop_training:
            stopped = epoch + 1
            break
    with contextlib.redirect_stdout(io.StringIO()):  # verbose=1 would print its own lines
        callback.on_train_end()
    return stopped, model.weights_from
