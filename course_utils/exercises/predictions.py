"""'Predict, then run' questions: the learner guesses, then the next cell shows the answer.

Used by the ``lessonN_predictions`` modules, which the *lesson* notebooks import (exercise
notebooks do not). A prediction is an ``Exercise`` like any other: ``p1.check(guess)``
says Correct, Incorrect (and why) or Not attempted yet, and ``p1.hint()``/``p1.solution()``
work. Skipping one costs nothing: the lesson is committed with every ``p1.check(____)``
unanswered. ``prediction`` writes the checker from the expected answer::

    p1 = prediction(
        "Prediction 1: the output shape of my_conv2d",
        answer=(2, 2),
        why="a 2x2 kernel fits 3 - 2 + 1 = 2 times down and 2 times across.",
        slips={(3, 3): "Without padding the output is smaller than the image."},
        hints=["How many positions does the kernel have in one row?"],
    )
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from course_utils.exercises.framework import Exercise, Incorrect


def prediction(
    name: str,
    answer: Any,
    *,
    why: str,
    slips: Mapping[Any, str] | None = None,
    hints: Sequence[str] = (),
    tolerance: float = 0.0,
) -> Exercise:
    """A question whose answer is a value: a number, a shape, a word or True/False.

    ``why`` is the reasoning, shown to a wrong guess; ``slips`` maps typical wrong guesses to
    their own message; numbers agree within ``tolerance`` (relative, 0: exactly). A list
    answers a tuple, a NumPy number a Python one, and words ignore case. (Introduced in
    lesson 1.)
    """
    if not isinstance(why, str) or not why.strip():
        raise ValueError(f"why must say why the answer is {answer!r}, in a sentence")
    if tolerance < 0:
        raise ValueError(f"tolerance must be >= 0, got {tolerance}")
    kind = _kind(answer)  # fails early on an answer of a kind this cannot compare
    for slip in slips or {}:
        if _same(slip, answer, tolerance):
            raise ValueError(f"the slip {slip!r} of {name!r} is the right answer")

    def check(given: Any) -> None:
        if not _comparable(given, answer):
            raise Incorrect(f"Answer with {kind}, not {_shown(given)}.")
        if _same(given, answer, tolerance):
            return
        for slip, message in (slips or {}).items():
            if _same(given, slip, tolerance):
                raise Incorrect(message)
        raise Incorrect(f"Not {_shown(given)}: {why}")

    return Exercise(name, check, hints=hints, solution_code=repr(_plain(answer)))


def _plain(value: Any) -> Any:
    """NumPy numbers as Python numbers, sequences as tuples: what repr() shows cleanly."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(_plain(v) for v in value)
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _kind(answer: Any) -> str:
    if isinstance(answer, (bool, np.bool_)):
        return "True or False"
    if _is_number(answer):
        return "a number"
    if isinstance(answer, str):
        return "a word or phrase in quotes"
    if isinstance(answer, (tuple, list, np.ndarray)):
        return f"{len(answer)} values in brackets, like ({', '.join(['...'] * len(answer))})"
    raise TypeError(f"a prediction's answer must be a number, str, bool or tuple, got {answer!r}")


def _comparable(given: Any, answer: Any) -> bool:
    if isinstance(answer, (bool, np.bool_)):
        return isinstance(given, (bool, np.bool_))
    if _is_number(answer):
        return _is_number(given)
    if isinstance(answer, str):
        return isinstance(given, str)
    return isinstance(given, (tuple, list, np.ndarray))


def _same(given: Any, answer: Any, tolerance: float) -> bool:
    if not _comparable(given, answer):
        return False
    if isinstance(answer, (bool, np.bool_)):
        return bool(given) == bool(answer)
    if _is_number(answer):
        return math.isclose(float(given), float(answer), rel_tol=tolerance, abs_tol=0.0)
    if isinstance(answer, str):
        return " ".join(given.split()).casefold() == " ".join(answer.split()).casefold()
    return len(given) == len(answer) and all(
        _same(g, a, tolerance) for g, a in zip(given, answer, strict=True)
    )


def _shown(value: Any) -> str:
    text = repr(_plain(value)) if isinstance(value, (np.generic, np.ndarray)) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
