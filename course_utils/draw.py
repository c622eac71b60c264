"""Draw a digit with the mouse and let a model read it (introduced in lesson 4).

- ``preprocess_drawing(pixels)``: any drawing -> a 28x28 image prepared the way MNIST's
  digits were: cropped to the ink, scaled so its longest side is 20 pixels, and placed
  in a 28x28 frame with its centre of mass at the centre.
- ``DigitCanvas(model)``: a canvas to draw on, Clear and Predict buttons, the model's
  answer and its probabilities for each class.
- ``render_strokes(strokes)``: pen strokes given as points, drawn as the canvas draws them,
  and ``show_reading(model, drawing)``: the canvas's picture as a figure. Together they make
  the static twin of the canvas (what a reader without a running kernel sees).

Importing this module imports ipywidgets (not TensorFlow).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import ipywidgets as widgets
import numpy as np

from course_utils import _display, viz

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from PIL import ImageDraw

SIDE = 28  # MNIST's image size
BOX = 20  # MNIST's digits were scaled to fit a 20x20 box...
CENTRE = 14.0  # ...then moved so their centre of mass is at pixel (14, 14)
EMPTY = 0.05  # a drawing whose brightest pixel is dimmer than this has no ink
CANVAS_SIZE = 280  # the canvas's side in screen pixels: 10 per MNIST pixel
LINE_WIDTH = 20  # the pen's width on the canvas: about 2 MNIST pixels, like MNIST's strokes
_GRAY = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # luminance of R, G, B


def preprocess_drawing(pixels: np.ndarray, ink: str = "light") -> np.ndarray:
    """Turn a drawing into an MNIST-style 28x28 float32 image in [0, 1] (ink = 1).

    ``pixels``: height x width (grayscale), or height x width x 3 (RGB) or x 4 (RGBA, as
    a browser canvas gives), values 0..255 or 0..1. ``ink="light"``: light strokes on a
    dark background, like MNIST and ``DigitCanvas``; ``ink="dark"``: dark pen on light
    paper. Transparent RGBA pixels count as background.

    Steps, as for MNIST: crop to the ink, scale the longest side to 20 pixels keeping the
    aspect ratio (with anti-aliasing), paste into 28x28 so that the centre of mass lands
    on pixel (14, 14), to the nearest pixel; a very lopsided shape is moved only as far
    as it fits in the frame. Raises ValueError for an empty drawing.
    (Introduced in lesson 4.)
    """
    from PIL import Image  # noqa: PLC0415  (Pillow comes with matplotlib)

    image = _ink_image(pixels, ink)
    peak = float(image.max())
    if peak < EMPTY:
        raise ValueError("The canvas is empty: draw a digit first.")
    # Faint specks (anti-aliasing, sensor noise) do not count towards the digit's extent.
    rows = np.flatnonzero((image >= 0.1 * peak).any(axis=1))
    cols = np.flatnonzero((image >= 0.1 * peak).any(axis=0))
    crop = image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    scale = BOX / max(crop.shape)
    height, width = (max(1, round(side * scale)) for side in crop.shape)
    # Pillow's bilinear filter widens when shrinking, so it averages (anti-aliases).
    small = Image.fromarray(crop).resize((width, height), Image.Resampling.BILINEAR)
    small = np.clip(np.asarray(small, dtype=np.float32), 0.0, 1.0)

    mass = small.sum()
    centre_y = (small.sum(axis=1) * np.arange(height)).sum() / mass
    centre_x = (small.sum(axis=0) * np.arange(width)).sum() / mass
    top = int(np.clip(round(CENTRE - centre_y), 0, SIDE - height))
    left = int(np.clip(round(CENTRE - centre_x), 0, SIDE - width))
    out = np.zeros((SIDE, SIDE), dtype=np.float32)
    out[top : top + height, left : left + width] = small
    return out


def _ink_image(pixels: np.ndarray, ink: str) -> np.ndarray:
    """Any supported drawing -> 2-D float32 in [0, 1] where 1 is ink."""
    if ink not in ("light", "dark"):
        raise ValueError(f"ink should be 'light' (on dark) or 'dark' (on light), got {ink!r}")
    array = np.asarray(pixels)
    if array.dtype == bool:
        array = array.astype(np.float32)
    if not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"pixels should be an array of numbers, got dtype {array.dtype}")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if not (array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (3, 4))):
        raise ValueError(
            "pixels should be height x width (grayscale) or height x width x 3/4 (RGB/RGBA), "
            f"got shape {array.shape}"
        )
    if array.size == 0:
        raise ValueError(f"pixels is an empty array (shape {array.shape})")
    array = array.astype(np.float32)
    if not np.isfinite(array).all() or array.min() < 0 or array.max() > 255:
        raise ValueError("pixel values should be between 0 and 255 (or 0 and 1), with no NaN")
    if array.max() > 1 or np.issubdtype(np.asarray(pixels).dtype, np.integer):
        array /= 255.0
    if array.ndim == 2:
        gray = array
    else:
        gray = array[:, :, :3] @ _GRAY
        if array.shape[2] == 4:
            # Composite over the background, so untouched (transparent) pixels are paper.
            paper = 0.0 if ink == "light" else 1.0
            alpha = array[:, :, 3]
            gray = gray * alpha + paper * (1.0 - alpha)
    return gray if ink == "light" else 1.0 - gray


def render_strokes(
    strokes: Sequence[Sequence[tuple[float, float]]],
    size: int = CANVAS_SIZE,
    width: int = LINE_WIDTH,
) -> np.ndarray:
    """Pen strokes drawn as ``DigitCanvas`` draws them: a size x size uint8 array, 255 = ink.

    ``strokes`` is a list of strokes, each a list of (x, y) points in canvas pixels (x to
    the right, y down, from 0 to ``size``); a stroke of one point is a dot. For example a 7:
    ``render_strokes([[(80, 50), (200, 50), (130, 240)]])``. (Introduced in lesson 4.)
    """
    from PIL import Image, ImageDraw  # noqa: PLC0415

    for name, value in (("size", size), ("width", width)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(
                f"{name} should be a whole number of pixels, at least 1, got {value!r}"
            )
    if isinstance(strokes, str) or not isinstance(strokes, Sequence) or not strokes:
        raise TypeError(
            "strokes should be a list of strokes, each a list of (x, y) points, like "
            "[[(80, 50), (200, 50), (130, 240)]]"
        )
    image = Image.new("L", (size, size), 0)
    pen = ImageDraw.Draw(image)
    for number, stroke in enumerate(strokes):
        points = _points(stroke, number)
        _dot(pen, points[0], width)
        for start, end in zip(points, points[1:], strict=False):  # consecutive pairs
            _segment(pen, start, end, width)
    return np.asarray(image).copy()


def _points(stroke: object, number: int) -> list[tuple[float, float]]:
    """A stroke's points as (x, y) floats, or a ValueError naming the stroke."""
    try:
        points = [(float(x), float(y)) for x, y in stroke]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        points = []
    if not points:
        raise ValueError(
            f"stroke {number} should be a list of (x, y) points, like [(80, 50), (200, 50)]; "
            f"got {stroke!r}"
        )
    return points


