"""The exercise framework: ``q1.check(answer)``, ``q1.hint()``, ``q1.solution()``.

Introduced in lesson 0 and used by every lesson module of ``course_utils.exercises`` (which
re-exports it, so notebooks write ``from course_utils.exercises import ____``). The learner
replaces ``____`` with an answer and runs ``q1.check(answer)``, which says *Correct*,
*Incorrect* (and what is wrong, in the learner's terms) or *Not attempted yet*, and never
shows a traceback.

For course authors: a checker is a function that receives the answer and returns None when
it is right, or raises ``Incorrect("what is wrong")``. ``expect_array``, ``expect_shape``,
``expect_dtype`` and ``expect_close`` write the usual messages; ``learner_errors`` and
``explain_error`` put an exception in the learner's terms (their line, or a bug of ours).
The solution lives only in ``Exercise(solution_code=...)``, which CI uses to fill in the
exercise notebooks (a "predict, then run" question of a lesson is an Exercise too, never
filled). With ``COURSE_STRICT=1`` every result that is not correct raises AssertionError, for
CI. Each check that gets an answer is noted by ``progress.record`` (a local file).

A learner's function is wrapped before the checker calls it, so that every way the call can
go wrong is theirs: parameters that do not fit the call (told the ``def`` line of the
solution), an error inside a library they passed in, or ``____`` returned.
"""

from __future__ import annotations

import ast
import contextlib
import enum
import functools
import html
import inspect
import linecache
import os
import re
import sysconfig
import textwrap
import traceback
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

import numpy as np

from course_utils.environment import env_flag
from course_utils.exercises import progress

STRICT_ENV = "COURSE_STRICT"
NOT_ATTEMPTED_MESSAGE = "Replace ____ with your answer, then run this cell again."
_PACKAGE_DIR = str(Path(__file__).resolve().parent.parent) + os.sep
_STDLIB_DIRS = tuple(
    os.path.realpath(sysconfig.get_paths()[key]) + os.sep for key in ("stdlib", "platstdlib")
)


class _Placeholder:
    __slots__ = ()

    def __repr__(self) -> str:
        return "____"


____: Any = _Placeholder()
_MISSING = object()


class State(enum.Enum):
    """The three outcomes of a check; each value is the label the learner sees."""

    CORRECT = "Correct"
    INCORRECT = "Incorrect"
    NOT_ATTEMPTED = "Not attempted yet"


# (text colour, background) per state; explicit colours stay readable in dark themes too.
_COLOURS = {
    State.CORRECT: ("#1b6e2f", "#e6f4ea"),
    State.INCORRECT: ("#a3231b", "#fce8e6"),
    State.NOT_ATTEMPTED: ("#34577a", "#e8eef5"),
}


@dataclass(frozen=True, repr=False)
class Result:
    """What ``check()`` found: a state and a message for the learner (introduced in lesson 0)."""

    state: State
    message: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.state, State) or not isinstance(self.message, str):
            raise TypeError("Result needs a State and a str message")

    def __repr__(self) -> str:
        return f"{self.state.value}: {self.message}" if self.message else self.state.value

    __str__ = __repr__

    def _repr_html_(self) -> str:
        ink, paper = _COLOURS[self.state]
        text = f": {html.escape(self.message)}" if self.message else ""
        return (
            f'<div style="background: {paper}; color: #1f1f1f; border-left: 4px solid {ink}; '
            f'padding: 6px 10px; margin: 4px 0; white-space: pre-wrap">'
            f'<strong style="color: {ink}">{html.escape(self.state.value)}</strong>{text}</div>'
        )


class Incorrect(Exception):
    """Raised by a checker with a message that tells the learner what is wrong."""


class NotAttempted(Exception):
    """Raised by a checker when the answer is still the ``____`` blank."""

    def __init__(self, message: str = NOT_ATTEMPTED_MESSAGE) -> None:
        super().__init__(message)


class _Blamed(Exception):
    """Carries an error that ``learner_errors`` attributed to the learner."""

    def __init__(self, error: Exception, what: str) -> None:
        super().__init__(str(error))
        self.error, self.what = error, what


