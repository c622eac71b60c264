"""The course in a real JupyterLab, driven in headless Chromium as a learner would.

Every lesson is opened in a fresh kernel, cleared (Edit > Clear Outputs of All Cells), run
(Run > Run All Cells), saved with Ctrl+S, and read back through the server: no cell may end
in an error, every code cell must have run, no widget may fail to display, and the cells
marked NBVAL_CHECK_OUTPUT must show what the committed lesson shows, compared as nbval would
(checked_outputs.py). This run is the lessons' nbval run too: where these tests run, nbval
does not run the lessons a second time (conftest.py).
Then the interactive parts are used: a slider is dragged, a digit is drawn on the canvas.
Screenshots of every lesson land in artifacts/screenshots/.

Needs Chromium (/usr/bin/chromium, or COURSE_CHROMIUM=path) and Playwright's Python package;
without them the tests skip, unless COURSE_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import browser_helpers as bh
import checked_outputs
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# From lesson 4 on, lessons train networks: they are the slow half, and `make test` runs each
# half in a pytest worker of its own (--dist loadscope puts each test class on one worker).
TRAINING_FROM = "04"
BEFORE_TRAINING = [p.name for p in LESSONS if p.name < TRAINING_FROM]
TRAINING = [p.name for p in LESSONS if p.name >= TRAINING_FROM]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
# Per lesson, in fast mode. A learner's laptop at full size needs longer; CI does not.
RUN_TIMEOUT_S = float(os.environ.get("COURSE_BROWSER_TIMEOUT", "300"))
# Lessons whose widgets the tests below use: their pages stay open until then.
INTERACTIVE = ("00", "02", "04", "06")
ERROR_WIDGET = "Error displaying widget"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return bh.chromium_or_skip()


@pytest.fixture(scope="module")
def lab(chromium_path, tmp_path_factory):
    """JupyterLab on a copy of notebooks/, in fast mode; stopped after the tests."""
    root = tmp_path_factory.mktemp("course")
    bh.copy_notebooks(ROOT / "notebooks", root / "notebooks")
    server = bh.start_lab(
        root, tmp_path_factory.mktemp("lab-state"), bh.environment(COURSE_FAST="1")
    )
    yield server
    server.stop()


# Module scope: Playwright's sync API allows one instance at a time, and test_site.py starts
# its own after this file's tests.
@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = bh.launch_chromium(playwright, chromium_path)
        yield chromium
        chromium.close()


@dataclass
class LessonRun:
    path: str
    page: Any = None
    errors: list[str] | None = None
    unexecuted: list[int] | None = None
    widget_errors: int = 0
    mismatches: list[str] | None = None
    failure: str | None = None


class Runner:
    """Runs each notebook once per session; keeps the page open for later widget tests."""

    def __init__(self, lab: bh.Lab, browser: Any) -> None:
        self.lab, self.browser, self.runs = lab, browser, {}

    def run(self, path: str) -> LessonRun:
        if path not in self.runs:
            self.runs[path] = self._run(path)
        return self.runs[path]

    def _run(self, path: str) -> LessonRun:
        result = LessonRun(path)
        page = self.browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        result.page = page
        try:
            bh.open_notebook(page, self.lab, path)
            bh.clear_and_run_all(page)
            bh.wait_for_run(page, self.lab, path, RUN_TIMEOUT_S)
            bh.save(page, self.lab, path)
            notebook = self.lab.notebook(path)
            result.errors = bh.cell_errors(notebook)
            result.unexecuted = bh.unexecuted_cells(notebook)
            result.widget_errors = bh.widget_errors(page)
            committed = ROOT / path
            if committed.is_file():  # a lesson, not a notebook made by a test
                result.mismatches = checked_outputs.mismatches(
                    json.loads(committed.read_text()), notebook
                )
        except Exception as error:  # noqa: BLE001 - reported by the test, with the server log
            result.failure = (
                f"{type(error).__name__}: {error}\n--- server log ---\n{self.lab.log_tail()}"
            )
        finally:
            screenshot(page, Path(path).stem)
        return result

    def close(self, path: str) -> None:
        run = self.runs.get(path)
        if run and run.page is not None:
            run.page.context.close()
            run.page = None
            self.lab.shutdown_kernels(path)

    def close_all(self) -> None:
        for path in list(self.runs):
            self.close(path)


def screenshot(page: Any, name: str) -> None:
    try:
        bh.screenshot_whole_notebook(page, SCREENSHOTS / f"{name}.png")
    except Exception as error:  # noqa: BLE001 - a missing screenshot must not hide the real failure
        print(f"screenshot {name} failed: {error}")


@pytest.fixture(scope="module")
def runner(lab, browser):
    lessons = Runner(lab, browser)
    yield lessons
    lessons.close_all()


def lesson_path(prefix: str) -> str:
    """The server path of the lesson numbered ``prefix``; fails if there is none."""
    matches = [p for p in LESSONS if p.name.startswith(f"{prefix}_")]
    assert matches, f"there is no lesson notebooks/{prefix}_*.ipynb"
    return f"notebooks/{matches[0].name}"


def open_after_clean_run(runner: Runner, prefix: str) -> tuple[str, Any]:
    """The lesson's server path and its page, once it has run cleanly (else the test fails)."""
    path = lesson_path(prefix)
    run = runner.run(path)
    ran_cleanly(run)
    return path, run.page


