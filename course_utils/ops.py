"""Convolution and pooling written in plain NumPy (introduced in lessons 1-3).

These are the reference versions the lessons build up to; lesson 6 adds their backward
passes (``conv2d_backward``, ``max_pool2d_backward``, ``avg_pool2d_backward``). They use
TensorFlow's vocabulary and layouts, so their results can be compared with ``tf.nn.conv2d``
(and ``tf.GradientTape``) number for number:

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
    x, kernel, strides, dilations, span, pads = _conv_args(x, kernel, strides, padding, dilations)
    windows = _windows(_pad(x, pads, span, strides, 0.0, "kernel"), span, strides, dilations)
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
    x, size, steps, pads = _pool_args(x, pool_size, strides, padding)
    return _pool_windows(x, size, steps, pads, -np.inf).max(axis=(-2, -1))


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
    x, size, steps, pads = _pool_args(x, pool_size, strides, padding)
    sums = _pool_windows(x, size, steps, pads, 0.0).sum(axis=(-2, -1))
    return sums / _real_pixels(x, size, steps, pads).sum(axis=(-2, -1))


def conv2d_backward(
    x: np.ndarray,
    kernel: np.ndarray,
    grad_output: np.ndarray,
    strides: int | Pair = 1,
    padding: Padding = "valid",
    dilations: int | Pair = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of ``conv2d(x, kernel, ...)`` given ``grad_output`` (introduced in lesson 6).

    ``grad_output`` is dL/d(output), shaped like conv2d's output (N, OH, OW, F). Returns
    ``(grad_x, grad_kernel)``, shaped like ``x`` and ``kernel``: what ``tf.GradientTape``
    gives for ``tf.nn.conv2d``. (The bias gradient is ``grad_output.sum(axis=(0, 1, 2))``.)

    - ``grad_kernel``: every weight met every window once, so its gradient adds up
      (pixel under that weight) x (gradient of the window's output) over all windows.
    - ``grad_x``: a true convolution of ``grad_output`` with the kernel (lesson 1's
      distinction), computed as a cross-correlation with the flipped kernel.
    """
    x, kernel, strides, dilations, span, pads = _conv_args(x, kernel, strides, padding, dilations)
    xp = _pad(x, pads, span, strides, 0.0, "kernel")
    windows = _windows(xp, span, strides, dilations)
    grad = _check_grad_output(grad_output, (*windows.shape[:3], kernel.shape[3]), "conv2d")
    dtype = np.result_type(x, kernel, grad)

    # windows is (N, OH, OW, C, KH, KW): sum pixel x gradient over N, OH and OW.
    grad_kernel = np.tensordot(windows, grad, axes=([0, 1, 2], [0, 1, 2])).transpose(1, 2, 0, 3)

    # Output pixel o used input pixels o*s + i*d (tap i of the kernel), so input pixel y gets
    #     grad_xp[y] = sum over taps i of grad[(y - i*d) / s] * kernel[i]
    # "y - i", not "y + i": a true convolution. As a cross-correlation: put grad on the
    # stride-1 grid (zeros between its pixels), pad span - 1 zeros on every side ("full"
    # padding, so every tap has something to read) and slide the kernel flipped 180 degrees.
    (kh, kw), (sh, sw), (dh, dw) = kernel.shape[:2], strides, dilations
    hp, wp = xp.shape[1:3]
    full = np.zeros((len(grad), hp + span[0] - 1, wp + span[1] - 1, grad.shape[3]), dtype)
    full[:, span[0] - 1 : hp : sh, span[1] - 1 : wp : sw] = grad
    flipped = kernel[::-1, ::-1]
    # The same sum as conv2d(full, flipped with its C and F axes swapped, dilations=d), in a
    # cheaper order: one matrix product multiplies every pixel by every tap (over the F
    # filters), then the KH*KW shifted slices are added up.
    taps = np.tensordot(full, flipped, axes=([3], [3]))  # (N, full rows, full cols, KH, KW, C)
    grad_xp = sum(
        taps[:, i * dh : i * dh + hp, j * dw : j * dw + wp, i, j]
        for i in range(kh)
        for j in range(kw)
    )
    (top, _), (left, _) = pads
    grad_x = grad_xp[:, top : top + x.shape[1], left : left + x.shape[2]]
    return grad_x.astype(dtype, copy=False), grad_kernel.astype(dtype, copy=False)


