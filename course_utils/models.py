"""The networks the lessons build and compare (introduced in lesson 4).

Each builder returns an *uncompiled* ``keras.Sequential``: compiling is a step the lessons
show, and lesson 5 compiles the same networks with different metrics and callbacks.
``compile_for_classification`` is the one-line version used once that step is familiar.

- ``dense_baseline()``: no convolution, the baseline a CNN must beat.
- ``single_conv()``: one convolution, one pooling layer, a wide dense layer.
- ``two_conv()``: two convolution + pooling blocks; shapes walk 28 -> 26 -> 13 -> 11 -> 5.
- ``classic_cnn()``: TensorFlow's classic MNIST network (5x5 filters, Dense 1024, Dropout).
- ``recommended()``: the best network this course trains on a laptop CPU in a few
  minutes: with ``EPOCHS``, ``BATCH_SIZE`` and ``cosine_schedule(LEARNING_RATE, ...)``
  it reaches about 99.3% test accuracy on MNIST and 92% on Fashion-MNIST in 3 epochs.

``compare()`` trains several networks with several seeds and returns a table of their
test accuracy (mean, spread, range), for lessons that rank networks.

Importing this module imports Keras.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import keras
import numpy as np
from keras import layers

from course_utils import data

if TYPE_CHECKING:  # for the annotations only
    import tensorflow as tf

INPUT_SHAPE = (28, 28, 1)
# The recipe for ``recommended()``: 128 images per step keeps a CPU's cores busy, and a
# learning rate that starts high and decays to zero (cosine) converges in 3 epochs.
# 0.005 measured better than 0.003 for every network tried (by 0.02-0.05% on MNIST).
EPOCHS = 3
BATCH_SIZE = 128
LEARNING_RATE = 0.005


def single_conv(
    filters: int = 32,
    kernel_size: int = 5,
    dense_units: int = 1000,
    num_classes: int = 10,
    input_shape: Sequence[int] = INPUT_SHAPE,
) -> keras.Sequential:
    """One Conv2D + one MaxPooling2D, then a dense layer: 28x28 -> 14x14x32 -> 1000 -> 10.

    Padding is ``"same"``, so the convolution keeps 28x28 and pooling halves it.
    Uncompiled (see ``compile_for_classification``). (Introduced in lesson 4.)
    """
    _check_positive_int(filters=filters, kernel_size=kernel_size, dense_units=dense_units)
    input_shape = _check_shape(input_shape, min_side=2)
    _check_num_classes(num_classes)
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(filters, kernel_size, padding="same", activation="relu"),
            layers.MaxPooling2D(pool_size=2, padding="same"),
            layers.Flatten(),
            layers.Dense(dense_units, activation="relu"),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="single_conv",
    )


def two_conv(
    filters: int = 64,
    dense_units: int = 128,
    num_classes: int = 10,
    input_shape: Sequence[int] = INPUT_SHAPE,
) -> keras.Sequential:
    """Two blocks of Conv2D(3x3, no padding) + MaxPooling2D(2), then Dense layers.

    Each 3x3 convolution trims one pixel per side and each pooling halves (rounding
    down): 28 -> 26 -> 13 -> 11 -> 5, so Flatten gives 5 * 5 * 64 = 1600 numbers.
    Uncompiled (see ``compile_for_classification``). (Introduced in lesson 4.)
    """
    _check_positive_int(filters=filters, dense_units=dense_units)
    input_shape = _check_shape(input_shape, min_side=10)
    _check_num_classes(num_classes)
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(filters, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(filters, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(dense_units, activation="relu"),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="two_conv",
    )


def dense_baseline(
    dense_units: int = 128, num_classes: int = 10, input_shape: Sequence[int] = INPUT_SHAPE
) -> keras.Sequential:
    """No convolution at all: Flatten, one hidden Dense layer, the output layer.

    The baseline a CNN has to beat: it sees the 784 pixels as a list, with no idea which
    pixels are neighbours. It takes the same ``(28, 28, 1)`` input as the CNNs, so the
    same data feeds both. Uncompiled (see ``compile_for_classification``).
    (Introduced in lesson 4.)
    """
    _check_positive_int(dense_units=dense_units)
    input_shape = _check_shape(input_shape, min_side=1)
    _check_num_classes(num_classes)
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Flatten(),
            layers.Dense(dense_units, activation="relu"),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="dense_baseline",
    )


def classic_cnn(
    dense_units: int = 1024,
    dropout: float = 0.4,
    num_classes: int = 10,
    input_shape: Sequence[int] = INPUT_SHAPE,
) -> keras.Sequential:
    """TensorFlow's classic MNIST network: two 5x5 conv + pool blocks, Dense 1024, Dropout.

    32 then 64 filters of 5x5 with ``"same"`` padding, each followed by 2x2 max pooling:
    28 -> 14 -> 7, so Flatten gives 7 * 7 * 64 = 3136 numbers. The dense layer holds most of
    its 3.3 million weights; Dropout switches off ``dropout`` of its outputs at random
    during training (never when predicting). Uncompiled (see ``compile_for_classification``).
    (Introduced in lesson 4.)
    """
    _check_positive_int(dense_units=dense_units)
    if not isinstance(dropout, int | float) or isinstance(dropout, bool):
        raise TypeError(f"dropout should be a number like 0.4, got {dropout!r}")
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout should be at least 0 and below 1 (a fraction), got {dropout}")
    input_shape = _check_shape(input_shape, min_side=4)
    _check_num_classes(num_classes)
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(32, 5, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 5, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(dense_units, activation="relu"),
            layers.Dropout(dropout),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="classic_cnn",
    )


def recommended(
    num_classes: int = 10, input_shape: Sequence[int] = INPUT_SHAPE
) -> keras.Sequential:
    """Three small conv blocks with batch normalisation: about 99.3% on MNIST in 3 epochs.

    Train it with ``EPOCHS`` epochs of ``BATCH_SIZE`` images and a cosine learning rate
    (``cosine_schedule(LEARNING_RATE, ...)``). Built for a CPU: 16 filters at full 28x28
    resolution, where every filter is expensive, then 32 at 14x14 and 64 at 7x7. Each
    pooling halves the sides, and ``"same"`` padding rounds 7 / 2 up rather than dropping
    the last row and column: 28 -> 14 -> 7 -> 4, so Flatten gives 4 * 4 * 64 = 1024
    numbers and the whole network has about 156,000 weights.
    BatchNormalization comes after each pooling, where the maps are 4 times smaller and
    it costs little. Uncompiled. (Introduced in lesson 4.)

    Measured with ``benchmarks/bench_models.py`` (3 epochs, seeds 0, 1, 2, fed through
    ``data.batches``): MNIST 99.42%, 99.41%, 99.27% (mean 99.37%; fed float arrays, which
    Keras shuffles differently, 99.28%); Fashion-MNIST 92.33%, 91.79%, 92.10% (mean
    92.07%). Its speed depends on the machine: the benchmark prints it (8 to 10 s per
    epoch on 2 quiet cores when it was tuned; 35 s and more on one busy core).
    """
    input_shape = _check_shape(input_shape, min_side=8)
    _check_num_classes(num_classes)

    # momentum=0.7 (Keras's default is 0.99) only sets how fast the statistics used at test
    # time follow training; training itself is unchanged. They settle within ~10 steps, so
    # short runs on small data (fast mode: 16 steps per epoch) give sensible test accuracy
    # from the first epoch; with 0.9 it stayed near chance for two epochs.
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2, padding="same"),
            layers.BatchNormalization(momentum=0.7),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2, padding="same"),
            layers.BatchNormalization(momentum=0.7),
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2, padding="same"),
            layers.BatchNormalization(momentum=0.7),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="recommended",
    )


def cosine_schedule(
    learning_rate: float, epochs: int, train_size: int, batch_size: int = BATCH_SIZE
) -> keras.optimizers.schedules.LearningRateSchedule:
    """A learning rate that starts at ``learning_rate`` and glides to ~0 by the last step.

    ``train_size`` is the number of training images; with ``batch_size`` and ``epochs``
    it gives the number of steps to spread the decay over. (Introduced in lesson 4.)
    """
    _check_learning_rate(learning_rate)
    _check_positive_int(epochs=epochs, train_size=train_size, batch_size=batch_size)
    steps = epochs * math.ceil(train_size / batch_size)
    return keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps, alpha=0.01)


def compile_for_classification(
    model: keras.Model,
    learning_rate: float | keras.optimizers.schedules.LearningRateSchedule = 0.001,
) -> keras.Model:
    """Compile ``model`` with Adam, sparse categorical cross-entropy and accuracy.

    "Sparse" because the labels are class numbers (0..9), not one-hot vectors. Pass a
    float or a schedule such as ``cosine_schedule(...)``. Returns the same model, now
    compiled. (Introduced in lesson 4.)
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model should be a Keras model, got {type(model).__name__}")
    if not isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        _check_learning_rate(learning_rate)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


