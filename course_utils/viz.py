"""Plots the lessons share (introduced in lessons 1-4).

Every function returns what it drew (a matplotlib ``Figure`` or ``Axes``) so a notebook
can add to it, and none calls ``plt.show()``: a notebook shows each new figure once, at the
end of the cell, with or without a ``;`` after the call. One-panel plots accept ``ax=`` to
draw into an existing Axes; two-panel plots accept ``axes=(left, right)``.

- lessons 1-3: ``show_images``, ``show_matrix``, ``show_kernel``, ``show_window``,
  ``show_convolution``, ``show_positions``, ``show_pooling``, ``show_feature_maps`` (the
  explorers of ``course_utils.widgets`` draw with them, so each has a static twin);
- lesson 4: ``plot_history``, ``plot_confusion_matrix``, ``show_misclassified``,
  ``plot_probabilities``, ``show_filters``, ``feature_maps``; ``logged_key`` finds a
  metric in Keras's logs whichever way accuracy is spelled (``ACCURACY_KEYS``).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from course_utils import _display, ops
from course_utils.formulas import (
    partial_output,
    pool_formula,
    pool_window,
    shape_formula,
    sum_formula,
)

MAX_IMAGES = 100  # a grid of more than this is unreadable and slow to draw
# One colour map per kind of quantity, course-wide: pixels are gray (matplotlib's default is
# set to it by ``course_utils.setup()``); kernels and responses that can be negative use one
# diverging map with white at 0; feature maps after ReLU, never negative, one sequential map.
IMAGE_CMAP = "gray"
SIGNED_CMAP = "RdBu_r"
ACTIVATION_CMAP = "viridis"
PAD_COLOR = "#d9d9d9"
HIGHLIGHT = "tab:red"
# Keras 3 logs "accuracy"; older Keras and many tutorials say "acc"; a metric given as an
# object is logged under its own name. They all mean the same thing here.
ACCURACY_KEYS = ("accuracy", "acc", "sparse_categorical_accuracy", "categorical_accuracy")

# --------------------------------------------------------------------------- lessons 1-3


def show_images(
    images: Any,
    labels: Sequence[Any] | None = None,
    ncols: int = 8,
    titles: Sequence[str] | None = None,
    cmap: str = "gray",
    class_names: Sequence[str] | None = None,
    title: str | None = None,
) -> Figure:
    """A grid of images with their labels, e.g. ``show_images(x_train[:16], y_train[:16])``.

    ``images`` is (N, H, W), (N, H, W, 1) or RGB (N, H, W, 3); ``labels`` (shown as
    "label 5", or the class name when ``class_names`` is given) or ``titles`` (any text)
    go above each image. (Introduced in lesson 0; used in every lesson.)
    """
    images = _image_stack(images, "images")
    n = len(images)
    if titles is None and labels is not None:
        _check_length(labels, n, "labels")
        titles = [_label_text(lab, class_names, "label ") for lab in labels]
    if titles is not None:
        _check_length(titles, n, "titles")
    fig, axes = _grid(n, ncols, cell=None, title=title)
    _draw_images(axes, images, titles, cmap, fontsize=9)
    return fig


def show_matrix(
    m: Any,
    ax: Axes | None = None,
    fmt: str = "{:g}",
    cmap: str = "gray",
    title: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    numbers: bool | None = None,
) -> Axes:
    """A small matrix as coloured cells with each value written on its cell (lesson 1).

    Text is white on dark cells and black on light ones. NaN cells stay blank (handy for
    an output that is only partly computed). ``numbers=None`` writes values only when
    the matrix is at most 16x16.
    """
    m = _matrix(m, "m")
    ax = _axes(ax, size=(0.5 * m.shape[1] + 1.2, 0.5 * m.shape[0] + 1.0))
    norm = _norm(m, vmin, vmax)
    colormap = plt.get_cmap(cmap).with_extremes(bad="white")
    ax.imshow(np.ma.masked_invalid(m), cmap=colormap, norm=norm)
    _cell_grid(ax, m.shape)
    if numbers is None:
        numbers = max(m.shape) <= 16
    if numbers:
        _write_numbers(ax, m, colormap, norm, fmt)
    if title is not None:
        ax.set_title(title)
    return ax


def show_kernel(
    kernel: Any,
    ax: Axes | None = None,
    title: str | None = "kernel",
    fmt: str = "{:.2g}",
    cmap: str = SIGNED_CMAP,
) -> Axes:
    """A kernel with its weights written on it: red positive, blue negative, white 0 (lesson 1).

    ``kernel`` is 2-D (kh, kw), or HWIO with one input and one output channel.
    """
    k = np.asarray(kernel, dtype=float)
    if k.ndim == 4 and k.shape[2:] == (1, 1):
        k = k[:, :, 0, 0]
    k = _matrix(k, "kernel")
    limit = float(np.nanmax(np.abs(k))) or 1.0  # symmetric limits put 0 at the centre colour
    return show_matrix(k, ax=ax, fmt=fmt, cmap=cmap, title=title, vmin=-limit, vmax=limit)


def show_window(
    image: Any,
    output: Any,
    row: int,
    col: int,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] = 1,
    padding: ops.Padding = 0,
    dilation: int | tuple[int, int] = 1,
    axes: Sequence[Axes] | None = None,
    numbers: bool | None = None,
    fmt: str = "{:g}",
    cmap: str = "gray",
    output_range: tuple[float, float] | None = None,
    output_fmt: str = "{:.3g}",
    output_cmap: str | None = None,
) -> Figure:
    """The input with the window that makes output cell (row, col), beside the output (lesson 1).

    The padded border is drawn as grey hatched cells around the image (zeros for a
    convolution; pooling ignores them). ``output`` may contain NaN for cells not computed
    yet; ``output_range=(lo, hi)`` keeps its colours fixed while it fills up. ``fmt`` and
    ``output_fmt`` format the numbers written on the input and output cells; ``output_cmap``
    colours the output (default: ``cmap``, as for the input).
    """
    image = _matrix(image, "image")
    output = _matrix(output, "output")
    kh, kw = ops.as_pair(kernel_size, "kernel_size")
    (sh, sw), (dh, dw) = ops.as_pair(stride, "stride"), ops.as_pair(dilation, "dilation")
    pads = ops.padding_amounts(padding, image.shape, (kh, kw), (sh, sw), (dh, dw))
    expected = tuple(
        ops.output_size(n, k, s, p, d)
        for n, k, s, p, d in zip(image.shape, (kh, kw), (sh, sw), pads, (dh, dw), strict=True)
    )
    if output.shape != expected:
        raise ValueError(
            f"output has shape {output.shape} but this window and image give {expected}"
        )
    _check_position(row, col, output.shape)
    fig, (ax_in, ax_out) = _two_axes(axes, image.shape, pads, output.shape)
    (top, bottom), (left, right) = pads
    padded = np.pad(image.astype(float), pads, constant_values=np.nan)
    extent = (-left - 0.5, image.shape[1] + right - 0.5, image.shape[0] + bottom - 0.5, -top - 0.5)
    norm = _norm(image, None, None)
    colormap = plt.get_cmap(cmap).with_extremes(bad=PAD_COLOR)
    ax_in.imshow(np.ma.masked_invalid(padded), cmap=colormap, norm=norm, extent=extent)
    if top or bottom or left or right:
        _hatch_padding(ax_in, image.shape, pads)
    if numbers is None:
        numbers = max(padded.shape) <= 12
    if numbers:
        _write_numbers(ax_in, image, colormap, norm, fmt)
    _cell_grid(ax_in, padded.shape, origin=(-top, -left))
    y0, x0 = row * sh - top, col * sw - left
    _draw_window(ax_in, (y0, x0), (kh, kw), (dh, dw))
    ax_in.set_title(f"input {image.shape[0]}x{image.shape[1]}: window for ({row}, {col})")
    lo, hi = output_range if output_range is not None else (None, None)
    out_cmap = output_cmap or cmap
    show_matrix(output, ax=ax_out, fmt=output_fmt, cmap=out_cmap, vmin=lo, vmax=hi, numbers=numbers)
    ax_out.add_patch(_box((row, col), (1, 1), lw=3))
    ax_out.set_title(f"output {output.shape[0]}x{output.shape[1]}: cell ({row}, {col})")
    return fig


def show_positions(
    input_size: int,
    kernel_size: int,
    stride: int = 1,
    padding: ops.Padding = 0,
    dilation: int = 1,
    highlight: tuple[int, int] | None = (0, 0),
    axes: Sequence[Axes] | None = None,
    formula: bool = True,
) -> Figure:
    """Every place a square kernel lands on a square input, and the output it makes (lesson 2).

    A dot marks the top-left pixel of each window position (one per output cell); the
    window of output cell ``highlight`` is outlined and its pixels filled. Padding is
    drawn in grey around the input. ``padding`` is an int, a (before, after) pair,
    ``"valid"`` or ``"same"``. ``formula`` writes the output-size formula with the numbers
    filled in above the picture (for a (before, after) pair there is none to write).
    """
    n_out = ops.output_size(input_size, kernel_size, stride, padding, dilation)
    if isinstance(padding, tuple | list):  # (before, after), already checked by output_size
        before, after = int(padding[0]), int(padding[1])
    else:
        square = (input_size, input_size)
        before, after = ops.padding_amounts(padding, square, kernel_size, stride, dilation)[0]
    pads = (before, after)
    size = before + input_size + after
    fig, (ax_in, ax_out) = _two_axes(axes, (input_size,) * 2, (pads, pads), (n_out, n_out))
    cells = np.full((size, size), 0.83)
    cells[before : before + input_size, before : before + input_size] = 1.0
    extent = (-before - 0.5, input_size + after - 0.5, input_size + after - 0.5, -before - 0.5)
    ax_in.imshow(cells, cmap="gray", vmin=0, vmax=1, extent=extent)
    _cell_grid(ax_in, (size, size), origin=(-before, -before))
    ax_in.add_patch(Rectangle((-0.5, -0.5), input_size, input_size, fill=False, lw=2, ec="black"))
    corners = np.arange(n_out) * stride - before
    ys, xs = np.meshgrid(corners, corners, indexing="ij")
    ax_in.plot(xs.ravel(), ys.ravel(), "o", color="tab:blue", ms=4, label="window corners")
    if highlight is not None:
        _check_position(*highlight, (n_out, n_out))
        y0, x0 = corners[highlight[0]], corners[highlight[1]]
        _draw_window(ax_in, (y0, x0), (kernel_size,) * 2, (dilation,) * 2, fill=True)
    ax_in.set_title(f"input {input_size}x{input_size}, padding {before}/{after} (grey)")
    ax_in.set_xlabel("dots: top-left pixel of every window")
    ax_out.imshow(np.ones((n_out, n_out)), cmap="gray", vmin=0, vmax=1)
    _cell_grid(ax_out, (n_out, n_out))
    if highlight is not None:
        ax_out.add_patch(_box(highlight, (1, 1), lw=3, fill=True))
    ax_out.set_title(f"output {n_out}x{n_out}")
    if formula and not isinstance(padding, tuple | list):
        fig.suptitle(shape_formula(input_size, kernel_size, stride, padding, dilation))
    return fig


def show_convolution(image: Any, kernel: Any, row: int, col: int, formula: bool = True) -> Figure:
    """One step of a convolution: the window for output (row, col), the products, the sum.

    Three panels: the image with the window outlined, the window times the kernel, and the
    output filled in up to (row, col) in reading order. ``formula`` writes the sum above
    them. This is the picture of lesson 1's convolution explorer. (Introduced in lesson 1.)
    """
    image, k = _matrix(image, "image"), _matrix(kernel, "kernel")
    full = ops.conv2d(image[None, :, :, None], k[:, :, None, None])[0, :, :, 0]
    _check_position(row, col, full.shape)
    fig, axes = _three_panels(image.shape, full.shape)
    # A response that can be negative is drawn like every signed quantity: white at 0.
    top = float(np.abs(full).max()) or 1.0
    signed = bool(full.min() < 0)
    show_window(
        image,
        partial_output(full, row, col),
        row,
        col,
        k.shape,
        axes=(axes[0], axes[2]),
        fmt=_cell_format(image),
        output_range=(-top, top) if signed else (float(full.min()), float(full.max())),
        output_cmap=SIGNED_CMAP if signed else None,
    )
    window = image[row : row + k.shape[0], col : col + k.shape[1]]
    products = window * k
    show_kernel(products, ax=axes[1], title="window x kernel", fmt=_cell_format(products))
    if formula:
        text = f"output[{row}, {col}] = {sum_formula(window, k, full[row, col])}"
        fig.suptitle(textwrap.fill(text, width=110))
    return fig


def show_pooling(
    image: Any,
    row: int,
    col: int,
    pool_size: int,
    stride: int | None = None,
    padding: str = "valid",
    mode: str = "max",
    formula: bool = True,
) -> Figure:
    """The pooling window for output (row, col), beside the pooled output (lesson 3).

    ``mode`` is ``"max"`` or ``"average"``; ``stride`` defaults to ``pool_size``, as in
    Keras. Padded cells (``"same"``) are hatched: pooling leaves them out. ``formula``
    writes what the window pools above the picture. This is the picture of lesson 3's
    pooling explorer.
    """
    pools = {"max": ops.max_pool2d, "average": ops.avg_pool2d}
    if mode not in pools:
        raise ValueError(f'mode should be "max" or "average", got {mode!r}')
    image = _matrix(image, "image")
    stride = pool_size if stride is None else stride
    pooled = pools[mode](image[None, :, :, None], pool_size, stride, padding)[0, :, :, 0]
    _check_position(row, col, pooled.shape)
    fig = show_window(
        image,
        pooled,
        row,
        col,
        pool_size,
        stride,
        padding,
        fmt=_cell_format(image),
        output_fmt=_cell_format(pooled),
    )
    if formula:
        values = pool_window(image, row, col, pool_size, stride, padding)
        text = pool_formula(values, mode, pooled[row, col])
        fig.suptitle(textwrap.fill(f"{mode} pooling: output[{row}, {col}] = {text}", width=90))
    return fig


def show_feature_maps(
    maps: Any,
    ncols: int = 8,
    title: str | None = None,
    cmap: str | None = None,
    max_channels: int = 64,
    names: Sequence[str] | None = None,
    shared_scale: bool = True,
) -> Figure:
    """The channels of one layer's output as a grid, on one colour scale (lessons 1-4).

    ``maps`` is (H, W, C) or (1, H, W, C), as from ``feature_maps(model, image)[name]``;
    ``names`` titles the channels (default "channel 0", "channel 1", ...). Every channel
    shares one scale, set by the whole layer and shown by a colour bar, so a channel that
    stays at 0 looks dead instead of being stretched to full contrast. The colours follow
    the course's rule: maps with negative values use ``SIGNED_CMAP`` (white is 0), maps
    that are never negative (after ReLU) use ``ACTIVATION_CMAP``. ``shared_scale=False``
    gives each channel its own scale and no colour bar.
    """
    maps = np.asarray(maps, dtype=float)
    if maps.ndim == 4 and maps.shape[0] == 1:
        maps = maps[0]
    if maps.ndim == 2:
        maps = maps[:, :, None]
    if maps.ndim != 3:
        raise ValueError(
            f"maps should be (height, width, channels) for one image, got shape {maps.shape}"
        )
    if names is not None:
        if isinstance(names, str):
            raise TypeError("names should be a list of channel names, one per channel")
        _check_length(names, maps.shape[2], "names", "channels")
    style = feature_map_style(maps)
    if cmap is not None:
        style["cmap"] = cmap
    if not shared_scale:
        style = {"cmap": style["cmap"]}
    n = min(maps.shape[2], max_channels)
    fig, axes = _grid(n, ncols, cell=None, title=title, extra_width=1.0 if shared_scale else 0.0)
    for c, ax in enumerate(axes):
        shown = ax.imshow(maps[:, :, c], **style)
        ax.set_title(str(names[c]) if names is not None else f"channel {c}")
    if shared_scale:
        fig.colorbar(shown, ax=axes, shrink=0.9, label="value")
    return fig


def feature_map_style(maps: Any) -> dict[str, Any]:
    """The colour map and scale for maps of one layer: ``ax.imshow(m, **style)`` (lesson 1).

    Maps with a negative value get ``SIGNED_CMAP`` from -top to top (white is 0); maps that
    are never negative (after ReLU) get ``ACTIVATION_CMAP`` from 0 to top, where top is
    the largest absolute value of all of them.
    """
    values = np.asarray(maps, dtype=float)
    if values.size == 0 or not np.isfinite(values).any():
        raise ValueError("maps should hold at least one finite number")
    signed = bool(np.nanmin(values) < 0)
    top = float(np.nanmax(np.abs(values))) or 1.0  # an all-zero layer still gets a scale
    cmap = SIGNED_CMAP if signed else ACTIVATION_CMAP
    return {"cmap": cmap, "vmin": -top if signed else 0.0, "vmax": top}


# --------------------------------------------------------------------------- lesson 4


def plot_history(
    history: Any, title: str | None = None, metrics: str | Sequence[str] | None = None
) -> Figure:
    """Learning curves: loss and accuracy per epoch, training and validation (lesson 4).

    ``history`` is what ``model.fit`` returns, its ``.history`` dict, or a DataFrame
    read from a ``CSVLogger`` file. Epochs are counted from 1. ``metrics`` chooses the
    panels, e.g. ``("loss", "mae")``; by default loss, and accuracy when it was logged.
    Each panel shows the metric and its ``val_`` twin. (``callbacks.LivePlot`` draws
    with it too, in lesson 5.)
    """
    logs = _history_dict(history)
    if metrics is None:
        names = ("loss", "accuracy") if logged_key(logs, "accuracy") else ("loss",)
    else:
        names = tuple(metrics) if isinstance(metrics, list | tuple) else (metrics,)
    if not names:
        raise ValueError("metrics is empty: name at least one, e.g. metrics=('loss',)")
    for name in names:
        if logged_key(logs, name) is None:
            raise ValueError(f"history has no {name!r} entry; it has {sorted(logs)}")
    fig, axes = _display.new_figure(1, len(names), figsize=(5.2 * len(names), 3.6), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        for metric, label in ((name, "training"), ("val_" + name, "validation")):
            key = logged_key(logs, metric)
            if key is not None:
                values = logs[key]
                epochs = np.arange(1, len(values) + 1)
                ax.plot(epochs, values, marker="o" if len(values) <= 30 else None, label=label)
        ax.set(title=name, xlabel="epoch", ylabel=name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    return fig


def logged_key(logs: Mapping[str, Any], metric: str) -> str | None:
    """The key under which Keras's ``logs`` hold ``metric``, or None (lessons 4 and 5).

    Accuracy goes by several names (``ACCURACY_KEYS``): asking for ``"accuracy"`` finds
    ``"acc"``, and ``"val_acc"`` finds ``"val_accuracy"``, never the training value.
    """
    if not isinstance(metric, str):
        raise TypeError(f"a metric should be a name like 'accuracy', got {metric!r}")
    prefix = "val_" if metric.startswith("val_") else ""
    base = metric[len(prefix) :]
    spellings = (base, *ACCURACY_KEYS) if base in ACCURACY_KEYS else (base,)
    return next((prefix + name for name in spellings if prefix + name in logs), None)


def plot_confusion_matrix(
    y_true: Any,
    y_pred: Any,
    class_names: Sequence[str] | None = None,
    normalize: bool = False,
    ax: Axes | None = None,
    title: str | None = None,
    cmap: str = "Blues",
) -> Axes:
    """Rows: true class; columns: predicted class; each cell counts the images (lesson 4).

    Labels are class indices, or one-hot / probability rows (``model.predict`` output),
    which are turned into indices with argmax. ``normalize=True`` shows each row as
    fractions of that true class.
    """
    from sklearn.metrics import confusion_matrix  # noqa: PLC0415  (only lesson 4 needs it)

    y_true, y_pred = _class_indices(y_true, "y_true"), _class_indices(y_pred, "y_pred")
    _check_length(y_pred, len(y_true), "y_pred")
    n = len(class_names) if class_names is not None else int(max(y_true.max(), y_pred.max())) + 1
    if max(y_true.max(), y_pred.max()) >= n:
        raise ValueError(f"a label is >= {n}, but class_names names only {n} classes")
    cm = confusion_matrix(
        y_true, y_pred, labels=np.arange(n), normalize="true" if normalize else None
    )
    ax = _axes(ax, size=(0.55 * n + 2.2, 0.55 * n + 1.8))
    show_matrix(cm, ax=ax, fmt="{:.2f}" if normalize else "{:g}", cmap=cmap, numbers=n <= 20)
    names = [str(c) for c in class_names] if class_names is not None else [str(i) for i in range(n)]
    _class_ticks(ax, names)
    ax.set_yticks(range(n), names)
    ax.set(xlabel="predicted label", ylabel="true label")
    ax.set_title(
        title
        or (
            "confusion matrix (fraction of each true class)"
            if normalize
            else "confusion matrix (counts)"
        )
    )
    return ax


def show_misclassified(
    images: Any,
    y_true: Any,
    y_pred: Any,
    probabilities: Any = None,
    n: int = 16,
    class_names: Sequence[str] | None = None,
    ncols: int = 8,
) -> Figure:
    """The first ``n`` images the model got wrong, titled "true 4 / pred 9 (87%)" (lesson 4).

    ``y_pred`` is class indices, or the probability rows from ``model.predict`` (then
    ``probabilities`` comes from them too).
    """
    images = _image_stack(images, "images", limit=None)
    y_true = _class_indices(y_true, "y_true")
    if probabilities is None and np.ndim(y_pred) == 2:
        probabilities = np.asarray(y_pred)
    y_pred = _class_indices(y_pred, "y_pred")
    for arr, name in ((y_true, "y_true"), (y_pred, "y_pred")):
        _check_length(arr, len(images), name)
    if probabilities is not None:
        probabilities = np.asarray(probabilities, dtype=float)
        if probabilities.ndim != 2 or len(probabilities) != len(images):
            raise ValueError(
                f"probabilities should be (N, classes) with N = {len(images)}, "
                f"got shape {probabilities.shape}"
            )
    wrong = np.flatnonzero(y_true != y_pred)[:n]
    if len(wrong) == 0:
        fig, ax = _display.new_figure(figsize=(4, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "no misclassified images", ha="center", va="center")
        return fig
    titles = []
    for i in wrong:
        t, p = _label_text(y_true[i], class_names), _label_text(y_pred[i], class_names)
        sep = "\n" if class_names is not None else " / "
        text = f"true {t}{sep}pred {p}"
        if probabilities is not None:
            text += f" ({probabilities[i, y_pred[i]]:.0%})"
        titles.append(text)
    total = int(np.sum(y_true != y_pred))
    fig, axes = _grid(len(wrong), ncols, cell=1.55, title=f"{len(wrong)} of {total} misclassified")
    _draw_images(axes, images[wrong], titles, "gray", fontsize=8)
    return fig


def plot_probabilities(
    probs: Any,
    class_names: Sequence[str] | None = None,
    true_label: int | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Bar chart of one softmax output; the prediction and the true class are coloured (lesson 4).

    The predicted bar is blue when right and red when wrong; the true class is green.
    """
    p = np.asarray(probs, dtype=float)
    if p.ndim == 2 and p.shape[0] == 1:
        p = p[0]
    if p.ndim != 1:
        raise ValueError(f"probs should be one row of probabilities, got shape {p.shape}")
    if p.min() < 0 or p.max() > 1 + 1e-6:
        raise ValueError(
            "probs should be between 0 and 1 (softmax outputs); got values from "
            f"{p.min():.3g} to {p.max():.3g}: apply a softmax to the logits first"
        )
    names = (
        [str(c) for c in class_names]
        if class_names is not None
        else [str(i) for i in range(len(p))]
    )
    _check_length(names, len(p), "class_names")
    if true_label is not None and not 0 <= int(true_label) < len(p):
        raise ValueError(
            f"true_label should be a class index from 0 to {len(p) - 1}, got {true_label}"
        )
    pred = int(np.argmax(p))
    correct = true_label is None or pred == int(true_label)
    colors = ["lightgray"] * len(p)
    if true_label is not None:
        colors[int(true_label)] = "tab:green"
    colors[pred] = "tab:blue" if correct else "tab:red"
    ax = _axes(ax, size=(max(5.0, 0.5 * len(p) + 1.5), 3.2))
    ax.bar(range(len(p)), p, color=colors, edgecolor="black", linewidth=0.5)
    ax.text(pred, p[pred] + 0.02, f"{p[pred]:.0%}", ha="center", va="bottom")
    _class_ticks(ax, names)
    ax.set(ylim=(0, 1.12), ylabel="probability")
    right = " (correct)" if true_label is not None and correct else ""
    legend = [Patch(color="tab:blue" if correct else "tab:red", label=f"predicted{right}")]
    if true_label is not None and not correct:
        legend.append(Patch(color="tab:green", label="true label"))
    ax.legend(handles=legend, loc="upper right", fontsize=8)
    if title is None:
        title = f"prediction: {names[pred]} ({p[pred]:.0%})"
        if true_label is not None:
            title += f", true: {names[int(true_label)]}"
    ax.set_title(title)
    return ax


