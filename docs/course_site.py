"""What the course's site adds to Sphinx and MyST-NB (loaded by docs/conf.py).

- Launch buttons: every notebook page gets Binder and Colab buttons that open that notebook,
  with the URLs that tools/set_repository.py builds for the README, from the one address in
  pyproject.toml.
- Widgets: a saved notebook holds no live widget (tools/execute_notebooks.py leaves a one-line
  note in its place, and a widget view without its kernel would render as nothing). The site
  shows a box in its place that says where the widget runs, with launch links; the lesson's
  static figure beside it carries the content.
- Formulas: rendered to MathML while building (latex2mathml), which browsers display
  natively, so no page loads MathJax from the network.
"""

from __future__ import annotations

from typing import Any

import set_repository  # tools/, put on sys.path by conf.py
from docutils import nodes
from execute_notebooks import WIDGET_NOTE
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer(
        "mathml", inline_renderers=(visit_math, None), block_renderers=(visit_math_block, None)
    )
    app.connect("doctree-resolved", replace_widget_outputs)
    # After the book theme has made its header buttons (priority 501).
    app.connect("html-page-context", add_launch_buttons, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def notebook_path(app: Sphinx, docname: str) -> str | None:
    """The page's notebook as a path from the repository's root, or None for other pages."""
    source = app.env.doc2path(docname, base=False)
    return str(source).replace("\\", "/") if str(source).endswith(".ipynb") else None


def launch_urls(notebook: str) -> dict[str, str]:
    """Where to run ``notebook``: the README's links, for this notebook."""
    return set_repository.launch_urls(set_repository.repository(), notebook)


# ------------------------------------------------------------------ launch buttons


def add_launch_buttons(app: Sphinx, pagename: str, templatename: str, context, doctree) -> None:
    notebook = notebook_path(app, pagename) if pagename in app.env.all_docs else None
    if notebook is None or "header_buttons" not in context:
        return
    icons = {"Binder": "_static/images/logo_binder.svg", "Colab": "_static/images/logo_colab.png"}
    buttons = [
        {
            "type": "link",
            "text": name,
            "tooltip": f"Run this notebook on {name}",
            "icon": icons[name],
            "url": url,
            "label": f"launch-{name.lower()}",
        }
        for name, url in launch_urls(notebook).items()
    ]
    context["header_buttons"].append(
        {
            "type": "group",
            "tooltip": "Run this notebook",
            "icon": "fas fa-rocket",
            "buttons": buttons,
            "label": "launch-buttons",
        }
    )


# ------------------------------------------------------------------ widgets


def is_widget_output(node: nodes.Node) -> bool:
    """A widget's place in a saved notebook: the execute script's note, or a bare widget view."""
    if isinstance(node, nodes.literal_block) and "text_plain" in node.get("classes", []):
        # An execute_result holds the note as a repr, in quotes.
        return node.astext().strip().strip("'\"") == WIDGET_NOTE
    return isinstance(node, nodes.raw) and WIDGET_VIEW in node.astext()


def widget_box(notebook: str) -> nodes.container:
    box = nodes.container(classes=["course-widget"])
    text = nodes.paragraph()
    text += nodes.strong(text="Interactive widget")
    text += nodes.Text(": it runs in the live notebook. Open this one on ")
    for i, (name, url) in enumerate(launch_urls(notebook).items()):
        if i:
            text += nodes.Text(" or ")
        text += nodes.reference(text=name, refuri=url)
    text += nodes.Text(", or on your computer with ")
    text += nodes.literal(text="make lab")
    text += nodes.Text(".")
    box += text
    return box


def replace_widget_outputs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    notebook = notebook_path(app, docname)
    if notebook is None:
        return
    for node in list(doctree.findall(is_widget_output)):
        # Not node.replace_self, which would hand the box the output's classes and style.
        node.parent.replace(node, widget_box(notebook))


# ------------------------------------------------------------------ formulas


def mathml(self: Any, node: nodes.Element, display: str) -> str:
    from latex2mathml.converter import convert  # noqa: PLC0415

    latex = node.astext()
    try:
        return convert(latex, display=display)
    except Exception as error:  # noqa: BLE001 - latex2mathml raises many types; report them all
        logger.warning("cannot render the formula %r: %s", latex, error, location=node)
        return f"<code>{self.encode(latex)}</code>"


def visit_math(self: Any, node: nodes.Element) -> None:
    self.body.append(f'<span class="math notranslate">{mathml(self, node, "inline")}</span>')
    raise nodes.SkipNode


def visit_math_block(self: Any, node: nodes.Element) -> None:
    self.body.append(f'<div class="math notranslate">{mathml(self, node, "block")}</div>')
    raise nodes.SkipNode
