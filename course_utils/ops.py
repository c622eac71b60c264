"""Convolution and pooling written in plain NumPy (introduced in lessons 1-3).

These are the reference versions the lessons build up to. They use TensorFlow's vocabulary
and layouts, so their results can be compared with ``tf.nn.conv2d`` number for number:

- images ``x`` are NHWC: ``(batch, height, width, channels)``;
- kernels are HWIO: ``(kernel_height, kernel_width, in_channels, out_channels)``;
- ``strides``, ``dilations`` and ``pool_size`` are an int or an ``(h, w)`` pair;
- ``padding`` is ``"valid"``, ``"same"`` (TensorFlow's: the odd extra pixel goes at the
  bottom/right) or explicit numbers: an int, ``(pad_h, pad_w)`` or
  ``((top, bottom), (left, right))``.

Like ``tf.nn.conv2d`` they compute cross-correlation: the kernel is not flipped.
float64 inputs stay float64; anything else (float32, uint8, int) is computed as float32.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Pair = tuple[int, int]
Padding = str | int | tuple[int, int] | tuple[tuple[int, int], tuple[int, int]]

NHWC = "4-D (batch, height, width, channels)"
HWIO = "4-D (height, width, in_channels, out_channels)"


def conv2d_loops(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Slide ``kernel`` (kh, kw) over ``image`` (h, w) with two plain loops (lesson 1).

    'valid' cross-correlation: returns ``(h - kh + 1, w - kw + 1)``.
    """
    image, kernel = _as_float(image, "image", 2, "2-D"), _as_float(kernel, "kernel", 2, "2-D")
    kh, kw = kernel.shape
    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    if out_h < 1 or out_w < 1:
        raise ValueError(f"kernel {kernel.shape} is larger than image {image.shape}")
    out = np.zeros((out_h, out_w), dtype=np.result_type(image, kernel))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out


def conv2d(
    x: np.ndarray,
    kernel: np.ndarray,
    bias: np.ndarray | None = None,
    strides: int | Pair = 1,
    padding: Padding = "valid",
    dilations: int | Pair = 1,
) -> np.ndarray:
    """2-D cross-correlation of a batch, like ``tf.nn.conv2d`` (lessons 1 and 2).

    ``x`` (N, H, W, C) and ``kernel`` (KH, KW, C, F) give (N, OH, OW, F); ``bias`` has
    shape (F,). Each output side is ``output_size(H, KH, stride, padding, dilation)``.
    """
    x, kernel = _as_float(x, "x", 4, NHWC), _as_float(kernel, "kernel", 4, HWIO)
    if kernel.shape[2] != x.shape[3]:
        raise ValueError(
            f"kernel expects {kernel.shape[2]} input channels but x has {x.shape[3]} "
            f"(kernel shape {kernel.shape}, x shape {x.shape})"
        )
    (sh, sw), (dh, dw) = as_pair(strides, "strides"), as_pair(dilations, "dilations")
    # A dilated kernel covers (k - 1) * d + 1 pixels: windows that size, keeping every d-th.
    span = ((kernel.shape[0] - 1) * dh + 1, (kernel.shape[1] - 1) * dw + 1)
    xp = _pad(x, padding, span, (sh, sw), 0.0, "kernel")
    windows = sliding_window_view(xp, span, axis=(1, 2))[:, ::sh, ::sw, :, ::dh, ::dw]
    # windows is (N, OH, OW, C, KH, KW); tensordot flattens it into one big matrix product.
    out = np.tensordot(windows, kernel, axes=([4, 5, 3], [0, 1, 2]))
    if bias is not None:
        out += _check_bias(bias, kernel.shape[3])
    return out.astype(np.result_type(x, kernel), copy=False)


def max_pool2d(
    x: np.ndarray,
    pool_size: int | Pair,
    strides: int | Pair | None = None,
    padding: Padding = "valid",
) -> np.ndarray:
    """Largest value of each window, per channel, like ``tf.nn.max_pool2d`` (lesson 3).

    ``x`` (N, H, W, C) gives (N, OH, OW, C). ``strides`` defaults to ``pool_size``.
    Padded pixels are -inf, so they never win.
    """
    return _pool(x, pool_size, strides, padding, np.max, fill=-np.inf)


