"""Lesson 5's exercises: reference answers, typical wrong answers, untouched placeholders.

Wrong callbacks are the reference solution with one typical slip put in. Questions 1 to 5
train nothing: the checker calls on_epoch_end with made-up logs, or reads stored histories,
whose answers are those of Keras's own callbacks replayed on them (tested here). Question 6
trains a tiny model for a few steps.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from exercise_helpers import (
    ExerciseNotebook,
    assert_incorrect,
    notebook_tests,
    progress_file,  # noqa: F401  (autouse: checks record into a temporary file)
)

from course_utils.exercises import State, histories, lesson5
from course_utils.exercises.callback_checks import replay_early_stopping

# What the notebook's earlier cells define. Question 6's cells also train a tiny model on
# made-up digits and save it (a second preamble, so that the other questions stay quick).
PREAMBLE = """
import keras
import numpy as np

from course_utils.exercises import ____
"""
SAVED_MODEL = """
import tempfile
from pathlib import Path

x_small = np.linspace(0, 1, 64 * 28 * 28, dtype="float32").reshape(64, 28, 28, 1)
y_small = np.arange(64) % 10
small = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(2, 3, activation="relu"),
        keras.layers.MaxPooling2D(4),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
small.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
small.fit(x_small, y_small, epochs=2, batch_size=16, verbose=0)
saved = Path(tempfile.mkdtemp()) / "small.keras"
small.save(saved)
"""
NOTEBOOK = ExerciseNotebook(lesson5, "05_callbacks_exercises.ipynb", PREAMBLE)
RELOAD = ExerciseNotebook(lesson5, "05_callbacks_exercises.ipynb", PREAMBLE + SAVED_MODEL)
run_cell, with_slip = NOTEBOOK.run_cell, NOTEBOOK.with_slip
ANSWERS = {
    "q1": "StopAtLoss",
    "q2": "outcomes",
    "q3": "early_stopping",
    "q4": "saved_files",
    "q5": "learning_rates",
}
test_solutions_are_correct, test_placeholders_are_not_attempted = notebook_tests(NOTEBOOK, ANSWERS)


# --- q1: StopAtLoss -------------------------------------------------------------------------

GET = '(logs or {}).get("loss", float("inf"))'
COMPARE = "if loss <= self.target:"
STOP = "self.model.stop_training = True"


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        ([(GET, 'logs["accuracy"]')], "reads logs['accuracy'], but it should watch the training"),
        ([(GET, 'logs["val_loss"]')], "exists only when fit() gets validation data"),
        ([(GET, 'logs["los"]')], "reads logs['los'], which Keras does not log"),
        (
            [(COMPARE, "if loss >= self.target:")],
            "stopped training at loss 0.9, above the target 0.05: the training loss goes down",
        ),
        ([(COMPARE, "if loss < self.target:")], "compare with <= rather than <"),
        ([(COMPARE, "if loss <= 0.05:")], "did not stop at 0.15: compare with self.target"),
        ([(STOP, "pass")], "never stopped training"),
        ([(STOP, "self.stop_training = True")], "set self.stop_training, but Keras looks at"),
        ([(STOP, "self.modle.stop_training = True")], "raised AttributeError"),
        ([("print(", "(")], "stopped training without saying so"),
        (
            [("(keras.callbacks.Callback)", ""), ("super().__init__()\n", "")],
            "should be a subclass of keras.callbacks.Callback",
        ),
        ([("def on_epoch_end(", "def on_batch_end(")], "has no on_epoch_end method"),
        ([("def __init__(self, target):", "def __init__(self):")], "StopAtLoss(0.05) raised"),
    ],
)
def test_stop_callback_slips(tmp_path, replacements, message):
    callback = run_cell(with_slip("q1", *replacements), tmp_path)["StopAtLoss"]
    assert_incorrect(lesson5.q1.check(callback), message)


def test_a_crash_in_the_callback_shows_the_learners_line(tmp_path):
    callback = run_cell(with_slip("q1", (STOP, "self.modle.stop_training = True")), tmp_path)
    message = lesson5.q1.check(callback["StopAtLoss"]).message
    assert "Your function StopAtLoss.on_epoch_end() raised AttributeError" in message
    assert "self.modle.stop_training = True" in message


def test_an_instance_instead_of_the_class(tmp_path):
    callback = run_cell(lesson5.q1.solution_code, tmp_path)["StopAtLoss"]
    assert_incorrect(lesson5.q1.check(callback(0.05)), "the class itself")


def test_the_callback_stops_real_training(tmp_path):
    """The reference solution does in fit() what the made-up logs say it does."""
    callback = run_cell(lesson5.q1.solution_code, tmp_path)["StopAtLoss"]
    x = np.linspace(-1, 1, 64, dtype="float32").reshape(-1, 1)
    y = (x[:, 0] > 0).astype("int32")
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=200, verbose=0, callbacks=[callback(0.3)])
    loss = history.history["loss"]
    assert len(loss) < 200 and loss[-1] <= 0.3 < min(loss[:-1], default=float("inf"))


# --- the stored histories are what Keras's callbacks do --------------------------------------


class StandIn:
    """Just enough of a model for Keras's callbacks: weights are the epoch they come from."""

    def __init__(self, learning_rate: float = 0.001) -> None:
        self.stop_training, self.epoch, self.saved = False, 0, []
        self.optimizer = type("Optimizer", (), {"learning_rate": learning_rate})()

    def get_weights(self):
        return [np.array(self.epoch)]

    def set_weights(self, weights):
        self.epoch = int(weights[0])

    def save(self, filepath, overwrite=True):
        self.saved.append(str(filepath))