def show_filters(
    kernel: Any,
    ncols: int = 8,
    title: str | None = "first-layer filters",
    cmap: str = SIGNED_CMAP,
) -> Figure:
    """The learned filters of a first Conv2D layer, one small image each (lesson 4).

    ``kernel`` is the layer itself, or its kernel array (kh, kw, 1, filters). Each filter
    has its own colour scale centred on 0: red weights add, blue weights subtract.
    """
    if hasattr(kernel, "get_weights"):
        weights = kernel.get_weights()
        if not weights:
            raise ValueError("this layer has no weights: pass a Conv2D layer of a built model")
        kernel = weights[0]
    k = np.asarray(kernel, dtype=float)
    if k.ndim == 3:
        k = k[:, :, None, :]
    if k.ndim != 4 or k.shape[2] != 1:
        raise ValueError(
            "kernel should be (height, width, 1, filters), a first layer on gray images; "
            f"got shape {k.shape}"
        )
    fig, axes = _grid(k.shape[3], ncols, cell=1.0, title=title)
    for f, ax in enumerate(axes):
        w = k[:, :, 0, f]
        limit = float(np.abs(w).max()) or 1.0
        ax.imshow(w, cmap=cmap, vmin=-limit, vmax=limit)
        ax.set_title(f"filter {f}", fontsize=8)
    return fig


