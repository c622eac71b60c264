"""Lesson 5's predictions: the shared checks of tests/prediction_helpers.py, and each answer
against Keras's own callbacks, replayed on the made-up losses as the lesson does."""

from __future__ import annotations

import pytest
from prediction_helpers import answer, prediction_tests

from course_utils.exercises import lesson5_predictions as predictions

VAL_LOSSES = [0.40, 0.30, 0.26, 0.27, 0.25, 0.26, 0.26, 0.24]  # as in the questions

SLIPS = [
    ("p1", 1, "Python's counting"),
    ("p2", 5, "only knows that afterwards"),
    ("p2", 6, "waits for a second one"),
    ("p2", 4, "an improvement resets the count"),
    ("p2", 8, "training has stopped before it"),
    ("p3", (1, 2, 3, 4, 5, 6, 7, 8), "without save_best_only"),
    ("p3", [1, 2, 3, 5], "Epoch 8's 0.24 beats"),
    ("p3", (8,), "not only the last one"),
    ("p3", (2, 3, 5, 8), "The first epoch writes a file too"),
    ("p4", 0.00025, "Epoch 7 did not improve either"),
    ("p4", 0.0005, "three times in all"),
    ("p4", 0.001, "each halves the learning rate"),
    ("p4", 0.0000625, "does not halve the rate again"),
]
OTHER_GUESSES = [
    ("p1", -1, "Keras counts epochs from 0"),
    ("p1", "zero", "Answer with a number"),
    ("p2", 3, "training stops after epoch 7"),
    ("p3", (1, 2, 3), "epochs 4, 6 and 7 are no better"),
    ("p3", 5, "values in brackets"),
    ("p4", 0.0001, "epoch 8 trains at 0.000125"),
]

test_each_question, test_each_guess = prediction_tests(predictions, SLIPS + OTHER_GUESSES)


def test_the_losses_in_the_questions_are_the_tested_ones():
    shown = ", ".join(f"{loss:.2f}" for loss in VAL_LOSSES)
    assert shown in predictions.p2.name
    for question in (predictions.p3, predictions.p4):
        assert "the same eight losses" in question.name


@pytest.fixture
def tiny_model():
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.001), loss="mse")
    return model


def replay(callback, model, on_each=None) -> None:
    """Keras's callback fed the made-up losses, as the lesson does (no training)."""
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, val_loss in enumerate(VAL_LOSSES):
        if on_each is not None:
            on_each(epoch)
        callback.on_epoch_end(epoch, {"val_loss": val_loss})
        if model.stop_training:
            return


def test_early_stopping_stops_where_p2_says(tiny_model):
    import keras

    seen = []
    replay(keras.callbacks.EarlyStopping(patience=2), tiny_model, seen.append)
    assert len(seen) == answer(predictions.p2)  # epochs run, counted from 1


def test_model_checkpoint_writes_what_p3_says(tiny_model, tmp_path):
    import keras

    saver = keras.callbacks.ModelCheckpoint(
        str(tmp_path / "epoch_{epoch:02d}.keras"), monitor="val_loss", save_best_only=True
    )
    replay(saver, tiny_model)
    written = sorted(int(path.stem.split("_")[1]) for path in tmp_path.glob("epoch_*.keras"))
    assert tuple(written) == answer(predictions.p3)


def test_reduce_lr_on_plateau_gives_epoch_8_the_rate_p4_says(tiny_model):
    import keras

    rates = []
    reducer = keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=1)
    replay(reducer, tiny_model, lambda _: rates.append(float(tiny_model.optimizer.learning_rate)))
    assert rates[7] == pytest.approx(answer(predictions.p4))
