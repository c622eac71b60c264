"""Tests for course_utils.draw: MNIST-style preprocessing and the drawing widget."""

from __future__ import annotations

import base64

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import data, draw  # noqa: E402


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    index = np.arange(image.shape[0])
    mass = image.sum()
    return (image.sum(1) * index).sum() / mass, (image.sum(0) * index).sum() / mass


def extent(image: np.ndarray, level: float = 0.05) -> tuple[int, int]:
    """Height and width of the box around pixels brighter than ``level``."""
    rows = np.flatnonzero((image > level).any(1))
    cols = np.flatnonzero((image > level).any(0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


# --------------------------------------------------------------------------- preprocess


def test_off_centre_blob_is_centred_and_scaled():
    canvas = np.zeros((280, 280), dtype=np.uint8)
    canvas[10:60, 200:240] = 255  # a blob in the top-right corner, 50 tall, 40 wide
    out = draw.preprocess_drawing(canvas)
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert 0.0 <= out.min() and out.max() <= 1.0
    cy, cx = centre_of_mass(out)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    assert extent(out) == (20, 16)  # longest side 20, aspect ratio 50:40 kept


def test_tall_thin_stroke_becomes_20_pixels_tall():
    canvas = np.zeros((300, 200), dtype=np.float32)
    canvas[30:270, 95:105] = 1.0  # 240 tall, 10 wide
    out = draw.preprocess_drawing(canvas)
    height, width = extent(out)
    assert height == 20
    assert width <= 2  # 10 * 20/240 rounds to 1 pixel, maybe smeared onto a neighbour


def test_lopsided_shape_is_never_cut_off():
    canvas = np.zeros((100, 100), dtype=np.uint8)
    canvas[0:100, 0:3] = 255  # a vertical bar
    canvas[0:3, 0:100] = 255  # and a horizontal one: the centre of mass sits near a corner
    out = draw.preprocess_drawing(canvas)
    assert extent(out) == (20, 20)


@pytest.mark.parametrize("scale", [1, 255])
def test_value_ranges_give_the_same_result(scale):
    canvas = np.zeros((50, 50), dtype=np.float64)
    canvas[10:40, 20:25] = 1.0
    out = draw.preprocess_drawing(canvas * scale)
    reference = draw.preprocess_drawing((canvas * 255).astype(np.uint8))
    np.testing.assert_allclose(out, reference, atol=1e-6)


def test_rgba_canvas_data_with_transparent_background():
    gray = np.zeros((120, 120), dtype=np.uint8)
    gray[20:100, 50:70] = 255
    rgba = np.zeros((120, 120, 4), dtype=np.uint8)  # untouched canvas: transparent black
    rgba[gray > 0] = (255, 255, 255, 255)
    np.testing.assert_allclose(
        draw.preprocess_drawing(rgba), draw.preprocess_drawing(gray), atol=1e-6
    )


def test_dark_ink_on_white_paper():
    paper = np.full((60, 60), 255, dtype=np.uint8)
    paper[10:50, 25:35] = 0
    light = 255 - paper
    np.testing.assert_allclose(
        draw.preprocess_drawing(paper, ink="dark"), draw.preprocess_drawing(light), atol=1e-6
    )
    # RGBA photo of paper: opaque white everywhere except the dark stroke.
    rgba = np.dstack([paper, paper, paper, np.full_like(paper, 255)])
    np.testing.assert_allclose(
        draw.preprocess_drawing(rgba, ink="dark"), draw.preprocess_drawing(light), atol=1e-6
    )


def test_mnist_digits_survive_preprocessing():
    # MNIST's digits were made this way, so preprocessing one should barely change it.
    (x_train, _), _ = data.load_mnist()
    correlations = [
        np.corrcoef(draw.preprocess_drawing(d).ravel(), d.ravel().astype(np.float32))[0, 1]
        for d in x_train[:100]
    ]
    assert np.median(correlations) > 0.98
    assert min(correlations) > 0.8  # a digit more than 20 pixels tall gets shrunk a little


def test_empty_canvas_is_a_clear_error():
    with pytest.raises(ValueError, match="The canvas is empty: draw a digit first."):
        draw.preprocess_drawing(np.zeros((280, 280, 4), dtype=np.uint8))


@pytest.mark.parametrize(
    ("pixels", "kwargs", "error", "match"),
    [
        (np.zeros((5, 5, 2)), {}, ValueError, "height x width"),
        (np.zeros(10), {}, ValueError, "height x width"),
        (np.full((5, 5), 300.0), {}, ValueError, "between 0 and 255"),
        (np.full((5, 5), np.nan), {}, ValueError, "NaN"),
        (np.full((5, 5), -1.0), {}, ValueError, "between 0 and 255"),
        (np.array([["a"]]), {}, TypeError, "numbers"),
        (np.ones((5, 5)), {"ink": "white"}, ValueError, "ink"),
    ],
)
def test_bad_input_is_explained(pixels, kwargs, error, match):
    with pytest.raises(error, match=match):
        draw.preprocess_drawing(pixels, **kwargs)


# --------------------------------------------------------------------------- widget


class FixedModel:
    """Stands in for a trained model: always the same probabilities; records its input."""

    def __init__(self, probabilities):
        self.probabilities = np.asarray(probabilities, dtype=np.float32)
        self.seen = []

    def predict(self, batch):
        self.seen.append(batch)
        return self.probabilities[np.newaxis]


def seven(widget: draw.DigitCanvas) -> None:
    """Draw a 7 with the mouse handlers, as the browser would call them."""
    widget.pen_down(80, 50)
    widget.pen_move(200, 50)
    widget.pen_move(130, 240)
    widget.pen_up(130, 240)


def test_widget_builds_with_stable_css_classes():
    widget = draw.DigitCanvas(FixedModel(np.full(10, 0.1)))
    assert "course-canvas" in widget.canvas._dom_classes
    assert "course-prediction" in widget.prediction._dom_classes
    assert "Draw a digit" in widget.prediction.value
    assert widget.drawing().max() == 0


def test_drawing_then_lifting_the_pen_predicts():
    probabilities = np.full(10, 0.01)
    probabilities[7] = 0.91
    model = FixedModel(probabilities)
    widget = draw.DigitCanvas(model)
    seven(widget)
    drawn = widget.drawing()
    assert drawn[50, 140] == 255 and drawn[150, 165] == 255  # on the strokes
    assert drawn[200, 50] == 0  # far from them
    (batch,) = model.seen
    assert batch.shape == (1, 28, 28, 1) and batch.dtype == np.float32
    np.testing.assert_allclose(batch[0, :, :, 0], draw.preprocess_drawing(drawn))
    assert "Prediction: <b>7</b> (91%)" in widget.prediction.value
    (figure,) = widget.output.outputs
    assert base64.b64decode(figure["data"]["image/png"]).startswith(b"\x89PNG")
    assert plt.get_fignums() == []  # closed: it will not pop up again under a later cell


def test_moving_without_pressing_draws_nothing():
    widget = draw.DigitCanvas(FixedModel(np.full(10, 0.1)))
    widget.pen_move(100, 100)
    widget.pen_up(100, 100)
    assert widget.drawing().max() == 0
    assert "Draw a digit" in widget.prediction.value


def test_clear_wipes_drawing_and_prediction():
    widget = draw.DigitCanvas(FixedModel(np.full(10, 0.1)))
    seven(widget)
    widget.clear()
    assert widget.drawing().max() == 0
    assert widget.probabilities is None and widget.output.outputs == ()


def error_shown(widget: draw.DigitCanvas) -> str:
    """The error text under the canvas's answer (which is then blank)."""
    assert widget.prediction.value == ""
    message = widget.output.outputs[0]["data"]
    assert "course-error" in message["text/html"]
    return message["text/plain"]


def test_predict_on_empty_canvas_shows_the_message():
    widget = draw.DigitCanvas(FixedModel(np.full(10, 0.1)))
    widget.predict()  # must not raise: the message goes into the widget
    assert error_shown(widget) == "The canvas is empty: draw a digit first."
    assert len(widget.output.outputs) == 1  # the learner's mistake: no traceback


def test_model_errors_are_shown_not_swallowed():
    class Broken:
        def predict(self, batch):
            raise RuntimeError("weights file missing")

    widget = draw.DigitCanvas(Broken())
    seven(widget)
    assert error_shown(widget) == "RuntimeError: weights file missing"
    assert "Traceback" in widget.output.outputs[1]["text"]


def test_raw_scores_become_probabilities_and_names_are_used():
    scores = np.array([0.0, 5.0, -3.0])  # a model without softmax
    widget = draw.DigitCanvas(FixedModel(scores), class_names=["cat", "dog", "<b>"])
    seven(widget)
    np.testing.assert_allclose(widget.probabilities.sum(), 1.0)
    assert widget.probabilities.argmax() == 1
    assert "Prediction: <b>dog</b>" in widget.prediction.value


def test_wrong_number_of_outputs_is_explained():
    widget = draw.DigitCanvas(FixedModel(np.full(5, 0.2)))
    seven(widget)
    message = error_shown(widget)
    assert "5 outputs" in message and "10 class names" in message


def test_a_real_keras_model_gives_a_prediction():
    keras = pytest.importorskip("keras")
    model = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10, "softmax")]
    )
    widget = draw.DigitCanvas(model)
    seven(widget)
    assert widget.prediction.value.startswith("Prediction: <b>")
    np.testing.assert_allclose(widget.probabilities.sum(), 1.0, atol=1e-5)


