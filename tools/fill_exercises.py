"""Fill an exercise notebook's answer cells with the reference solutions (CI and authors).

In ``notebooks/exercises/``, each cell the learner edits carries the cell tag
``answer:<module>.<question>``, for example ``answer:lesson1.q1``; its check cell carries
``check:<module>.<question>``. Filling replaces each answer cell's source with that
question's ``solution_code`` from ``course_utils.exercises.<module>``, the only copy of the
solutions. Run the filled notebook with ``COURSE_STRICT=1`` and every check must say Correct.
The lessons' "predict, then run" questions (``lessonN_predictions``) carry no tags and are
never filled: lessons are committed with them unanswered.

    .venv/bin/python tools/fill_exercises.py notebooks/exercises/01_convolution_exercises.ipynb \\
        --output-dir /tmp/filled
"""

from __future__ import annotations

import argparse
import copy
import importlib
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
EXERCISES_DIR = ROOT / "notebooks" / "exercises"
TAG = re.compile(r"^(answer|check):(\w+)\.(\w+)$")

sys.path.insert(0, str(ROOT))  # run from anywhere: course_utils is importable from the repo

from course_utils.exercises import Exercise  # noqa: E402


def notebooks() -> list[Path]:
    """Every exercise notebook, in course order."""
    return sorted(EXERCISES_DIR.glob("*.ipynb"))


def tagged(nb: nbformat.NotebookNode, role: str) -> dict[str, nbformat.NotebookNode]:
    """The cells tagged ``<role>:<module>.<question>``, keyed by ``<module>.<question>``."""
    found: dict[str, nbformat.NotebookNode] = {}
    for cell in nb.cells:
        for tag in cell.get("metadata", {}).get("tags", []):
            match = TAG.match(tag)
            if match and match.group(1) == role:
                key = f"{match.group(2)}.{match.group(3)}"
                if key in found:
                    raise ValueError(f"two cells are tagged {tag!r}: each question has one")
                found[key] = cell
    return found


def exercise(key: str) -> Exercise:
    """The question named by ``<module>.<question>``, e.g. ``lesson1.q1``."""
    module_name, _, name = key.partition(".")
    try:
        module = importlib.import_module(f"course_utils.exercises.{module_name}")
    except ModuleNotFoundError:
        raise ValueError(f"{key!r}: there is no course_utils.exercises.{module_name}") from None
    found = getattr(module, name, None)
    if not isinstance(found, Exercise):
        raise ValueError(f"{key!r}: course_utils.exercises.{module_name} has no question {name}")
    return found


def fill(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose answer cells hold the reference solutions."""
    filled = copy.deepcopy(nb)
    answers = tagged(filled, "answer")
    if not answers:
        raise ValueError("this notebook has no cells tagged answer:<module>.<question>")
    for key, cell in answers.items():
        if cell.cell_type != "code":
            raise ValueError(f"the cell tagged answer:{key} should be a code cell")
        cell.source = exercise(key).solution_code
    return filled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every exercise notebook")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--output-dir", type=Path, help="write filled copies here")
    where.add_argument("--in-place", action="store_true", help="overwrite the notebooks")
    args = parser.parse_args()
    for path in args.notebooks or notebooks():
        filled = fill(nbformat.read(path, as_version=4))
        target = path if args.in_place else args.output_dir / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(filled, target)
        print(f"{path.name}: {len(tagged(filled, 'answer'))} answers filled -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
