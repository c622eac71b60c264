"""Your progress at a glance: every question of the course, solved, attempted or not started.

Introduced in lesson 0; the last cell of every exercise notebook calls ``show()``. Each
``check()`` that gets an answer (right or wrong) is noted in a small JSON file on this
computer, and ``show()`` reads it back. Nothing is ever sent anywhere.

The file is ``progress.json`` in your data folder (``~/.local/share/course_utils`` on Linux,
``~/Library/Application Support/course_utils`` on macOS, ``%LOCALAPPDATA%\\course_utils`` on
Windows). ``COURSE_PROGRESS_FILE`` names another file, or ``off`` to record nothing.

Recording never gets in the way of a check: a read-only disk, a damaged file or two
notebooks saving at the same moment give at most a one-line notice.
"""

from __future__ import annotations

import contextlib
import html
import importlib
import json
import os
import pkgutil
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROGRESS_ENV = "COURSE_PROGRESS_FILE"
PACKAGE = "course_utils.exercises"
SOLVED, ATTEMPTED, NOT_STARTED = "solved", "attempted", "not started"
_MARKS = {SOLVED: "✓", ATTEMPTED: "✗", NOT_STARTED: "·"}
# (text colour, background), the colours of check()'s Correct / Incorrect / Not attempted.
_COLOURS = {
    SOLVED: ("#1b6e2f", "#e6f4ea"),
    ATTEMPTED: ("#a3231b", "#fce8e6"),
    NOT_STARTED: ("#34577a", "#e8eef5"),
}
LOCK_WAIT_S = 2.0  # how long a save waits for another notebook's save to finish
STALE_LOCK_S = 30.0  # a lock this old was left by a kernel that died while saving
_noticed: set[str] = set()


class _Busy(Exception):
    """Another kernel held the lock for longer than ``LOCK_WAIT_S``."""


def progress_file() -> Path | None:
    """Where progress is saved: ``COURSE_PROGRESS_FILE``, or the data folder; None if off.

    (Introduced in lesson 0.)
    """
    setting = os.environ.get(PROGRESS_ENV, "").strip()
    if setting.lower() in ("off", "0", "no", "false", "none"):
        return None
    if setting:
        return Path(setting).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "course_utils" / "progress.json"


def record(question: object, solved: bool) -> None:
    """Note that ``question`` was checked, solved or not (``Exercise.check`` calls it).

    Questions that live outside ``course_utils.exercises`` are not recorded. Never raises.
    """
    path = None
    try:
        key, path = question_key(question), progress_file()
        if key is None or path is None:
            return
        with _locked(path):
            saved = _read(path, keep_damaged=True)
            entry = saved.setdefault(key, {"solved": False, "checks": 0})
            entry["checks"] += 1
            entry["solved"] = entry["solved"] or bool(solved)
            _write(path, saved)
    except _Busy:
        _notice(
            "another notebook was saving its progress at the same moment: this check "
            "was not recorded (run it again to record it)."
        )
    except OSError as error:
        reason = error.strerror or type(error).__name__
        _notice(f"could not save your progress to {path} ({reason}); checks work as usual.")
    except Exception as error:  # recording must never break a check
        _notice(f"could not save your progress ({type(error).__name__}: {error}).")


def question_key(question: object) -> str | None:
    """ "lesson1.q1" for the question ``q1`` of ``course_utils.exercises.lesson1``, else None."""
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(PACKAGE + "."):
            continue
        for attribute, value in vars(module).items():
            if value is question:
                return f"{name.removeprefix(PACKAGE + '.')}.{attribute}"
    return None


def question_modules() -> dict[str, dict[str, Any]]:
    """Each module of ``course_utils.exercises`` that holds questions, with its questions.

    In course order: lesson 0, lesson 1 (exercises, then predictions), ..., the capstone.
    """
    from course_utils import exercises  # noqa: PLC0415  (imported here: it imports this module)
    from course_utils.exercises.framework import Exercise  # noqa: PLC0415

    found = {}
    for info in pkgutil.iter_modules(exercises.__path__):
        module = importlib.import_module(f"{PACKAGE}.{info.name}")
        mine = {k: v for k, v in vars(module).items() if isinstance(v, Exercise)}
        if mine:
            found[info.name] = mine
    return dict(sorted(found.items(), key=lambda item: _course_order(item[0])))


def status() -> dict[str, str]:
    """Every question's status, keyed like "lesson1.q1": "solved", "attempted" or "not started".

    (Introduced in lesson 0.)
    """
    path = progress_file()
    saved = _read(path, keep_damaged=False) if path is not None else {}
    result = {}
    for module, questions in question_modules().items():
        for name in questions:
            entry = saved.get(f"{module}.{name}")
            result[f"{module}.{name}"] = (
                NOT_STARTED if entry is None else SOLVED if entry["solved"] else ATTEMPTED
            )
    return result