def feature_maps(model: Any, image: Any) -> dict[str, np.ndarray]:
    """The output of every Conv2D and pooling layer for one image, by layer name (lesson 4).

    ``image`` is (H, W), (H, W, C) or (1, H, W, C), scaled as in training (for example
    with ``data.as_model_input``). Returns ``{layer name: array (H', W', C')}`` in layer
    order. The model must be built (start it with ``keras.Input``).
    """
    import keras  # noqa: PLC0415  (keeps `import course_utils` free of TensorFlow)

    kinds = (keras.layers.Conv2D, keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)
    if not isinstance(model, keras.Model):
        raise TypeError(f"model should be a Keras model, got {type(model).__name__}")
    layers = [layer for layer in model.layers if isinstance(layer, kinds)]
    if not layers:
        raise ValueError("model has no Conv2D, MaxPooling2D or AveragePooling2D layer")
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:
        raise ValueError(
            "model is not built yet: start it with keras.Input(shape=(28, 28, 1)), or call "
            "it once on data, so that each layer's output shape is known"
        )
    expected = tuple(inputs[0].shape[1:])
    x = _one_image(image, expected)
    # One input tensor (not a list of one), so that calling `probe` on an array gives no warning.
    probe = keras.Model(inputs=inputs[0], outputs=[layer.output for layer in layers])
    outputs = probe(x, training=False)
    if not isinstance(outputs, list | tuple):  # Keras unwraps a list of one output
        outputs = [outputs]
    return {
        layer.name: keras.ops.convert_to_numpy(out)[0]
        for layer, out in zip(layers, outputs, strict=True)
    }


