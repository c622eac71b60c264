"""Exercises for lesson 5, callbacks (``exercises/05_callbacks_exercises.ipynb``).

- ``q1``: ``StopAtLoss(target)``, a callback that stops training once the training loss is
  down to a target and says so; checked by calling it with made-up logs, without training;
- ``q2``: read a stored history: when does ``EarlyStopping`` stop, and whose weights remain?
- ``q3``: choose ``EarlyStopping``'s settings for a noisy history; the learner's callback is
  replayed on it;
- ``q4``: which files ``ModelCheckpoint(save_best_only=True)`` writes for a stored history;
- ``q5``: the learning rate of each epoch under ``ReduceLROnPlateau``;
- ``q6``: reload a saved ``.keras`` model and continue training it.

The histories are stored in ``histories``; the checks of callbacks (shared with the capstone)
are in ``callback_checks``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from course_utils.exercises.callback_checks import (
    STOP_AT_LOSS,
    expect_callback,
    expect_monitor,
    replay_early_stopping,
    stop_callback_checker,
)
from course_utils.exercises.checks import number_list, whole_number
from course_utils.exercises.framework import Exercise, Incorrect, learner_errors
from course_utils.exercises.histories import (
    BUMPY_VAL_LOSS,
    PLATEAU_VAL_LOSS,
    VAL_ACCURACY,
    VAL_LOSS,
    checkpoint_epochs,
    early_stopping,
    improves,
    reduce_lr,
)
from course_utils.exercises.model_checks import expect_model_and_history

q1 = Exercise(
    "Question 1: stop at a target loss",
    stop_callback_checker(STOP_AT_LOSS),
    hints=[
        "Keras calls on_epoch_end(epoch, logs) after every epoch; logs['loss'] is the training "
        "loss of that epoch.",
        "A loss goes down: compare it with self.target using <= (reaching the target counts), "
        "and then set self.model.stop_training = True.",
        "Say why training stops with print(...), in the same if block.",
    ],
    solution_code='''
        class StopAtLoss(keras.callbacks.Callback):
            """Stop training once the training loss is down to `target`, and say so."""

            def __init__(self, target):
                super().__init__()
                self.target = target

            def on_epoch_end(self, epoch, logs=None):
                loss = (logs or {}).get("loss", float("inf"))
                if loss <= self.target:
                    print(f"\\nLoss {loss:.4f} reached the target {self.target}: stopping.")
                    self.model.stop_training = True
    ''',
)


# --- q2: when does EarlyStopping stop? -------------------------------------------------------

# (patience, restore_best_weights) of the two EarlyStopping(monitor="val_loss") of question 2.
EARLY_CASES = [(2, True), (4, False)]


def _as_pairs(answer: Any, count: int, example: str) -> list[tuple[Any, Any]]:
    if not isinstance(answer, (list, tuple)) or len(answer) != count:
        raise Incorrect(f"Give a list of {count} pairs, one per case, like {example}.")
    for pair in answer:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise Incorrect(
                f"Each case is a pair of two epochs, like {example[1:-1]}, not {pair!r}."
            )
    return [tuple(pair) for pair in answer]


def _check_early_outcomes(answer: Any) -> None:
    pairs = _as_pairs(answer, len(EARLY_CASES), "[(7, 5), (9, 9)]")
    best = int(np.argmin(VAL_LOSS)) + 1
    for number, (pair, (patience, restore)) in enumerate(zip(pairs, EARLY_CASES, strict=True), 1):
        case = f"Case {number} (patience={patience}, restore_best_weights={restore})"
        stop, weights = (whole_number(n, f"{case.lower()}, your epoch", "epoch") for n in pair)
        want_stop, want_weights = early_stopping(VAL_LOSS, patience, restore)
        if (stop, weights) == (want_stop, want_weights):
            continue
        if (stop + 1, weights + 1) == (want_stop, want_weights):
            raise Incorrect(
                f"{case}: you counted epochs from 0. Count them from 1, as Keras prints them "
                "(Epoch 1/12) and as the table shows."
            )
        if stop != want_stop:
            raise Incorrect(f"{case}: {_why_stop(stop, want_stop, best, patience)}")
        if restore:
            raise Incorrect(
                f"{case}: restore_best_weights=True puts back the weights of the best epoch, "
                f"the one with the lowest val_loss ({min(VAL_LOSS):g}), when training stops."
            )
        raise Incorrect(
            f"{case}: without restore_best_weights the model keeps the weights of the last "
            "epoch it trained, whatever the best epoch was."
        )


def _why_stop(stop: int, want: int, best: int, patience: int) -> str:
    rule = (
        f"after the best epoch (val_loss {min(VAL_LOSS):g}, epoch {best}), EarlyStopping stops "
        f"at the end of the {_ordinal(patience)} epoch in a row without a new best"
    )
    if stop > want:
        dip = VAL_LOSS[want - 1]
        if dip < VAL_LOSS[want - 2]:
            return (
                f"epoch {want}'s val_loss, {dip:g}, is lower than the epoch before it but not "
                f"lower than the best so far ({min(VAL_LOSS[:want]):g}): only a new best resets "
                f"the count. So training stops earlier than epoch {stop}: {rule}."
            )
        return f"training stops before epoch {stop}: {rule}."
    if stop == best:
        return f"epoch {stop} is the best epoch, where the count starts: {rule}."
    count = stop - best
    return (
        f"at epoch {stop} it has seen only {count} epoch{'' if count == 1 else 's'} without a "
        f"new best: {rule}."
    )


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(n, f"{n}th")


q2 = Exercise(
    "Question 2: when does EarlyStopping stop?",
    _check_early_outcomes,
    hints=[
        "Find the best epoch first: the one with the lowest val_loss. Epochs count from 1.",
        "After it, count the epochs in a row without a new best (a value lower than the best "
        "so far). Training stops at the end of the epoch where that count reaches patience.",
        "restore_best_weights=True: the model ends with the best epoch's weights; False: with "
        "the weights of the epoch where it stopped.",
    ],
    solution_code="""
        outcomes = [(6, 4), (8, 8)]
    """,
)


# --- q3: settings for a noisy history --------------------------------------------------------


def _smallest_patience(values: list[float]) -> int:
    """The smallest patience that lets training reach the best epoch of ``values``."""
    best = int(np.argmin(values)) + 1
    patience = 1
    while (early_stopping(values, patience, True)[0] or len(values) + 1) < best:
        patience += 1
    return patience


NOISY_PATIENCE = _smallest_patience(BUMPY_VAL_LOSS)


def _check_noisy_early_stopping(callback: Any) -> None:
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
    with learner_errors("your EarlyStopping"):
        stopped, weights = replay_early_stopping(callback, BUMPY_VAL_LOSS)
    best = int(np.argmin(BUMPY_VAL_LOSS)) + 1
    want_stop, want_weights = early_stopping(BUMPY_VAL_LOSS, NOISY_PATIENCE, True)
    settings = f"patience={callback.patience}"
    changed = [
        f"{name}={value!r}"
        for name, value, default in (
            ("min_delta", abs(callback.min_delta), 0),
            ("baseline", callback.baseline, None),
            ("start_from_epoch", callback.start_from_epoch, 0),
        )
        if value != default
    ]
    if (stopped, weights) != (want_stop, want_weights) and changed:
        raise Incorrect(
            f"With {', '.join(changed)} your callback stops after epoch {stopped or 'the last'}"
            f" and keeps epoch {weights}'s weights: this history's improvements are small and "
            "come late, so keep min_delta, baseline and start_from_epoch at their defaults and "
            "choose the patience."
        )
    if stopped is not None and stopped < best:
        raise Incorrect(
            f"With {settings} training stops after epoch {stopped}, before the best epoch "
            f"{best}: a bump of a few epochs without a new best ends it. Count the longest "
            f"run of epochs without a new best before epoch {best}."
        )
    if stopped is None or stopped > want_stop:
        ran = "never stops" if stopped is None else f"stops after epoch {stopped}"
        raise Incorrect(
            f"With {settings} training reaches the best epoch {best}, but it {ran}: a smaller "
            "patience would also get past the bumps and stop sooner. The longest run without "
            f"a new best before epoch {best} decides."
        )
    if weights != want_weights:
        raise Incorrect(
            f"Your callback stops at the right time, but the model then keeps the weights of "
            f"epoch {weights}: add restore_best_weights=True to go back to epoch {best}'s."
        )


q3 = Exercise(
    "Question 3: early stopping for a noisy history",
    _check_noisy_early_stopping,
    hints=[
        "Find the best epoch on the plot: the lowest validation loss. Before it, the curve "
        "rises for a few epochs more than once.",
        "patience must be larger than the longest run of epochs without a new best before the "
        "best epoch, or training stops in that run. Any more than that only trains longer.",
        "keras.callbacks.EarlyStopping(monitor='val_loss', patience=..., "
        "restore_best_weights=True): the longest bump before the best epoch is 3 epochs.",
    ],
    solution_code="""
        early_stopping = keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=4, restore_best_weights=True
        )
    """,
)


# --- q4: the files a checkpoint writes -------------------------------------------------------

CHECKPOINT_NAME = "ckpt_{epoch:02d}.keras"
_SAVED = re.compile(r"ckpt_(\d+)\.keras")


def _check_checkpoint_files(answer: Any) -> None:
    want = checkpoint_epochs(VAL_ACCURACY, "max")
    example = "['ckpt_01.keras', ...]"
    if not isinstance(answer, (list, tuple, set)):
        raise Incorrect(f"Give a list of file names, like {example}.")
    if any(isinstance(name, (int, np.integer)) for name in answer):
        raise Incorrect(f"Give the file names, like {example}, not epoch numbers.")
    epochs = []
    for name in answer:
        text = str(name).rsplit("/", 1)[-1]
        if "{" in text:
            raise Incorrect(
                f"{name!r} is the pattern: Keras fills in {{epoch:02d}} with the epoch, so "
                "the files are named like 'ckpt_01.keras'."
            )
        match = _SAVED.fullmatch(text)
        if match is None:
            raise Incorrect(f"{name!r} does not follow the pattern {CHECKPOINT_NAME!r}.")
        if len(match.group(1)) != 2:
            raise Incorrect(
                f"{name!r}: {{epoch:02d}} writes the epoch with two digits, padded with a 0: "
                f"'ckpt_{int(match.group(1)):02d}.keras'."
            )
        epochs.append(int(match.group(1)))
    outside = [e for e in epochs if not 1 <= e <= len(VAL_ACCURACY)]
    if outside:
        raise Incorrect(
            f"There is no epoch {outside[0]}: {{epoch}} in a file name counts from 1, as Keras "
            f"prints epochs, up to {len(VAL_ACCURACY)} here."
        )
    if len(set(epochs)) != len(epochs):
        raise Incorrect("Each file appears once: a name in your list is there twice.")
    given = set(epochs)
    if given == set(want):
        return
    _explain_checkpoint(given, set(want))


def _explain_checkpoint(given: set[int], want: set[int]) -> None:
    if given == {e - 1 for e in want}:
        raise Incorrect("{epoch} in a file name counts from 1, as Keras prints epochs: +1.")
    if given == set(range(1, len(VAL_ACCURACY) + 1)):
        raise Incorrect(
            "That is every epoch: save_best_only=True saves only when val_accuracy is a new "
            "best, higher than every epoch before."
        )
    if 1 in want - given:
        raise Incorrect(
            "The first epoch is always saved: there is no best before it, so its val_accuracy "
            "is the best so far."
        )
    best_before = {e: max(VAL_ACCURACY[: e - 1], default=None) for e in given | want}
    for epoch in sorted(given - want):
        value, best = VAL_ACCURACY[epoch - 1], best_before[epoch]
        if value == best:
            raise Incorrect(
                f"At epoch {epoch} val_accuracy is {value:g}, equal to the best so far: only a "
                "strictly higher value is a new best, so nothing is saved then."
            )
        raise Incorrect(
            f"At epoch {epoch} val_accuracy is {value:g}, lower than the best so far "
            f"({best:g}): nothing is saved then."
        )
    epoch = min(want - given)
    raise Incorrect(
        f"Epoch {epoch}'s val_accuracy, {VAL_ACCURACY[epoch - 1]:g}, beats every epoch before "
        f"it (the best so far was {best_before[epoch]:g}): ModelCheckpoint saves it."
    )


q4 = Exercise(
    "Question 4: the files a checkpoint writes",
    _check_checkpoint_files,
    hints=[
        "save_best_only=True saves at the end of an epoch only when val_accuracy is higher "
        "than at every epoch before: a new best.",
        "The first epoch is always a new best. Equal is not better.",
        "Go through the table keeping the best so far; each time it is beaten, a file "
        "ckpt_<epoch with two digits>.keras is written.",
    ],
    solution_code="""
        saved_files = ["ckpt_01.keras", "ckpt_02.keras", "ckpt_04.keras", "ckpt_06.keras", "ckpt_09.keras"]
    """,
)


# --- q5: the learning rate under ReduceLROnPlateau -------------------------------------------

LEARNING_RATE, FACTOR, PATIENCE = 0.001, 0.5, 2


def _check_learning_rates(answer: Any) -> None:
    want = reduce_lr(PLATEAU_VAL_LOSS, LEARNING_RATE, FACTOR, PATIENCE)
    given = number_list(answer, len(want), "epoch")
    for epoch, value in enumerate(given, start=1):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            raise Incorrect(f"Epoch {epoch}: give a number, like 0.001, not {value!r}.")
    if np.allclose(given[:-1], want[1:], rtol=1e-6, atol=0) and not np.allclose(given, want):
        raise Incorrect(
            "Your rates change one epoch too early: ReduceLROnPlateau looks at val_loss at the "
            "end of an epoch, so a new rate applies from the next epoch on."
        )
    for epoch, (value, right) in enumerate(zip(given, want, strict=True), start=1):
        if np.isclose(value, right, rtol=1e-6, atol=0):
            continue
        raise Incorrect(f"Epoch {epoch} trains with {right:g}, not {value:g}: {_why_rate(epoch)}.")


def _why_rate(epoch: int) -> str:
    """Why the rate of ``epoch`` is what it is, from the epochs before it."""
    best, wait, reason = None, 0, "it starts at the learning rate the optimizer was given"
    for e, value in enumerate(PLATEAU_VAL_LOSS[: epoch - 1], start=1):
        if improves(value, best, "min", 1e-4):
            best, wait = value, 0
            reason = f"epoch {e}'s val_loss, {value:g}, was a new best, which restarts the count"
            continue
        wait += 1
        reason = (
            f"after epoch {e}, {wait} epoch{'' if wait == 1 else 's'} in a row without a new "
            f"best (below {best:g} by more than min_delta=0.0001)"
        )
        if wait >= PATIENCE:
            reason += f" reached patience={PATIENCE}: the rate is multiplied by {FACTOR}"
            wait = 0
    return reason


q5 = Exercise(
    "Question 5: the learning rate under ReduceLROnPlateau",
    _check_learning_rates,
    hints=[
        "Keep the best val_loss so far and count the epochs in a row without a new best; a new "
        "best (lower by more than min_delta) sets the count back to 0.",
        "When the count reaches patience=2, the rate is halved and the count starts again at "
        "0. The new rate is used from the next epoch on.",
        "Epochs 1 to 5 train with 0.001: epochs 4 and 5 bring no new best.",
    ],
    solution_code="""
        learning_rates = [0.001] * 5 + [0.0005] * 4 + [0.00025] * 3
    """,
)


# --- q6: reload a model and go on training ---------------------------------------------------

SAVED_EPOCHS = 2  # the notebook saves a model after 2 epochs
MORE_EPOCHS = 2


def _check_continued(answer: Any) -> None:
    model, history = expect_model_and_history(answer)
    epochs = [int(e) for e in history.epoch]
    want = list(range(SAVED_EPOCHS, SAVED_EPOCHS + MORE_EPOCHS))  # History counts from 0
    if epochs == list(range(MORE_EPOCHS)):
        raise Incorrect(
            f"Your history numbers its epochs 1 to {MORE_EPOCHS}, as if training started "
            f"afresh: pass initial_epoch={SAVED_EPOCHS} and epochs={SAVED_EPOCHS + MORE_EPOCHS} "
            "(epochs is the number of the last epoch, not how many more)."
        )
    if epochs != want:
        shown = ", ".join(str(e + 1) for e in epochs) or "none"
        raise Incorrect(
            f"Your history has epochs {shown}, but should have epochs {want[0] + 1} to "
            f"{want[-1] + 1}: fit(..., initial_epoch={SAVED_EPOCHS}, "
            f"epochs={SAVED_EPOCHS + MORE_EPOCHS})."
        )
    steps = int(history.params.get("steps") or 0) * len(epochs)
    iterations = int(np.asarray(model.optimizer.iterations))
    if iterations <= steps:
        raise Incorrect(
            f"Your model's optimizer has taken {iterations} steps, only those of this fit(): "
            "it started from scratch. keras.models.load_model(path) brings back the saved "
            "weights and the optimizer's state; train the model it returns."
        )


q6 = Exercise(
    "Question 6: reload a model and go on training",
    _check_continued,
    hints=[
        "keras.models.load_model(path) returns the saved model: its layers, its weights, and "
        "how it was compiled, optimizer state included.",
        "To continue the epoch count, give fit() initial_epoch (the epochs already done) and "
        "epochs (the number of the last epoch).",
        "model = keras.models.load_model(saved); history = model.fit(x_small, y_small, "
        "initial_epoch=2, epochs=4)",
    ],
    solution_code="""
        model = keras.models.load_model(saved)
        history = model.fit(x_small, y_small, initial_epoch=2, epochs=4, verbose=2)
    """,
)
