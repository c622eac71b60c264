"""Stored training results that lessons 4 and 5 ask about, and what Keras's callbacks do with them.

Used by the exercises of lessons 4 and 5. Every number here is fixed: a question about learning
curves or callbacks never depends on a training run or a random seed.

- ``CURVES``: the learning curves of three models, "A", "B" and "C" (lesson 4);
- ``CONFUSION``: a confusion matrix of a digit classifier on the MNIST test set (lesson 4);
- ``confusion_sample(step)``: small arrays of labels and predicted probabilities (lesson 4);
- ``VAL_LOSS``, ``BUMPY_VAL_LOSS``, ``PLATEAU_VAL_LOSS``, ``VAL_ACCURACY``: histories of one
  number for the callback questions (lesson 5);
- what a callback does with a history, epochs counted from 1 as Keras prints them:
  ``early_stopping`` (when training stops, whose weights it ends with), ``reduce_lr`` (the
  learning rate of each epoch) and ``checkpoint_epochs`` (when ``save_best_only`` saves).
  The tests replay Keras's own callbacks on these histories and get the same answers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# --- lesson 4: learning curves ---------------------------------------------------------------

CURVES: dict[str, dict[str, list[float]]] = {
    # A big network: the training loss keeps falling, the validation loss turns up after
    # epoch 5.
    "A": {
        "loss": [0.52, 0.21, 0.14, 0.10, 0.075, 0.055, 0.041, 0.030, 0.022, 0.016, 0.012, 0.009],
        "val_loss": [
            0.25,
            0.17,
            0.13,
            0.115,
            0.108,
            0.112,
            0.121,
            0.133,
            0.146,
            0.16,
            0.171,
            0.185,
        ],
        "accuracy": [
            0.84,
            0.937,
            0.958,
            0.97,
            0.978,
            0.984,
            0.988,
            0.992,
            0.994,
            0.996,
            0.997,
            0.998,
        ],
        "val_accuracy": [
            0.925,
            0.948,
            0.96,
            0.965,
            0.968,
            0.967,
            0.966,
            0.964,
            0.963,
            0.962,
            0.961,
            0.959,
        ],
    },
    # A tiny network: both losses are high and still falling together.
    "B": {
        "loss": [1.9, 1.55, 1.32, 1.16, 1.04, 0.95, 0.88, 0.82, 0.77, 0.73, 0.7, 0.67],
        "val_loss": [1.8, 1.5, 1.29, 1.14, 1.02, 0.93, 0.86, 0.8, 0.75, 0.71, 0.68, 0.65],
        "accuracy": [0.42, 0.55, 0.62, 0.66, 0.69, 0.715, 0.735, 0.75, 0.765, 0.775, 0.785, 0.795],
        "val_accuracy": [0.47, 0.58, 0.64, 0.675, 0.7, 0.725, 0.745, 0.76, 0.772, 0.782, 0.79, 0.8],
    },
    # A network with dropout: both losses level off close together.
    "C": {
        "loss": [0.45, 0.16, 0.11, 0.085, 0.07, 0.06, 0.053, 0.048, 0.044, 0.041, 0.039, 0.037],
        "val_loss": [
            0.14,
            0.09,
            0.072,
            0.062,
            0.056,
            0.052,
            0.049,
            0.047,
            0.046,
            0.045,
            0.0445,
            0.044,
        ],
        "accuracy": [
            0.86,
            0.951,
            0.966,
            0.974,
            0.978,
            0.981,
            0.983,
            0.985,
            0.986,
            0.987,
            0.988,
            0.988,
        ],
        "val_accuracy": [
            0.957,
            0.972,
            0.978,
            0.981,
            0.983,
            0.984,
            0.985,
            0.986,
            0.986,
            0.987,
            0.987,
            0.987,
        ],
    },
}


# --- lesson 4: a confusion matrix ------------------------------------------------------------

TEST_IMAGES_PER_DIGIT = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]  # MNIST's test set
# (true digit, predicted digit): how many test images of that digit were taken for the other.
MISTAKES = {
    (4, 9): 14, (9, 4): 8, (7, 2): 9, (2, 7): 6, (5, 3): 9, (3, 5): 7, (8, 3): 6, (9, 7): 8,
    (6, 0): 5, (8, 9): 2, (9, 8): 6, (1, 7): 3, (7, 9): 4, (3, 2): 4, (2, 3): 3, (8, 5): 4,
    (0, 6): 3, (5, 6): 4, (9, 3): 5, (4, 6): 3, (6, 5): 4, (2, 8): 3, (3, 8): 4, (5, 8): 3,
    (7, 1): 4, (0, 2): 1, (1, 2): 2, (2, 1): 2, (6, 4): 2, (8, 7): 2, (3, 7): 2, (0, 5): 1,
}  # fmt: skip


def _confusion() -> np.ndarray:
    matrix = np.zeros((10, 10), dtype=np.int64)
    for (true, predicted), count in MISTAKES.items():
        matrix[true, predicted] = count
    for digit, total in enumerate(TEST_IMAGES_PER_DIGIT):
        matrix[digit, digit] = total - matrix[digit].sum()
    return matrix


CONFUSION = _confusion()  # rows: the true digit; columns: the predicted digit


def confusion_sample(step: int, n: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """``n`` made-up test images: true labels and the model's probabilities (lesson 4).

    Some images (which ones depends on ``step``) get a wrong digit as their most likely one.
    Built by arithmetic, so every run gives the same arrays.
    """
    index = np.arange(n)
    labels = (index * step + 3) % 10
    predicted = labels.copy()
    wrong = (index * 3 + step) % 4 == 0
    predicted[wrong] = (labels[wrong] + index[wrong] % 3 + 1) % 10
    probabilities = np.full((n, 10), 0.02)
    probabilities[index, predicted] = 0.82
    return labels, probabilities.astype(np.float32)


# --- lesson 5: histories for the callbacks ---------------------------------------------------

# Best at epoch 4, then four epochs without a new best, a small dip, and a rise.
VAL_LOSS = [0.3, 0.21, 0.18, 0.165, 0.17, 0.168, 0.172, 0.166, 0.175, 0.18, 0.19, 0.2]
# Noisy: two bumps of 2 and 3 epochs before the real best at epoch 10, then a steady rise.
BUMPY_VAL_LOSS = [
    0.4, 0.3, 0.32, 0.31, 0.26, 0.27, 0.28, 0.29, 0.25, 0.22, 0.23, 0.24, 0.25, 0.26, 0.27, 0.28,
]  # fmt: skip
# Levels off after epoch 3: ReduceLROnPlateau halves the learning rate on the plateau.
PLATEAU_VAL_LOSS = [0.5, 0.35, 0.3, 0.3, 0.301, 0.299, 0.28, 0.281, 0.282, 0.283, 0.27, 0.269]
# Improves with ties and dips: which epochs does ModelCheckpoint(save_best_only=True) save?
VAL_ACCURACY = [0.91, 0.95, 0.95, 0.962, 0.958, 0.97, 0.97, 0.969, 0.975, 0.972]


def improves(value: float, best: float | None, mode: str, min_delta: float = 0.0) -> bool:
    """Keras's test for a new best: lower by more than ``min_delta`` ("min"), or higher."""
    if best is None:
        return True
    return value + min_delta < best if mode == "min" else value - min_delta > best