def _segment(pen: ImageDraw.ImageDraw, start, end, width: int) -> None:
    """A line from ``start`` to ``end`` with a round end, as the browser's round line cap."""
    pen.line([start, end], fill=255, width=width)
    _dot(pen, end, width)


def _dot(pen: ImageDraw.ImageDraw, point, width: int) -> None:
    x, y, r = point[0], point[1], width / 2
    pen.ellipse([(x - r, y - r), (x + r, y + r)], fill=255)


def _probabilities(model, image: np.ndarray, n_classes: int) -> np.ndarray:
    """The model's probabilities for one prepared 28x28 image; raw scores (a model without
    a softmax at the end) are turned into probabilities."""
    batch = np.asarray(image, dtype=np.float32)[np.newaxis, :, :, np.newaxis]
    # predict_on_batch skips Keras's progress bar and per-call set-up: faster for one image.
    run = getattr(model, "predict_on_batch", None) or model.predict
    scores = np.asarray(run(batch), dtype=np.float64).reshape(-1)
    if scores.size != n_classes:
        raise ValueError(
            f"The model gives {scores.size} outputs, but there are "
            f"{n_classes} class names: pass class_names= to match."
        )
    if scores.min() < 0 or not np.isclose(scores.sum(), 1.0, atol=1e-3):
        scores = np.exp(scores - scores.max())
        scores /= scores.sum()
    return scores