@dataclass(frozen=True, repr=False)
class Display:
    """Text shown as Markdown in JupyterLab and as plain text in a terminal (hints, solutions)."""

    text: str
    markdown: str

    def __repr__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return self.markdown


Checker = Callable[[Any], "Result | None"]


class Exercise:
    """A question: ``check(answer)``, ``hint()``, ``solution()`` (introduced in lesson 0).

    ``checker(answer)`` returns None (correct) or a ``Result``, or raises ``Incorrect``.
    ``solution_code`` is the reference answer as Python source, the only copy of it.
    """

    def __init__(
        self, name: str, checker: Checker, *, solution_code: str, hints: Sequence[str] = ()
    ) -> None:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"name must be a non-empty string, got {name!r}")
        if not callable(checker):
            raise TypeError(f"checker must be a function, got {type(checker).__name__}")
        if isinstance(hints, str) or not all(isinstance(h, str) for h in hints):
            raise TypeError("hints must be a list of strings, one per hint")
        if not isinstance(solution_code, str) or not solution_code.strip():
            raise ValueError(f"solution_code of {name!r} must be a non-empty string of Python")
        self.name, self.checker = name, checker
        self.hints = [textwrap.dedent(h).strip() for h in hints]
        self.solution_code = textwrap.dedent(solution_code).strip()
        try:
            self.signatures = signatures_in(self.solution_code)
        except SyntaxError as error:
            raise ValueError(f"solution_code of {name!r} is not valid Python: {error}") from None
        self._hints_shown = 0

    def __repr__(self) -> str:
        return f"{self.name}. Check your answer with .check(answer); see .hint() or .solution()."

    def check(self, answer: Any = _MISSING) -> Result:
        """Check your answer and say what is right or wrong (introduced in lesson 0)."""
        result = self._evaluate(answer)
        if result.state is not State.NOT_ATTEMPTED:
            progress.record(self, solved=result.state is State.CORRECT)
        if result.state is not State.CORRECT and env_flag(STRICT_ENV):
            raise AssertionError(f"{self.name}: {result}")
        return result

    def hint(self, n: int | None = None) -> Display:
        """Show the next hint, or hint number ``n`` (introduced in lesson 0)."""
        total = len(self.hints)
        if n is None:
            if self._hints_shown >= total:
                return _no_more_hints(total)
            self._hints_shown += 1
            n = self._hints_shown
        elif isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= total:
            raise ValueError(f"n must be a hint number from 1 to {total}, got {n!r}")
        text = self.hints[n - 1]
        return Display(f"Hint {n} of {total}: {text}", f"**Hint {n} of {total}:** {text}")

    def solution(self) -> Display:
        """Show a solution as code (introduced in lesson 0)."""
        fence = "```"
        while fence in self.solution_code:
            fence += "`"
        return Display(self.solution_code, f"{fence}python\n{self.solution_code}\n{fence}")

    def _evaluate(self, answer: Any) -> Result:
        if answer is _MISSING:
            return Result(State.NOT_ATTEMPTED, "Give check() your answer: check(your_answer).")
        if _unfinished(answer):
            return Result(State.NOT_ATTEMPTED, NOT_ATTEMPTED_MESSAGE)
        try:
            outcome = self.checker(_guard(answer, self.signatures))
        except Incorrect as failure:
            return Result(State.INCORRECT, str(failure))
        except NotAttempted as failure:
            return Result(State.NOT_ATTEMPTED, str(failure))
        except _Blamed as blamed:
            return Result(
                State.INCORRECT, explain_error(blamed.error, self._own_code(), blamed.what)
            )
        except Exception as error:
            return Result(State.INCORRECT, explain_error(error, self._own_code()))
        if outcome is None:
            return Result(State.CORRECT)
        if isinstance(outcome, Result):
            return outcome
        wrong = TypeError(f"checker returned a {type(outcome).__name__}, not None or a Result")
        return Result(State.INCORRECT, explain_error(wrong))

    def _own_code(self) -> set[CodeType]:
        """The checker's code objects: frames running them are never the learner's."""
        found: set[CodeType] = set()
        todo = [getattr(self.checker, "__code__", None)]
        while todo:
            code = todo.pop()
            if isinstance(code, CodeType) and code not in found:
                found.add(code)
                todo.extend(code.co_consts)
        return found


