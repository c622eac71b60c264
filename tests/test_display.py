"""Tests for course_utils._display: figures as PNG, errors in widgets, each figure shown once."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from ipywidgets import Output  # noqa: E402
from PIL import Image  # noqa: E402

from course_utils import _display  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def raised(error: Exception) -> Exception:
    """``error`` with a traceback, as a widget callback catches it."""
    try:
        raise error
    except Exception as caught:  # noqa: BLE001
        return caught


def test_new_figure_is_white_and_open_in_pyplot():
    fig, axes = _display.new_figure(2, 3, figsize=(3, 2))
    assert axes.shape == (2, 3)
    assert fig.get_facecolor() == (1.0, 1.0, 1.0, 1.0)
    assert fig.get_layout_engine() is not None  # constrained: titles do not overlap
    assert plt.get_fignums() == [fig.number]


def test_figure_png_has_the_figure_size_and_closes_it():
    fig, ax = _display.new_figure(figsize=(3, 2), dpi=50)
    ax.plot([0, 1], [1, 0])
    png = _display.figure_png(fig)
    assert Image.open(io.BytesIO(png)).size == (150, 100)
    assert plt.get_fignums() == []
    # A closed figure still draws: a figure shown in an earlier cell can be shown again.
    again = np.asarray(Image.open(io.BytesIO(_display.figure_png(fig))).convert("L"), float)
    first = np.asarray(Image.open(io.BytesIO(png)).convert("L"), float)
    # Same picture. A re-draw may move an edge or a label by a pixel (matplotlib 3.10, Colab's,
    # does), so compare averages over 5x5-pixel blocks and the total ink, not single pixels.
    assert again.shape == first.shape == (100, 150)

    def blocks(image: np.ndarray) -> np.ndarray:
        return image.reshape(20, 5, 30, 5).mean(axis=(1, 3))

    assert np.abs(blocks(again) - blocks(first)).mean() < 3  # a blank picture: about 9
    ink_first, ink_again = (255 - first).sum(), (255 - again).sum()
    assert abs(ink_again - ink_first) < 0.02 * ink_first


def test_show_figures_replaces_what_an_output_shows():
    out = Output()
    out.outputs = ({"output_type": "stream", "name": "stdout", "text": "old"},)
    figs = [_display.new_figure(figsize=(2, 1), dpi=40)[0] for _ in range(2)]
    _display.show_figures(out, *figs)
    assert [o["output_type"] for o in out.outputs] == ["display_data"] * 2
    png = base64.b64decode(out.outputs[0]["data"]["image/png"])
    assert Image.open(io.BytesIO(png)).size == (80, 40)
    assert out.outputs[0]["data"]["text/plain"].endswith("size 80x40 with 1 Axes>")
    assert plt.get_fignums() == []


def test_a_value_error_is_shown_alone_and_escaped():
    out = Output()
    _display.show_error(out, raised(ValueError("pool_size <b>4</b> is too big")))
    (message,) = out.outputs
    assert message["data"]["text/plain"] == "pool_size <b>4</b> is too big"
    html = message["data"]["text/html"]
    assert "pool_size &lt;b&gt;4&lt;/b&gt; is too big" in html and "<b>" not in html
    assert 'class="course-error"' in html and _display.ERROR_STYLE in html


def test_any_other_error_is_named_with_its_traceback():
    def load_weights():
        raise OSError("weights file missing")

    out = Output()
    try:
        load_weights()
    except OSError as error:
        _display.show_error(out, error)
    message, details = out.outputs
    assert message["data"]["text/plain"] == "OSError: weights file missing"
    assert details["output_type"] == "stream" and details["name"] == "stderr"
    assert details["text"].startswith("Traceback")
    assert "in load_weights" in details["text"]


# --------------------------------------------------------------------------- a real kernel

CELLS = {
    # source: how many pictures the learner should see under the cell
    "%matplotlib inline\nimport matplotlib.pyplot as plt\nimport numpy as np\n"
    "from IPython.display import display\nfrom course_utils import viz\n"
    "H = {'loss': [1.0, 0.5], 'accuracy': [0.5, 0.8]}": 0,
    "viz.plot_history(H)": 1,  # the last line, without ";"
    "viz.plot_history(H);": 1,
    "fig = viz.show_images(np.zeros((2, 4, 4)))": 1,
    "fig": 1,  # shown again, in a later cell
    "viz.show_matrix(np.eye(2))": 1,  # returns Axes: its text, and the figure once
    "viz.show_feature_maps(np.ones((4, 4, 2)))\nviz.show_feature_maps(np.ones((4, 4, 2)))": 2,
    "fig = viz.plot_history(H)\nfor ax in fig.axes:\n    ax.axvline(1)": 1,
    "viz.show_positions(5, 3)\nplt.show()": 1,
    "fig = viz.show_positions(5, 3)\ndisplay(fig)": 1,
    "fig, ax = plt.subplots()\nviz.show_matrix(np.eye(2), ax=ax);": 1,  # the learner's figure
}


@pytest.mark.slow
def test_a_notebook_shows_each_figure_once(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    kernel = pytest.importorskip("nbval.kernel")  # starts a kernel of this very Python
    from jupyter_client import KernelManager

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    manager = KernelManager(
        kernel_name=kernel.CURRENT_ENV_KERNEL_NAME,
        kernel_spec_manager=kernel.NbvalKernelspecManager(),
    )
    client = nbclient.NotebookClient(
        notebook, km=manager, timeout=120, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    pictures = [
        sum("image/png" in output.get("data", {}) for output in cell.outputs)
        for cell in notebook.cells
    ]
    assert dict(zip(CELLS, pictures, strict=True)) == CELLS
    assert all(output.output_type != "error" for cell in notebook.cells for output in cell.outputs)