@dataclass(frozen=True)
class Row:
    """One network of a ``Comparison``: its size, speed and test accuracy for each seed."""

    name: str
    params: int
    seconds_per_epoch: float  # the mean over seeds; the first epoch includes setting up
    accuracies: tuple[float, ...]  # test accuracy, one per seed, in the order of the seeds

    @property
    def mean(self) -> float:
        return statistics.fmean(self.accuracies)

    @property
    def std(self) -> float:
        """The spread between seeds (sample standard deviation); 0 for a single seed."""
        return statistics.stdev(self.accuracies) if len(self.accuracies) > 1 else 0.0

    @property
    def lowest(self) -> float:
        return min(self.accuracies)

    @property
    def highest(self) -> float:
        return max(self.accuracies)


@dataclass(frozen=True)
class Comparison:
    """What ``compare`` returns: a table when shown, numbers when asked.

    ``comparison.rows`` is a list of ``Row``; ``comparison["name"]`` is one of them, so
    prose can quote ``comparison["recommended"].mean``. (Introduced in lesson 4.)
    """

    rows: list[Row]
    seeds: tuple[int, ...]
    epochs: int

    def __getitem__(self, name: str) -> Row:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"no network named {name!r}; the names are {[r.name for r in self.rows]}")

    def __str__(self) -> str:
        width = max(12, *(len(row.name) for row in self.rows))
        seeds = ", ".join(map(str, self.seeds))
        header = (
            f"{'network':<{width}} {'params':>9} {'s/epoch':>7}  "
            f"{'mean ± std':>16}  {'min - max':>15}"
        )
        lines = [
            f"test accuracy after {self.epochs} epoch{'s' if self.epochs > 1 else ''}, "
            f"seeds {seeds}",
            header,
            "-" * len(header),
        ]
        for row in self.rows:
            lines.append(
                f"{row.name:<{width}} {row.params:>9,} {row.seconds_per_epoch:>7.1f}  "
                f"{row.mean:>7.2%} ± {row.std:>6.2%}  {row.lowest:>6.2%} - {row.highest:.2%}"
            )
        return "\n".join(lines)

    __repr__ = __str__  # a notebook shows the table when a cell ends with the comparison