# --------------------------------------------------------------------------- helpers


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = _display.new_figure(figsize=size)
    return ax


def _two_axes(axes, in_shape, pads, out_shape) -> tuple[Figure, Sequence[Axes]]:
    """Side-by-side axes whose cells are drawn the same size (input left, output right)."""
    if axes is not None:
        if len(axes) != 2:
            raise ValueError(f"axes should be two Axes (input, output), got {len(axes)}")
        return axes[0].figure, axes
    h_in = in_shape[0] + sum(pads[0])
    w_in = in_shape[1] + sum(pads[1])
    scale = min(0.45, 5.5 / max(h_in, w_in))  # inches per cell; big inputs shrink
    width = (w_in + out_shape[1]) * scale + 1.6
    height = max(h_in, out_shape[0]) * scale + 1.0
    return _display.new_figure(
        1, 2, figsize=(max(width, 6.0), max(height, 2.6)), width_ratios=[w_in, max(out_shape[1], 1)]
    )


def _three_panels(in_shape: tuple[int, int], out_shape: tuple[int, int]):
    """Input, the products and the output side by side, input and output cells alike."""
    ratios = [1.0, 0.55, out_shape[1] / in_shape[1]]
    width = 10.5
    panel = (width - 1.2) / sum(ratios)
    height = panel * in_shape[0] / in_shape[1] + 0.9
    return _display.new_figure(1, 3, figsize=(width, height), width_ratios=ratios)