def show_reading(model, drawing: np.ndarray, class_names: Sequence[str] | None = None) -> Figure:
    """What ``DigitCanvas`` shows for ``drawing``: the image the model gets, its probabilities.

    ``drawing`` is any picture ``preprocess_drawing`` takes (light ink on dark), such as
    ``render_strokes(...)`` or ``canvas.drawing()``. (Introduced in lesson 4.)
    """
    if not callable(getattr(model, "predict", None)):
        raise TypeError(f"model should have a predict method, got {type(model).__name__}")
    names = _class_names(class_names)
    image = preprocess_drawing(drawing)
    return _reading_figure(image, _probabilities(model, image, len(names)), names)


def _class_names(class_names: Sequence[str] | None) -> list[str]:
    names = [str(d) for d in range(10)] if class_names is None else [str(c) for c in class_names]
    if len(names) < 2:
        raise ValueError(f"class_names should name at least 2 classes, got {names!r}")
    return names


def _reading_figure(image: np.ndarray, probabilities: np.ndarray, names: list[str]) -> Figure:
    fig, (left, right) = _display.new_figure(1, 2, figsize=(8.0, 3.0), width_ratios=[1, 2.2])
    left.imshow(image, cmap=viz.IMAGE_CMAP, vmin=0, vmax=1)
    left.set(title="what the model gets (28x28)", xticks=[], yticks=[])
    viz.plot_probabilities(probabilities, class_names=names, ax=right)
    return fig


# --------------------------------------------------------------------------- the widget