def max_pool2d_backward(
    x: np.ndarray,
    grad_output: np.ndarray,
    pool_size: int | Pair,
    strides: int | Pair | None = None,
    padding: Padding = "valid",
) -> np.ndarray:
    """Gradient of ``max_pool2d(x, ...)`` given ``grad_output`` (introduced in lesson 6).

    Max routes the gradient to the winner: each window passes its output gradient to the
    pixel that won it, and 0 to the others; a pixel that wins several overlapping windows
    gets the sum. On a tie the winner is, as in TensorFlow, the first maximum in reading
    order (top row first, left to right); padding never wins. Returns dL/dx, shaped like
    ``x``: what ``tf.GradientTape`` gives for ``tf.nn.max_pool2d``.
    """
    x, size, steps, pads = _pool_args(x, pool_size, strides, padding)
    windows = _pool_windows(x, size, steps, pads, -np.inf)
    grad = _check_grad_output(grad_output, windows.shape[:4], "max_pool2d")
    maxes = windows.max(axis=(-2, -1))
    is_real = _real_pixels(x, size, steps, pads) > 0  # padding never wins, even against -inf
    routed = np.zeros(windows.shape, grad.dtype)
    found = np.zeros(maxes.shape, dtype=bool)  # the windows whose winner is known
    # Scan the windows' pixels in reading order, as TensorFlow does: the first maximum wins.
    for i in range(size[0]):
        for j in range(size[1]):
            wins = (windows[..., i, j] == maxes) & is_real[..., i, j] & ~found
            routed[..., i, j] = wins * grad
            found |= wins
    grad_x = _add_windows_back(routed, x.shape, pads, steps)
    return grad_x.astype(np.result_type(x, grad), copy=False)


def avg_pool2d_backward(
    x: np.ndarray,
    grad_output: np.ndarray,
    pool_size: int | Pair,
    strides: int | Pair | None = None,
    padding: Padding = "valid",
) -> np.ndarray:
    """Gradient of ``avg_pool2d(x, ...)`` given ``grad_output`` (introduced in lesson 6).

    A window's output is the mean of its real pixels (padding is left out, as in the
    forward op), so each of them gets an equal share: grad / (number of real pixels).
    Overlapping windows add up. Returns dL/dx, shaped like ``x``: what ``tf.GradientTape``
    gives for ``tf.nn.avg_pool2d``.
    """
    x, size, steps, pads = _pool_args(x, pool_size, strides, padding)
    real = _real_pixels(x, size, steps, pads)  # (1, OH, OW, 1, KH, KW)
    grad = _check_grad_output(grad_output, (len(x), *real.shape[1:3], x.shape[3]), "avg_pool2d")
    share = grad / real.sum(axis=(-2, -1))
    # Every pixel of a window gets the share (the padded ones are dropped at the end).
    shares = np.broadcast_to(share[..., None, None], (*share.shape, *size))
    grad_x = _add_windows_back(shares, x.shape, pads, steps)
    return grad_x.astype(np.result_type(x, grad), copy=False)


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


def _windows(xp: np.ndarray, span: Pair, strides: Pair, dilations: Pair = (1, 1)) -> np.ndarray:
    """Every window of padded NHWC ``xp`` as a view (N, OH, OW, C, KH, KW), no copy."""
    (sh, sw), (dh, dw) = strides, dilations
    # A window covers span pixels and keeps every d-th; windows start s pixels apart.
    return sliding_window_view(xp, span, axis=(1, 2))[:, ::sh, ::sw, :, ::dh, ::dw]


