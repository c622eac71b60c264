"""Interactive explorers for JupyterLab (introduced in lessons 1-4; ipywidgets 8).

Each explorer returns one ``VBox``: end a cell with it to display it. The numbers come
from ``course_utils.ops`` and the pictures from ``course_utils.viz``; this module only
wires sliders to them. The text they show (``parse_kernel``, ``sum_formula``,
``shape_formula``, ...) comes from ``course_utils.formulas``, which needs no widgets.

Each explorer also has ``.controls`` (a dict of its sliders and dropdowns by name), so a
notebook or a test can set ``explorer.controls["stride"].value = 2``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from course_utils import _display, ops, viz
from course_utils.formulas import (
    parse_kernel,
    pool_formula,
    pool_window,
    shape_formula,
    sum_formula,
)


def _frozen(rows: list[list[float]]) -> np.ndarray:
    kernel = np.array(rows, dtype=float)
    kernel.setflags(write=False)  # shared by every lesson: nobody should change it by accident
    return kernel


KERNELS: dict[str, np.ndarray] = {
    "identity": _frozen([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "blur": _frozen(np.full((3, 3), 1 / 9).tolist()),
    "sharpen": _frozen([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    # Bright on the left and dark on the right gives a large positive response.
    "vertical edges": _frozen([[1, 0, -1], [1, 0, -1], [1, 0, -1]]),
    "horizontal edges": _frozen([[1, 1, 1], [0, 0, 0], [-1, -1, -1]]),
}
"""The classic 3x3 kernels of lesson 1, by name (read-only arrays)."""

# Toy images small enough to show every number.
TOY_EDGE = np.array([[1, 1, 1, 0, 0, 0]] * 6, dtype=float)  # a vertical edge
TOY_POOL_4 = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 0], [3, 1, 2, 6]], dtype=float)
TOY_POOL_6 = np.array(
    [
        [0, 1, 2, 3, 2, 1],
        [1, 9, 3, 0, 4, 2],
        [2, 3, 1, 5, 8, 3],
        [7, 0, 4, 2, 1, 0],
        [1, 2, 6, 3, 0, 5],
        [0, 4, 1, 2, 7, 1],
    ],
    dtype=float,
)
for _toy in (TOY_EDGE, TOY_POOL_4, TOY_POOL_6):
    _toy.setflags(write=False)
OUTPUT_SHAPE_CLASS = "course-output-shape"  # the browser tests read this element

# --------------------------------------------------------------------------- explorers


def convolution_explorer(
    image: Any = None, kernels: Mapping[str, Any] | None = None
) -> widgets.VBox:
    """Slide a 3x3 kernel over an image and watch each output pixel being summed (lesson 1).

    ``image``: a 2-D array, or a stack (N, H, W) to choose from; by default a toy
    vertical edge and one MNIST test digit of each class. ``kernels``: name -> 2-D
    array (default ``KERNELS``); "custom" lets you type your own 3x3 kernel.
    """
    images = _explorer_images(image)
    kernels = {name: _kernel(k, name) for name, k in (kernels or KERNELS).items()}
    c = {
        "image": widgets.Dropdown(options=list(images), description="image"),
        "kernel": widgets.Dropdown(options=[*kernels, "custom"], description="kernel"),
        "custom": widgets.Textarea(
            value="0 -1 0\n-1 5 -1\n0 -1 0",
            description="custom",
            continuous_update=False,  # read the kernel when the learner leaves the box
            layout=widgets.Layout(display="none", width="260px", height="80px"),
        ),
        "row": widgets.IntSlider(0, 0, 0, description="row"),
        "col": widgets.IntSlider(0, 0, 0, description="col"),
    }
    formula = widgets.HTML()
    formula.add_class("course-conv-formula")
    out = widgets.Output()

    def current_kernel() -> np.ndarray:
        if c["kernel"].value == "custom":
            return parse_kernel(c["custom"].value)
        return kernels[c["kernel"].value]

    def render() -> None:
        c["custom"].layout.display = "" if c["kernel"].value == "custom" else "none"
        try:
            kernel = current_kernel()
        except ValueError:
            formula.value = ""  # the old sum would no longer match what the learner typed
            raise
        img = images[c["image"].value]
        full = ops.conv2d(img[None, :, :, None], kernel[:, :, None, None])[0, :, :, 0]
        _set_max(c["row"], full.shape[0] - 1)
        _set_max(c["col"], full.shape[1] - 1)
        r, col = c["row"].value, c["col"].value
        kh, kw = kernel.shape
        window = img[r : r + kh, col : col + kw]
        text = sum_formula(window, kernel, full[r, col])
        formula.value = f"<code>output[{r}, {col}] = {html.escape(text)}</code>"
        _display.show_figures(out, viz.show_convolution(img, kernel, r, col, formula=False))

    _connect(c, render, out)
    return _box(
        c,
        [
            widgets.HBox([c["image"], c["kernel"]]),
            c["custom"],
            widgets.HBox([c["row"], c["col"]]),
            formula,
            out,
        ],
        out=out,
        formula=formula,
    )


def padding_stride_explorer() -> widgets.VBox:
    """Sliders for input size, kernel, stride, padding and dilation; see every window (lesson 2).

    The line with CSS class ``course-output-shape`` states the output shape with the
    formula; impossible settings (a kernel bigger than the padded input) show why there.
    """
    c = {
        "input_size": widgets.IntSlider(7, 1, 12, description="input size"),
        "kernel_size": widgets.IntSlider(3, 1, 7, description="kernel size"),
        "stride": widgets.IntSlider(2, 1, 4, description="stride"),
        "mode": widgets.ToggleButtons(
            options=[("P =", "explicit"), ("valid", "valid"), ("same", "same")],
            description="padding",
        ),
        "padding": widgets.IntSlider(1, 0, 3, description="padding P"),
        "dilation": widgets.IntSlider(1, 1, 3, description="dilation"),
        "row": widgets.IntSlider(0, 0, 0, description="output row"),
        "col": widgets.IntSlider(0, 0, 0, description="output col"),
    }
    shape = widgets.HTML()
    shape.add_class(OUTPUT_SHAPE_CLASS)
    out = widgets.Output()

    def render() -> None:
        c["padding"].disabled = c["mode"].value != "explicit"
        n, k = c["input_size"].value, c["kernel_size"].value
        s, d = c["stride"].value, c["dilation"].value
        padding = c["padding"].value if c["mode"].value == "explicit" else c["mode"].value
        try:
            text = shape_formula(n, k, s, padding, d)
        except ValueError as exc:  # an impossible setting is a lesson, not a crash
            shape.value = (
                f'<span style="{_display.ERROR_STYLE}">Not possible: {html.escape(str(exc))}</span>'
            )
            _display.show_error(out, exc)
            return
        shape.value = f"<b>{html.escape(text)}</b>"
        n_out = ops.output_size(n, k, s, padding, d)
        _set_max(c["row"], n_out - 1)
        _set_max(c["col"], n_out - 1)
        highlight = (c["row"].value, c["col"].value)
        fig = viz.show_positions(n, k, s, padding, d, highlight=highlight, formula=False)
        _display.show_figures(out, fig)

    _connect(c, render, out)
    return _box(
        c,
        [
            widgets.HBox([c["input_size"], c["kernel_size"]]),
            widgets.HBox([c["stride"], c["dilation"]]),
            widgets.HBox([c["mode"], c["padding"]]),
            shape,
            widgets.HBox([c["row"], c["col"]]),
            out,
        ],
        out=out,
        shape=shape,
    )


def pooling_explorer(image: Any = None) -> widgets.VBox:
    """Max or average pooling on a toy matrix or a digit, one window at a time (lesson 3).

    ``image``: a 2-D array to add to the choices (a toy 4x4, a toy 6x6 and an MNIST digit).
    """
    sources: dict[str, Callable[[], np.ndarray]] = {
        "toy 4x4": lambda: TOY_POOL_4,
        "toy 6x6": lambda: TOY_POOL_6,
        "digit": lambda: _mnist_digits(1)["digit 0"],
    }
    if image is not None:
        given = _explorer_images(image)
        sources = {**{name: (lambda a=a: a) for name, a in given.items()}, **sources}
    c = {
        "image": widgets.Dropdown(options=list(sources), description="input"),
        "mode": widgets.ToggleButtons(options=["max", "average"], description="pooling"),
        "pool_size": widgets.IntSlider(2, 1, 4, description="pool size"),
        "stride": widgets.IntSlider(2, 1, 4, description="stride"),
        "padding": widgets.ToggleButtons(options=["valid", "same"], description="padding"),
        "row": widgets.IntSlider(0, 0, 0, description="output row"),
        "col": widgets.IntSlider(0, 0, 0, description="output col"),
    }
    formula = widgets.HTML()
    formula.add_class("course-pool-formula")
    out = widgets.Output()
    loaded: dict[str, np.ndarray] = {}

    def render() -> None:
        name = c["image"].value
        img = loaded.setdefault(name, sources[name]())
        size, stride, padding = c["pool_size"].value, c["stride"].value, c["padding"].value
        pool = ops.max_pool2d if c["mode"].value == "max" else ops.avg_pool2d
        pooled = pool(img[None, :, :, None], size, stride, padding)[0, :, :, 0]
        _set_max(c["row"], pooled.shape[0] - 1)
        _set_max(c["col"], pooled.shape[1] - 1)
        r, col = c["row"].value, c["col"].value
        values = pool_window(img, r, col, size, stride, padding)
        text = pool_formula(values, c["mode"].value, pooled[r, col])
        formula.value = f"<code>output[{r}, {col}] = {html.escape(text)}</code>"
        fig = viz.show_pooling(img, r, col, size, stride, padding, c["mode"].value, formula=False)
        _display.show_figures(out, fig)

    _connect(c, render, out)
    return _box(
        c,
        [
            widgets.HBox([c["image"], c["mode"]]),
            widgets.HBox([c["pool_size"], c["stride"]]),
            c["padding"],
            widgets.HBox([c["row"], c["col"]]),
            formula,
            out,
        ],
        out=out,
        formula=formula,
    )


def feature_map_explorer(model: Any, images: Any, labels: Any = None) -> widgets.VBox:
    """The journey of an image: what every Conv2D and pooling layer makes of it (lesson 4).

    ``images`` is a few images scaled as in training, (N, H, W) or (N, H, W, 1);
    ``labels`` (optional) names them in the image menu.
    """
    images = np.asarray(images, dtype=np.float32)
    if images.ndim not in (3, 4) or len(images) == 0:
        raise ValueError(f"images should be a stack (N, H, W) or (N, H, W, 1), got {images.shape}")
    first = viz.feature_maps(model, images[0])  # checks the model and the image shape early
    cache: dict[int, dict[str, np.ndarray]] = {0: first}
    names = [
        f"image {i}" + (f" (label {labels[i]})" if labels is not None else "")
        for i in range(len(images))
    ]
    c = {
        "image": widgets.Dropdown(
            options=list(zip(names, range(len(images)), strict=True)), description="image"
        ),
        "layer": widgets.Dropdown(options=list(first), description="layer"),
        "channel": widgets.Dropdown(options=[0], description="channel"),
    }
    info = widgets.HTML()
    out = widgets.Output()

    def render() -> None:
        i = c["image"].value
        maps = cache.get(i) or cache.setdefault(i, viz.feature_maps(model, images[i]))
        layer = maps[c["layer"].value]
        channels = list(range(layer.shape[-1]))
        if list(c["channel"].options) != channels:
            c["channel"].options = channels  # also resets the value to 0 if it no longer exists
        ch = c["channel"].value
        h, w, depth = layer.shape
        info.value = f"<b>{c['layer'].value}</b>: {h}x{w}x{depth}, showing channel {ch}"
        fig, axes = _display.new_figure(1, 2, figsize=(6.5, 3.2))
        axes[0].imshow(np.squeeze(images[i]), cmap="gray")
        axes[0].set_title(names[i])
        axes[1].imshow(layer[:, :, ch], **viz.feature_map_style(layer))  # the grid's scale
        axes[1].set_title(f"{c['layer'].value}, channel {ch}")
        for ax in axes:
            ax.set_xticks([])
            ax.set_yticks([])
        grid = viz.show_feature_maps(layer, title=f"every channel of {c['layer'].value}")
        _display.show_figures(out, fig, grid)

    _connect(c, render, out)
    return _box(
        c, [widgets.HBox([c["image"], c["layer"], c["channel"]]), info, out], out=out, info=info
    )


# --------------------------------------------------------------------------- helpers


def _kernel(kernel: Any, name: str) -> np.ndarray:
    k = np.asarray(kernel, dtype=float)
    if k.ndim != 2:
        raise ValueError(f"kernel {name!r} should be a 2-D array, got shape {k.shape}")
    return k


def _explorer_images(image: Any) -> dict[str, np.ndarray]:
    """Name -> 2-D float image; uint8 pixels are scaled to [0, 1] so products stay readable."""
    if image is None:
        return {"toy: vertical edge 6x6": TOY_EDGE, **_mnist_digits(10)}
    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3:
        raise ValueError(
            f"image should be a gray image (H, W) or a stack (N, H, W), got shape {np.shape(image)}"
        )
    arr = arr / 255.0 if arr.dtype == np.uint8 else arr.astype(float)
    return {f"image {i}": a for i, a in enumerate(arr)}


def _mnist_digits(count: int) -> dict[str, np.ndarray]:
    """The first test image of each of the digits 0 .. count-1, scaled to [0, 1]."""
    from course_utils import data  # noqa: PLC0415  (only loaded when a digit is needed)

    _, (x_test, y_test) = data.load_mnist()
    return {f"digit {d}": x_test[np.flatnonzero(y_test == d)[0]] / 255.0 for d in range(count)}


def _set_max(slider: widgets.IntSlider, maximum: int) -> None:
    if slider.max != maximum:
        slider.max = maximum  # ipywidgets clamps the value for us


def _connect(controls: dict[str, widgets.Widget], render: Callable[[], None], out) -> None:
    """Call ``render`` now and whenever a control changes, showing any error in ``out``."""
    busy = []

    def refresh(_change: Any = None) -> None:
        if busy:  # render itself moves slider limits; those changes need no second render
            return
        busy.append(True)
        open_before = set(plt.get_fignums())
        try:
            render()
        except Exception as exc:  # noqa: BLE001  (shown to the learner, never swallowed)
            for number in set(plt.get_fignums()) - open_before:
                plt.close(number)  # a half-drawn figure would pop up under a later cell
            _display.show_error(out, exc)
        finally:
            busy.clear()

    for control in controls.values():
        control.observe(refresh, names="value")
    refresh()


def _box(
    controls: dict[str, widgets.Widget], children: list, **parts: widgets.Widget
) -> widgets.VBox:
    for control in controls.values():
        control.style.description_width = "90px"  # long labels like "input size" stay whole
    box = widgets.VBox(children)
    box.controls = controls
    for name, part in parts.items():
        setattr(box, name, part)
    return box


__all__ = [
    "KERNELS",
    "convolution_explorer",
    "feature_map_explorer",
    "padding_stride_explorer",
    "pooling_explorer",
]