@dataclass(frozen=True)
class Progress:
    """What ``show()`` returns: a table in JupyterLab, plain text in a terminal."""

    rows: list[tuple[str, list[tuple[str, str]]]]  # (title, [(question, status), ...])
    where: str

    def __repr__(self) -> str:
        width = max((len(title) for title, _ in self.rows), default=0)
        lines = [f"Your progress ({self.where})"]
        for title, questions in self.rows:
            marks = "  ".join(f"{_MARKS[state]} {name}" for name, state in questions)
            lines.append(f"{title:<{width}}  {marks}   {_solved(questions)}")
        lines.append("   ".join(f"{mark} {state}" for state, mark in _MARKS.items()))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        body = []
        for title, questions in self.rows:
            badges = " ".join(_badge(name, state) for name, state in questions)
            body.append(
                f"<tr><td style='text-align: left; padding-right: 12px'>{html.escape(title)}"
                f"</td><td style='text-align: left'>{badges}</td>"
                f"<td style='text-align: left'>{_solved(questions)}</td></tr>"
            )
        legend = " ".join(_badge(state, state) for state in _MARKS)
        return (
            f"<div><strong>Your progress</strong> ({html.escape(self.where)})"
            f"<table>{''.join(body)}</table>{legend}</div>"
        )


def show() -> Progress:
    """Every lesson's questions as solved, attempted or not started (introduced in lesson 0)."""
    path = progress_file()
    where = (
        "recording is off: COURSE_PROGRESS_FILE=off"
        if path is None
        else f"saved on this computer only, in {path}"
    )
    by_module: dict[str, list[tuple[str, str]]] = {}
    for key, state in status().items():
        module, _, name = key.partition(".")
        by_module.setdefault(module, []).append((name, state))
    return Progress([(module_title(m), questions) for m, questions in by_module.items()], where)


# --- the file -------------------------------------------------------------------------------


def _read(path: Path, keep_damaged: bool) -> dict[str, dict[str, Any]]:
    """The saved entries; a damaged file reads as empty (and is kept aside when recording)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        _notice(f"could not read your progress file {path} ({error}).")
        return {}
    try:
        entries = json.loads(text)["questions"]
        return {
            str(key): {"solved": bool(value["solved"]), "checks": int(value["checks"])}
            for key, value in entries.items()
        }
    except (ValueError, TypeError, KeyError, AttributeError):
        if keep_damaged:
            damaged = path.with_name(path.name + ".damaged")
            with contextlib.suppress(OSError):
                os.replace(path, damaged)
            _notice(
                f"your progress file was damaged; it was kept as {damaged} and a new one started."
            )
        else:
            _notice(f"your progress file {path} is damaged: it will be replaced at the next check.")
        return {}


def _write(path: Path, entries: dict[str, dict[str, Any]]) -> None:
    # Write a copy, then swap it in: a reader never sees a half-written file.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    text = json.dumps({"version": 1, "questions": dict(sorted(entries.items()))}, indent=1)
    try:
        temporary.write_text(text + "\n", encoding="utf-8")
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold ``<file>.lock`` while reading and writing, so two kernels do not lose a result."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_name(path.name + ".lock")
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            break
        except FileExistsError:
            with contextlib.suppress(OSError):
                if time.time() - lock.stat().st_mtime > STALE_LOCK_S:
                    lock.unlink()
                    continue
            if time.monotonic() > deadline:
                raise _Busy() from None
            time.sleep(0.02)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()


def _notice(text: str) -> None:
    """One line on stderr, once per kernel for each kind of problem."""
    if text not in _noticed:
        _noticed.add(text)
        print(f"Progress: {text}", file=sys.stderr)


# --- layout ---------------------------------------------------------------------------------


def _course_order(module: str) -> tuple[int, int, str]:
    match = re.fullmatch(r"lesson(\d+)(_predictions)?", module)
    if match:
        return (int(match.group(1)), 1 if match.group(2) else 0, module)
    return (1000 if module == "capstone" else 999, 0, module)


def module_title(module: str) -> str:
    """How the progress table names a module: "Lesson 1 exercises", "Capstone"."""
    match = re.fullmatch(r"lesson(\d+)(_predictions)?", module)
    if match is None:
        return module.capitalize()
    if match.group(1) == "0":
        return "Lesson 0"
    return f"Lesson {match.group(1)} {'predictions' if match.group(2) else 'exercises'}"


def _solved(questions: list[tuple[str, str]]) -> str:
    done = sum(state == SOLVED for _, state in questions)
    return f"{done} of {len(questions)} solved"


def _badge(text: str, state: str) -> str:
    ink, paper = _COLOURS[state]
    return (
        f"<span title='{state}' style='background: {paper}; color: {ink}; padding: 1px 6px; "
        f"margin: 1px; border-radius: 3px; display: inline-block'>"
        f"{_MARKS[state]} {html.escape(text)}</span>"
    )