@contextlib.contextmanager
def learner_errors(what: str = "your code") -> Iterator[None]:
    """In a checker: report an error inside this block as the learner's, e.g. "your model"."""
    try:
        yield
    except (Incorrect, NotAttempted):
        raise
    except Exception as error:
        raise _Blamed(error, what) from None


def expect_array(value: Any, what: str = "your output") -> np.ndarray:
    """In a checker: turn an answer (array, list, TensorFlow tensor) into a NumPy array."""
    if isinstance(value, _Placeholder):
        raise NotAttempted()
    if value is None:
        raise Incorrect(f"{capitalized(what)} is None: did you forget to return it?")
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        try:
            value = value.numpy()
        except Exception:
            raise Incorrect(
                f"{capitalized(what)} is a {type(value).__name__} without values"
            ) from None
    try:
        array = np.asarray(value)
    except ValueError:
        raise Incorrect(f"{capitalized(what)} has rows of different lengths") from None
    if array.dtype.kind not in "biufc":
        is_array = isinstance(value, np.ndarray)
        kind = f"an array of {array.dtype}" if is_array else f"a {type(value).__name__}"
        raise Incorrect(f"{capitalized(what)} should hold numbers, but it is {kind}")
    return array


def expect_shape(
    actual: Any, expected: Sequence[int], what: str = "your output", hint: str = ""
) -> np.ndarray:
    """In a checker: fail with "your output is 26x26 but should be 28x28" on a wrong shape."""
    array = expect_array(actual, what)
    want = tuple(int(n) for n in expected)
    if array.shape != want:
        shapes = f"is {_shape(array.shape)} but should be {_shape(want)}"
        raise Incorrect(_with_hint(f"{capitalized(what)} {shapes}", hint))
    return array


def expect_dtype(
    actual: Any, expected: Any, what: str = "your output", hint: str = ""
) -> np.ndarray:
    """In a checker: fail when the answer's dtype is not ``expected`` (e.g. "float32")."""
    array = expect_array(actual, what)
    want = np.dtype(expected)
    if array.dtype != want:
        message = f"{capitalized(what)} has dtype {array.dtype} but should have dtype {want}"
        raise Incorrect(_with_hint(message, hint or f"convert it with .astype('{want}')"))
    return array


def expect_close(
    actual: Any,
    expected: Any,
    what: str = "your output",
    rtol: float = 1e-4,
    atol: float = 1e-6,
    hint: str = "",
) -> np.ndarray:
    """In a checker: fail with the first wrong position and both values."""
    if rtol < 0 or atol < 0:
        raise ValueError(f"rtol and atol must be >= 0, got rtol={rtol}, atol={atol}")
    want = np.asarray(expected)
    array = expect_shape(actual, want.shape, what)
    ok = np.isclose(_numeric(array), _numeric(want), rtol=rtol, atol=atol, equal_nan=True)
    if ok.all():
        return array
    index = tuple(int(i) for i in np.argwhere(~ok)[0])
    values = f"{_number(array[index])} but it should be {_number(want[index])}"
    if array.ndim == 0:
        message = f"{capitalized(what)} is {values}"
    else:
        message = f"{capitalized(what)} is wrong {_where(index)}: your value is {values}"
        if ok.size > 1:
            message += f" ({int((~ok).sum())} of {ok.size} values differ)"
    raise Incorrect(_with_hint(message, hint))


def capitalized(what: str) -> str:
    """Start a sentence with ``what``: "your output" -> "Your output", "total(xs)" stays.

    (Introduced in lesson 0.)
    """
    return what[:1].upper() + what[1:] if what.split(" ")[0].isalpha() else what


def _with_hint(message: str, hint: str) -> str:
    return f"{message}: {hint}" if hint else message


def _no_more_hints(total: int) -> Display:
    if total == 0:
        text = "This question has no hints. You can look at the solution with .solution()."
    else:
        text = f"No more hints: that was the last of {total}. See one again with .hint(1)."
    return Display(text, text)