def replay(callback, logs: list[dict], model: StandIn) -> list[float]:
    """Run a Keras callback over these epoch logs; the learning rate each epoch trained with."""
    callback.set_model(model)
    callback.on_train_begin()
    rates = []
    for epoch, values in enumerate(logs):
        model.epoch = epoch + 1
        rates.append(float(model.optimizer.learning_rate))
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, dict(values))
        if model.stop_training:
            break
    callback.on_train_end()
    return rates


@pytest.mark.parametrize(
    ("values", "patience", "restore"),
    [
        (histories.VAL_LOSS, 2, True),
        (histories.VAL_LOSS, 4, False),
        (histories.VAL_LOSS, 20, True),
        *((histories.BUMPY_VAL_LOSS, p, r) for p in range(1, 8) for r in (True, False)),
    ],
)
def test_early_stopping_reference_is_keras(values, patience, restore):
    model = StandIn()
    callback = keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=restore)
    replay(callback, [{"val_loss": v} for v in values], model)
    stopped = callback.stopped_epoch + 1 if model.stop_training else None
    assert histories.early_stopping(values, patience, restore) == (stopped, model.epoch)
    fresh = keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=restore)
    assert replay_early_stopping(fresh, values) == (stopped, model.epoch)


def test_reduce_lr_reference_is_keras():
    model = StandIn(learning_rate=lesson5.LEARNING_RATE)
    callback = keras.callbacks.ReduceLROnPlateau(factor=lesson5.FACTOR, patience=lesson5.PATIENCE)
    rates = replay(callback, [{"val_loss": v} for v in histories.PLATEAU_VAL_LOSS], model)
    want = histories.reduce_lr(
        histories.PLATEAU_VAL_LOSS, lesson5.LEARNING_RATE, lesson5.FACTOR, lesson5.PATIENCE
    )
    np.testing.assert_allclose(rates, want, rtol=1e-6)
    assert lesson5.q5.check(rates).state is State.CORRECT


def test_checkpoint_reference_is_keras(tmp_path):
    model = StandIn()
    callback = keras.callbacks.ModelCheckpoint(
        str(tmp_path / lesson5.CHECKPOINT_NAME),
        monitor="val_accuracy",
        save_best_only=True,
        mode="max",  # what "auto" picks for an accuracy, once a real model's metrics are built
    )
    replay(callback, [{"val_accuracy": v} for v in histories.VAL_ACCURACY], model)
    names = [path.rsplit("/", 1)[-1] for path in model.saved]
    assert names == [
        f"ckpt_{e:02d}.keras" for e in histories.checkpoint_epochs(histories.VAL_ACCURACY, "max")
    ]
    assert lesson5.q4.check(names).state is State.CORRECT


# --- q2: reading EarlyStopping --------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            [(5, 3), (7, 7)],
            "Case 1 (patience=2, restore_best_weights=True): you counted epochs from 0",
        ),
        ([(6, 6), (8, 8)], "restore_best_weights=True puts back the weights of the best epoch"),
        ([(6, 4), (8, 4)], "without restore_best_weights the model keeps the weights of the last"),
        (
            [(6, 4), (12, 12)],
            "epoch 8's val_loss, 0.166, is lower than the epoch before it but not lower than the "
            "best so far (0.165): only a new best resets the count",
        ),
        ([(5, 4), (8, 8)], "at epoch 5 it has seen only 1 epoch without a new best"),
        ([(4, 4), (8, 8)], "epoch 4 is the best epoch, where the count starts"),
        ([(7, 4), (8, 8)], "So training stops earlier than epoch 7"),
        ([(6.0, 4), (8, 8)], "your epoch is 6.0, a float"),
        ([(6, 4)], "Give a list of 2 pairs, one per case"),
        ([(6, 4), 8], "Each case is a pair of two epochs"),
    ],
)
def test_early_stopping_reading_mistakes(answer, message):
    assert_incorrect(lesson5.q2.check(answer), message)