def avg_pool2d(
    x: np.ndarray,
    pool_size: int | Pair,
    strides: int | Pair | None = None,
    padding: Padding = "valid",
) -> np.ndarray:
    """Mean of each window, per channel, like ``tf.nn.avg_pool2d`` (lesson 3).

    ``x`` (N, H, W, C) gives (N, OH, OW, C). ``strides`` defaults to ``pool_size``.
    Padded pixels are left out of the mean, as TensorFlow does with ``"same"``.
    """
    x = _as_float(x, "x", 4, NHWC)
    sums = _pool(x, pool_size, strides, padding, np.sum, fill=0.0)
    # Pool an image of ones the same way to count the real (unpadded) pixels of each window.
    ones = np.ones((1, *x.shape[1:3], 1), dtype=x.dtype)
    return sums / _pool(ones, pool_size, strides, padding, np.sum, fill=0.0)


def output_size(
    input_size: int,
    kernel_size: int,
    stride: int = 1,
    padding: str | int | Pair = 0,
    dilation: int = 1,
) -> int:
    """Output length along one axis (lesson 2): floor((H + 2P - D(F-1) - 1) / S) + 1.

    With D = 1 that is the familiar (H - F + 2P) / S + 1. ``padding`` is P (an int),
    a (before, after) pair, ``"valid"`` (P = 0) or ``"same"`` (output ceil(H / S)).
    """
    h, f = _positive(input_size, "input_size"), _positive(kernel_size, "kernel_size")
    s, d = _positive(stride, "stride"), _positive(dilation, "dilation")
    if isinstance(padding, str):
        if _padding_mode(padding) == "same":
            return math.ceil(h / s)
        before = after = 0
    else:
        before, after = _pad_amounts(padding, "padding")
    padded, span = h + before + after, d * (f - 1) + 1
    if span > padded:
        raise ValueError(
            f"kernel_size {f} (covering {span} pixels) is larger than the padded "
            f"input ({padded} pixels)"
        )
    return (padded - span) // s + 1


def same_padding(input_size: int, kernel_size: int, stride: int = 1, dilation: int = 1) -> Pair:
    """TensorFlow's ``"same"`` padding along one axis as (before, after) (lesson 2).

    The output has ceil(H / S) pixels; when the padding needed is odd, the extra pixel goes
    after (bottom/right): ``same_padding(5, 2) == (0, 1)``.
    """
    h, f = _positive(input_size, "input_size"), _positive(kernel_size, "kernel_size")
    s, d = _positive(stride, "stride"), _positive(dilation, "dilation")
    # ceil(H / S) outputs need (outputs - 1) * S + span input pixels; pad the shortfall.
    total = max((math.ceil(h / s) - 1) * s + d * (f - 1) + 1 - h, 0)
    return total // 2, total - total // 2


def padding_amounts(
    padding: Padding,
    input_hw: Pair,
    kernel_size: int | Pair,
    strides: int | Pair = 1,
    dilations: int | Pair = 1,
) -> tuple[Pair, Pair]:
    """Any padding spec as ((top, bottom), (left, right)), as TensorFlow applies it (lesson 2)."""
    ks, ss, ds = (
        as_pair(kernel_size, "kernel_size"),
        as_pair(strides, "strides"),
        as_pair(dilations, "dilations"),
    )
    span = ((ks[0] - 1) * ds[0] + 1, (ks[1] - 1) * ds[1] + 1)
    rows, cols = _explicit_padding(padding, (input_hw[0], input_hw[1]), span, ss)
    return rows, cols


def as_pair(value: int | Pair, name: str) -> Pair:
    """An int or an (h, w) pair of positive ints, as an (h, w) pair; names ``name`` if not.

    How every op here reads ``strides``, ``dilations``, ``pool_size`` (lessons 1-3).
    """
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise ValueError(f"{name} should be an int or an (h, w) pair, got {value!r}")
        return _positive(value[0], name), _positive(value[1], name)
    return _positive(value, name), _positive(value, name)


# --- helpers -------------------------------------------------------------------------------


