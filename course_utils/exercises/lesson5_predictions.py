"""The "predict, then run" questions of lesson 5, "Callbacks" (ungraded).

Each is asked in the lesson just before the cell that shows the answer: ``p1`` the number
``on_epoch_end`` gets for the first epoch; then Keras's own callbacks, replayed on eight
made-up validation losses (0.40, 0.30, 0.26, 0.27, 0.25, 0.26, 0.26, 0.24): ``p2`` when
``EarlyStopping(patience=2)`` stops, ``p3`` which epochs ``ModelCheckpoint`` saves with
``save_best_only=True``, ``p4`` the learning rate of epoch 8 under
``ReduceLROnPlateau(factor=0.5, patience=1)``.
"""

from __future__ import annotations

from course_utils.exercises.predictions import prediction

p1 = prediction(
    "Prediction 1: during the first epoch of training, which number does on_epoch_end "
    "receive as epoch?",
    answer=0,
    why=(
        "Keras counts epochs from 0 when it calls a callback: the first epoch is epoch=0, "
        "even though the progress bar calls it 'Epoch 1/2'."
    ),
    slips={
        1: (
            "The progress bar says 'Epoch 1/2', but callbacks get Python's counting: the "
            "first epoch is epoch=0."
        ),
    },
    hints=[
        "Keras counts like range(epochs) does.",
        "list(range(2)) is [0, 1].",
    ],
)

p2 = prediction(
    "Prediction 2: EarlyStopping(monitor='val_loss', patience=2) sees the validation losses "
    "0.40, 0.30, 0.26, 0.27, 0.25, 0.26, 0.26, 0.24 (epochs 1 to 8). After which epoch does it stop "
    "training?",
    answer=7,
    why=(
        "the best loss so far is 0.25 after epoch 5 (epoch 4 did not improve, but epoch 5 did, "
        "which resets the count). Epochs 6 and 7 do not beat 0.25: two epochs without "
        "improvement use up patience=2, so training stops after epoch 7."
    ),
    slips={
        5: (
            "Epoch 5 is the best epoch, but EarlyStopping only knows that afterwards: it waits "
            "patience=2 more epochs without improvement before it stops."
        ),
        6: "Epoch 6 is the first epoch without improvement; patience=2 waits for a second one.",
        4: "Epoch 4 did not improve, but epoch 5 did: an improvement resets the count.",
        8: "Epoch 8 would improve, but training has stopped before it.",
    },
    hints=[
        "Mark each epoch that beats every earlier loss; count the epochs since the last mark.",
        "Training stops at the end of the second epoch in a row that does not beat 0.25.",
    ],
)

p3 = prediction(
    "Prediction 3: ModelCheckpoint('epoch_{epoch:02d}.keras', monitor='val_loss', "
    "save_best_only=True) sees the same eight losses, with no early stopping. Which epochs "
    "write a file? Answer with the epoch numbers, like (1, 2).",
    answer=(1, 2, 3, 5, 8),
    why=(
        "a file is written whenever the loss beats every earlier one: epoch 1 (nothing to "
        "beat yet), 2, 3, 5 (0.25 < 0.26) and 8 (0.24 < 0.25); epochs 4, 6 and 7 are no better "
        "than the best so far."
    ),
    slips={
        (1, 2, 3, 4, 5, 6, 7, 8): (
            "That is what ModelCheckpoint writes without save_best_only; with it, an epoch "
            "that does not beat the best so far writes nothing."
        ),
        (1, 2, 3, 5): "Epoch 8's 0.24 beats the best so far (0.25): it writes a file too.",
        (8,): (
            "Every improvement writes a file, not only the last one: the first epoch always "
            "does, since there is nothing to beat yet."
        ),
        (2, 3, 5, 8): "The first epoch writes a file too: there is nothing to beat yet.",
    },
    hints=[
        "Go through the losses from the left and mark each one that is lower than all before it.",
        "The first epoch counts: it has nothing to beat.",
    ],
)

p4 = prediction(
    "Prediction 4: ReduceLROnPlateau(monitor='val_loss', factor=0.5, patience=1) sees the same "
    "eight losses, and the learning rate starts at 0.001. At which rate does epoch 8 train?",
    answer=0.000125,
    tolerance=1e-6,
    why=(
        "with patience=1 every epoch that does not improve halves the rate: epoch 4 "
        "(0.001 -> 0.0005), epoch 6 (-> 0.00025) and epoch 7 (-> 0.000125); epoch 8 trains at "
        "0.000125."
    ),
    slips={
        0.00025: (
            "Epoch 7 did not improve either (0.26 is not below 0.25): with patience=1 it halves "
            "the rate once more."
        ),
        0.0005: (
            "Each epoch without improvement halves the rate again: epochs 4, 6 and 7, three "
            "times in all."
        ),
        0.001: "Epochs 4, 6 and 7 do not improve, and each halves the learning rate.",
        0.0000625: (
            "Epoch 8's rate is set at the end of epoch 7; epoch 8 improves, so it does not "
            "halve the rate again."
        ),
    },
    hints=[
        "Which epochs do not beat the best loss so far? Each one halves the rate.",
        "Three epochs fail to improve before epoch 8: 0.001 / 2 / 2 / 2.",
    ],
)