def compare(
    builders: Mapping[str, Callable[[], keras.Model]],
    train: tuple[np.ndarray, np.ndarray] | tf.data.Dataset,
    test: tuple[np.ndarray, np.ndarray] | tf.data.Dataset,
    *,
    seeds: Sequence[int] = (0, 1, 2),
    epochs: int = EPOCHS,
    batch_size: int = BATCH_SIZE,
    verbose: bool = True,
) -> Comparison:
    """Train every network once per seed and tabulate its test accuracy: mean, spread, range.

    One seed can flatter a network by a few tenths of a percent; several seeds show what
    is a real difference. ``builders`` maps a name to a function that makes a new model,
    such as ``models.two_conv`` or ``lambda: models.two_conv(filters=16)``; each run sets
    ``keras.utils.set_random_seed(seed)`` first, and a model the builder did not compile is
    compiled with ``compile_for_classification`` (Adam at 0.001). A builder that compiles
    its model itself, for instance with ``recommended``'s cosine schedule, keeps its own
    settings. Models are built one at a time and freed after use, so only one is in memory
    at once.

    ``train`` and ``test`` are ``(images, labels)``: uint8 images ``(n, 28, 28)`` as loaded
    (fed through ``data.batches``, the memory-saving way) or ``data.as_model_input``'s
    float arrays; or a ``tf.data.Dataset`` of (images, labels) batches, whose own batch size
    and order are used. With arrays, the same seeds give the same accuracies on every run.
    ``verbose`` prints a line per run. (Introduced in lesson 4.) ::

        comparison = models.compare(
            {"dense": models.dense_baseline, "two conv": models.two_conv},
            (x_train, y_train), (x_test, y_test),
        )
        comparison  # the table; comparison["two conv"].mean is one number from it
    """
    names = _check_builders(builders)
    seeds = _check_seeds(seeds)
    _check_positive_int(epochs=epochs, batch_size=batch_size)
    _check_split(train, "train")
    _check_split(test, "test")
    rows = []
    for name in names:
        accuracies, seconds, params = [], [], 0
        for seed in seeds:
            keras.backend.clear_session()  # frees the previous run's model
            keras.utils.set_random_seed(seed)  # after clear_session, which forgets the seed
            model = builders[name]()
            if not isinstance(model, keras.Model):
                raise TypeError(
                    f"builders[{name!r}] should return a Keras model, got {type(model).__name__}"
                )
            if not model.compiled:
                compile_for_classification(model)
            start = time.perf_counter()
            model.fit(**_training_inputs(train, batch_size, seed), epochs=epochs, verbose=0)
            seconds.append((time.perf_counter() - start) / epochs)
            scores = model.evaluate(**_test_inputs(test), verbose=0, return_dict=True)
            if "accuracy" not in scores:
                raise ValueError(
                    f"builders[{name!r}] compiles its model without metrics=['accuracy']: "
                    "add it, or leave the model uncompiled"
                )
            accuracies.append(float(scores["accuracy"]))
            params = model.count_params()
            del model
            if verbose:
                print(
                    f"{name}, seed {seed}: test accuracy {accuracies[-1]:.2%}, "
                    f"{seconds[-1]:.1f} s per epoch",
                    flush=True,
                )
        rows.append(Row(name, params, statistics.fmean(seconds), tuple(accuracies)))
    keras.backend.clear_session()
    keras.utils.set_random_seed(seeds[-1])  # so the cells after this one stay reproducible
    return Comparison(rows, seeds, epochs)