def ran_cleanly(run: LessonRun) -> None:
    assert run.failure is None, f"{run.path} did not run to the end in JupyterLab:\n{run.failure}"
    assert not run.errors, f"{run.path}: cells raised errors: {run.errors}"
    assert not run.unexecuted, f"{run.path}: code cells never ran: {run.unexecuted}"
    assert run.widget_errors == 0, f"{run.path}: the page shows '{ERROR_WIDGET}'"
    if run.mismatches:  # pytest.fail: the diff once, without assert's repr of the list
        pytest.fail(
            f"{run.path}: checked cells differ from the committed lesson:\n"
            + "\n".join(run.mismatches)
        )


SYNTHETIC = [
    "import ipywidgets as widgets\n"
    "size = widgets.IntSlider(value=20, min=3, max=56, description='size')\n"
    "widgets.interactive(lambda size: print(f'{size} px'), size=size)",
    "from ipycanvas import Canvas\n"
    "from ipywidgets import Label, VBox\n"
    "canvas = Canvas(width=140, height=140, layout={'width': '140px', 'height': '140px'})\n"
    "canvas.add_class('course-canvas')\n"
    "answer = Label('nothing drawn')\n"
    "answer.add_class('course-prediction')\n"
    "points = []\n"
    "canvas.on_mouse_move(lambda x, y: points.append((x, y)))\n"
    "canvas.on_mouse_up(lambda x, y: setattr(answer, 'value', f'{len(points)} points'))\n"
    "VBox([canvas, answer])",
]


def lesson_runs_cleanly(runner: Runner, lesson: str) -> None:
    path = f"notebooks/{lesson}"
    run = runner.run(path)
    try:
        ran_cleanly(run)
    finally:
        if not lesson.startswith(INTERACTIVE):
            runner.close(path)


