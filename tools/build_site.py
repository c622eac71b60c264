"""Build the course's static site: every lesson and exercise notebook as a page (`make site`).

    .venv/bin/python tools/build_site.py [--build-dir build]

writes BUILD_DIR/site/index.html (open it in a browser, or publish the folder). The pages are
the committed, executed notebooks as they are: nothing is executed and nothing is downloaded.
Any Sphinx warning (a broken link, a missing image) fails the build.

The notebooks are found, not listed: set_repository.notebooks() gives them in course order,
and the home page's lesson table and the navigation are made from them, so a new lesson
appears without editing anything here. The home page's prose is docs/index.md; the table
goes where it says <!-- lessons -->.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import set_repository

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MARKER = "<!-- lessons -->"
IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".svg"}  # what a notebook's Markdown may show
NUMBERED_TITLE = re.compile(r"^(\d+)\.\s+(.+)$")  # "1. Convolution by hand"


@dataclass(frozen=True)
class Page:
    """One notebook of the course, as the site shows it."""

    path: Path  # from the repository's root, e.g. notebooks/01_convolution_by_hand.ipynb
    title: str  # its "# ..." heading

    @property
    def number(self) -> str:
        return str(int(self.path.name[:2]))

    @property
    def is_lesson(self) -> bool:
        return self.path.parent.name != "exercises"

    @property
    def docname(self) -> str:
        return self.path.with_suffix("").as_posix()


def title_of(path: Path) -> str:
    """The notebook's first level-1 heading, which is also its page title."""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise SystemExit(f"{path}: no '# Title' heading; the site needs one to name the page")


def course_pages() -> list[Page]:
    """Every lesson, then every exercise notebook, each in course order."""
    return [Page(path.relative_to(ROOT), title_of(path)) for path in set_repository.notebooks()]


def launch_links(page: Page, slug: str) -> str:
    urls = set_repository.launch_urls(slug, page.path.as_posix())
    return " · ".join(f"[{name}]({url})" for name, url in urls.items())


def link(page: Page, text: str | None = None) -> str:
    return f"[{text or page.title}]({page.path.as_posix()})"


def lesson_table(pages: list[Page], slug: str) -> str:
    """The home page's table: a row per lesson with its exercises, then any other notebook."""
    lessons = [page for page in pages if page.is_lesson]
    exercises = [page for page in pages if not page.is_lesson]
    # Exercises N goes with lesson N; a notebook like the capstone gets a row of its own.
    paired = {page.number: page for page in exercises if page.path.stem.endswith("_exercises")}
    rows = []
    for lesson in lessons:
        numbered = NUMBERED_TITLE.match(lesson.title)
        exercise = paired.get(lesson.number)
        practice = link(exercise, exercise.title.split(":")[0]) if exercise else ""
        rows.append(
            (lesson.number, link(lesson, numbered[2] if numbered else None), practice, lesson)
        )
    linked = {paired[lesson.number] for lesson in lessons if lesson.number in paired}
    rows += [("", link(page), "", page) for page in exercises if page not in linked]
    lines = ["```{list-table}", ":header-rows: 1", ":class: course-lessons", ""]
    lines += ["* - \\#", "  - Lesson", "  - Exercises", "  - Run it"]
    for number, lesson, practice, page in rows:
        lines += [f"* - {number}", f"  - {lesson}", f"  - {practice}"]
        lines.append(f"  - {launch_links(page, slug)}")
    lines.append("```")
    return "\n".join(lines)


def toctree(caption: str, pages: list[Page]) -> str:
    entries = "\n".join(page.docname for page in pages)
    return f"```{{toctree}}\n:caption: {caption}\n:hidden:\n\n{entries}\n```"


def home_page(pages: list[Page], slug: str) -> str:
    """docs/index.md with the lesson table and the navigation put in."""
    text = (DOCS / "index.md").read_text()
    if MARKER not in text:
        raise SystemExit(f"docs/index.md has no {MARKER} line: where should the lessons go?")
    generated = "\n\n".join(
        [
            lesson_table(pages, slug),
            toctree("Lessons", [page for page in pages if page.is_lesson]),
            toctree("Exercises", [page for page in pages if not page.is_lesson]),
        ]
    )
    return text.replace(MARKER, generated)


def stage(source: Path, pages: list[Page], slug: str) -> None:
    """Lay out Sphinx's source folder as the repository is: index.md, notebooks/ beside it.

    Copies of the pages and of any image their Markdown may show, with each file's time
    kept, so Sphinx reads again only what changed. (Not a symbolic link: MyST would resolve
    the links between notebooks through it, outside the source folder.)
    """
    source.mkdir(parents=True, exist_ok=True)
    index = source / "index.md"
    text = home_page(pages, slug)
    if not index.exists() or index.read_text() != text:  # same text, same time: not re-read
        index.write_text(text)
    shutil.rmtree(source / "notebooks", ignore_errors=True)
    images = [p for p in (ROOT / "notebooks").rglob("*") if p.suffix.lower() in IMAGES]
    for path in [ROOT / page.path for page in pages] + images:
        target = source / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build", help="default: build/")
    args = parser.parse_args()
    build = args.build_dir.resolve()
    pages = course_pages()
    stage(build / "site-src", pages, set_repository.repository())
    start = time.perf_counter()
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "--fail-on-warning",
        "--keep-going",  # report every warning, not only the first
        "--quiet",
        "--builder",
        "html",
        "--conf-dir",
        str(DOCS),
        "--doctree-dir",
        str(build / "site-doctrees"),
        str(build / "site-src"),
        str(build / "site"),
    ]
    result = subprocess.run(command, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    if result.returncode != 0:
        print("The site did not build: see the warnings above.", file=sys.stderr)
        return result.returncode
    print(
        f"Built {len(pages)} notebook pages in {time.perf_counter() - start:.0f} s: "
        f"open {build / 'site' / 'index.html'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