def _training_inputs(train, batch_size: int, seed: int) -> dict:
    """``fit``'s arguments for ``train``: arrays that Keras shuffles, or a dataset."""
    if isinstance(train, tuple) and train[0].dtype != np.uint8:  # as_model_input's floats
        images, labels = train
        return {"x": images, "y": labels, "batch_size": batch_size, "shuffle": True}
    if isinstance(train, tuple):
        train = data.batches(*train, batch_size=batch_size, shuffle=True, seed=seed)
    return {"x": train, "shuffle": False}  # a dataset shuffles itself; Keras would warn


def _test_inputs(test) -> dict:
    """``evaluate``'s arguments for ``test``, 1000 images a step (faster, just as exact)."""
    if isinstance(test, tuple) and test[0].dtype != np.uint8:
        images, labels = test
        return {"x": images, "y": labels, "batch_size": 1000}
    if isinstance(test, tuple):
        test = data.batches(*test, batch_size=1000)
    return {"x": test}


BUILDERS = {
    "dense_baseline": dense_baseline,
    "single_conv": single_conv,
    "two_conv": two_conv,
    "classic_cnn": classic_cnn,
    "recommended": recommended,
}


# --------------------------------------------------------------------------- argument checks


def _check_positive_int(**values: object) -> None:
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} should be a whole number, got {value!r}")
        if value < 1:
            raise ValueError(f"{name} should be at least 1, got {value}")


def _check_num_classes(num_classes: object) -> None:
    if not isinstance(num_classes, int) or isinstance(num_classes, bool):
        raise TypeError(f"num_classes should be a whole number, got {num_classes!r}")
    if num_classes < 2:
        raise ValueError(
            f"num_classes should be at least 2 (a classifier chooses between classes), "
            f"got {num_classes}"
        )