# --- q3: settings for a noisy history -------------------------------------------------------

EarlyStopping = keras.callbacks.EarlyStopping


def test_noisy_history_needs_exactly_the_patience_of_its_longest_bump():
    assert lesson5.NOISY_PATIENCE == 4
    best = int(np.argmin(histories.BUMPY_VAL_LOSS)) + 1
    callback = EarlyStopping(patience=4, restore_best_weights=True)
    assert replay_early_stopping(callback, histories.BUMPY_VAL_LOSS) == (best + 4, best)
    too_short = EarlyStopping(patience=3, restore_best_weights=True)
    assert replay_early_stopping(too_short, histories.BUMPY_VAL_LOSS)[0] < best


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: EarlyStopping(patience=3, restore_best_weights=True),
            "With patience=3 training stops after epoch 8, before the best epoch 10",
        ),
        (
            lambda: EarlyStopping(patience=6, restore_best_weights=True),
            "With patience=6 training reaches the best epoch 10, but it stops after epoch 16",
        ),
        (
            lambda: EarlyStopping(patience=10, restore_best_weights=True),
            "but it never stops: a smaller patience would also get past the bumps",
        ),
        (
            lambda: EarlyStopping(patience=4),
            "keeps the weights of epoch 14: add restore_best_weights=True",
        ),
        (
            lambda: EarlyStopping(patience=4, restore_best_weights=True, min_delta=0.02),
            "With min_delta=0.02 your callback stops after epoch 9",
        ),
        (
            lambda: EarlyStopping(patience=4, restore_best_weights=True, start_from_epoch=12),
            "With start_from_epoch=12",
        ),
        (
            lambda: EarlyStopping(monitor="loss", patience=4, restore_best_weights=True),
            "the training loss keeps falling",
        ),
        (
            lambda: EarlyStopping(monitor="val_accuracy", patience=4, restore_best_weights=True),
            "the task asks for the validation loss",
        ),
        (
            lambda: EarlyStopping(patience=4, restore_best_weights=True, mode="max"),
            "mode='max' would wait for the loss to grow",
        ),
        (lambda: EarlyStopping, "Make one by calling it"),
        (lambda: keras.callbacks.ModelCheckpoint("a.keras"), "not a ModelCheckpoint"),
    ],
)
def test_noisy_early_stopping_mistakes(make, message):
    assert_incorrect(lesson5.q3.check(make()), message)


def test_the_replay_does_not_change_a_callback_that_is_right():
    callback = EarlyStopping(patience=4, restore_best_weights=True)
    assert lesson5.q3.check(callback).state is State.CORRECT
    assert lesson5.q3.check(callback).state is State.CORRECT  # checked twice: same answer
    # The replay ran on a copy: the learner's callback never stopped anything.
    assert callback.stopped_epoch == 0 and callback.best_weights is None


def test_a_callback_used_before_is_judged_from_a_fresh_start():
    # What a real fit leaves behind (Keras 3.13, Colab's, keeps `best` between fits).
    callback = EarlyStopping(patience=4, restore_best_weights=True)
    callback.best, callback.wait = 0.01, 3
    assert lesson5.q3.check(callback).state is State.CORRECT


# --- q4: checkpoint files -------------------------------------------------------------------

