"""The course's static site (`make site`, tools/build_site.py): every notebook as a page.

The site is built once per session into a temporary folder, as `make site` builds it (any
Sphinx warning fails the build). Its HTML is then read: a page per notebook in course order,
the lesson table as the home page, launch links built from pyproject's Repository address,
widgets shown as a box rather than a placeholder, and nothing fetched from the network.
Finally headless Chromium opens every page from a local server, as a reader would: no
console errors, no request leaves the machine, every figure shows, each lesson links to the
next, and the search finds pages.
Screenshots of the home page and of lesson 4 land in artifacts/screenshots/site-*.png.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import browser_helpers as bh
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def tool(name: str):
    """A script of tools/ as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


set_repository = tool("set_repository")
WIDGET_NOTE = tool("execute_notebooks").WIDGET_NOTE
SLUG = set_repository.repository()
NOTEBOOKS = set_repository.notebooks()
LESSONS = [path for path in NOTEBOOKS if path.parent.name != "exercises"]
EXERCISES = [path for path in NOTEBOOKS if path.parent.name == "exercises"]


def names(paths: list[Path]) -> list[str]:
    return [path.relative_to(ROOT).as_posix() for path in paths]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    build = tmp_path_factory.mktemp("site-build")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_site.py"), "--build-dir", str(build)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"the site did not build:\n{result.stdout}\n{result.stderr}"
    return build / "site"


def page_of(notebook: Path) -> str:
    """The site's path of a notebook's page, e.g. notebooks/01_convolution_by_hand.html."""
    return notebook.relative_to(ROOT).with_suffix(".html").as_posix()


class Links(HTMLParser):
    """Every element's attributes, by tag, in document order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def hrefs(self, css_class: str | None = None) -> list[str]:
        return [
            attrs["href"]
            for tag, attrs in self.tags
            if tag == "a"
            and "href" in attrs
            and (css_class is None or css_class in attrs.get("class", "").split())
        ]


def read(site: Path, page: str) -> str:
    return (site / page).read_text()


def resolve(page: str, href: str) -> str:
    """A relative link on ``page`` as a path from the site's root."""
    parts = page.split("/")[:-1]
    for piece in href.split("#")[0].split("/"):
        if piece == "..":
            parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


# ------------------------------------------------------------------ the HTML


def test_every_notebook_is_a_page_and_next_goes_in_course_order(site):
    order = ["index.html"] + [page_of(path) for path in NOTEBOOKS]
    for page, following in zip(order, order[1:], strict=False):
        assert (site / following).is_file(), f"no page for {following}"
        nexts = Links(read(site, page)).hrefs("right-next")
        assert [resolve(page, href) for href in nexts] == [following], (
            f"{page}: its 'next' link should lead to {following}"
        )
    assert not Links(read(site, order[-1])).hrefs("right-next"), "the last page has no next"


def test_each_lesson_links_to_the_next_lesson(site):
    for lesson, following in zip(LESSONS, LESSONS[1:], strict=False):
        page = page_of(lesson)
        targets = {resolve(page, href) for href in Links(read(site, page)).hrefs()}
        assert page_of(following) in targets, f"{page} has no link to {page_of(following)}"


def test_home_page_is_the_lesson_table_with_every_notebook(site):
    home = read(site, "index.html")
    table = re.search(r"<table[^>]*course-lessons.*?</table>", home, re.S)
    assert table, "the home page has no lesson table"
    linked = {resolve("index.html", href) for href in Links(table[0]).hrefs()}
    for path in NOTEBOOKS:
        assert page_of(path) in linked, f"the lesson table does not link {page_of(path)}"
    # A row per lesson (its exercises beside it), and one for each notebook like the capstone.
    numbers = {path.name[:2] for path in LESSONS}
    paired = [p for p in EXERCISES if p.stem.endswith("_exercises") and p.name[:2] in numbers]
    rows = table[0].count("<tr") - 1  # the header
    assert rows == len(LESSONS) + len(EXERCISES) - len(paired)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=names(NOTEBOOKS))
def test_launch_buttons_open_this_notebook_at_the_repository_address(site, notebook):
    links = Links(read(site, page_of(notebook))).hrefs()
    name = notebook.relative_to(ROOT).as_posix()
    assert set_repository.binder_url(SLUG, name) in links, f"{name}: no Binder button for it"
    assert set_repository.colab_url(SLUG, name) in links, f"{name}: no Colab button for it"
    assert f"https://github.com/{SLUG}" in links, f"{name}: no link to the repository"


def test_every_launch_link_on_the_site_uses_the_repository_address(site):
    pattern = re.compile(r"https://(?:mybinder\.org|colab\.research\.google\.com|github\.com)/")
    found = 0
    for path in site.rglob("*.html"):
        for href in Links(path.read_text()).hrefs():
            if pattern.match(href) and "colab-badge" not in href:
                found += 1
                assert f"/{SLUG}" in href, (
                    f"{path.relative_to(site)}: {href} does not point at {SLUG}; "
                    "rebuild the site after tools/set_repository.py"
                )
    assert found >= 3 * len(NOTEBOOKS)


def test_no_page_loads_anything_from_the_network(site):
    remote = re.compile(r"^(https?:)?//")
    for path in site.rglob("*.html"):
        for tag, attrs in Links(path.read_text()).tags:
            loaded = attrs.get("src", "") or (attrs.get("href", "") if tag == "link" else "")
            assert not remote.match(loaded), f"{path.relative_to(site)} loads <{tag}> {loaded}"
    assert not list(site.rglob("*mathjax*")), "MathJax should not be on the site: MathML is"