def _unfinished(answer: Any) -> bool:
    """True for ``____``, a container holding it, or code that still contains it or only ``pass``."""
    if isinstance(answer, _Placeholder):
        return True
    if isinstance(answer, (tuple, list, dict, set, frozenset, np.ndarray)):
        return _holds_blank(answer)
    answer = getattr(answer, "__func__", answer)  # a bound method: look at its function
    if inspect.isclass(answer):
        # Methods one by one: a class's own source cannot be read in a notebook before 3.13.
        methods = [m for m in vars(answer).values() if inspect.isfunction(m)]
        return any(_has_blank(_syntax(method)) for method in methods)
    tree = _syntax(answer) if inspect.isfunction(answer) else None
    if tree is None:
        return False  # no source to read (e.g. built by exec): `_guard` still sees its result
    first = tree.body[0]
    return _has_blank(tree) or (
        isinstance(first, (ast.FunctionDef, ast.AsyncFunctionDef))
        and all(_is_filler(statement) for statement in first.body)
    )


def _holds_blank(answer: Any, depth: int = 0) -> bool:
    """True when ``____`` is anywhere inside lists, tuples, dicts or object arrays."""
    if isinstance(answer, _Placeholder):
        return True
    if depth > 20:  # deep enough for any answer; also stops a list that contains itself
        return False
    if isinstance(answer, dict):
        items: Any = [*answer.keys(), *answer.values()]
    elif isinstance(answer, (tuple, list, set, frozenset)):
        items = answer
    elif isinstance(answer, np.ndarray) and answer.dtype == object:
        items = answer.ravel().tolist()
    else:
        return False
    return any(_holds_blank(item, depth + 1) for item in items)


def _syntax(function: Any) -> ast.Module | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return None


def _has_blank(tree: ast.Module | None) -> bool:
    return tree is not None and any(
        isinstance(node, ast.Name) and node.id == "____" for node in ast.walk(tree)
    )


def _is_filler(statement: ast.stmt) -> bool:
    """``pass``, ``...``, a docstring or a bare ``return``: a body not written yet."""
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, ast.Constant)
    if isinstance(statement, ast.Return):
        value = statement.value
        return value is None or (isinstance(value, ast.Constant) and value.value is None)
    return False


def _guard(answer: Any, expected: Mapping[str, str]) -> Any:
    """Wrap a learner's function so that every way a call can go wrong is the learner's.

    A call that does not fit the function's parameters (lesson 1's ``conv2d(image, kernel)``
    reused where ``conv2d(image, kernel, stride, padding)`` is asked) is Incorrect and names
    both; an error raised inside a library the learner passed in directly is theirs too;
    returning ``____`` counts as not attempted. ``expected`` maps a function name to the
    signature the question asks for, e.g. ``{"pad": "pad(image, p)"}``.
    """
    if not (inspect.isroutine(answer) or isinstance(answer, functools.partial)):
        return answer  # a value, a class or a model: the checker looks at it as it is
    try:
        signature: inspect.Signature | None = inspect.signature(answer)
    except (TypeError, ValueError):
        signature = None

    @functools.wraps(answer)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if signature is not None:
            try:
                signature.bind(*args, **kwargs)
            except TypeError as error:
                count = len(args) + len(kwargs)
                raise Incorrect(
                    _wrong_parameters(_name(answer), signature, count, error, expected)
                ) from None
        try:
            value = answer(*args, **kwargs)
        except (Incorrect, NotAttempted, _Blamed):
            raise
        except Exception as error:
            if _raised_in_learner_code(error):
                raise  # the checker may explain it (e.g. loops that run past the edge)
            raise _Blamed(error, f"your {_name(answer)}") from None
        if isinstance(value, _Placeholder):
            raise NotAttempted()
        return value

    return guarded


def _name(function: Any) -> str:
    return getattr(function, "__name__", None) or type(function).__name__


def _wrong_parameters(
    name: str,
    signature: inspect.Signature,
    given: int,
    error: TypeError,
    expected: Mapping[str, str],
) -> str:
    arguments = f"{given} argument{'' if given == 1 else 's'}"
    message = (
        f"The check calls your {name} with {arguments}, but your function is "
        f"{name}{signature}: {error}."
    )
    wanted = expected.get(name) or (next(iter(expected.values())) if len(expected) == 1 else "")
    if wanted:
        return f"{message} This question asks for def {wanted}: change your def line to that."
    return f"{message} Give it the parameters the question asks for."