def _cell_format(values: np.ndarray) -> str:
    """Whole numbers as they are; fractions with two decimals so they fit in a cell."""
    return "{:g}" if np.all(values == np.round(values)) else "{:.2f}"


def _class_ticks(ax: Axes, names: list[str]) -> None:
    """Class names under the x axis, slanted when they are words so they do not collide."""
    if max(len(name) for name in names) > 2:
        ax.set_xticks(range(len(names)), names, rotation=40, ha="right", rotation_mode="anchor")
    else:
        ax.set_xticks(range(len(names)), names)


def _draw_images(axes, images: np.ndarray, titles, cmap: str, fontsize: float) -> None:
    for i, ax in enumerate(axes):
        ax.imshow(images[i], cmap=None if images[i].ndim == 3 else cmap)
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=fontsize)


def _grid(
    n: int, ncols: int, cell: float | None, title: str | None, extra_width: float = 0.0
) -> tuple[Figure, list[Axes]]:
    """A figure with ``n`` image axes in rows of ``ncols``; spare cells are removed.

    ``cell`` is the side of one panel in inches; None lets a short row grow to about
    9 inches, so that a strip of a few images is not drawn postage-stamp small.
    ``extra_width`` leaves room for a colour bar.
    """
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols should be a positive int, got {ncols!r}")
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    if cell is None:
        cell = float(np.clip(9.0 / ncols, 1.25, 2.0))
    fig, axes = _display.new_figure(
        nrows,
        ncols,
        figsize=(ncols * cell + 0.2 + extra_width, nrows * (cell + 0.3) + (0.4 if title else 0)),
        squeeze=False,
    )
    flat = list(axes.ravel())
    for ax in flat:
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in flat[n:]:
        ax.remove()
    if title:
        fig.suptitle(title)
    return fig, flat[:n]