@pytest.mark.parametrize("notebook", LESSONS, ids=names(LESSONS))
def test_widgets_show_where_they_run_instead_of_a_placeholder(site, notebook):
    saved = nbformat.read(notebook, as_version=4)
    widgets = sum(
        WIDGET_NOTE in str(output.get("data", {}).get("text/plain", ""))
        or "application/vnd.jupyter.widget-view+json" in output.get("data", {})
        for cell in saved.cells
        for output in cell.get("outputs", [])
    )
    html = read(site, page_of(notebook))
    assert WIDGET_NOTE not in html, "the placeholder text shows on the site"
    assert html.count('class="course-widget') == widgets
    if widgets:
        box = html[html.index('class="course-widget') :][:2000]
        name = notebook.relative_to(ROOT).as_posix()
        assert set_repository.binder_url(SLUG, name).replace("&", "&amp;") in box


def test_formulas_are_rendered_as_mathml(site):
    with_math = [p for p in NOTEBOOKS if "$$" in p.read_text()]
    if not with_math:
        pytest.skip("no notebook has a formula")
    for path in with_math:
        html = read(site, page_of(path))
        assert "<math " in html and "$$" not in html, f"{page_of(path)}: formulas not rendered"


def test_search_index_covers_every_page(site):
    index = (site / "searchindex.js").read_text()
    for path in NOTEBOOKS:
        docname = path.relative_to(ROOT).with_suffix("").as_posix()
        assert f'"{docname}"' in index, f"{docname} is not in the search index"


# ------------------------------------------------------------------ in a browser


@pytest.fixture(scope="module")
def served(site):
    with bh.serve_folder(site) as url:
        yield url


@pytest.fixture(scope="module")
def reader(served):
    """A Chromium page that records console errors and refuses requests to other hosts."""
    chromium = bh.chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = bh.launch_chromium(playwright, chromium)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        problems: list[str] = []

        def route(request_route):
            if request_route.request.url.startswith(served):
                request_route.continue_()
            else:
                problems.append(f"request to {request_route.request.url}")
                request_route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                problems.append(f"console {message.type}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
        yield page, problems
        browser.close()


def open_page(reader, served: str, path: str) -> list[str]:
    """Open ``path``, wait until it and its images have loaded; return what went wrong."""
    page, problems = reader
    problems.clear()
    page.goto(served + path, wait_until="load")
    page.wait_for_load_state("networkidle")
    return list(problems)


def broken_images(page) -> list[str]:
    return page.evaluate(
        """() => [...document.images]
            .filter(img => !(img.complete && img.naturalWidth > 0))
            .map(img => img.getAttribute('src'))"""
    )


@pytest.mark.browser
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=names(NOTEBOOKS))
def test_page_loads_cleanly_with_its_figures_in_chromium(reader, served, notebook):
    page = reader[0]
    path = page_of(notebook)
    problems = open_page(reader, served, path)
    assert problems == [], f"{path}: {problems}"
    assert broken_images(page) == [], f"{path}: images that did not load"
    figures = sum(
        "image/png" in output.get("data", {})
        for cell in nbformat.read(notebook, as_version=4).cells
        for output in cell.get("outputs", [])
    )
    shown = page.locator("article img").count()
    assert shown >= figures, f"{path}: the notebook has {figures} figures, the page shows {shown}"
    following = page.locator("a.right-next")
    if notebook != NOTEBOOKS[-1]:
        assert following.count() == 1, f"{path}: no link to the next page"
    if notebook.stem.startswith("04_") and notebook in LESSONS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"site-{notebook.stem}.png"))
        widget = page.locator(".course-widget").first
        widget.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"site-{notebook.stem}-widget.png"))


@pytest.mark.browser
def test_home_page_and_search_work_offline_in_chromium(reader, served):
    page = reader[0]
    problems = open_page(reader, served, "index.html")
    assert problems == [], problems
    assert broken_images(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "site-home.png"), full_page=True)
    rows = page.locator("table.course-lessons tbody tr")
    assert rows.count() >= len(LESSONS)
    problems = open_page(reader, served, "search.html?q=pooling")
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=15_000)
    assert problems == [], problems
    found = " ".join(results.all_inner_texts())
    assert "Pooling" in found, f"searching 'pooling' found: {found[:300]}"


def test_the_workflow_runs_ci_and_publishes_this_site_from_main():
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert {"push", "pull_request"} <= set(triggers)
    test, site = workflow["jobs"]["test"], workflow["jobs"]["site"]
    assert any(step.get("run") == "bash .ci/run" for step in test["steps"])
    assert "refs/heads/main" in site["if"] and site["needs"] == "test"
    # .ci/run runs make test-colab too: the job offers Colab's Python beside the default one.
    setup = next(s for s in test["steps"] if "setup-python" in s.get("uses", ""))
    assert setup["with"]["python-version"].split() == ["3.13", "3.11"]
    ci_run = (ROOT / ".ci" / "run").read_text()
    assert "make test\n" in ci_run and "make test-colab\n" in ci_run
    runs = [step.get("run") for step in site["steps"]]
    assert "make site" in runs
    uploads = [s for s in site["steps"] if "upload-pages-artifact" in s.get("uses", "")]
    assert uploads and uploads[0]["with"]["path"] == "build/site"