def test_widget_rejects_bad_arguments():
    with pytest.raises(TypeError, match="predict"):
        draw.DigitCanvas("my_model.keras")
    with pytest.raises(ValueError, match="at least 2"):
        draw.DigitCanvas(FixedModel([1.0]), class_names=["only"])


# --------------------------------------------------------------------------- the static twin

SEVEN = [[(80, 50), (200, 50), (130, 240)]]  # the strokes of seven() above


def test_render_strokes_draws_what_the_canvas_draws():
    widget = draw.DigitCanvas(FixedModel(np.full(10, 0.1)))
    seven(widget)
    drawn = draw.render_strokes(SEVEN)
    assert drawn.shape == (280, 280) and drawn.dtype == np.uint8
    np.testing.assert_array_equal(drawn, widget.drawing())


def test_a_one_point_stroke_is_a_round_dot_as_wide_as_the_pen():
    drawn = draw.render_strokes([[(100, 100)]], width=20)
    height, width = extent(drawn.astype(float) / 255)
    assert 19 <= height <= 21 and 19 <= width <= 21
    assert drawn[100, 100] == 255 and drawn[91, 91] == 0  # the corner of its box is not inked


def test_strokes_are_separate():
    drawn = draw.render_strokes([[(40, 40), (40, 100)], [(200, 40), (200, 100)]])
    assert drawn[70, 40] == 255 and drawn[70, 200] == 255
    assert drawn[70, 120] == 0  # nothing joins the two strokes


