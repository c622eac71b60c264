"""Point the course's Binder and Colab links at a GitHub repository.

The links need the repository's public address (OWNER/REPO), which pyproject.toml keeps
under [project.urls]. After publishing or forking the course, run once:

    .venv/bin/python tools/set_repository.py OWNER/REPO

It writes the address into pyproject.toml, rewrites README.md's badges (Binder, and Colab
for every notebook in the lessons table), and puts the Colab install cell, with that
address, first among the code cells of every notebook. The course's site (make site) reads
the address from pyproject.toml when it is built, for its Binder and Colab buttons. Without an argument it does the
same for the address already in pyproject.toml, which is how a new notebook gets its cell.
tests/test_colab.py and tests/test_site.py check that all of these agree.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import quote

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
FIRST_LESSON = "notebooks/00_start_here.ipynb"
BRANCH = "main"
SLUG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
CELL_ID = "colab-install"

COLAB_CELL = """\
# On Google Colab, install the course's helper package first (about 30 s).
# Anywhere else (your laptop, Binder) this cell does nothing.
import sys

if "google.colab" in sys.modules:
    %pip install --quiet "course_utils[colab] @ git+https://github.com/{slug}"
"""


def repository() -> str:
    """OWNER/REPO, read from pyproject.toml's [project.urls] Repository."""
    # A regex, not tomllib: set_pyproject below rewrites this one line, so both read one format.
    text = (ROOT / "pyproject.toml").read_text()
    match = re.search(r'^Repository = "https://github\.com/([^"]+?)/?"$', text, re.MULTILINE)
    if not match:
        raise SystemExit('pyproject.toml has no line Repository = "https://github.com/OWNER/REPO"')
    return match[1]


def notebooks() -> list[Path]:
    """Every lesson and exercise notebook, in course order."""
    lessons = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    return lessons + sorted((NOTEBOOKS / "exercises").glob("[0-9][0-9]_*.ipynb"))


def binder_url(slug: str, notebook: str = FIRST_LESSON) -> str:
    """Binder, opening ``notebook`` (a path from the repository's root) in JupyterLab.

    The README's badge opens the first lesson; each page of the course's site (docs/) opens
    its own notebook.
    """
    return f"https://mybinder.org/v2/gh/{slug}/HEAD?urlpath=" + quote(
        f"lab/tree/{notebook}", safe=""
    )


def colab_url(slug: str, notebook: str) -> str:
    """Colab, opening ``notebook`` (a path from the repository's root) from GitHub."""
    return f"https://colab.research.google.com/github/{slug}/blob/{BRANCH}/{notebook}"


def launch_urls(slug: str, notebook: str) -> dict[str, str]:
    """Where ``notebook`` runs, by service: what the site's buttons and lesson table link."""
    return {"Binder": binder_url(slug, notebook), "Colab": colab_url(slug, notebook)}


def colab_cell_source(slug: str) -> str:
    return COLAB_CELL.format(slug=slug).rstrip("\n")


def set_colab_cell(path: Path, slug: str) -> bool:
    """Make the Colab install cell the first code cell of ``path``; True if the file changed."""
    nb = nbformat.read(path, as_version=4)
    before = nbformat.writes(nb)
    nb.cells = [cell for cell in nb.cells if cell.get("id") != CELL_ID]
    first_code = next(i for i, cell in enumerate(nb.cells) if cell.cell_type == "code")
    cell = nbformat.v4.new_code_cell(colab_cell_source(slug))
    cell.id = CELL_ID
    nb.cells.insert(first_code, cell)
    if nbformat.writes(nb) == before:
        return False
    nbformat.write(nb, path)
    return True


def set_readme(text: str, slug: str) -> str:
    """README.md with every Binder and Colab link pointing at ``slug``."""
    text = re.sub(r"https://mybinder\.org/v2/gh/[^)\s]+", binder_url(slug), text)
    return re.sub(
        r"https://colab\.research\.google\.com/github/[^/]+/[^/]+/blob/[^/]+/([^)\s]+)",
        lambda match: colab_url(slug, match[1]),
        text,
    )


def set_pyproject(text: str, slug: str) -> str:
    return re.sub(
        r'^Repository = "[^"]*"$',
        f'Repository = "https://github.com/{slug}"',
        text,
        count=1,
        flags=re.MULTILINE,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slug", nargs="?", help="OWNER/REPO on GitHub (default: pyproject's)")
    args = parser.parse_args()
    slug = args.slug or repository()
    if not SLUG.match(slug):
        parser.error(f"expected OWNER/REPO, as in github.com/OWNER/REPO; got {slug!r}")
    changed = []
    for path, rewrite in [
        (ROOT / "pyproject.toml", set_pyproject),
        (ROOT / "README.md", set_readme),
    ]:
        text = path.read_text()
        if rewrite(text, slug) != text:
            path.write_text(rewrite(text, slug))
            changed.append(path)
    changed += [path for path in notebooks() if set_colab_cell(path, slug)]
    for path in changed:
        print(f"updated {path.relative_to(ROOT)}")
    print(f"Binder and Colab links point at github.com/{slug} ({len(changed)} files changed).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
