"""Tests for course_utils.widgets: the pure helpers, and the explorers driven like a learner."""

from __future__ import annotations

import html
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import ops, widgets  # noqa: E402


@pytest.fixture(autouse=True)
def _no_figure_left_open():
    yield
    assert plt.get_fignums() == [], "a widget left a matplotlib figure open"
    plt.close("all")


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def shape_text(box) -> str:
    """What the browser test reads: the element with the output-shape CSS class."""
    (label,) = [w for w in walk(box) if widgets.OUTPUT_SHAPE_CLASS in w._dom_classes]
    return text_of(label.value)


def text_of(markup: str) -> str:
    """The text a browser shows for this HTML (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def shown(out) -> list[str]:
    """What an Output widget shows: 'image/png', an error's text, or 'traceback'."""
    kinds = []
    for o in out.outputs:
        if o["output_type"] == "stream":
            kinds.append("traceback")
        elif "image/png" in o["data"]:
            kinds.append("image/png")
        else:
            kinds.append(o["data"]["text/plain"])
    return kinds


def formula_value(box) -> str:
    return text_of(box.formula.value)


# --------------------------------------------------------------------------- small helpers


def test_kernels_are_the_classic_read_only_3x3():
    assert list(widgets.KERNELS) == [
        "identity",
        "blur",
        "sharpen",
        "vertical edges",
        "horizontal edges",
    ]
    for kernel in widgets.KERNELS.values():
        assert kernel.shape == (3, 3) and not kernel.flags.writeable
    assert widgets.KERNELS["blur"].sum() == pytest.approx(1.0)
    assert widgets.KERNELS["sharpen"].sum() == pytest.approx(1.0)
    # Edge detectors ignore flat regions and are transposes of each other.
    assert widgets.KERNELS["vertical edges"].sum() == 0
    np.testing.assert_array_equal(
        widgets.KERNELS["horizontal edges"], widgets.KERNELS["vertical edges"].T
    )


# --------------------------------------------------------------------------- explorers

EDGE = np.array([[1, 1, 1, 0, 0, 0]] * 6, dtype=float)


def test_convolution_explorer_follows_the_sliders():
    box = widgets.convolution_explorer(image=EDGE)
    c = box.controls
    assert c["row"].max == 3 and c["col"].max == 3  # 6 - 3 + 1 = 4 positions
    c["kernel"].value = "vertical edges"
    c["row"].value, c["col"].value = 2, 1
    full = ops.conv2d(EDGE[None, :, :, None], widgets.KERNELS["vertical edges"][:, :, None, None])
    assert full[0, 2, 1, 0] == 3
    assert formula_value(box) == (
        "output[2, 1] = 1*1 + 1*0 + 0*(-1) + 1*1 + 1*0 + 0*(-1) + 1*1 + 1*0 + 0*(-1) = 3"
    )
    assert shown(box.out) == ["image/png"]


def test_convolution_explorer_custom_kernel_and_its_errors():
    box = widgets.convolution_explorer(image=EDGE)
    c = box.controls
    c["kernel"].value = "custom"
    assert c["custom"].layout.display != "none"
    c["custom"].value = "0 0 0\n0 2 0\n0 0 0"
    c["row"].value, c["col"].value = 1, 1
    assert formula_value(box).endswith("= 2")
    c["custom"].value = "1 2\n3"  # must not raise: the message goes into the widget
    (message,) = shown(box.out)
    assert "needs 3 rows of 3 numbers" in message
    assert formula_value(box) == ""  # no stale sum next to the error
    c["custom"].value = "1 1 1\n1 1 1\n1 1 1"
    assert shown(box.out) == ["image/png"]
    assert formula_value(box).endswith("= 6")


def test_convolution_explorer_stacks_and_mnist():
    stack = np.stack([EDGE, EDGE.T]).astype(np.uint8) * 255
    box = widgets.convolution_explorer(image=stack, kernels={"ones": np.ones((2, 2))})
    assert list(box.controls["image"].options) == ["image 0", "image 1"]
    assert list(box.controls["kernel"].options) == ["ones", "custom"]
    assert box.controls["row"].max == 4
    assert formula_value(box).endswith("= 4")  # uint8 255 is shown as 1.0
    default = widgets.convolution_explorer()  # toy edge + MNIST digits (fast mode: offline)
    assert "digit 7" in default.controls["image"].options
    default.controls["image"].value = "digit 7"
    assert default.controls["row"].max == 25
    with pytest.raises(ValueError, match="gray image"):
        widgets.convolution_explorer(image=np.zeros((2, 3, 4, 4)))


def test_padding_stride_explorer_states_the_output_shape():
    box = widgets.padding_stride_explorer()
    c = box.controls
    assert shape_text(box) == "(7 - 3 + 2*1) / 2 + 1 = 4 -> output is 4x4"
    settings = [
        dict(input_size=10, kernel_size=3, stride=1, padding=0, dilation=1),
        dict(input_size=9, kernel_size=5, stride=3, padding=2, dilation=1),
        dict(input_size=12, kernel_size=3, stride=2, padding=1, dilation=2),
    ]
    for setting in settings:
        for name, value in setting.items():
            c[name].value = value
        o = ops.output_size(*setting.values())
        assert shape_text(box).endswith(f"output is {o}x{o}")
        assert c["row"].max == o - 1 and c["col"].max == o - 1
        assert shown(box.out) == ["image/png"]