@pytest.mark.parametrize(
    ("strokes", "kwargs", "error", "match"),
    [
        ("a 7", {}, TypeError, "list of strokes"),
        ([], {}, TypeError, "list of strokes"),
        ([[]], {}, ValueError, "stroke 0 should be a list of"),
        ([[(1, 2)], [(1, 2, 3)]], {}, ValueError, "stroke 1"),
        ([[("x", 2)]], {}, ValueError, "stroke 0"),
        (SEVEN, {"size": 0}, ValueError, "size"),
        (SEVEN, {"width": 2.5}, ValueError, "width"),
    ],
)
def test_render_strokes_explains_bad_input(strokes, kwargs, error, match):
    with pytest.raises(error, match=match):
        draw.render_strokes(strokes, **kwargs)


def test_show_reading_draws_the_canvas_picture():
    probabilities = np.full(10, 0.01)
    probabilities[7] = 0.91
    model = FixedModel(probabilities)
    fig = draw.show_reading(model, draw.render_strokes(SEVEN))
    left, right = fig.axes
    (batch,) = model.seen
    np.testing.assert_allclose(left.images[0].get_array(), batch[0, :, :, 0])
    np.testing.assert_allclose([bar.get_height() for bar in right.patches], probabilities)
    assert right.get_title().startswith("prediction: 7 (91%)")
    plt.close(fig)


def test_show_reading_uses_class_names_and_turns_scores_into_probabilities():
    fig = draw.show_reading(
        FixedModel([0.0, 5.0, -3.0]), draw.render_strokes(SEVEN), ["a", "b", "c"]
    )
    heights = [bar.get_height() for bar in fig.axes[1].patches]
    np.testing.assert_allclose(sum(heights), 1.0)
    assert fig.axes[1].get_title().startswith("prediction: b")
    plt.close(fig)


def test_show_reading_explains_bad_input():
    with pytest.raises(TypeError, match="predict"):
        draw.show_reading("model.keras", draw.render_strokes(SEVEN))
    with pytest.raises(ValueError, match="empty"):
        draw.show_reading(FixedModel(np.full(10, 0.1)), np.zeros((280, 280)))
    with pytest.raises(ValueError, match="5 outputs"):
        draw.show_reading(FixedModel(np.full(5, 0.2)), draw.render_strokes(SEVEN))
