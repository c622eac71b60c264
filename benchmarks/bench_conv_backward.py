"""How fast are the NumPy backward passes? ops.*_backward against tf.GradientTape (lesson 6).

Run from the repository root:

    .venv/bin/python benchmarks/bench_conv_backward.py              # default threading
    .venv/bin/python benchmarks/bench_conv_backward.py --threads 1  # everything on one core

The task is lesson 6's NumPy CNN: batches of 128 MNIST-sized images (28x28x1, random
values: the speed does not depend on them), 'valid' padding, float32. Each conv row times
both gradients (input and kernel) for a given upstream gradient; TensorFlow's column is
``tape.gradient`` on a persistent tape, so neither side pays for the forward pass. Two rows
are a second conv layer (after 2x2 pooling); the last rows are the pooling layer after a
32-filter 5x5 convolution. Each time is a median.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bench_conv import median_seconds

BATCH = 128
# (image side, channels, filters, kernel side): the first layer on MNIST digits, then a
# second layer after a 2x2 pooling.
CONVS = [(28, 1, f, k) for f in (8, 16, 32) for k in (3, 5)] + [(12, 16, 32, 3), (12, 32, 32, 5)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0, help="limit BLAS and TF (0: default)")
    parser.add_argument("--repeats", type=int, default=15, help="timed runs per row")
    args = parser.parse_args()
    if args.threads:
        # Must be set before NumPy loads its BLAS library.
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.threads)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    run(args.threads, args.repeats)


def run(threads: int, repeats: int) -> None:
    import numpy as np  # noqa: PLC0415  (imported after the thread settings above)
    import tensorflow as tf  # noqa: PLC0415

    from course_utils import ops  # noqa: PLC0415

    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    rng = np.random.default_rng(0)

    def tape_timer(forward, inputs, grad):
        """Seconds for tape.gradient, and its result (the forward pass is taped once)."""
        tensors = [tf.constant(a) for a in inputs]
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(tensors)
            out = forward(*tensors)
        upstream = tf.constant(grad)

        def gradient():
            return [g.numpy() for g in tape.gradient(out, tensors, output_gradients=upstream)]

        return median_seconds(gradient, repeats), gradient()

    def conv_row(side: int, channels: int, filters: int, k: int) -> tuple[str, float, float]:
        x = rng.uniform(0, 1, (BATCH, side, side, channels)).astype(np.float32)
        kernel = rng.standard_normal((k, k, channels, filters)).astype(np.float32)
        grad = rng.standard_normal((BATCH, side - k + 1, side - k + 1, filters))
        grad = grad.astype(np.float32)
        name = f"conv2d_backward, {side}x{side}x{channels:<2} {filters:>2} filters {k}x{k}"
        tf_seconds, theirs = tape_timer(
            lambda a, b: tf.nn.conv2d(a, b, 1, "VALID"), [x, kernel], grad
        )
        check(ops.conv2d_backward(x, kernel, grad), theirs, name)
        return (
            name,
            median_seconds(lambda: ops.conv2d_backward(x, kernel, grad), repeats),
            tf_seconds,
        )

    def pool_row(op: str) -> tuple[str, float, float]:
        ours, forward = getattr(ops, f"{op}_backward"), getattr(tf.nn, op)
        features = rng.standard_normal((BATCH, 24, 24, 32)).astype(np.float32)
        grad = rng.standard_normal((BATCH, 12, 12, 32)).astype(np.float32)
        name = f"{op}_backward, 2x2 on 24x24x32"
        tf_seconds, theirs = tape_timer(lambda a: forward(a, 2, 2, "VALID"), [features], grad)
        check([ours(features, grad, 2)], theirs, name)
        return name, median_seconds(lambda: ours(features, grad, 2), repeats), tf_seconds

    rows = [conv_row(*conv) for conv in CONVS]
    rows += [pool_row("max_pool2d"), pool_row("avg_pool2d")]

    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(
        f"batches of {BATCH}, 'valid', float32; gradients for a given upstream gradient; "
        f"median of {repeats} runs"
    )
    print(
        f"threads: {threads or 'default'} | CPUs: {os.cpu_count()} | load average: {load} | "
        f"NumPy {np.__version__} | TensorFlow {tf.__version__}"
    )
    width = max(len(name) for name, _, _ in rows)
    print(f"\n{'backward pass':<{width}}  {'NumPy ms':>9}  {'TF tape ms':>10}  {'x TF':>6}")
    print(f"{'-' * width}  {'-' * 9}  {'-' * 10}  {'-' * 6}")
    for name, seconds, tf_seconds in rows:
        print(
            f"{name:<{width}}  {seconds * 1000:>9.1f}  {tf_seconds * 1000:>10.1f}  "
            f"{seconds / tf_seconds:>6.1f}"
        )
    if not threads and os.getloadavg()[0] > (os.cpu_count() or 1):
        # As in bench_conv.py: a busy machine slows NumPy's BLAS threads most.
        print("\nNote: the machine is busy; for a like-for-like comparison use --threads 1.")


def check(ours, theirs, name: str) -> None:
    """Every method must give the same numbers before its speed means anything."""
    import numpy as np  # noqa: PLC0415

    for a, b in zip(ours, theirs, strict=True):
        err = np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(b)))
        assert err < 1e-4, f"{name} disagrees with tf.GradientTape (relative error {err:.1e})"


if __name__ == "__main__":
    main()
