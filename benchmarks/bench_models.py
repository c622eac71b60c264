"""Train the course's networks on full-size data: speed, accuracy, peak memory, targets.

    .venv/bin/python benchmarks/bench_models.py --mnist-path ../shared/data/mnist
    .venv/bin/python benchmarks/bench_models.py --dataset fashion --seeds 0
    .venv/bin/python benchmarks/bench_models.py --models all --seeds 0,1,2 --epochs 3
    .venv/bin/python benchmarks/bench_models.py --feed arrays --seeds 0   # memory: float32
    .venv/bin/python benchmarks/bench_models.py --feed uint8 --seeds 0    # memory: uint8
    taskset -c 0 .venv/bin/python benchmarks/bench_models.py --models classic_cnn \
        --train-size 10000 --seeds 0                                      # one core (Binder)

One row per epoch: seconds of training (evaluation excluded), images per second, training
accuracy (averaged over the epoch's batches, as Keras reports it) and test accuracy after
the epoch, how many CPU cores the process kept busy (fewer than it may use means something
else was competing for them, and the seconds are inflated) and the process's peak
resident memory so far. The cores it may use are those ``taskset`` leaves it. Then one row
per network over the seeds: seconds per epoch (all epochs, and "later" ones without the
first's setting up), mean, min and max test accuracy after the last epoch. Last, whether
each target is met:

- ``recommended`` on MNIST: mean test accuracy at least 99.3% over the seeds, in
  ``models.EPOCHS`` epochs; on Fashion-MNIST at least 92%;
- ``recommended``: at most 10 s per epoch on 2 cores (checked only when the process may use
  exactly 2, and only meaningful on an idle machine: the load average is printed);
- peak memory of the process under 1.2 GB, the budget of a lesson's kernel on Binder.

MNIST comes from ``--mnist-path``, else ``COURSE_MNIST_PATH``, else the usual places (see
``course_utils.data``). Leave COURSE_FAST unset: fast mode shrinks the data and the
numbers mean nothing. ``--feed`` measures the memory of the two ways lessons feed
``fit``: float32 arrays from ``data.as_model_input``, or uint8 through ``data.batches``.
Memory is the peak of the whole process, so compare the two feeds in separate runs.

Recipe: ``models.BATCH_SIZE`` images per step; ``recommended`` uses its cosine schedule
(``models.LEARNING_RATE``), the others Adam at 0.001 as in lesson 4.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow's first import

import keras  # noqa: E402

import course_utils  # noqa: E402
from course_utils import data, models  # noqa: E402

MEMORY_LIMIT_MB = 1200
ACCURACY_TARGETS = {"mnist": 0.993, "fashion": 0.92}  # recommended(), mean over seeds
SECONDS_PER_EPOCH_TARGET = 10.0  # recommended() on 2 cores


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
        help=f"comma-separated, from {', '.join(models.BUILDERS)}; or 'all'",
    )
    parser.add_argument("--dataset", choices=["mnist", "fashion"], default="mnist")
    parser.add_argument(
        "--mnist-path", default=None, help="folder with MNIST (default: COURSE_MNIST_PATH)"
    )
    parser.add_argument("--batch-size", type=int, default=None, help="default: models.BATCH_SIZE")
    parser.add_argument(
        "--feed",
        choices=["arrays", "uint8"],
        default="uint8",
        help="arrays: float32 NumPy arrays from data.as_model_input; uint8: data.batches, "
        "which converts batch by batch (less memory)",
    )
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated, e.g. 0,1,2")
    parser.add_argument(
        "--train-size",
        type=int,
        default=None,
        help="train on a class-balanced subset of this many images (default: all); "
        "the accuracy targets are then not checked",
    )
    args = parser.parse_args(argv)
    if args.epochs is not None and args.epochs < 1:
        parser.error("--epochs should be at least 1")
    if args.batch_size is not None and args.batch_size < 1:
        parser.error("--batch-size should be at least 1")
    if args.train_size is not None and args.train_size < 10:
        parser.error("--train-size should be at least 10 (one image per class)")
    try:
        args.seeds = [int(seed) for seed in args.seeds.split(",")]
    except ValueError:
        parser.error(f"--seeds should be whole numbers separated by commas, got {args.seeds!r}")
    args.models = list(models.BUILDERS) if args.models == "all" else args.models.split(",")
    unknown = [name for name in args.models if name not in models.BUILDERS]
    if unknown:
        parser.error(f"unknown model(s) {unknown}; choose from {list(models.BUILDERS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    course_utils.setup()
    epochs = args.epochs or models.EPOCHS
    batch_size = args.batch_size or models.BATCH_SIZE

    if args.dataset == "mnist":
        (x_train, y_train), (x_test, y_test) = data.load_mnist(path=args.mnist_path)
    else:
        (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
    if args.train_size is not None:
        x_train, y_train = data.stratified_subset(x_train, y_train, args.train_size // 10)
    train_size = len(x_train)
    loaded_mb = peak_memory_mb()
    if args.feed == "arrays":
        # As lessons did: one float32 copy (188 MB for 60,000 images) next to the uint8.
        x_train_float, x_test_float = data.as_model_input(x_train), data.as_model_input(x_test)
    if course_utils.fast_mode() or train_size < 60_000:
        print(f"NOTE: only {train_size:,} training images: not the full data set.")
    [source] = data.sources_used().values()
    print(
        f"{args.dataset} from {source}: {train_size:,} train / {len(x_test):,} test, "
        f"batch {batch_size}, "
        f"feed {args.feed}, seeds {args.seeds}, {usable_cores()} of {os.cpu_count()} cores, "
        f"load average before: {os.getloadavg()[0]:.2f}, peak MB after loading: {loaded_mb:.0f}"
    )
    header = f"{'model':<15} {'seed':>4} {'epoch':>5} {'s/epoch':>8} {'img/s':>7} "
    header += f"{'train acc':>9} {'test acc':>8} {'cores':>5} {'peak MB':>8}"
    print(header + "\n" + "-" * len(header), flush=True)

    results = {}  # name -> (params, [final test accuracy per seed], [EpochTimer per seed])
    for name in args.models:
        accuracies, timers = [], []
        for seed in args.seeds:
            keras.backend.clear_session()
            keras.utils.set_random_seed(seed)
            model = models.BUILDERS[name]()
            rate = 0.001
            if name == "recommended":
                rate = models.cosine_schedule(models.LEARNING_RATE, epochs, train_size, batch_size)
            models.compile_for_classification(model, learning_rate=rate)
            timer = EpochTimer(name, seed, train_size)
            if args.feed == "arrays":
                feed = {"x": x_train_float, "y": y_train, "batch_size": batch_size}
                test = {"validation_data": (x_test_float, y_test), "validation_batch_size": 1000}
            else:
                shuffled = data.batches(x_train, y_train, batch_size, shuffle=True, seed=seed)
                # shuffle=False: the batches are shuffled already (Keras would only warn).
                feed = {"x": shuffled, "shuffle": False}
                test = {"validation_data": data.batches(x_test, y_test, 1000)}
            history = model.fit(**feed, **test, epochs=epochs, callbacks=[timer], verbose=0)
            accuracies.append(history.history["val_accuracy"][-1])
            timers.append(timer)
            params = model.count_params()
            del model
        results[name] = (params, accuracies, timers)
    print(f"load average after: {os.getloadavg()[0]:.2f}\n")
    print_summary(results)
    full = args.train_size is None
    return 0 if report_targets(results, args.dataset, len(args.seeds), full) else 1


def usable_cores() -> int:
    """The cores this process may run on: all of them, unless ``taskset`` says otherwise."""
    if hasattr(os, "sched_getaffinity"):  # Linux
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def print_summary(results: dict) -> None:
    header = f"{'model':<15} {'params':>10} {'s/epoch':>8} {'later':>6} {'cores':>5} "
    header += f"{'train acc':>9} {'test acc':>9} {'min':>7} {'max':>7}"
    print(header + "\n" + "-" * len(header))
    for name, (params, accuracies, timers) in results.items():
        seconds = statistics.fmean(s for t in timers for s in t.seconds)
        cores = statistics.fmean(c for t in timers for c in t.cores)
        print(
            f"{name:<15} {params:>10,} {seconds:>8.1f} {steady_seconds(timers):>6.1f} "
            f"{cores:>5.1f} "
            f"{statistics.fmean(t.train_accuracy for t in timers):>9.2%} "
            f"{statistics.fmean(accuracies):>9.2%} {min(accuracies):>7.2%} "
            f"{max(accuracies):>7.2%}"
        )


def steady_seconds(timers: list[EpochTimer]) -> float:
    """Seconds per epoch after the first, which also builds the training step."""
    later = [s for t in timers for s in t.seconds[1:]] or [t.seconds[0] for t in timers]
    return statistics.fmean(later)


def report_targets(results: dict, dataset: str, seeds: int, full_data: bool) -> bool:
    """Print each target that applies, met or not; True when all are met."""
    checks = []
    if "recommended" in results:
        _, accuracies, timers = results["recommended"]
        mean = statistics.fmean(accuracies)
        target = ACCURACY_TARGETS[dataset]
        if full_data:
            checks.append(
                (
                    f"recommended on {dataset}: mean test accuracy >= {target:.1%} ({seeds} seeds)",
                    f"{mean:.2%}",
                    mean >= target,
                )
            )
        cores = statistics.fmean(c for t in timers for c in t.cores)
        seconds = steady_seconds(timers)
        caveat = "" if cores > 1.8 else f", only {cores:.1f} cores busy: inflated by other load"
        if full_data and usable_cores() == 2:
            checks.append(
                (
                    f"recommended: <= {SECONDS_PER_EPOCH_TARGET:.0f} s per epoch on 2 cores",
                    f"{seconds:.1f} s{caveat}",
                    seconds <= SECONDS_PER_EPOCH_TARGET,
                )
            )
    peak = peak_memory_mb()
    checks.append(
        (f"peak memory <= {MEMORY_LIMIT_MB} MB", f"{peak:.0f} MB", peak <= MEMORY_LIMIT_MB)
    )
    print("\ntargets:")
    for what, measured, met in checks:
        print(f"  {'MET    ' if met else 'NOT MET'} {what}: {measured}")
    return all(met for _, _, met in checks)


class EpochTimer(keras.callbacks.Callback):
    """Times the training part of each epoch (up to its last batch) and prints a row."""

    def __init__(self, name: str, seed: int, train_size: int):
        super().__init__()
        self.name, self.seed, self.train_size = name, seed, train_size
        self.seconds: list[float] = []
        self.cores: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start, self.cpu_start = time.perf_counter(), time.process_time()

    def on_train_batch_end(self, batch, logs=None):
        # Overwritten every batch; after the last one it is the end of training proper,
        # before Keras evaluates on the validation data.
        self.end, self.cpu_end = time.perf_counter(), time.process_time()

    def on_epoch_end(self, epoch, logs=None):
        seconds = self.end - self.start
        self.seconds.append(seconds)
        self.train_accuracy = logs["accuracy"]  # the last epoch's, in the end
        self.cores.append((self.cpu_end - self.cpu_start) / seconds)
        print(
            f"{self.name:<15} {self.seed:>4} {epoch + 1:>5} {seconds:>8.1f} "
            f"{self.train_size / seconds:>7.0f} {logs['accuracy']:>9.4f} "
            f"{logs['val_accuracy']:>8.4f} "
            f"{self.cores[-1]:>5.1f} {peak_memory_mb():>8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    sys.exit(main())