def _add_windows_back(
    window_grads: np.ndarray, x_shape: tuple[int, ...], pads: list[Pair], strides: Pair
) -> np.ndarray:
    """The way back from ``_windows`` (pooling's backward passes).

    Adds each window's gradient (N, OH, OW, C, KH, KW) onto the pixels that window covered,
    so overlapping windows add up, then drops the padding: returns x's shape.
    """
    n, oh, ow, c, kh, kw = window_grads.shape
    (top, bottom), (left, right) = pads
    sh, sw = strides
    grad = np.zeros(
        (n, x_shape[1] + top + bottom, x_shape[2] + left + right, c), window_grads.dtype
    )
    for i in range(kh):
        for j in range(kw):
            # Pixel (i, j) of window (r, q) is padded pixel (r * sh + i, q * sw + j).
            rows, cols = slice(i, i + (oh - 1) * sh + 1, sh), slice(j, j + (ow - 1) * sw + 1, sw)
            grad[:, rows, cols] += window_grads[..., i, j]
    return grad[:, top : top + x_shape[1], left : left + x_shape[2]]


def _conv_args(
    x: np.ndarray,
    kernel: np.ndarray,
    strides: int | Pair,
    padding: Padding,
    dilations: int | Pair,
) -> tuple[np.ndarray, np.ndarray, Pair, Pair, Pair, list[Pair]]:
    """Check conv2d's arguments: x, kernel, strides, dilations, span and padding amounts."""
    x, kernel = _as_float(x, "x", 4, NHWC), _as_float(kernel, "kernel", 4, HWIO)
    if kernel.shape[2] != x.shape[3]:
        raise ValueError(
            f"kernel expects {kernel.shape[2]} input channels but x has {x.shape[3]} "
            f"(kernel shape {kernel.shape}, x shape {x.shape})"
        )
    (sh, sw), (dh, dw) = as_pair(strides, "strides"), as_pair(dilations, "dilations")
    # A dilated kernel covers (k - 1) * d + 1 pixels: windows that size, keeping every d-th.
    span = ((kernel.shape[0] - 1) * dh + 1, (kernel.shape[1] - 1) * dw + 1)
    pads = _explicit_padding(padding, x.shape[1:3], span, (sh, sw))
    return x, kernel, (sh, sw), (dh, dw), span, pads


def _pool_args(
    x: np.ndarray, pool_size: int | Pair, strides: int | Pair | None, padding: Padding
) -> tuple[np.ndarray, Pair, Pair, list[Pair]]:
    """Check the pooling arguments: x, pool size, strides and padding amounts."""
    x = _as_float(x, "x", 4, NHWC)
    size = as_pair(pool_size, "pool_size")
    steps = size if strides is None else as_pair(strides, "strides")
    pads = _explicit_padding(padding, x.shape[1:3], size, steps)
    if any(p >= k for pair, k in zip(pads, size, strict=True) for p in pair):
        # A window made only of padding would have no real pixel to pool.
        raise ValueError(f"padding {padding!r} should be smaller than pool_size {size}")
    return x, size, steps, pads


def _pool_windows(
    x: np.ndarray, size: Pair, strides: Pair, pads: list[Pair], fill: float
) -> np.ndarray:
    return _windows(_pad(x, pads, size, strides, fill, "pool_size"), size, strides)


def _real_pixels(x: np.ndarray, size: Pair, strides: Pair, pads: list[Pair]) -> np.ndarray:
    """Pooling windows (1, OH, OW, 1, KH, KW) holding 1 on x's pixels and 0 on padding."""
    ones = np.ones((1, *x.shape[1:3], 1), dtype=x.dtype)
    return _pool_windows(ones, size, strides, pads, 0.0)


def _check_grad_output(grad_output: np.ndarray, shape: tuple[int, ...], op: str) -> np.ndarray:
    grad = _as_float(grad_output, "grad_output", 4, NHWC)
    if grad.shape != tuple(shape):
        raise ValueError(
            f"grad_output should have the shape of {op}'s output {tuple(shape)}, "
            f"got shape {grad.shape}"
        )
    return grad


def _check_bias(bias: np.ndarray, filters: int) -> np.ndarray:
    bias = np.asarray(bias)
    if bias.shape != (filters,):
        raise ValueError(
            f"bias should have shape ({filters},), one value per filter, got shape {bias.shape}"
        )
    return bias
