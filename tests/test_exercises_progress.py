"""Progress at a glance (course_utils.exercises.progress): what check() records, what show()
shows, and that recording never breaks a check (read-only disk, damaged file, two kernels).

Every test records into a temporary file (``progress_path``), never the real user's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from course_utils.exercises import Exercise, Incorrect, State, ____, lesson0, lesson1, progress

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def progress_path(tmp_path, monkeypatch) -> Path:
    """Every test records into its own temporary file, never the real user's."""
    path = tmp_path / "progress.json"
    monkeypatch.setenv(progress.PROGRESS_ENV, str(path))
    return path


def saved(path: Path) -> dict:
    return json.loads(path.read_text())["questions"]


def test_checks_record_solved_and_attempted(progress_path):
    assert lesson1.q1.check([[0, 0], [0, 0]]).state is State.INCORRECT
    assert saved(progress_path) == {"lesson1.q1": {"solved": False, "checks": 1}}
    assert lesson1.q1.check([[8, 5], [0, 9]]).state is State.CORRECT
    assert lesson1.q1.check([[0, 0], [0, 0]]).state is State.INCORRECT  # solved stays solved
    assert saved(progress_path) == {"lesson1.q1": {"solved": True, "checks": 3}}
    assert progress.status()["lesson1.q1"] == progress.SOLVED


def test_not_attempted_records_nothing(progress_path):
    assert lesson1.q1.check(____).state is State.NOT_ATTEMPTED
    assert lesson1.q1.check([[____, ____], [____, ____]]).state is State.NOT_ATTEMPTED
    assert not progress_path.exists()
    assert set(progress.status().values()) == {progress.NOT_STARTED}


def test_questions_outside_the_course_are_not_recorded(progress_path):
    def checker(answer):
        raise Incorrect("no")

    Exercise("Toy", checker, solution_code="x = 1").check(1)
    assert not progress_path.exists()


def test_show_lists_every_lesson_in_course_order(progress_path):
    lesson0.pixels_per_image.check(28 * 28)
    lesson1.q2.check(42)  # a number, not a function: attempted
    shown = progress.show()
    lines = repr(shown).splitlines()
    assert lines[0] == f"Your progress (saved on this computer only, in {progress_path})"
    titles = [line.split("  ")[0].strip() for line in lines[1:-1]]
    assert titles[:2] == ["Lesson 0", "Lesson 1 exercises"]
    lessons = titles[:-1]  # by number; a lesson's predictions after its exercises
    assert lessons == sorted(lessons, key=lambda t: (int(t.split()[1]), t.endswith("predictions")))
    assert titles[-1] == "Capstone"
    lesson1_line = next(line for line in lines if line.startswith("Lesson 1 exercises"))
    assert "· q1  ✗ q2  · q3" in lesson1_line and lesson1_line.endswith("0 of 7 solved")
    assert "✓ pixels_per_image" in lines[1] and lines[1].endswith("1 of 1 solved")
    assert lines[-1] == "✓ solved   ✗ attempted   · not started"
    html = shown._repr_html_()
    assert "<table>" in html and "title='attempted'" in html and "✗ q2" in html


def test_every_question_module_is_shown():
    modules = progress.question_modules()
    assert {"lesson0", "lesson1", "lesson5", "capstone"} <= set(modules)
    assert len(progress.status()) == sum(len(questions) for questions in modules.values())


def test_off_records_nothing_and_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv(progress.PROGRESS_ENV, "off")
    monkeypatch.chdir(tmp_path)
    assert lesson1.q1.check([[8, 5], [0, 9]]).state is State.CORRECT
    assert list(tmp_path.iterdir()) == []
    assert "recording is off" in repr(progress.show())