def early_stopping(
    values: Sequence[float], patience: int, restore_best_weights: bool, mode: str = "min"
) -> tuple[int | None, int]:
    """``EarlyStopping`` on this history: (epoch it stops after, or None; whose weights remain).

    Epochs count from 1. It stops once ``patience`` epochs in a row bring no new best; the
    model then keeps the last epoch's weights, or the best epoch's with
    ``restore_best_weights=True``. (Lesson 5.)
    """
    best, best_epoch, wait = None, 0, 0
    for epoch, value in enumerate(values, start=1):
        wait += 1
        if improves(value, best, mode):
            best, best_epoch, wait = value, epoch, 0
            continue
        if wait >= patience and epoch > 1:
            return epoch, best_epoch if restore_best_weights else epoch
    return None, best_epoch if restore_best_weights else len(values)


def reduce_lr(
    values: Sequence[float],
    learning_rate: float,
    factor: float,
    patience: int,
    min_lr: float = 0.0,
    min_delta: float = 1e-4,
) -> list[float]:
    """``ReduceLROnPlateau`` on this history: the learning rate each epoch trains with (lesson 5).

    After ``patience`` epochs in a row without a new best (by more than ``min_delta``), the
    rate is multiplied by ``factor`` (never below ``min_lr``), from the next epoch on.
    """
    rates, best, wait, rate = [], None, 0, learning_rate
    for value in values:
        rates.append(rate)
        if improves(value, best, "min", min_delta):
            best, wait = value, 0
            continue
        wait += 1
        if wait >= patience and rate > min_lr:
            rate, wait = max(rate * factor, min_lr), 0
    return rates


def checkpoint_epochs(values: Sequence[float], mode: str) -> list[int]:
    """The epochs (from 1) at which ``ModelCheckpoint(save_best_only=True)`` saves (lesson 5)."""
    saved, best = [], None
    for epoch, value in enumerate(values, start=1):
        if improves(value, best, mode):
            saved.append(epoch)
            best = value
    return saved