def _as_float(a: np.ndarray, name: str, ndim: int, shape_words: str) -> np.ndarray:
    a = np.asarray(a)
    if a.ndim != ndim:
        raise ValueError(f"{name} should be {shape_words}, got shape {a.shape}")
    if not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise TypeError(f"{name} should hold numbers, got dtype {a.dtype}")
    return a if a.dtype == np.float64 else a.astype(np.float32, copy=False)


def _positive(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} should be an int, got {value!r}")
    if value < 1:
        why = " (1 means no gaps between kernel pixels)" if name.startswith("dilation") else ""
        raise ValueError(f"{name} should be a positive int{why}, got {value}")
    return int(value)


def _padding_mode(padding: str) -> str:
    mode = padding.lower()
    if mode not in ("valid", "same"):
        raise ValueError(
            f'padding should be "valid", "same" or numbers, got {padding!r}: unknown padding'
        )
    return mode


def _pad_amounts(value: int | Pair, name: str) -> Pair:
    """An int or a (before, after) pair of non-negative ints, as a (before, after) pair."""
    pair = tuple(value) if isinstance(value, tuple | list) else (value, value)
    if len(pair) != 2 or not all(
        isinstance(p, int | np.integer) and not isinstance(p, bool) for p in pair
    ):
        raise ValueError(f"{name} should hold ints, got {value!r}")
    if min(pair) < 0:
        raise ValueError(f"{name} cannot be negative, got {value!r}")
    return int(pair[0]), int(pair[1])


def _explicit_padding(padding: Padding, in_hw: Pair, span: Pair, strides: Pair) -> list[Pair]:
    """Turn any padding spec into [(top, bottom), (left, right)]."""
    if isinstance(padding, str):
        if _padding_mode(padding) == "valid":
            return [(0, 0), (0, 0)]
        # `span` is already dilated, so dilation 1 here.
        return [same_padding(n, k, s) for n, k, s in zip(in_hw, span, strides, strict=True)]
    if isinstance(padding, tuple | list) and len(padding) == 2:
        return [_pad_amounts(p, "padding") for p in padding]
    if isinstance(padding, tuple | list):
        raise ValueError(
            f"padding should be an int, (pad_h, pad_w) or ((top, bottom), (left, right)), "
            f"got {padding!r}"
        )
    return [_pad_amounts(padding, "padding")] * 2


def _pad(
    x: np.ndarray, padding: Padding, span: Pair, strides: Pair, fill: float, what: str
) -> np.ndarray:
    """Pad height and width of NHWC ``x`` with ``fill``; check the window still fits."""
    pads = _explicit_padding(padding, x.shape[1:3], span, strides)
    padded = tuple(n + b + a for n, (b, a) in zip(x.shape[1:3], pads, strict=True))
    if span[0] > padded[0] or span[1] > padded[1]:
        raise ValueError(
            f"{what} covers {span[0]}x{span[1]} pixels but the padded input is only "
            f"{padded[0]}x{padded[1]}: use a smaller {what} or more padding"
        )
    if not any(b or a for b, a in pads):
        return x
    return np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=fill)


def _pool(
    x: np.ndarray,
    pool_size: int | Pair,
    strides: int | Pair | None,
    padding: Padding,
    reduce: Callable[..., np.ndarray],
    fill: float,
) -> np.ndarray:
    x = _as_float(x, "x", 4, NHWC)
    size = as_pair(pool_size, "pool_size")
    steps = size if strides is None else as_pair(strides, "strides")
    pads = _explicit_padding(padding, x.shape[1:3], size, steps)
    if any(p >= k for pair, k in zip(pads, size, strict=True) for p in pair):
        # A window made only of padding would have no real pixel to pool.
        raise ValueError(f"padding {padding!r} should be smaller than pool_size {size}")
    xp = _pad(x, pads, size, steps, fill, "pool_size")
    windows = sliding_window_view(xp, size, axis=(1, 2))[:, :: steps[0], :: steps[1]]
    return reduce(windows, axis=(-2, -1))


def _check_bias(bias: np.ndarray, filters: int) -> np.ndarray:
    bias = np.asarray(bias)
    if bias.shape != (filters,):
        raise ValueError(
            f"bias should have shape ({filters},), one value per filter, got shape {bias.shape}"
        )
    return bias