def test_padding_stride_explorer_same_and_valid():
    box = widgets.padding_stride_explorer()
    c = box.controls
    c["input_size"].value, c["kernel_size"].value, c["stride"].value = 5, 2, 1
    c["mode"].value = "same"
    assert c["padding"].disabled
    assert "output is 5x5" in shape_text(box) and "0 before, 1 after" in shape_text(box)
    c["mode"].value = "valid"
    assert shape_text(box) == "(5 - 2) / 1 + 1 = 4 -> output is 4x4"
    c["mode"].value = "explicit"
    assert not c["padding"].disabled


def test_padding_stride_explorer_reports_impossible_settings():
    box = widgets.padding_stride_explorer()
    c = box.controls
    c["mode"].value = "valid"
    c["input_size"].value = 3
    c["kernel_size"].value = 5  # bigger than the 3-pixel input: must not raise
    with pytest.raises(ValueError) as error:
        ops.output_size(3, 5, 2, "valid", 1)
    assert shape_text(box) == f"Not possible: {error.value}"
    (message,) = shown(box.out)
    assert str(error.value) in message
    c["kernel_size"].value = 3
    assert shape_text(box).endswith("output is 1x1")
    assert shown(box.out) == ["image/png"]


def test_pooling_explorer_follows_the_settings():
    box = widgets.pooling_explorer()
    c = box.controls
    c["row"].value, c["col"].value = 1, 1
    assert formula_value(box) == "output[1, 1] = max(8, 0, 2, 6) = 8"
    c["mode"].value = "average"
    assert formula_value(box) == "output[1, 1] = mean(8, 0, 2, 6) = 16 / 4 = 4"
    c["image"].value = "toy 6x6"
    c["pool_size"].value, c["stride"].value, c["padding"].value = 3, 2, "same"
    assert c["row"].max == 2  # ceil(6 / 2) = 3 windows
    c["row"].value, c["col"].value = 2, 2
    expected = widgets.TOY_POOL_6[4:, 4:].mean()
    assert formula_value(box).endswith(f"= {expected:.3g}")
    c["image"].value = "digit"
    assert c["row"].max == 13 and shown(box.out) == ["image/png"]


def test_pooling_explorer_shows_pool_errors():
    box = widgets.pooling_explorer(image=np.ones((3, 3)))
    assert box.controls["image"].value == "image 0"
    box.controls["stride"].value = 1
    box.controls["pool_size"].value = 4  # a 4x4 window cannot fit a 3x3 input
    with pytest.raises(ValueError) as error:
        ops.max_pool2d(np.ones((1, 3, 3, 1)), 4, 1, "valid")
    # A ValueError's message is written for the learner: shown alone, with no traceback.
    assert shown(box.out) == [str(error.value)]
    assert "course-error" in box.out.outputs[0]["data"]["text/html"]


def test_a_bug_while_drawing_is_shown_with_its_traceback(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the kernel panel broke")

    box = widgets.convolution_explorer(image=EDGE)
    monkeypatch.setattr(widgets.viz, "show_kernel", broken)
    box.controls["row"].value = 1  # redraw: the three-panel figure is open when this fails
    assert shown(box.out) == ["RuntimeError: the kernel panel broke", "traceback"]
    assert "in broken" in box.out.outputs[1]["text"]
    # and the half-drawn figure was closed (the autouse fixture checks it too)
    assert plt.get_fignums() == []


@pytest.fixture(scope="module")
def tiny_model():
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(4, 3, name="conv"),
            keras.layers.MaxPooling2D(2, name="pool"),
            keras.layers.Flatten(),
            keras.layers.Dense(2),
        ]
    )


def test_feature_map_explorer_menus_follow_the_model(tiny_model):
    images = np.random.default_rng(0).random((3, 8, 8))
    box = widgets.feature_map_explorer(tiny_model, images, labels=[5, 0, 4])
    c = box.controls
    assert list(c["layer"].options) == ["conv", "pool"]
    assert list(c["channel"].options) == [0, 1, 2, 3]
    assert [label for label, _ in c["image"].options] == [
        "image 0 (label 5)",
        "image 1 (label 0)",
        "image 2 (label 4)",
    ]
    c["layer"].value = "pool"
    c["channel"].value = 3
    c["image"].value = 2
    assert text_of(box.info.value) == "pool: 3x3x4, showing channel 3"
    assert shown(box.out) == ["image/png", "image/png"]


def test_feature_map_explorer_checks_its_input(tiny_model):
    with pytest.raises(ValueError, match="stack"):
        widgets.feature_map_explorer(tiny_model, np.zeros((8, 8)))
    with pytest.raises(TypeError, match="Keras model"):
        widgets.feature_map_explorer(object(), np.zeros((1, 8, 8)))