def _shows_errors(method: Callable) -> Callable:
    """Catch an exception in a widget callback and show it under the canvas's answer."""

    @functools.wraps(method)
    def wrapper(self: DigitCanvas, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as err:  # noqa: BLE001  (shown to the learner, not swallowed)
            self.prediction.value = ""  # no answer: the message below says why
            _display.show_error(self.output, err)
            return None

    return wrapper


class DigitCanvas(widgets.HBox):
    """Draw a digit with the mouse (or a finger); ``model`` says which digit it sees.

    Light strokes on a black 280x280 canvas; the prediction appears when you lift the
    pen, or on "Predict". "Clear" starts over. Beside the canvas: the 28x28 image the
    model receives (see ``preprocess_drawing``) and its probability for each class.
    ``model`` is anything with a ``predict`` method taking a (1, 28, 28, 1) batch, such
    as a trained Keras model; ``class_names`` defaults to the digits 0-9.

    The strokes are drawn twice: in the browser, and into an image kept here in Python,
    which is what the model reads (no waiting for the browser to send pixels back).
    (Introduced in lesson 4.)
    """

    SIZE = CANVAS_SIZE
    LINE_WIDTH = LINE_WIDTH

    def __init__(self, model, class_names: Sequence[str] | None = None):
        from ipycanvas import Canvas  # noqa: PLC0415
        from PIL import Image, ImageDraw  # noqa: PLC0415

        if not callable(getattr(model, "predict", None)):
            raise TypeError(f"model should have a predict method, got {type(model).__name__}")
        self.model, self.class_names = model, _class_names(class_names)
        self.probabilities: np.ndarray | None = None

        self.canvas = Canvas(width=self.SIZE, height=self.SIZE)
        self.canvas.layout = widgets.Layout(width=f"{self.SIZE}px", height=f"{self.SIZE}px")
        self.canvas.add_class("course-canvas")
        self.canvas.line_width, self.canvas.line_cap = self.LINE_WIDTH, "round"
        self.canvas.on_mouse_down(self.pen_down)
        self.canvas.on_mouse_move(self.pen_move)
        self.canvas.on_mouse_up(self.pen_up)
        self.canvas.on_mouse_out(self._pen_out)
        self.canvas.on_touch_start(lambda touches: self.pen_down(*touches[0]))
        self.canvas.on_touch_move(lambda touches: self.pen_move(*touches[0]))
        self.canvas.on_touch_end(lambda touches: self.pen_up())

        self.prediction = widgets.HTML().add_class("course-prediction")
        self.output = widgets.Output()
        clear = widgets.Button(description="Clear", icon="eraser")
        predict = widgets.Button(description="Predict", button_style="primary")
        clear.on_click(lambda _: self.clear())
        predict.on_click(lambda _: self.predict())

        self._image = Image.new("L", (self.SIZE, self.SIZE), 0)
        self._pen = ImageDraw.Draw(self._image)
        self._last: tuple[float, float] | None = None
        super().__init__(
            [
                widgets.VBox([self.canvas, widgets.HBox([clear, predict])]),
                widgets.VBox([self.prediction, self.output]),
            ]
        )
        self.clear()

    # ---- drawing: each handler draws in the browser and in the Python-side image

    @_shows_errors
    def pen_down(self, x: float, y: float) -> None:
        """Start a stroke at (x, y), in canvas pixels."""
        self._last = (x, y)
        self._pen_dot(x, y)

    @_shows_errors
    def pen_move(self, x: float, y: float) -> None:
        """Continue the stroke to (x, y); does nothing while the pen is up."""
        if self._last is None:
            return
        start, self._last = self._last, (x, y)
        self.canvas.stroke_line(*start, x, y)
        self.canvas.fill_circle(x, y, self.LINE_WIDTH / 2)  # round joints, like line_cap
        _segment(self._pen, start, (x, y), self.LINE_WIDTH)

    @_shows_errors
    def pen_up(self, x: float | None = None, y: float | None = None) -> None:
        """End the stroke and predict."""
        if self._last is not None:
            self._last = None
            self.predict()

    def _pen_out(self, x: float, y: float) -> None:
        self._last = None  # leaving the canvas ends the stroke, without predicting

    def _pen_dot(self, x: float, y: float) -> None:
        self.canvas.fill_circle(x, y, self.LINE_WIDTH / 2)
        _dot(self._pen, (x, y), self.LINE_WIDTH)

    @_shows_errors
    def clear(self) -> None:
        """Wipe the canvas and the prediction."""
        self.canvas.fill_style = "black"
        self.canvas.fill_rect(0, 0, self.SIZE, self.SIZE)
        self.canvas.fill_style = self.canvas.stroke_style = "white"
        self._pen.rectangle([(0, 0), (self.SIZE, self.SIZE)], fill=0)
        self._last, self.probabilities = None, None
        self.prediction.value = "Draw a digit, then lift the pen (or press Predict)."
        self.output.outputs = ()

    def drawing(self) -> np.ndarray:
        """What has been drawn so far: a 280x280 uint8 array, 255 where there is ink."""
        return np.asarray(self._image).copy()

    # ---- predicting

    @_shows_errors
    def predict(self) -> None:
        """Show the model's answer for the current drawing."""
        image = preprocess_drawing(self.drawing())
        probabilities = _probabilities(self.model, image, len(self.class_names))
        best = int(np.argmax(probabilities))
        self.probabilities = probabilities
        self.prediction.value = (
            f"Prediction: <b>{html.escape(self.class_names[best])}</b> ({probabilities[best]:.0%})"
        )
        _display.show_figures(self.output, _reading_figure(image, probabilities, self.class_names))