def test_the_default_file_is_in_the_users_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(progress.PROGRESS_ENV, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert progress.progress_file() == tmp_path / "course_utils" / "progress.json"
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    assert progress.progress_file() == (
        tmp_path / "Library" / "Application Support" / "course_utils" / "progress.json"
    )


# --- recording never breaks a check ---------------------------------------------------------


@pytest.fixture
def fresh_notices(monkeypatch):
    """Each test sees its notices afresh (they are printed once per kernel)."""
    monkeypatch.setattr(progress, "_noticed", set())


def test_an_unwritable_place_gives_one_notice(monkeypatch, tmp_path, capsys, fresh_notices):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(progress.PROGRESS_ENV, str(blocker / "progress.json"))
    for _ in range(3):
        assert lesson1.q1.check([[8, 5], [0, 9]]).state is State.CORRECT
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Progress: could not save your progress to")
    assert "checks work as usual" in lines[0]


def test_a_damaged_file_is_kept_aside_and_replaced(progress_path, capsys, fresh_notices):
    progress_path.write_text("{not json")
    assert "damaged" in repr(progress.show()) or progress.status()  # reading never fails
    assert lesson1.q1.check([[8, 5], [0, 9]]).state is State.CORRECT
    assert saved(progress_path) == {"lesson1.q1": {"solved": True, "checks": 1}}
    damaged = progress_path.with_name("progress.json.damaged")
    assert damaged.read_text() == "{not json"
    err = capsys.readouterr().err
    assert "Progress: your progress file was damaged" in err and len(err.splitlines()) <= 2


@pytest.mark.parametrize(
    "content",
    ['{"questions": {"lesson1.q1": {"solved": "yes"}}}', "[1, 2]", '{"questions": 3}'],
)
def test_a_file_of_the_wrong_shape_counts_as_damaged(progress_path, content, fresh_notices):
    progress_path.write_text(content)
    assert progress.status()["lesson1.q1"] == progress.NOT_STARTED
    assert lesson1.q1.check([[8, 5], [0, 9]]).state is State.CORRECT
    assert saved(progress_path)["lesson1.q1"]["solved"] is True


def test_a_busy_lock_skips_recording_with_a_notice(
    progress_path, monkeypatch, capsys, fresh_notices
):
    monkeypatch.setattr(progress, "LOCK_WAIT_S", 0.05)
    lock = progress_path.with_name("progress.json.lock")
    lock.write_text("")  # another kernel is saving right now
    assert lesson1.q1.check([[8, 5], [0, 9]]).state is State.CORRECT
    assert not progress_path.exists() and lock.exists()
    assert "another notebook was saving its progress" in capsys.readouterr().err


def test_a_lock_left_by_a_dead_kernel_is_taken_over(progress_path):
    lock = progress_path.with_name("progress.json.lock")
    lock.write_text("")
    old = time.time() - 2 * progress.STALE_LOCK_S
    os.utime(lock, (old, old))
    assert lesson1.q1.check([[8, 5], [0, 9]]).state is State.CORRECT
    assert saved(progress_path)["lesson1.q1"]["solved"] is True and not lock.exists()


RECORD_MANY = """
from course_utils.exercises import lesson1
for _ in range(15):
    lesson1.{name}.check(42)
"""


def test_two_kernels_recording_at_once_lose_nothing(progress_path):
    env = {**os.environ, progress.PROGRESS_ENV: str(progress_path)}
    kernels = [
        subprocess.Popen([sys.executable, "-c", RECORD_MANY.format(name=name)], env=env, cwd=ROOT)
        for name in ("q2", "q3")
    ]
    assert [kernel.wait(timeout=120) for kernel in kernels] == [0, 0]
    assert saved(progress_path) == {
        "lesson1.q2": {"solved": False, "checks": 15},
        "lesson1.q3": {"solved": False, "checks": 15},
    }
    assert sorted(p.name for p in progress_path.parent.iterdir()) == ["progress.json"]


def test_recording_sends_nothing_anywhere():
    """The module reads and writes one local file: no network library is even imported."""
    source = Path(progress.__file__).read_text()
    for name in ("socket", "urllib", "http", "requests"):
        assert f"import {name}" not in source and f"from {name}" not in source
