"""Train the course's networks on full-size data: speed, accuracy and peak memory.

    .venv/bin/python benchmarks/bench_models.py                      # recommended, Fashion
    .venv/bin/python benchmarks/bench_models.py --models all --epochs 2
    .venv/bin/python benchmarks/bench_models.py --dataset mnist --models two_conv

One row per epoch: seconds of training (evaluation excluded), images per second, test
accuracy after the epoch, how many CPU cores the process kept busy (less than the machine
has means something else was competing for them) and the process's peak resident memory
so far, which must stay under 1.5 GB for a 2 GB Binder. Leave COURSE_FAST unset: fast
mode shrinks the data and the numbers mean nothing.

Recipe: ``models.BATCH_SIZE`` images per step; ``recommended`` uses its cosine schedule
(``models.LEARNING_RATE``), the others Adam at 0.001 as in lesson 4.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow's first import

import keras  # noqa: E402

import course_utils  # noqa: E402
from course_utils import data, models  # noqa: E402

MEMORY_LIMIT_MB = 1500


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=None, help="default: models.EPOCHS (3)")
    parser.add_argument(
        "--models",
        default="recommended",
        help="comma-separated: single_conv, two_conv, recommended, or 'all'",
    )
    parser.add_argument("--dataset", choices=["fashion", "mnist"], default="fashion")
    parser.add_argument("--batch-size", type=int, default=None, help="default: models.BATCH_SIZE")
    parser.add_argument(
        "--feed",
        choices=["arrays", "dataset"],
        default="arrays",
        help="arrays: float32 NumPy arrays, as the lessons do; dataset: uint8 images through "
        "tf.data, converted batch by batch (less memory)",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs is not None and args.epochs < 1:
        parser.error("--epochs should be at least 1")
    if args.batch_size is not None and args.batch_size < 1:
        parser.error("--batch-size should be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    course_utils.setup()
    names = list(models.BUILDERS) if args.models == "all" else args.models.split(",")
    unknown = [n for n in names if n not in models.BUILDERS]
    if unknown:
        print(f"unknown model(s) {unknown}; choose from {list(models.BUILDERS)}")
        return 2
    epochs = args.epochs or models.EPOCHS
    batch_size = args.batch_size or models.BATCH_SIZE

    load = data.load_fashion_mnist if args.dataset == "fashion" else data.load_mnist
    (x_train, y_train), (x_test, y_test) = load()
    train_size, test_size = len(x_train), len(x_test)
    if args.feed == "arrays":
        # One float32 copy each (188 MB for 60,000 images): float64 would double it.
        train = {"x": data.as_model_input(x_train), "y": y_train, "batch_size": batch_size}
        test = (data.as_model_input(x_test), y_test)
    else:
        # shuffle=False tells Keras not to shuffle again: the dataset already does.
        train = {"x": as_dataset(x_train, y_train, batch_size, True, args.seed), "shuffle": False}
        test = as_dataset(x_test, y_test, 1000, shuffle=False)
    del x_train, x_test  # the arrays above hold what is needed
    if course_utils.fast_mode() or train_size < 60_000:
        print(f"NOTE: only {train_size:,} training images: not the full data set.")
    print(
        f"{args.dataset}: {train_size:,} train / {test_size:,} test, batch {batch_size}, "
        f"feed {args.feed}, seed {args.seed}, {os.cpu_count()} CPUs, "
        f"load average before: {os.getloadavg()[0]:.2f}"
    )
    header = f"{'model':<12} {'params':>9} {'epoch':>5} {'s/epoch':>8} {'img/s':>7} "
    header += f"{'test acc':>8} {'cores':>5} {'peak MB':>8}"
    print(header + "\n" + "-" * len(header), flush=True)

    over = False
    for name in names:
        keras.utils.set_random_seed(args.seed)
        model = models.BUILDERS[name]()
        rate = 0.001
        if name == "recommended":
            rate = models.cosine_schedule(models.LEARNING_RATE, epochs, train_size, batch_size)
        models.compile_for_classification(model, learning_rate=rate)
        timer = EpochTimer(name, model.count_params(), train_size)
        model.fit(
            **train,
            epochs=epochs,
            validation_data=test,
            validation_batch_size=1000 if args.feed == "arrays" else None,
            callbacks=[timer],
            verbose=0,
        )
        over = over or peak_memory_mb() > MEMORY_LIMIT_MB
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if over:
        print(f"FAIL: peak memory above {MEMORY_LIMIT_MB} MB")
    return 1 if over else 0


def as_dataset(images, labels, batch_size: int, shuffle: bool, seed: int = 0):
    """uint8 images stay uint8 in memory; each batch becomes float32 in [0, 1] when used."""
    import tensorflow as tf  # noqa: PLC0415

    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)

    def to_float(x, y):
        return tf.cast(x, tf.float32)[..., tf.newaxis] / 255.0, y

    return dataset.batch(batch_size).map(to_float).prefetch(2)


class EpochTimer(keras.callbacks.Callback):
    """Times the training part of each epoch (up to its last batch) and prints a row."""

    def __init__(self, name: str, params: int, train_size: int):
        super().__init__()
        self.name, self.weights_count, self.train_size = name, params, train_size

    def on_epoch_begin(self, epoch, logs=None):
        self.start, self.cpu_start = time.perf_counter(), time.process_time()

    def on_train_batch_end(self, batch, logs=None):
        # Overwritten every batch; after the last one it is the end of training proper,
        # before Keras evaluates on the validation data.
        self.end, self.cpu_end = time.perf_counter(), time.process_time()

    def on_epoch_end(self, epoch, logs=None):
        seconds = self.end - self.start
        cores = (self.cpu_end - self.cpu_start) / seconds
        print(
            f"{self.name:<12} {self.weights_count:>9,} {epoch + 1:>5} {seconds:>8.1f} "
            f"{self.train_size / seconds:>7.0f} {logs['val_accuracy']:>8.4f} {cores:>5.1f} "
            f"{peak_memory_mb():>8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    sys.exit(main())
