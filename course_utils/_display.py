"""How course_utils shows a figure or an error; viz, widgets, callbacks and draw share it.

Private: lessons import ``viz``, ``widgets``, ``callbacks`` and ``draw``, never this module.

- ``new_figure``: every figure the package draws is made here (white background, so that
  plots stay readable in JupyterLab's dark theme; constrained layout).
- ``figure_png``: a figure as PNG bytes (for a widget or a live plot).
- ``show_figures`` / ``show_error``: what an ipywidgets ``Output`` shows.
"""

from __future__ import annotations

import base64
import html
import io
import traceback
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

ERROR_STYLE = "color: #c62828; font-weight: bold"


class CourseFigure(Figure):
    """A pyplot figure that a notebook shows once, whether or not the cell ends with ``;``.

    Jupyter's inline backend shows every open pyplot figure when a cell ends, and IPython
    also shows a figure that is the cell's last value: twice in all. Showing it here and
    closing it leaves the backend nothing to show again. A figure shown in an earlier cell
    (``fig`` on a line of its own) is drawn afresh.
    """

    def _ipython_display_(self) -> None:
        from IPython.display import display  # noqa: PLC0415

        display(_png_bundle(self), raw=True)


def new_figure(nrows: int = 1, ncols: int = 1, **kwargs: Any) -> tuple[Figure, Any]:
    """``plt.subplots`` with a white background and constrained layout: (figure, axes).

    The figure is open in pyplot, so a notebook shows it at the end of the cell even when
    the line that made it ends with ``;``.
    """
    return plt.subplots(
        nrows, ncols, FigureClass=CourseFigure, facecolor="white", layout="constrained", **kwargs
    )


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes, at its own size and dpi; the figure is closed afterwards.

    Closed, because a figure turned into a picture is done with: left open in pyplot, it
    would appear a second time at the end of the cell.
    """
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    return buffer.getvalue()


def show_figures(out: Any, *figs: Figure) -> None:
    """Replace what the ipywidgets ``Output`` ``out`` shows with these figures (closed after).

    Writing ``out.outputs`` (rather than ``with out: display(fig)``) works the same in a
    notebook, in a test and in a widget callback.
    """
    out.outputs = tuple(
        {"output_type": "display_data", "data": _png_bundle(fig), "metadata": {}} for fig in figs
    )


def show_error(out: Any, exc: BaseException) -> None:
    """Show ``exc`` in the ipywidgets ``Output`` ``out``, in red, instead of in a log.

    An exception raised in a widget callback would otherwise go to a log nobody reads, and
    the widget would simply do nothing. A ValueError's message is written for the learner
    (the package's checks raise it), so it is shown alone; anything else is a bug somewhere,
    so its type is named and its traceback follows.
    """
    expected = isinstance(exc, ValueError)
    message = str(exc) if expected else f"{type(exc).__name__}: {exc}"
    outputs = [
        {
            "output_type": "display_data",
            "data": {
                "text/html": (
                    f'<p class="course-error" style="{ERROR_STYLE}">{html.escape(message)}</p>'
                ),
                "text/plain": message,
            },
            "metadata": {},
        }
    ]
    if not expected:
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        outputs.append({"output_type": "stream", "name": "stderr", "text": details})
    out.outputs = tuple(outputs)


def _png_bundle(fig: Figure) -> dict[str, str]:
    """What a notebook stores for a figure: the PNG (base64) and a line of text."""
    text = repr(fig)
    png = base64.b64encode(figure_png(fig)).decode("ascii")
    return {"image/png": png, "text/plain": text}