def _image_stack(images: Any, name: str, limit: int | None = MAX_IMAGES) -> np.ndarray:
    arr = np.asarray(images)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim == 4 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if not (arr.ndim == 3 or (arr.ndim == 4 and arr.shape[-1] in (3, 4))):
        raise ValueError(
            f"{name} should be (N, H, W), (N, H, W, 1) or RGB (N, H, W, 3), got shape {arr.shape}"
        )
    if len(arr) == 0:
        raise ValueError(f"{name} is empty")
    if limit is not None and len(arr) > limit:
        raise ValueError(f"{name} holds {len(arr)} images; show at most {limit}, e.g. {name}[:16]")
    return arr


def _matrix(m: Any, name: str) -> np.ndarray:
    arr = np.asarray(m)
    if arr.ndim != 2:
        raise ValueError(f"{name} should be a 2-D array, got shape {arr.shape}")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} should hold numbers, got dtype {arr.dtype}")
    return arr.astype(float)


def _norm(m: np.ndarray, vmin: float | None, vmax: float | None) -> Normalize:
    finite = m[np.isfinite(m)]
    lo = vmin if vmin is not None else (finite.min() if finite.size else 0.0)
    hi = vmax if vmax is not None else (finite.max() if finite.size else 1.0)
    if hi == lo:  # a constant matrix: centre it so it is neither black nor white
        lo, hi = lo - 1, hi + 1
    return Normalize(float(lo), float(hi))


