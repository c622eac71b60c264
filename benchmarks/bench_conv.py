"""How fast is convolution by hand? Plain loops, vectorized NumPy and TensorFlow (lesson 1).

Run from the repository root:

    .venv/bin/python benchmarks/bench_conv.py              # default threading
    .venv/bin/python benchmarks/bench_conv.py --threads 1  # everything on one core

The task: 256 MNIST digits, 32 filters of 5x5, 'valid' padding, float32. Each row is the
median of several runs; the loops are too slow for that, so they are timed on a few digits
and the time is scaled to 256 (the table says so).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

BATCH, FILTERS, KERNEL = 256, 32, 5


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm-up: first calls pay for allocation, graph tracing and caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0, help="limit BLAS and TF (0: default)")
    parser.add_argument("--repeats", type=int, default=15, help="timed runs per row")
    parser.add_argument("--loop-images", type=int, default=4, help="digits timed for the loops")
    args = parser.parse_args()
    if args.threads:
        # Must be set before NumPy loads its BLAS library.
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.threads)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    run(args.threads, args.repeats, args.loop_images)


def run(threads: int, repeats: int, loop_images: int) -> None:
    import keras  # noqa: PLC0415  (imported after the thread settings above)
    import numpy as np  # noqa: PLC0415
    import tensorflow as tf  # noqa: PLC0415

    from course_utils import data, ops  # noqa: PLC0415

    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    (x_train, _), _ = data.load_mnist()
    x = data.as_model_input(x_train[:BATCH])
    kernel = np.random.default_rng(0).standard_normal((KERNEL, KERNEL, 1, FILTERS))
    kernel = kernel.astype(np.float32)
    layer = keras.layers.Conv2D(FILTERS, KERNEL, use_bias=False)
    layer.build(x.shape)
    layer.set_weights([kernel])

    def loops(n: int) -> np.ndarray:
        return np.stack(
            [
                np.stack(
                    [ops.conv2d_loops(img[:, :, 0], kernel[:, :, 0, f]) for f in range(FILTERS)], -1
                )
                for img in x[:n]
            ]
        )

    # Every method must give the same numbers before its speed means anything.
    reference = tf.nn.conv2d(x, kernel, 1, "VALID").numpy()
    outputs = {
        "loops": loops(2),
        "numpy": ops.conv2d(x, kernel),
        "keras": keras.ops.convert_to_numpy(layer(x)),
    }
    for name, out in outputs.items():
        err = np.max(np.abs(out - reference[: len(out)])) / max(1.0, np.max(np.abs(reference)))
        assert err < 1e-5, f"{name} disagrees with tf.nn.conv2d (relative error {err:.1e})"

    rows = [
        (
            f"plain loops (conv2d_loops, {loop_images} digits timed, x{BATCH // loop_images})",
            median_seconds(lambda: loops(loop_images), 3) * BATCH / loop_images,
        ),
        ("vectorized NumPy (ops.conv2d)", median_seconds(lambda: ops.conv2d(x, kernel), repeats)),
        (
            "tf.nn.conv2d",
            median_seconds(lambda: tf.nn.conv2d(x, kernel, 1, "VALID").numpy(), repeats),
        ),
        (
            "keras.layers.Conv2D (eager call)",
            median_seconds(lambda: keras.ops.convert_to_numpy(layer(x)), repeats),
        ),
    ]
    tf_seconds = rows[2][1]
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(
        f"{BATCH} MNIST digits 28x28, {FILTERS} filters {KERNEL}x{KERNEL}, 'valid', float32; "
        f"median of {repeats} runs (loops: 3)"
    )
    print(
        f"threads: {threads or 'default'} | CPUs: {os.cpu_count()} | load average: {load} | "
        f"NumPy {np.__version__} | TensorFlow {tf.__version__}"
    )
    width = max(len(name) for name, _ in rows)
    print(f"\n{'method':<{width}}  {'ms / 256 digits':>15}  {'x TF':>8}")
    print(f"{'-' * width}  {'-' * 15}  {'-' * 8}")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:>15.1f}  {seconds / tf_seconds:>8.1f}")
    if not threads and os.getloadavg()[0] > (os.cpu_count() or 1):
        # OpenBLAS splits a matrix product evenly between its threads and waits for the
        # slowest; on a busy machine that wait dominates, while TF's thread pool adapts.
        print(
            "\nNote: the machine is busy (load above the CPU count), which slows NumPy's BLAS "
            "threads most.\nFor a like-for-like comparison run it again with --threads 1."
        )


if __name__ == "__main__":
    main()
