"""Checks of a learner's Keras callbacks, without training: made-up logs, a stand-in model.

Used by lesson 5 and the capstone: ``check_stop_callback`` (with ``STOP_HINTS`` and
``STOP_SOLUTION``) checks a ``StopAtAccuracy(target)`` class by calling its
``on_epoch_end`` with made-up logs; ``expect_callback`` and ``expect_monitor`` start the
checks of a built-in callback such as ``keras.callbacks.EarlyStopping(...)``.
"""

from __future__ import annotations

import contextlib
import inspect
import io
from dataclasses import dataclass, field
from typing import Any

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
    """Stands in for the model: all a stopping callback needs is ``stop_training``."""

    def __init__(self) -> None:
        self.stop_training = False


@dataclass
class _Run:
    """What a callback did over a few made-up epochs."""

    callback: Any
    stopped_at: int | None = None  # the epoch (from 0) that set stop_training
    said: str = ""  # what it printed in that epoch
    read: set[Any] = field(default_factory=set)


def _run(cls: type, target: float, accuracies: list[float]) -> _Run:
    with learner_errors(f"{cls.__name__}({target})"):
        callback = cls(target)
    model = _Model()
    callback.set_model(model)
    run = _Run(callback)
    for epoch, accuracy in enumerate(accuracies):
        logs, printed = _Logs(loss=round(2 * (1 - accuracy), 4), accuracy=accuracy), io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                callback.on_epoch_end(epoch, logs)
        except Exception as error:
            _explain_keys(logs.read)
            with learner_errors(f"your {cls.__name__}.on_epoch_end"):
                raise error from None
        run.read.update(key for key in logs.read if isinstance(key, str))
        if model.stop_training:
            run.stopped_at, run.said = epoch, printed.getvalue()
            break
    return run


def _explain_keys(read: list[Any]) -> None:
    """Fail with a specific message when the callback read a key that the logs do not have."""
    for key in read:
        if key in ("accuracy", "loss"):
            continue
        if key == "acc":
            raise Incorrect(
                "Your callback reads logs['acc'], but Keras 3 logs 'accuracy', not 'acc': it uses "
                "the name given in compile(metrics=['accuracy']). Read logs['accuracy']."
            )
        if key == "val_accuracy":
            raise Incorrect(
                "Your callback reads 'val_accuracy', which exists only when fit() gets validation "
                "data: this callback watches the training accuracy, logs['accuracy']."
            )
        raise Incorrect(
            f"Your callback reads logs[{key!r}], but the logs hold 'loss' and 'accuracy': "
            "read logs['accuracy']."
        )


def _expect_callback_class(cls: Any) -> None:
    import keras  # noqa: PLC0415  (imported here: `import course_utils` must stay light)

    if isinstance(cls, keras.callbacks.Callback):
        raise Incorrect(
            "check() takes the class itself, not a callback made from it: "
            ".check(StopAtAccuracy), without parentheses."
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


CLIMB = [0.90, 0.97, 0.9975, 0.998, 0.9993]  # reaches the target 0.998 exactly, at epoch 3


def check_stop_callback(cls: Any) -> None:
    """Checker for a ``StopAtAccuracy(target)`` class (lesson 5 and the capstone)."""
    _expect_callback_class(cls)
    run = _run(cls, 0.998, CLIMB)
    if run.stopped_at is None:
        _explain_keys(sorted(run.read))
        if getattr(run.callback, "stop_training", False) is True:
            raise Incorrect(
                "Your callback set self.stop_training, but Keras looks at the model's flag: "
                "self.model.stop_training = True."
            )
        raise Incorrect(
            "Your callback never stopped training, even at accuracy 0.998 and 0.9993 with "
            "target 0.998: set self.model.stop_training = True once logs['accuracy'] >= "
            "self.target."
        )
    if run.stopped_at < 3:
        raise Incorrect(
            f"Your callback stopped training at accuracy {CLIMB[run.stopped_at]}, below the "
            "target 0.998: stop only when logs['accuracy'] >= self.target."
        )
    if run.stopped_at > 3:
        raise Incorrect(
            "Your callback did not stop at accuracy 0.998, exactly the target: reaching the "
            "target includes being equal to it, so compare with >= rather than >."
        )
    if not run.said.strip():
        raise Incorrect(
            "Your callback stopped training without saying so: print a message when it "
            "stops, e.g. print(f'Reached {self.target:.1%} accuracy, so stopping training.')"
        )
    other = _run(cls, 0.9, [0.85, 0.95])
    if other.stopped_at != 1:
        happened = "stopped at 0.85" if other.stopped_at == 0 else "did not stop at 0.95"
        raise Incorrect(
            f"With StopAtAccuracy(0.9) your callback {happened}: compare with self.target, "
            "not with a number written into on_epoch_end."
        )


STOP_HINTS = [
    "Keras calls on_epoch_end(epoch, logs) after every epoch; logs['accuracy'] is the training "
    "accuracy of that epoch.",
    "Compare it with self.target using >= (reaching the target counts), and then set "
    "self.model.stop_training = True.",
    "Say why training stops with print(...), in the same if block.",
]

STOP_SOLUTION = '''
class StopAtAccuracy(keras.callbacks.Callback):
    """Stop training once the training accuracy reaches `target`, and say so."""

    def __init__(self, target):
        super().__init__()
        self.target = target

    def on_epoch_end(self, epoch, logs=None):
        accuracy = (logs or {}).get("accuracy", 0.0)
        if accuracy >= self.target:
            print(f"\\nReached {accuracy:.2%} accuracy (target {self.target:.1%}): stopping.")
            self.model.stop_training = True
'''


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
