"""Tests for course_utils.widgets: the pure helpers, and the explorers driven like a learner."""

from __future__ import annotations

import html
import math
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

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
    """The kinds of output an Output widget shows: 'image/png' or the error text."""
    return [
        o["data"].get("text/plain") if "text/html" in o["data"] else "image/png"
        for o in out.outputs
    ]


def formula_value(box) -> str:
    return text_of(box.formula.value)


# --------------------------------------------------------------------------- parse_kernel


@pytest.mark.parametrize(
    "text",
    [
        "[[0, -1, 0], [-1, 5, -1], [0, -1, 0]]",
        "0 -1 0\n-1 5 -1\n0 -1 0",
        "0,-1,0; -1,5,-1; 0,-1,0",
        "  [ [0 -1 0] [-1 5 -1] [0 -1 0] ]\n",
    ],
)
def test_parse_kernel_accepts_common_spellings(text):
    np.testing.assert_array_equal(widgets.parse_kernel(text), [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])


def test_parse_kernel_reads_fractions_and_decimals():
    kernel = widgets.parse_kernel("1/9 1/9 1/9\n0.5 -2.5e-1 1\n0 0 0")
    np.testing.assert_allclose(kernel[0], [1 / 9] * 3)
    np.testing.assert_allclose(kernel[1], [0.5, -0.25, 1])


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("1 2 3\n4 5 6", "needs 3 rows of 3 numbers but has 2 row"),
        ("1 2 3\n4 5\n7 8 9", "row 2 has 2 numbers but needs 3"),
        ("1 2 3\n4 x 6\n7 8 9", "'x' in row 2 is not a number"),
        ("1 2 3\n4 1/0 6\n7 8 9", "'1/0' in row 2 is not a number"),
        ("nan 0 0\n0 0 0\n0 0 0", "'nan' in row 1 is not a number"),
        ("[[1, 2, 3], [4, 5, 6], [7, 8, 9]", "brackets"),
        ("[1, 2, 3, 4, 5, 6, 7, 8, 9]", "has 1 row"),
    ],
)
def test_parse_kernel_explains_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        widgets.parse_kernel(text)


def test_parse_kernel_wants_text():
    with pytest.raises(TypeError, match="string"):
        widgets.parse_kernel([[1, 2, 3]] * 3)


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


def test_sum_formula_writes_every_product():
    window = np.array([[1, 2], [3, 4]])
    kernel = np.array([[1, -1], [0, 0.5]])
    text = widgets.sum_formula(window, kernel, total=1.0)
    assert text == "1*1 + 2*(-1) + 3*0 + 4*0.5 = 1"
    with pytest.raises(ValueError, match="one shape"):
        widgets.sum_formula(window, np.ones((3, 3)), 0)


def test_partial_output_hides_cells_not_reached_yet():
    part = widgets.partial_output(np.ones((2, 3)), 0, 1)
    np.testing.assert_array_equal(np.isnan(part), [[False, False, True], [True, True, True]])
    assert np.isfinite(widgets.partial_output(np.ones((2, 3)), 1, 2)).all()
    with pytest.raises(ValueError, match="outside"):
        widgets.partial_output(np.ones((2, 3)), 2, 0)


def test_shape_formula_examples():
    assert widgets.shape_formula(7, 3, 2, 1) == "(7 - 3 + 2*1) / 2 + 1 = 4 -> output is 4x4"
    assert widgets.shape_formula(7, 3, 1, "valid") == "(7 - 3) / 1 + 1 = 5 -> output is 5x5"
    assert widgets.shape_formula(8, 3, 2, 1) == (
        "(8 - 3 + 2*1) / 2 + 1 = 4.5, rounded down -> output is 4x4"
    )
    assert widgets.shape_formula(5, 2, 1, "same") == (
        "'same': ceil(5 / 1) = 5 -> output is 5x5 (padding 0 before, 1 after)"
    )
    assert widgets.shape_formula(7, 3, 1, 0, dilation=2).startswith(
        "dilated kernel covers 2*(3 - 1) + 1 = 5 pixels; (7 - 5 + 2*0) / 1 + 1 = 3"
    )
    with pytest.raises(ValueError, match="larger than the padded input"):
        widgets.shape_formula(3, 5, 1, 0)


@given(
    n=st.integers(1, 15),
    k=st.integers(1, 7),
    s=st.integers(1, 4),
    p=st.one_of(st.integers(0, 3), st.sampled_from(["valid", "same"])),
    d=st.integers(1, 3),
)
def test_shape_formula_agrees_with_ops_and_the_textbook_formula(n, k, s, p, d):
    span = d * (k - 1) + 1
    pad = 0 if p == "valid" else p
    if p != "same" and span > n + 2 * pad:
        with pytest.raises(ValueError):
            widgets.shape_formula(n, k, s, p, d)
        return
    expected = math.ceil(n / s) if p == "same" else (n + 2 * pad - span) // s + 1
    assert expected == ops.output_size(n, k, s, p, d)
    text = widgets.shape_formula(n, k, s, p, d)
    assert text.split(" -> ")[-1].startswith(f"output is {expected}x{expected}")


def test_pool_window_and_formula_agree_with_ops():
    image = widgets.TOY_POOL_6
    for padding in ("valid", "same"):
        for mode, pool in (("max", ops.max_pool2d), ("average", ops.avg_pool2d)):
            pooled = pool(image[None, :, :, None], 3, 2, padding)[0, :, :, 0]
            for (r, c), value in np.ndenumerate(pooled):
                values = widgets.pool_window(image, r, c, 3, 2, padding)
                reduce = np.max if mode == "max" else np.mean
                assert reduce(values) == pytest.approx(value)
                assert widgets.pool_formula(values, mode, value).endswith(f"= {value:.3g}")


def test_pool_window_leaves_out_padding():
    # 'same' with pool 3, stride 2 on 6 pixels pads 0 before and 1 after: the last window
    # has only two real rows and columns.
    values = widgets.pool_window(widgets.TOY_POOL_6, 2, 2, 3, 2, "same")
    np.testing.assert_array_equal(values, widgets.TOY_POOL_6[4:, 4:].ravel())


def test_pool_formula_text():
    assert widgets.pool_formula([1, 3, 2], "max", 3) == "max(1, 3, 2) = 3"
    assert widgets.pool_formula([1, 3], "average", 2) == "mean(1, 3) = 4 / 2 = 2"
    with pytest.raises(ValueError, match="mode"):
        widgets.pool_formula([1], "min", 1)


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
    (message,) = shown(box.out)
    assert "ValueError" in message and "pool_size" in message


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