def _raised_in_learner_code(error: BaseException) -> bool:
    return learner_frame(error) is not None


def learner_frame(error: BaseException) -> FrameType | None:
    """The innermost frame of the learner's own code in ``error``'s traceback, if any.

    A checker reads it to explain a crash: which line, and the loop variables' values then.
    (Introduced in lesson 1.)
    """
    mine = [f for f, _ in traceback.walk_tb(error.__traceback__) if _is_learners(f.f_code, ())]
    return mine[-1] if mine else None


def signatures_in(code: str) -> dict[str, str]:
    """The functions that ``code`` defines at its top level, as "name(parameters)".

    An Exercise reads them from its solution, so that a learner whose function takes other
    parameters is told the ones the question asks for. (Introduced in lesson 1.)
    """
    tree = ast.parse(code)
    return {
        node.name: f"{node.name}({ast.unparse(node.args)})"
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


def _is_learners(code: CodeType, own: Collection[CodeType]) -> bool:
    """Learner code is anything that is not this package, the checker, or an installed library."""
    if code in own or code.co_filename.startswith("<frozen"):
        return False
    path = os.path.realpath(code.co_filename)
    if path.startswith((_PACKAGE_DIR, *_STDLIB_DIRS)):
        return False
    return not {"site-packages", "dist-packages"} & set(Path(path).parts)


def explain_error(error: Exception, own: Collection[CodeType] = (), what: str = "") -> str:
    """One line about an error: the learner's (with their line) or the checker's (a bug).

    ``own`` are code objects that are never the learner's (the checker's); ``what`` names
    what raised when no learner line is found ("your model"). (Introduced in lesson 0.)
    """
    name = type(error).__name__
    # Keras wraps the useful paragraph between "Exception encountered..." and "Arguments...".
    plain = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # Keras colours its messages
    paragraphs = [" ".join(p.split()) for p in plain.split("\n\n") if p.strip()]
    useful = [p for p in paragraphs if not p.startswith(("Exception encountered", "Arguments"))]
    text = (useful or paragraphs or [""])[0]
    text = f"{name}: {text[:300]}{'...' if len(text) > 300 else ''}" if text else name
    frames = [(frame.f_code, line) for frame, line in traceback.walk_tb(error.__traceback__)]
    mine = [(code, line) for code, line in frames if _is_learners(code, own)]
    if mine:
        code, line = mine[-1]
        function = getattr(code, "co_qualname", code.co_name).split("<locals>.")[-1]
        who = "Your code" if function == "<module>" else f"Your function {function}()"
        source = linecache.getline(code.co_filename, line).strip()
        return f"{who} raised {text} (line {line} of your code{': ' if source else ''}{source})"
    if what:
        return f"{capitalized(what)} raised {text}"
    ours = [(c, n) for c, n in frames if c in own or c.co_filename.startswith(_PACKAGE_DIR)]
    code, line = (ours or frames or [(None, 0)])[-1]
    where = f" (in {Path(code.co_filename).name}, line {line})" if code else ""
    bug = "The checker itself failed (this is a bug in the course, please report it)"
    return f"{bug}: {text}{where}"


def _shape(shape: tuple[int, ...]) -> str:
    if not shape:
        return "a single number"
    if len(shape) == 1:
        return f"1-D with {shape[0]} values"
    return "x".join(str(n) for n in shape)


def _where(index: tuple[int, ...]) -> str:
    if len(index) == 1:
        return f"at index {index[0]}"
    if len(index) == 2:
        return f"at row {index[0]}, column {index[1]}"
    return f"at index [{', '.join(str(i) for i in index)}]"


def _numeric(array: np.ndarray) -> np.ndarray:
    return array.astype(np.int8) if array.dtype.kind == "b" else array


def _number(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        text = f"{float(value):.6g}"
        return text + ".0" if text.lstrip("-").isdigit() else text
    return str(value)