def _check_shape(input_shape: object, min_side: int) -> tuple[int, int, int]:
    """(height, width, channels), each a positive int, height and width >= ``min_side``."""
    if isinstance(input_shape, str) or not isinstance(input_shape, Sequence):
        raise TypeError(
            f"input_shape should be (height, width, channels) like (28, 28, 1), got {input_shape!r}"
        )
    shape = tuple(input_shape)
    if len(shape) != 3 or not all(isinstance(s, int) and not isinstance(s, bool) for s in shape):
        raise ValueError(
            f"input_shape should be three whole numbers (height, width, channels) like "
            f"(28, 28, 1), got {input_shape!r}; a grayscale image needs its channel axis too"
        )
    height, width, channels = shape
    if channels < 1 or min(height, width) < min_side:
        raise ValueError(
            f"input_shape {shape} is too small for this network: height and width should "
            f"be at least {min_side} and channels at least 1"
        )
    return height, width, channels


def _check_learning_rate(learning_rate: object) -> None:
    if not isinstance(learning_rate, int | float) or isinstance(learning_rate, bool):
        raise TypeError(f"learning_rate should be a number like 0.001, got {learning_rate!r}")
    if not 0 < learning_rate < 1:
        raise ValueError(
            f"learning_rate should be between 0 and 1 (typical: 0.001), got {learning_rate}"
        )


def _check_builders(builders: object) -> list[str]:
    example = "like {'two conv': models.two_conv, 'wide': lambda: models.two_conv(filters=128)}"
    if not isinstance(builders, Mapping) or not builders:
        raise TypeError(f"builders should be a dict of names and model builders, {example}")
    for name, build in builders.items():
        if not isinstance(name, str):
            raise TypeError(f"builders' names should be strings, got {name!r}")
        if isinstance(build, keras.Model):
            raise TypeError(
                f"builders[{name!r}] is a model, but compare needs a function that builds a "
                "new one for every seed: write models.two_conv, not models.two_conv(), or "
                "lambda: models.two_conv(filters=16)"
            )
        if not callable(build):
            raise TypeError(
                f"builders[{name!r}] should be a function that returns a new model, "
                f"got {type(build).__name__}"
            )
    return list(builders)


def _check_seeds(seeds: object) -> tuple[int, ...]:
    if isinstance(seeds, int) or not isinstance(seeds, Sequence) or not seeds:
        raise TypeError(f"seeds should be a list of whole numbers like (0, 1, 2), got {seeds!r}")
    if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in seeds):
        raise ValueError(f"seeds should be whole numbers of at least 0, got {seeds!r}")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds should differ (a repeated seed repeats a run), got {seeds!r}")
    return tuple(seeds)


def _check_split(split: object, name: str) -> None:
    """(images, labels) arrays of the same length, or a tf.data.Dataset."""
    import tensorflow as tf  # noqa: PLC0415  (already loaded: Keras runs on it)

    if isinstance(split, tf.data.Dataset):
        return
    if not isinstance(split, tuple) or len(split) != 2:
        raise TypeError(
            f"{name} should be (images, labels), like (x_train, y_train), or a tf.data.Dataset; "
            f"got {type(split).__name__}"
        )
    images, labels = split
    if not isinstance(images, np.ndarray) or not isinstance(labels, np.ndarray):
        raise TypeError(f"{name} should hold two NumPy arrays, (images, labels)")
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"{name}'s labels should be class numbers (integers), got {labels.dtype}")
    if len(images) != len(labels) or len(images) == 0:
        raise ValueError(
            f"{name} has {len(images):,} images and {len(labels):,} labels: "
            "they should be the same number, and not 0"
        )
    uint8_images = images.dtype == np.uint8 and images.ndim == 3
    model_input = images.dtype == np.float32 and images.ndim == 4
    if not (uint8_images or model_input):
        raise ValueError(
            f"{name}'s images should be uint8 (n, height, width) as loaded, or float32 "
            f"(n, height, width, channels) from data.as_model_input; got dtype {images.dtype} "
            f"and shape {images.shape}"
        )