RIGHT_FILES = ["ckpt_01.keras", "ckpt_02.keras", "ckpt_04.keras", "ckpt_06.keras", "ckpt_09.keras"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (RIGHT_FILES + ["ckpt_03.keras"], "At epoch 3 val_accuracy is 0.95, equal to the best"),
        (RIGHT_FILES + ["ckpt_05.keras"], "At epoch 5 val_accuracy is 0.958, lower than the best"),
        (["ckpt_00.keras", "ckpt_01.keras"], "There is no epoch 0: {epoch} in a file name counts"),
        (
            ["ckpt_00.keras", "ckpt_01.keras", "ckpt_03.keras", "ckpt_05.keras", "ckpt_08.keras"],
            "{epoch} in a file name counts from 1",
        ),
        ([f"ckpt_{e:02d}.keras" for e in range(1, 11)], "That is every epoch"),
        (RIGHT_FILES[1:], "The first epoch is always saved"),
        (RIGHT_FILES[:-1], "Epoch 9's val_accuracy, 0.975, beats every epoch before it"),
        (["ckpt_1.keras"], "writes the epoch with two digits, padded with a 0: 'ckpt_01.keras'"),
        (["ckpt_{epoch:02d}.keras"], "is the pattern: Keras fills in"),
        (["best.keras"], "does not follow the pattern"),
        ([1, 2, 4, 6, 9], "Give the file names, like"),
        ("ckpt_01.keras", "Give a list of file names"),
        (RIGHT_FILES + ["ckpt_01.keras"], "a name in your list is there twice"),
    ],
)
def test_checkpoint_file_mistakes(answer, message):
    assert_incorrect(lesson5.q4.check(answer), message)


def test_checkpoint_files_in_any_order_with_folders_are_right():
    answer = {f"checkpoints/{name}" for name in RIGHT_FILES}
    assert lesson5.q4.check(answer).state is State.CORRECT


# --- q5: learning rates ---------------------------------------------------------------------

RATES = [0.001] * 5 + [0.0005] * 4 + [0.00025] * 3


def rates_with(changes: dict[int, float]) -> list[float]:
    return [changes.get(epoch, rate) for epoch, rate in enumerate(RATES, start=1)]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (RATES[1:] + [0.00025], "Your rates change one epoch too early"),
        (
            rates_with({6: 0.001}),
            "Epoch 6 trains with 0.0005, not 0.001: after epoch 5, 2 epochs in a row without a "
            "new best (below 0.3 by more than min_delta=0.0001) reached patience=2",
        ),
        (
            rates_with({7: 0.00025}),
            "Epoch 7 trains with 0.0005, not 0.00025: epoch 6's val_loss, 0.299, was a new best",
        ),
        (
            rates_with({9: 0.00025}),
            "Epoch 9 trains with 0.0005, not 0.00025: after epoch 8, 1 epoch in a row without",
        ),
        (RATES[:11], "Give one number per epoch: 12 numbers, not 11"),
        (rates_with({3: "0.001"}), "Epoch 3: give a number, like 0.001, not '0.001'"),
        (0.001, "Give a list of 12 numbers"),
    ],
)
def test_learning_rate_mistakes(answer, message):
    assert_incorrect(lesson5.q5.check(answer), message)


# --- q6: reload and continue ----------------------------------------------------------------


def cell_with(code: str, tmp_path) -> tuple:
    found = RELOAD.run_cell(code, tmp_path)
    return found["model"], found["history"]


def test_reloading_and_continuing_is_correct(tmp_path):
    assert lesson5.q6.check(cell_with(lesson5.q6.solution_code, tmp_path)).state is State.CORRECT


def test_reload_placeholders_are_not_attempted(tmp_path):
    answer = cell_with(RELOAD.answer_cell("q6"), tmp_path)
    assert lesson5.q6.check(answer).state is State.NOT_ATTEMPTED
    # The model and history from the answer cell, the wrong way round, are fine too.


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "initial_epoch=2, epochs=4",
            "epochs=2",
            "numbers its epochs 1 to 2, as if training started afresh: pass initial_epoch=2",
        ),
        ("initial_epoch=2, epochs=4", "initial_epoch=2, epochs=2", "Your history has epochs none"),
        (
            "model = keras.models.load_model(saved)",
            "model = keras.models.clone_model(small)\nmodel.compile(optimizer='adam', "
            "loss='sparse_categorical_crossentropy')",
            "it started from scratch",
        ),
    ],
)
def test_reload_mistakes(tmp_path, old, new, message):
    assert old in lesson5.q6.solution_code
    code = lesson5.q6.solution_code.replace(old, new).replace("verbose=2", "verbose=0")
    assert_incorrect(lesson5.q6.check(cell_with(code, tmp_path)), message)


def test_reload_answers_of_the_wrong_form(tmp_path):
    model, history = cell_with(lesson5.q6.solution_code, tmp_path)
    assert lesson5.q6.check((history, model)).state is State.CORRECT  # either order
    assert_incorrect(lesson5.q6.check(model), "as a pair: (model, history)")
    assert_incorrect(lesson5.q6.check((model, history.history)), "History that model.fit")
