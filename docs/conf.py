"""Sphinx settings for the course's static site. Build it with `make site` (tools/build_site.py).

The pages are the committed notebooks as they are: MyST-NB reads their saved outputs and
executes nothing. Nothing is fetched from the network, neither while building nor while
reading: the theme's assets ship with it, formulas become MathML, and no widget JavaScript
is loaded from a CDN.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "docs"), str(ROOT / "tools")]

import set_repository  # noqa: E402  (tools/, just put on the path)

project = "Convolutional neural networks, hands-on"
html_title = project
author = "the course's authors"
copyright = "the course's authors, MIT License"  # noqa: A001 - Sphinx's name for it

extensions = ["myst_nb", "course_site"]
root_doc = "index"
exclude_patterns = ["**/.ipynb_checkpoints"]

# MyST-NB: render the saved outputs, never run a cell.
nb_execution_mode = "off"
nb_merge_streams = True
nb_output_stderr = "remove"  # warnings and progress bars, which nbval ignores too
nb_ipywidgets_js = {}  # its default loads require.js and the widget manager from CDNs
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_math_renderer = "mathml"  # course_site.py
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_show_sourcelink = False
html_theme_options = {
    "repository_url": f"https://github.com/{set_repository.repository()}",
    "repository_branch": set_repository.BRANCH,
    "use_repository_button": True,
    "use_download_button": True,  # the .ipynb, to open in your own JupyterLab
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    # Launch buttons come from course_site.py, with set_repository.py's URLs.
}
# Light or dark as the reader's system prefers (left empty, the theme logs a console error).
html_context = {"default_mode": "auto"}
