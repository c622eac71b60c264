"""Tests for course_utils.viz: each plot draws what it says (panels, titles, numbers)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from course_utils import ops, viz  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def red_boxes(ax) -> list[Rectangle]:
    """The thick outlines that mark a window or an output cell."""
    return [
        p
        for p in ax.patches
        if isinstance(p, Rectangle) and p.get_linewidth() == 3 and p.get_edgecolor()[0] > 0.8
    ]


# --------------------------------------------------------------------------- lessons 1-3


@pytest.mark.parametrize("shape", [(5, 28, 28), (5, 28, 28, 1), (5, 8, 8, 3)])
def test_show_images_one_panel_per_image(shape):
    images = np.random.default_rng(0).random(shape)
    fig = viz.show_images(images, labels=[3, 1, 4, 1, 5], ncols=3)
    assert len(fig.axes) == 5
    assert [ax.get_title() for ax in fig.axes] == [
        "label 3",
        "label 1",
        "label 4",
        "label 1",
        "label 5",
    ]
    assert fig.axes[0].images[0].get_array().shape == np.squeeze(images[0]).shape


def test_show_images_titles_and_class_names():
    images = np.zeros((2, 4, 4))
    fig = viz.show_images(images, labels=[1, 0], class_names=["cat", "dog"], title="pets")
    assert [ax.get_title() for ax in fig.axes] == ["dog", "cat"]
    assert fig._suptitle.get_text() == "pets"
    fig = viz.show_images(images, titles=["a", "b"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]


@pytest.mark.parametrize(
    "images, labels, match",
    [
        (np.zeros((3, 4)), None, None),  # a single 2-D image is fine
        (np.zeros((2, 4, 4, 2)), None, "RGB"),
        (np.zeros((101, 4, 4)), None, "at most 100"),
        (np.zeros((2, 4, 4)), [1, 2, 3], "labels has 3 entries"),
    ],
)
def test_show_images_checks_its_input(images, labels, match):
    if match is None:
        assert len(viz.show_images(images).axes) == 1
    else:
        with pytest.raises(ValueError, match=match):
            viz.show_images(images, labels=labels)


def test_show_matrix_writes_each_value_on_its_cell():
    m = np.array([[0, 1.5, 2], [3, 4, 10]])
    ax = viz.show_matrix(m, title="toy")
    assert ax.get_title() == "toy"
    assert texts(ax) == ["0", "1.5", "2", "3", "4", "10"]
    positions = [t.get_position() for t in ax.texts]
    assert positions == [(j, i) for i in range(2) for j in range(3)]  # x = column, y = row


def test_show_matrix_text_contrasts_with_its_cell():
    ax = viz.show_matrix([[0, 255]], cmap="gray")  # black cell, then white cell
    colors = [t.get_color() for t in ax.texts]
    assert colors == ["white", "black"]


def test_show_matrix_leaves_nan_blank_and_uses_given_axes():
    fig, ax = plt.subplots()
    m = np.array([[1.0, np.nan], [-0.0, 2.0]])
    assert viz.show_matrix(m, ax=ax, fmt="{:.1f}") is ax
    assert texts(ax) == ["1.0", "0.0", "2.0"]  # no "-0.0" either


def test_show_matrix_rejects_non_matrices():
    with pytest.raises(ValueError, match="2-D"):
        viz.show_matrix(np.zeros(3))
    with pytest.raises(TypeError, match="numbers"):
        viz.show_matrix([["a", "b"]])


def test_show_kernel_centres_colours_on_zero():
    sharpen = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    ax = viz.show_kernel(sharpen)
    assert ax.images[0].get_clim() == (-5, 5)
    assert texts(ax)[4] == "5" and texts(ax)[1] == "-1"
    hwio = viz.show_kernel(np.ones((3, 3, 1, 1)) / 9)
    assert texts(hwio) == ["0.11"] * 9


def test_show_window_marks_the_window_and_the_output_cell():
    image = np.arange(36.0).reshape(6, 6)
    kernel = np.ones((3, 3, 1, 1))
    output = ops.conv2d(image[None, :, :, None], kernel, strides=2, padding=1)[0, :, :, 0]
    fig = viz.show_window(image, output, row=1, col=2, kernel_size=3, stride=2, padding=1)
    ax_in, ax_out = fig.axes
    # Output cell (1, 2) starts at padded pixel (2, 4), which is image pixel (1, 3).
    (window,) = red_boxes(ax_in)
    assert window.get_xy() == (3 - 0.5, 1 - 0.5)
    assert (window.get_width(), window.get_height()) == (3, 3)
    (cell,) = red_boxes(ax_out)
    assert cell.get_xy() == (2 - 0.5, 1 - 0.5)
    assert "(1, 2)" in ax_in.get_title() and "output 3x3" in ax_out.get_title()
    # Every input value and every output value is written on its cell.
    assert len(ax_in.texts) == 36 and len(ax_out.texts) == 9
    assert any(p.get_hatch() for p in ax_in.patches)  # the padded border


def test_show_window_without_padding_has_no_hatch_and_checks_shapes():
    image = np.zeros((5, 5))
    fig = viz.show_window(image, np.zeros((3, 3)), 0, 0, 3)
    assert not any(p.get_hatch() for p in fig.axes[0].patches)
    with pytest.raises(ValueError, match="output has shape"):
        viz.show_window(image, np.zeros((4, 4)), 0, 0, 3)
    with pytest.raises(ValueError, match="outside the 3x3 output"):
        viz.show_window(image, np.zeros((3, 3)), 3, 0, 3)


def test_show_window_same_padding_goes_bottom_right():
    image = np.zeros((6, 6))
    fig = viz.show_window(image, np.zeros((3, 3)), 2, 2, 3, stride=2, padding="same")
    (window,) = red_boxes(fig.axes[0])
    # TensorFlow pads 0 before and 1 after here, so the last window starts at pixel 4.
    assert window.get_xy() == (4 - 0.5, 4 - 0.5)


def test_show_positions_has_a_dot_per_output_cell():
    fig = viz.show_positions(7, 3, stride=2, padding=1, highlight=(1, 2))
    ax_in, ax_out = fig.axes
    (dots,) = ax_in.lines
    assert len(dots.get_xdata()) == 4 * 4  # (7 - 3 + 2) / 2 + 1 = 4
    assert sorted(set(dots.get_xdata())) == [-1, 1, 3, 5]
    assert ax_out.get_title() == "output 4x4"
    with pytest.raises(ValueError, match="outside"):
        viz.show_positions(7, 3, stride=2, padding=1, highlight=(4, 0))


def test_show_positions_marks_each_dilated_tap():
    fig = viz.show_positions(7, 3, dilation=2, padding="valid", highlight=(0, 0))
    taps = [p for p in fig.axes[0].patches if p.get_fill() and p.get_facecolor()[3] > 0]
    assert len(taps) == 9
    assert {p.get_xy() for p in taps} == {(x - 0.5, y - 0.5) for x in (0, 2, 4) for y in (0, 2, 4)}


def image_panels(fig):
    """The panels of a grid, without its colour bar."""
    return [ax for ax in fig.axes if ax.images and ax.get_label() != "<colorbar>"]


@pytest.mark.parametrize("shape, n", [((5, 5, 3), 3), ((1, 5, 5, 4), 4), ((5, 5), 1)])
def test_show_feature_maps_one_panel_per_channel(shape, n):
    fig = viz.show_feature_maps(np.ones(shape), title="maps")
    assert [ax.get_title() for ax in image_panels(fig)] == [f"channel {c}" for c in range(n)]


def test_show_feature_maps_names_the_channels():
    fig = viz.show_feature_maps(np.ones((4, 4, 2)), names=["blur", "edges"])
    assert [ax.get_title() for ax in image_panels(fig)] == ["blur", "edges"]
    with pytest.raises(ValueError, match="names has 1 entries but there are 2 channels"):
        viz.show_feature_maps(np.ones((4, 4, 2)), names=["blur"])
    with pytest.raises(TypeError, match="list of channel names"):
        viz.show_feature_maps(np.ones((4, 4, 2)), names="ab")


def test_show_feature_maps_after_relu_share_one_sequential_scale_with_a_colour_bar():
    maps = np.zeros((4, 4, 3))
    maps[:, :, 0] = 8.0  # strong
    maps[0, 0, 1] = 0.5  # weak
    # channel 2 stays 0: a dead channel must look dead, not be stretched to full contrast
    fig = viz.show_feature_maps(maps)
    panels = image_panels(fig)
    assert [ax.images[0].get_clim() for ax in panels] == [(0.0, 8.0)] * 3
    assert {ax.images[0].get_cmap().name for ax in panels} == {viz.ACTIVATION_CMAP}
    (bar,) = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert bar.get_ylabel() == "value"
    assert len(fig.axes) == 4


def test_show_feature_maps_with_negative_values_use_the_signed_map_centred_on_zero():
    maps = np.zeros((3, 3, 2))
    maps[0, 0, 0], maps[1, 1, 1] = -2.0, 5.0
    panels = image_panels(viz.show_feature_maps(maps))
    assert [ax.images[0].get_clim() for ax in panels] == [(-5.0, 5.0)] * 2
    assert {ax.images[0].get_cmap().name for ax in panels} == {viz.SIGNED_CMAP}


def test_show_feature_maps_own_scales_on_request():
    maps = np.stack([np.eye(3), 10 * np.eye(3)], axis=-1)
    fig = viz.show_feature_maps(maps, shared_scale=False)
    assert [ax.images[0].get_clim() for ax in image_panels(fig)] == [(0.0, 1.0), (0.0, 10.0)]
    assert len(fig.axes) == 2  # no colour bar: no one scale to show


def test_show_feature_maps_rejects_a_batch():
    with pytest.raises(ValueError, match="one image"):
        viz.show_feature_maps(np.ones((2, 5, 5, 3)))


def test_feature_map_style_follows_the_sign_of_the_layer():
    assert viz.feature_map_style(np.array([[0.0, 3.0]])) == {
        "cmap": viz.ACTIVATION_CMAP,
        "vmin": 0.0,
        "vmax": 3.0,
    }
    assert viz.feature_map_style(np.array([[-4.0, 3.0]])) == {
        "cmap": viz.SIGNED_CMAP,
        "vmin": -4.0,
        "vmax": 4.0,
    }
    assert viz.feature_map_style(np.zeros((2, 2)))["vmax"] == 1.0  # all zero: still a scale
    with pytest.raises(ValueError, match="finite"):
        viz.feature_map_style(np.full((2, 2), np.nan))


def test_a_short_strip_of_images_is_drawn_larger_than_a_long_row():
    short = viz.show_images(np.zeros((5, 6, 6)), ncols=5)
    long = viz.show_images(np.zeros((16, 6, 6)), ncols=8)
    short_side = short.get_size_inches()[0] / 5
    long_side = long.get_size_inches()[0] / 8
    assert short_side > 1.4 * long_side
    assert short.get_size_inches()[0] >= 8  # a readable width, not a strip of stamps


def test_show_convolution_draws_the_window_the_products_and_the_sum():
    image = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype=float)
    fig = viz.show_convolution(image, np.ones((2, 2)), row=1, col=0)
    ax_in, ax_products, ax_out = fig.axes
    (window,) = red_boxes(ax_in)
    assert window.get_xy() == (0 - 0.5, 1 - 0.5)  # output (1, 0) reads rows 1-2, columns 0-1
    assert texts(ax_products) == ["4", "5", "7", "8"]
    assert texts(ax_out) == ["12", "16", "24"]  # filled in up to (1, 0); (1, 1) not yet
    assert fig.get_suptitle() == "output[1, 0] = 4*1 + 5*1 + 7*1 + 8*1 = 24"
    quiet = viz.show_convolution(image, np.ones((2, 2)), 0, 0, formula=False)
    assert quiet.get_suptitle() == ""
    with pytest.raises(ValueError, match="outside the 2x2 output"):
        viz.show_convolution(image, np.ones((2, 2)), 2, 0)


def test_show_convolution_draws_a_signed_output_centred_on_zero():
    edge = np.array([[1, 1, 1, 0, 0, 0]] * 6, dtype=float)  # bright left, dark right
    left_minus_right = np.array([[1, 0, -1]] * 3, dtype=float)
    positive = viz.show_convolution(edge, left_minus_right, 0, 0).axes[2].images[0]
    assert positive.get_cmap().name == "gray" and positive.get_clim() == (0.0, 3.0)
    negative = viz.show_convolution(edge, -left_minus_right, 0, 0).axes[2].images[0]
    assert negative.get_cmap().name == viz.SIGNED_CMAP and negative.get_clim() == (-3.0, 3.0)


def test_show_pooling_names_the_mode_and_what_the_window_pools():
    toy = np.array([[1, 3, 2, 9], [5, 6, 1, 7], [4, 2, 8, 0], [3, 1, 2, 6]], dtype=float)
    fig = viz.show_pooling(toy, 1, 1, pool_size=2)  # stride defaults to the pool size
    assert fig.get_suptitle() == "max pooling: output[1, 1] = max(8, 0, 2, 6) = 8"
    assert texts(fig.axes[1]) == ["6", "9", "4", "8"]
    same = viz.show_pooling(toy, 1, 1, 3, 2, "same", mode="average")
    # The bottom-right window holds 4 real pixels (and 5 padded cells, left out).
    assert same.get_suptitle() == "average pooling: output[1, 1] = mean(8, 0, 2, 6) = 16 / 4 = 4"
    with pytest.raises(ValueError, match='"max" or "average"'):
        viz.show_pooling(toy, 0, 0, 2, mode="min")


def test_show_positions_writes_the_formula_above():
    fig = viz.show_positions(7, 3, stride=2, padding=1, highlight=(1, 2))
    assert fig.get_suptitle() == "(7 - 3 + 2*1) / 2 + 1 = 4 -> output is 4x4"
    assert viz.show_positions(7, 3, formula=False).get_suptitle() == ""
    assert viz.show_positions(7, 3, padding=(0, 1)).get_suptitle() == ""


# --------------------------------------------------------------------------- lesson 4

HISTORY = {
    "loss": [1.0, 0.5, 0.3],
    "val_loss": [0.9, 0.6, 0.5],
    "accuracy": [0.6, 0.8, 0.9],
    "val_accuracy": [0.7, 0.8, 0.85],
}


def test_plot_history_two_panels_with_epochs_from_one():
    fig = viz.plot_history(HISTORY)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    for ax in fig.axes:
        assert [line.get_label() for line in ax.lines] == ["training", "validation"]
        assert list(ax.lines[0].get_xdata()) == [1, 2, 3]
    assert list(fig.axes[1].lines[1].get_ydata()) == HISTORY["val_accuracy"]


def test_plot_history_accepts_a_history_object_and_old_names():
    class History:  # what model.fit returns, in older Keras spelling
        history = {"loss": [0.5, 0.4], "acc": [0.8, 0.9]}

    fig = viz.plot_history(History())
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    assert len(fig.axes[1].lines) == 1
    assert len(viz.plot_history({"loss": [1.0]}).axes) == 1


def test_plot_history_errors():
    with pytest.raises(ValueError, match="no 'loss'"):
        viz.plot_history({"accuracy": [0.5]})
    with pytest.raises(TypeError, match="model.fit"):
        viz.plot_history([0.5, 0.4])
    with pytest.raises(ValueError, match=r"no 'mae' entry; it has \['accuracy', 'loss'"):
        viz.plot_history(HISTORY, metrics=("loss", "mae"))
    with pytest.raises(ValueError, match="metrics is empty"):
        viz.plot_history(HISTORY, metrics=())
    with pytest.raises(TypeError, match="a name like 'accuracy', got 3"):
        viz.plot_history(HISTORY, metrics=3)


def test_plot_history_chosen_metrics():
    logs = {"acc": [0.5, 0.7], "val_acc": [0.4, 0.6], "mae": [3.0, 2.0]}  # no loss needed
    fig = viz.plot_history(logs, metrics=("mae", "accuracy"))
    assert [ax.get_title() for ax in fig.axes] == ["mae", "accuracy"]
    assert [len(ax.lines) for ax in fig.axes] == [1, 2]
    assert list(fig.axes[1].lines[1].get_ydata()) == logs["val_acc"]
    assert [ax.get_title() for ax in viz.plot_history(HISTORY, metrics="loss").axes] == ["loss"]


@pytest.mark.parametrize(
    ("metric", "logs", "key"),
    [
        ("accuracy", {"accuracy": 1, "acc": 2}, "accuracy"),  # the name asked for comes first
        ("accuracy", {"acc": 1}, "acc"),
        ("acc", {"sparse_categorical_accuracy": 1}, "sparse_categorical_accuracy"),
        ("val_acc", {"accuracy": 1, "val_accuracy": 2}, "val_accuracy"),
        ("val_accuracy", {"accuracy": 1}, None),  # never the training value
        ("loss", {"loss": 1, "val_loss": 2}, "loss"),
        ("mae", {"loss": 1}, None),
    ],
)
def test_logged_key_knows_the_spellings_of_accuracy(metric, logs, key):
    assert viz.logged_key(logs, metric) == key


def every_new_figure():
    """One figure from each function that makes its own."""
    digits = np.zeros((3, 6, 6))
    return [
        viz.show_images(digits),
        viz.show_matrix(np.eye(3)).figure,
        viz.show_kernel(np.eye(3)).figure,
        viz.show_window(np.eye(5), np.zeros((3, 3)), 0, 0, 3),
        viz.show_positions(5, 3),
        viz.show_convolution(np.eye(4), np.ones((2, 2)), 0, 0),
        viz.show_pooling(np.eye(4), 0, 0, 2),
        viz.show_feature_maps(np.ones((4, 4, 2))),
        viz.plot_history(HISTORY),
        viz.plot_confusion_matrix([0, 1], [1, 1]).figure,
        viz.show_misclassified(digits, [0, 1, 2], [0, 1, 1]),
        viz.show_misclassified(digits, [0, 1, 2], [0, 1, 2]),  # the "none" figure
        viz.plot_probabilities([0.2, 0.8]).figure,
        viz.show_filters(np.ones((3, 3, 1, 2))),
    ]


def test_figures_have_a_white_background_even_under_a_dark_style():
    with plt.rc_context({"figure.facecolor": "black"}):
        figures = every_new_figure()
    for fig in figures:
        assert matplotlib.colors.to_hex(fig.get_facecolor()) == "#ffffff", fig


def test_figures_stay_open_for_the_notebook_to_show():
    # A notebook shows open pyplot figures at the end of the cell: that is how a plot
    # appears when its line ends with ";" (tests/test_display.py runs a real kernel).
    figures = every_new_figure()
    assert sorted(plt.get_fignums()) == sorted(fig.number for fig in figures)


def _cells(ax, n):
    return np.array([float(t) for t in texts(ax)]).reshape(n, n)


def test_plot_confusion_matrix_counts_a_hand_made_example():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 2, 0, 2]
    ax = viz.plot_confusion_matrix(y_true, y_pred, class_names=["a", "b", "c"])
    # rows = true, columns = predicted, counted by hand
    np.testing.assert_array_equal(_cells(ax, 3), [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_xlabel() == "predicted label" and ax.get_ylabel() == "true label"


def test_plot_confusion_matrix_normalized_and_one_hot():
    y_true = np.eye(3)[[0, 0, 1, 2, 2, 2]]  # one-hot rows
    y_pred = np.array([0, 1, 1, 2, 0, 2])
    ax = viz.plot_confusion_matrix(y_true, y_pred, normalize=True)
    np.testing.assert_allclose(
        _cells(ax, 3), [[0.5, 0.5, 0], [0, 1, 0], [0.33, 0, 0.67]], atol=0.005
    )


def test_plot_confusion_matrix_errors():
    with pytest.raises(ValueError, match="class_names names only 2"):
        viz.plot_confusion_matrix([0, 2], [0, 1], class_names=["a", "b"])
    with pytest.raises(ValueError, match="y_pred has 1 entries"):
        viz.plot_confusion_matrix([0, 1], [0])
    with pytest.raises(TypeError, match="integer"):
        viz.plot_confusion_matrix([0.5, 1.0], [0, 1])


def test_show_misclassified_titles():
    images = np.zeros((5, 6, 6))
    y_true = [1, 2, 3, 4, 5]
    probs = np.full((5, 10), 0.02)
    probs[[0, 1, 2, 3, 4], [1, 0, 3, 9, 5]] = [0.82, 0.87, 0.82, 0.5, 0.82]
    fig = viz.show_misclassified(images, y_true, probs)  # predictions as probability rows
    assert [ax.get_title() for ax in fig.axes] == ["true 2 / pred 0 (87%)", "true 4 / pred 9 (50%)"]
    fig = viz.show_misclassified(images, y_true, [1, 0, 3, 9, 5], n=1)
    assert [ax.get_title() for ax in fig.axes] == ["true 2 / pred 0"]


def test_show_misclassified_when_everything_is_right():
    fig = viz.show_misclassified(np.zeros((2, 4, 4)), [1, 2], [1, 2])
    assert texts(fig.axes[0]) == ["no misclassified images"]


def test_plot_probabilities_colours_prediction_and_truth():
    probs = np.array([0.1, 0.6, 0.3])
    ax = viz.plot_probabilities(probs, class_names=["a", "b", "c"], true_label=2)
    colors = [matplotlib.colors.to_hex(bar.get_facecolor()) for bar in ax.patches]
    assert colors == [
        matplotlib.colors.to_hex("lightgray"),
        matplotlib.colors.to_hex("tab:red"),  # predicted, wrong
        matplotlib.colors.to_hex("tab:green"),  # the true class
    ]
    assert ax.get_title() == "prediction: b (60%), true: c"
    assert "60%" in texts(ax)


def test_plot_probabilities_errors():
    with pytest.raises(ValueError, match="softmax"):
        viz.plot_probabilities([2.0, -1.0])
    with pytest.raises(ValueError, match="true_label"):
        viz.plot_probabilities([0.5, 0.5], true_label=2)


def test_show_filters_one_panel_per_filter():
    kernel = np.random.default_rng(0).normal(size=(3, 3, 1, 4))
    fig = viz.show_filters(kernel)
    assert [ax.get_title() for ax in fig.axes] == [f"filter {f}" for f in range(4)]
    np.testing.assert_allclose(fig.axes[2].images[0].get_array(), kernel[:, :, 0, 2])
    with pytest.raises(ValueError, match="1, filters"):
        viz.show_filters(np.zeros((3, 3, 3, 4)))


# --------------------------------------------------------------------------- Keras models


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


@pytest.fixture(scope="module")
def tiny_model(keras):
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(2, 3, activation="relu", name="conv"),
            keras.layers.MaxPooling2D(2, name="pool"),
            keras.layers.Conv2D(3, 2, name="conv_b"),
            keras.layers.AveragePooling2D(1, name="avg"),
            keras.layers.Flatten(),
            keras.layers.Dense(2),
        ]
    )


def test_feature_maps_names_shapes_and_values(tiny_model):
    image = np.random.default_rng(1).random((8, 8))
    maps = viz.feature_maps(tiny_model, image)
    assert list(maps) == ["conv", "pool", "conv_b", "avg"]
    assert [m.shape for m in maps.values()] == [(6, 6, 2), (3, 3, 2), (2, 2, 3), (2, 2, 3)]
    kernel, bias = tiny_model.get_layer("conv").get_weights()
    by_hand = np.maximum(ops.conv2d(image[None, :, :, None], kernel, bias)[0], 0)
    np.testing.assert_allclose(maps["conv"], by_hand, atol=1e-5)
    np.testing.assert_allclose(maps["pool"], ops.max_pool2d(by_hand[None], 2)[0], atol=1e-5)


def test_feature_maps_accepts_image_shapes(tiny_model):
    for shape in [(8, 8), (8, 8, 1), (1, 8, 8, 1)]:
        assert viz.feature_maps(tiny_model, np.zeros(shape))["conv"].shape == (6, 6, 2)
    with pytest.raises(ValueError, match="expects images shaped"):
        viz.feature_maps(tiny_model, np.zeros((9, 9)))
    with pytest.raises(ValueError, match="one image"):
        viz.feature_maps(tiny_model, np.zeros((2, 8, 8, 1)))


def test_feature_maps_errors(keras):
    unbuilt = keras.Sequential([keras.layers.Conv2D(2, 3)])
    with pytest.raises(ValueError, match="not built"):
        viz.feature_maps(unbuilt, np.zeros((8, 8)))
    dense = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="no Conv2D"):
        viz.feature_maps(dense, np.zeros(4))
    with pytest.raises(TypeError, match="Keras model"):
        viz.feature_maps("model.keras", np.zeros((8, 8)))


def test_feature_maps_single_layer_model_built_by_calling_it(keras):
    model = keras.Sequential([keras.layers.Conv2D(2, 3)])
    model(np.zeros((1, 8, 8, 1)))
    maps = viz.feature_maps(model, np.zeros((8, 8)))
    assert [m.shape for m in maps.values()] == [(6, 6, 2)]


def test_show_filters_takes_a_layer(tiny_model):
    fig = viz.show_filters(tiny_model.get_layer("conv"))
    assert len(fig.axes) == 2