def _write_numbers(ax: Axes, m: np.ndarray, cmap, norm: Normalize, fmt: str) -> None:
    fontsize = int(np.clip(110 / max(m.shape), 6, 13))
    for (i, j), value in np.ndenumerate(m):
        if not np.isfinite(value):
            continue
        r, g, b, _ = cmap(norm(value))
        dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
        ax.text(
            j,
            i,
            fmt.format(value + 0.0),  # + 0.0 turns -0.0 into 0.0: no "-0" on a cell
            ha="center",
            va="center",
            fontsize=fontsize,
            color="white" if dark else "black",
        )


def _cell_grid(ax: Axes, shape: tuple[int, int], origin: tuple[int, int] = (0, 0)) -> None:
    """Thin lines between cells for small matrices, integer ticks, no tick marks."""
    rows, cols = shape
    top, left = origin
    if max(shape) <= 30:
        ax.set_xticks(np.arange(left, left + cols + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(top, top + rows + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="#888888", linewidth=0.5)
    if max(shape) <= 12:
        ax.set_xticks(range(left, left + cols))
        ax.set_yticks(range(top, top + rows))
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    ax.tick_params(which="both", length=0, labelsize=8)


def _hatch_padding(ax: Axes, shape: tuple[int, int], pads) -> None:
    """Hatch the four bands of padding around the image and outline the image itself."""
    (top, bottom), (left, right) = pads
    h, w = shape
    full_w = w + left + right
    bands = [
        (-left - 0.5, -top - 0.5, full_w, top),
        (-left - 0.5, h - 0.5, full_w, bottom),
        (-left - 0.5, -0.5, left, h),
        (w - 0.5, -0.5, right, h),
    ]
    for x, y, width, height in bands:
        if width and height:
            ax.add_patch(
                Rectangle((x, y), width, height, fill=False, hatch="///", ec="#9a9a9a", lw=0)
            )
    ax.add_patch(Rectangle((-0.5, -0.5), w, h, fill=False, ec="black", lw=1.5, zorder=2.5))


def _draw_window(ax: Axes, corner, size, dilation, fill: bool = False) -> None:
    """Outline the window whose top-left pixel is ``corner``; mark each tap when dilated."""
    (y0, x0), (kh, kw), (dh, dw) = corner, size, dilation
    span = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)
    if dh > 1 or dw > 1 or fill:
        for i in range(kh):
            for j in range(kw):
                ax.add_patch(
                    _box((y0 + i * dh, x0 + j * dw), (1, 1), lw=1, fill=True, outline=False)
                )
    ax.add_patch(_box((y0, x0), span, lw=3, dashed=dh > 1 or dw > 1))


def _box(corner, size, lw: float, fill: bool = False, dashed: bool = False, outline=True):
    (y, x), (h, w) = corner, size
    return Rectangle(
        (x - 0.5, y - 0.5),
        w,
        h,
        lw=lw if outline else 0,
        ls="--" if dashed else "-",
        ec=HIGHLIGHT,
        fc=HIGHLIGHT if fill else "none",
        alpha=0.45 if fill and not outline else 1,
        zorder=3,
    )


def _check_position(row: int, col: int, shape: tuple[int, int]) -> None:
    if not (0 <= row < shape[0] and 0 <= col < shape[1]):
        raise ValueError(f"(row, col) = ({row}, {col}) is outside the {shape[0]}x{shape[1]} output")


def _check_length(values: Any, n: int, name: str, what: str = "images") -> None:
    if len(values) != n:
        raise ValueError(f"{name} has {len(values)} entries but there are {n} {what}")


def _label_text(label: Any, class_names: Sequence[str] | None, prefix: str = "") -> str:
    if class_names is not None:
        return str(class_names[int(label)])
    return f"{prefix}{label}"


def _class_indices(y: Any, name: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim == 2:  # one-hot labels or predicted probabilities
        y = y.argmax(axis=1)
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"{name} should be a 1-D array of class indices, got shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{name} should hold integer class indices, got dtype {y.dtype}")
    if y.min() < 0:
        raise ValueError(f"{name} holds a negative class index ({y.min()})")
    return y


def _history_dict(history: Any) -> dict[str, list[float]]:
    if hasattr(history, "history") and isinstance(history.history, Mapping):
        history = history.history
    elif hasattr(history, "to_dict") and hasattr(history, "columns"):  # a pandas DataFrame
        history = {str(c): list(history[c]) for c in history.columns}
    if not isinstance(history, Mapping):
        raise TypeError(
            f"history should be what model.fit returns (or its .history dict), got "
            f"{type(history).__name__}"
        )
    return {k: list(map(float, v)) for k, v in history.items() if k != "epoch"}


def _one_image(image: Any, expected: tuple) -> np.ndarray:
    x = np.asarray(image, dtype=np.float32)
    if x.ndim == len(expected) - 1 and expected[-1] == 1:
        x = x[..., None]  # (H, W) for a model that wants (H, W, 1)
    if x.ndim == len(expected):
        x = x[None]
    if x.ndim != len(expected) + 1 or x.shape[0] != 1:
        raise ValueError(f"image should be one image shaped {expected}, got shape {x.shape}")
    if any(e is not None and e != s for e, s in zip(expected, x.shape[1:], strict=True)):
        raise ValueError(f"the model expects images shaped {expected}, got {x.shape[1:]}")
    return x