class TestLessonsBeforeTraining:
    """Lessons 0-3: convolution, padding and pooling by hand; the widgets' sliders."""

    def test_the_machinery_drives_a_slider_and_a_canvas(self, runner, lab):
        """On a notebook made here: if this fails, the lesson tests' failures are not the lessons'."""
        cells = [
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": src,
            }
            for src in SYNTHETIC
        ]
        notebook = {
            "cells": cells,
            "metadata": {},  # no kernelspec: JupyterLab asks for a kernel, and the dialog is handled
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        (lab.root / "machinery.ipynb").write_text(json.dumps(notebook))
        run = runner.run("machinery.ipynb")
        ran_cleanly(run)
        page = run.page
        area = bh.output_area_with(page, ".widget-slider")
        printed = area.locator(".jp-OutputArea-output").last
        before = bh.text_of(printed)
        bh.drag_slider(page, area.locator(".widget-slider").first, dx=100)
        after_slider = bh.wait_for_text_change(printed, before)
        answer = page.locator(".course-prediction").first
        bh.draw_on_canvas(page, page.locator("canvas.course-canvas").first)
        after_canvas = bh.wait_for_text_change(answer, "nothing drawn")
        runner.close("machinery.ipynb")
        assert before == "20 px" and after_slider != before, (before, after_slider)
        assert re.fullmatch(r"\d+ points", after_canvas) and after_canvas != "0 points", (
            after_canvas
        )

    @pytest.mark.parametrize("lesson", BEFORE_TRAINING)
    def test_lesson_runs_cleanly_in_jupyterlab(self, runner, lesson):
        lesson_runs_cleanly(runner, lesson)

    def test_lesson0_slider_changes_the_printed_text(self, runner):
        path, page = open_after_clean_run(runner, "00")
        area = bh.output_area_with(page, ".widget-slider")
        printed = area.locator(".jp-OutputArea-output").last
        before = bh.text_of(printed)
        bh.drag_slider(page, area.locator(".widget-slider").first, dx=-80)
        bh.wait_for_text_change(printed, before)
        bh.wait_until_idle(runner.lab, path)  # the text follows the slider through every value
        after = bh.text_of(printed)
        readout = bh.text_of(area.locator(".widget-readout").first)
        area.screenshot(path=str(SCREENSHOTS / f"{Path(path).stem}-slider.png"))
        runner.close(path)
        assert after != before, f"dragging lesson 0's slider left the text at {before!r}"
        assert readout and readout in after, f"slider shows {readout}, the text says {after!r}"

    def test_padding_explorer_slider_changes_the_output_shape(self, runner):
        path, page = open_after_clean_run(runner, "02")
        shape = page.locator(".course-output-shape").first
        assert shape.count(), "lesson 2's explorer has no element with class course-output-shape"
        area = bh.output_area_with(page, ".course-output-shape")
        sliders = area.locator(".widget-slider")
        assert sliders.count(), "lesson 2's explorer has no slider next to its output shape"
        before = bh.text_of(shape)
        changes = []
        for i in range(sliders.count()):
            # Move each slider until one changes the shape (some, like stride, may not always).
            for dx in (60, -120):
                bh.drag_slider(page, sliders.nth(i), dx=dx)
                after = bh.wait_for_text_change(shape, before, timeout_s=10)
                if after != before:
                    changes.append((before, after))
                    break
            if changes:
                break
        bh.wait_until_idle(runner.lab, path)
        area.screenshot(path=str(SCREENSHOTS / f"{Path(path).stem}-explorer.png"))
        runner.close(path)
        assert changes, f"no slider changed lesson 2's stated output shape from {before!r}"
        assert re.search(r"\d", changes[0][1]), (
            f"the output shape text {changes[0][1]!r} has no size"
        )


class TestLessonsThatTrain:
    """Lessons 4 onwards: networks trained in the page; the digit canvas, lesson 6's slider."""

    @pytest.mark.parametrize("lesson", TRAINING)
    def test_lesson_runs_cleanly_in_jupyterlab(self, runner, lesson):
        lesson_runs_cleanly(runner, lesson)

    def test_digit_canvas_predicts_a_drawn_digit(self, runner):
        path, page = open_after_clean_run(runner, "04")
        canvas = page.locator(".course-canvas canvas, canvas.course-canvas").first
        assert canvas.count(), "lesson 4 has no canvas with class course-canvas (or inside one)"
        prediction = page.locator(".course-prediction").first
        assert prediction.count(), "lesson 4 has no element with class course-prediction"
        before = bh.text_of(prediction)
        bh.draw_on_canvas(page, canvas)
        after = bh.wait_for_text_change(prediction, before, timeout_s=30)
        if after == before:
            # Some canvases predict on a button press rather than when the stroke ends.
            button = bh.output_area_with(page, ".course-prediction").locator(
                "button", has_text=re.compile("predict|classify|guess", re.IGNORECASE)
            )
            if button.count():
                button.first.click()
                after = bh.wait_for_text_change(prediction, before, timeout_s=30)
        bh.wait_until_idle(runner.lab, path)
        canvas_area = bh.output_area_with(page, ".course-prediction")
        canvas_area.screenshot(path=str(SCREENSHOTS / f"{Path(path).stem}-canvas.png"))
        widget_errors = bh.widget_errors(page)
        runner.close(path)
        assert after != before, f"drawing on lesson 4's canvas left the prediction at {before!r}"
        assert re.search(r"\b\d\b", after), f"the prediction {after!r} names no digit"
        assert widget_errors == 0, f"the page shows '{ERROR_WIDGET}' after drawing"

    def test_lesson6_slider_replays_the_descent(self, runner):
        """Lesson 6's step slider: the printed step and loss follow it, and the figure stays."""
        path, page = open_after_clean_run(runner, "06")
        area = bh.output_area_with(page, ".widget-slider")
        printed = area.locator(".jp-OutputArea-output", has_text=re.compile(r"step \d+: loss")).last
        before = bh.text_of(printed)
        bh.drag_slider(page, area.locator(".widget-slider").first, dx=120)
        bh.wait_for_text_change(printed, before)
        bh.wait_until_idle(runner.lab, path)  # the text follows the slider through every value
        after = bh.text_of(printed)
        readout = bh.text_of(area.locator(".widget-readout").first)
        figures = area.locator("img").count()
        area.screenshot(path=str(SCREENSHOTS / f"{Path(path).stem}-slider.png"))
        runner.close(path)
        assert re.fullmatch(r"step 0: loss \d\.\d{5}", before), before
        match = re.fullmatch(r"step (\d+): loss \d\.\d{5}", after)
        assert match and match.group(1) != "0", (
            f"dragging lesson 6's slider left {before!r}: {after!r}"
        )
        assert readout == match.group(1), f"slider shows {readout}, the text says {after!r}"
        assert figures == 1, f"{figures} figures under the slider, expected the filter and the loss"
