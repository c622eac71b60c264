"""The exercise framework: results, placeholders, learner errors, strict mode, hints, solutions."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from exercise_helpers import progress_file  # noqa: F401  (autouse: a temporary progress file)

from course_utils.exercises import (
    NOT_ATTEMPTED_MESSAGE,
    Exercise,
    Incorrect,
    Result,
    State,
    ____,
    expect_array,
    expect_close,
    expect_dtype,
    expect_shape,
    learner_errors,
    learner_frame,
)
from course_utils.exercises.framework import capitalized, explain_error, signatures_in

# --- Toy exercises, written the way a lesson module will write them -----------------------


def check_total(total):
    for xs in ([1, 2, 3], [], [-4.5, 0.5, 10.0]):
        expect_close(total(list(xs)), sum(xs), what=f"total({xs})")


def make_total() -> Exercise:
    return Exercise(
        "Question 1: sum a list",
        check_total,
        hints=["Start from 0.", "Add each number in a `for` loop.", "Or use `sum`."],
        solution_code="""
            def total(xs):
                return sum(xs)
        """,
    )


SQUARE = np.array([[1, 2], [3, 4]], dtype=np.float32)


def check_square(answer):
    out = expect_array(answer, what="your array")
    expect_shape(out, (2, 2), what="your array", hint="did you reshape?")
    expect_dtype(out, "float32", what="your array")
    expect_close(out, SQUARE, what="your array")


def make_square() -> Exercise:
    return Exercise(
        "Question 2: a 2x2 array",
        check_square,
        solution_code="square = np.array([[1, 2], [3, 4]], dtype='float32')",
    )


def correct_total(xs):
    return sum(xs)


# --- Correct and incorrect -------------------------------------------------------------------


def test_correct_answers_are_correct() -> None:
    assert make_total().check(correct_total).state is State.CORRECT
    assert make_square().check(SQUARE.copy()).state is State.CORRECT
    assert str(make_square().check(SQUARE.copy())) == "Correct"


def test_solution_code_solves_its_exercise() -> None:
    # What CI will do: run the stored solution, then check what it defined.
    for exercise, name in [(make_total(), "total"), (make_square(), "square")]:
        namespace: dict = {"np": np}
        exec(exercise.solution_code, namespace)
        assert exercise.check(namespace[name]).state is State.CORRECT


def test_wrong_shape_says_both_shapes_and_the_hint() -> None:
    result = make_square().check(np.zeros((3, 3), dtype=np.float32))
    assert result.state is State.INCORRECT
    assert result.message == "Your array is 3x3 but should be 2x2: did you reshape?"
    assert str(result) == "Incorrect: " + result.message


def test_wrong_dtype_names_both_dtypes() -> None:
    result = make_square().check(SQUARE.astype(np.float64))
    assert result.state is State.INCORRECT
    assert "float64" in result.message and "should have dtype float32" in result.message


def test_wrong_value_names_the_position_and_both_values() -> None:
    wrong = SQUARE.copy()
    wrong[1, 0] = 7.0
    result = make_square().check(wrong)
    assert result.state is State.INCORRECT
    assert "at row 1, column 0: your value is 7.0 but it should be 3.0" in result.message
    assert "1 of 4 values differ" in result.message


def test_wrong_function_result_names_the_call() -> None:
    result = make_total().check(lambda xs: sum(xs) + 1)
    assert result.state is State.INCORRECT
    assert result.message == "total([1, 2, 3]) is 7 but it should be 6"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (None, "Your array is None"),
        ([[1, 2], [3]], "Your array has rows of different lengths"),
        ("1234", "Your array should hold numbers, but it is a str"),
        ([[1, 2], [3, 4]], "should have dtype float32"),  # a list becomes int64, not float32
    ],
)
def test_answers_that_are_not_float_arrays_get_clear_messages(answer, expected) -> None:
    result = make_square().check(answer)
    assert result.state is State.INCORRECT
    assert expected in result.message


# --- Not attempted --------------------------------------------------------------------------


def returns_blank(xs):
    return ____


def half_written(xs):
    result = 0
    for x in ____:
        result += x
    return result


def only_pass(xs):
    """Add up the numbers in xs."""
    pass


def only_ellipsis(xs): ...


BLANK = ____


def returns_blank_by_another_name(xs):
    return BLANK  # no ____ in the source: caught when it is called


@pytest.mark.parametrize(
    "answer",
    [____, returns_blank, half_written, only_pass, only_ellipsis, returns_blank_by_another_name],
)
def test_untouched_answers_are_not_attempted(answer) -> None:
    result = make_total().check(answer)
    assert result.state is State.NOT_ATTEMPTED
    assert result.message == NOT_ATTEMPTED_MESSAGE


def test_blank_inside_a_tuple_or_array_check_is_not_attempted() -> None:
    assert make_square().check((____, ____)).state is State.NOT_ATTEMPTED
    assert make_square().check(____).state is State.NOT_ATTEMPTED


@pytest.mark.parametrize(
    "answer",
    [
        [[____, ____], [____, ____]],
        [[1, 2], [3, ____]],
        {"A": ____},
        {"A": ("overfits", ____)},
        [(1, "same"), (____, ____)],
        np.array([[1, ____]], dtype=object),
    ],
)
def test_a_blank_nested_anywhere_in_the_answer_is_not_attempted(answer) -> None:
    assert make_square().check(answer).state is State.NOT_ATTEMPTED


def test_a_list_that_contains_itself_is_checked_not_searched_forever() -> None:
    loop: list = [1]
    loop.append(loop)
    assert make_square().check(loop).state is State.INCORRECT


class UnfinishedCallback:
    def on_train_begin(self, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        return ____


class FinishedCallback(UnfinishedCallback):
    def on_epoch_end(self, epoch, logs=None):
        return epoch  # on_train_begin may stay `pass`: only a method with ____ is unfinished


def test_class_with_a_blank_in_a_method_is_not_attempted() -> None:
    exercise = Exercise("Callback", lambda cls: None, solution_code="x = 1")
    assert exercise.check(UnfinishedCallback).state is State.NOT_ATTEMPTED
    assert exercise.check(FinishedCallback).state is State.CORRECT


def test_check_without_an_answer_is_not_attempted() -> None:
    result = make_total().check()
    assert result.state is State.NOT_ATTEMPTED
    assert "check(" in result.message


# --- Errors: the learner's and the checker's ------------------------------------------------


def divides_by_zero(xs):
    count = 0
    return sum(xs) / count


def test_learner_exception_names_type_and_line_without_traceback() -> None:
    result = make_total().check(divides_by_zero)
    line = divides_by_zero.__code__.co_firstlineno + 2
    assert result.state is State.INCORRECT
    assert result.message.startswith("Your function divides_by_zero() raised ZeroDivisionError")
    assert f"line {line} of your code: return sum(xs) / count" in result.message
    assert "Traceback" not in result.message and "course_utils" not in result.message


def pads_badly(xs):
    return np.pad(np.array(xs), -1).sum()


def test_error_inside_a_library_points_at_the_learners_line() -> None:
    result = make_total().check(pads_badly)
    line = pads_badly.__code__.co_firstlineno + 1
    assert result.state is State.INCORRECT
    assert "raised ValueError" in result.message and f"(line {line} of your code" in result.message
    assert "numpy" not in result.message and "site-packages" not in result.message


def total_with_start(xs, start):
    return sum(xs) + start


def test_a_function_with_other_parameters_is_the_learners_slip() -> None:
    result = make_total().check(total_with_start)
    assert result.state is State.INCORRECT
    assert result.message == (
        "The check calls your total_with_start with 1 argument, but your function is "
        "total_with_start(xs, start): missing a required argument: 'start'. This question asks "
        "for def total(xs): change your def line to that."
    )
    assert "bug in the course" not in result.message


def test_too_many_arguments_name_the_parameters_the_question_wants() -> None:
    def checker(pool):
        pool([1, 2], 2, 2)

    exercise = Exercise(
        "Pool",
        checker,
        solution_code="def max_pool(image, size, stride):\n    return image",
    )
    result = exercise.check(lambda image, size: image)
    assert "but your function is <lambda>(image, size): too many positional arguments" in (
        result.message
    )
    assert "This question asks for def max_pool(image, size, stride)" in result.message


def test_a_library_function_given_as_the_answer_is_the_learners() -> None:
    # np.linalg.inv fails inside NumPy on a list of numbers: the learner's choice, not ours.
    result = make_total().check(np.linalg.inv)
    assert result.state is State.INCORRECT
    assert result.message.startswith("Your inv raised LinAlgError")
    # A library function with other parameters is told so too.
    message = make_total().check(np.pad).message
    assert message.startswith("The check calls your pad with 1 argument, but your function is")


def test_checker_bug_is_reported_not_raised() -> None:
    def broken_checker(answer):
        return {}["missing"]

    exercise = Exercise("Broken", broken_checker, solution_code="x = 1")
    result = exercise.check(correct_total)
    assert result.state is State.INCORRECT
    assert result.message.startswith(
        "The checker itself failed (this is a bug in the course, please report it): KeyError"
    )
    assert "(in test_exercises_framework.py, line" in result.message
    assert "Traceback" not in result.message


def test_checker_returning_nonsense_is_a_bug() -> None:
    result = Exercise("Odd", lambda answer: 42, solution_code="x = 1").check(1)
    assert "The checker itself failed" in result.message and "int" in result.message


def test_checker_may_return_its_own_result() -> None:
    done = Result(State.CORRECT, "98% accuracy")
    assert Exercise("Own", lambda answer: done, solution_code="x = 1").check(1) == done


def test_learner_errors_blames_the_learner() -> None:
    def checker(answer):
        with learner_errors("your dictionary"):
            answer["weights"]

    result = Exercise("Dict", checker, solution_code="d = {}").check({})
    assert result.state is State.INCORRECT
    assert result.message == "Your dictionary raised KeyError: 'weights'"


def test_keras_style_messages_keep_only_the_useful_paragraph() -> None:
    keras_text = (
        "\x1b[1mException encountered when calling Sequential.call().\n\n"
        "Input 0 of layer 'dense' is incompatible:\nexpected 5, got 4\x1b[0m\n\n"
        "Arguments received by Sequential.call():\n  • inputs=tf.Tensor(shape=(None, 4))"
    )

    def checker(model):
        with learner_errors("training your model"):
            raise ValueError(keras_text)

    result = Exercise("Fit", checker, solution_code="x = 1").check(object())
    assert result.message == (
        "Training your model raised ValueError: "
        "Input 0 of layer 'dense' is incompatible: expected 5, got 4"
    )


# --- Strict mode ----------------------------------------------------------------------------


def test_strict_mode_raises_for_every_result_but_correct(monkeypatch) -> None:
    monkeypatch.setenv("COURSE_STRICT", "1")
    exercise = make_total()
    assert exercise.check(correct_total).state is State.CORRECT
    with pytest.raises(AssertionError, match="Incorrect: total"):
        exercise.check(lambda xs: 0)
    with pytest.raises(AssertionError, match="Not attempted yet: Replace ____"):
        exercise.check(____)
    with pytest.raises(AssertionError, match="The checker itself failed"):
        Exercise("Broken", lambda a: 1 / 0, solution_code="x = 1").check(1)


def test_strict_mode_is_read_at_check_time(monkeypatch) -> None:
    exercise = make_total()
    monkeypatch.setenv("COURSE_STRICT", "0")
    assert exercise.check(____).state is State.NOT_ATTEMPTED
    monkeypatch.setenv("COURSE_STRICT", "yes")
    with pytest.raises(AssertionError):
        exercise.check(____)


# --- Display --------------------------------------------------------------------------------


def test_html_escapes_the_message() -> None:
    def checker(answer):
        raise Incorrect('use <script>alert("x")</script> & friends')

    html = Exercise("Escape", checker, solution_code="x = 1").check(1)._repr_html_()
    assert "<script" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; friends" in html


def test_each_state_has_its_own_label_and_colour() -> None:
    boxes = [Result(state, "m")._repr_html_() for state in State]
    assert len(set(boxes)) == 3
    for state, box in zip(State, boxes, strict=True):
        assert f">{state.value}</strong>: m</div>" in box


def test_display_is_deterministic() -> None:
    first = make_total().check(divides_by_zero)
    second = make_total().check(divides_by_zero)
    assert repr(first) == repr(second) and first._repr_html_() == second._repr_html_()


def test_hints_step_through_then_run_out() -> None:
    exercise = make_total()
    shown = [repr(exercise.hint()) for _ in range(4)]
    assert shown[:3] == [
        "Hint 1 of 3: Start from 0.",
        "Hint 2 of 3: Add each number in a `for` loop.",
        "Hint 3 of 3: Or use `sum`.",
    ]
    assert shown[3].startswith("No more hints")
    assert exercise.hint(2)._repr_markdown_() == "**Hint 2 of 3:** Add each number in a `for` loop."
    for bad in (0, 4, "1", True):
        with pytest.raises(ValueError, match="n must be a hint number from 1 to 3"):
            exercise.hint(bad)
    assert "no hints" in repr(make_square().hint())


def test_solution_displays_as_python_code() -> None:
    solution = make_total().solution()
    assert repr(solution) == "def total(xs):\n    return sum(xs)"
    assert solution._repr_markdown_() == f"```python\n{repr(solution)}\n```"
    fenced = Exercise("Fence", check_total, solution_code="s = '```'").solution()
    assert fenced._repr_markdown_().startswith("````python\n")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"name": ""}, ValueError),
        ({"checker": "not a function"}, TypeError),
        ({"hints": "one long hint"}, TypeError),
        ({"solution_code": "def f(:"}, ValueError),
        ({"solution_code": "  "}, ValueError),
    ],
)
def test_bad_exercise_definitions_fail_early(kwargs, error) -> None:
    arguments = {"name": "Q", "checker": check_total, "solution_code": "x = 1", **kwargs}
    with pytest.raises(error):
        Exercise(**arguments)


# --- Helpers for checker authors ------------------------------------------------------------


class FakeTensor:
    """Stands in for a TensorFlow eager tensor, which has ``.numpy()``."""

    def numpy(self) -> np.ndarray:
        return SQUARE.copy()


class SymbolicTensor:
    def numpy(self) -> np.ndarray:
        raise ValueError("symbolic tensors have no value")


def test_expect_array_converts_tensors_and_lists() -> None:
    np.testing.assert_array_equal(expect_array(FakeTensor()), SQUARE)
    assert expect_array([1.5, 2.5]).dtype == np.float64
    with pytest.raises(Incorrect, match="Your output is a SymbolicTensor without values"):
        expect_array(SymbolicTensor())


@pytest.mark.parametrize(
    ("actual", "expected", "message"),
    [
        (np.array(2.0), np.array(4.0), "Your output is 2.0 but it should be 4.0"),
        (np.array([1, 2, 5]), np.array([1, 2, 3]), "is wrong at index 2: your value is 5 but"),
        (np.ones((2, 2, 2)), np.zeros((2, 2, 2)), "is wrong at index [0, 0, 0]: your value is 1.0"),
        (np.array([True, False]), np.array([True, True]), "at index 1: your value is False but"),
        (np.array([1.0, np.nan]), np.array([1.0, 2.0]), "your value is nan but it should be 2.0"),
        (np.zeros(3), np.zeros((3, 1)), "Your output is 1-D with 3 values but should be 3x1"),
    ],
)
def test_expect_close_reports_the_first_difference(actual, expected, message) -> None:
    with pytest.raises(Incorrect) as failure:
        expect_close(actual, expected)
    assert message in str(failure.value)


def test_expect_close_accepts_small_float32_rounding() -> None:
    reference = np.linspace(0, 1000, 50)
    expect_close(reference.astype(np.float32), reference)


@pytest.mark.slow
def test_expect_array_reads_a_real_tensorflow_tensor() -> None:
    tf = pytest.importorskip("tensorflow")
    array = expect_dtype(tf.constant(SQUARE), "float32")
    np.testing.assert_array_equal(array, SQUARE)


def test_capitalized_leaves_code_as_it_is():
    assert capitalized("your output") == "Your output"
    assert capitalized("the output of conv2d(image)") == "The output of conv2d(image)"
    assert capitalized("total([1, 2])") == "total([1, 2])"


def test_explain_error_names_the_learners_line_or_what_raised():
    try:
        divides_by_zero([1])
    except ZeroDivisionError as error:
        line = divides_by_zero.__code__.co_firstlineno + 2
        assert explain_error(error) == (
            "Your function divides_by_zero() raised ZeroDivisionError: division by zero "
            f"(line {line} of your code: return sum(xs) / count)"
        )
    assert explain_error(KeyError("w"), what="your dictionary") == (
        "Your dictionary raised KeyError: 'w'"
    )


def test_importing_the_exercises_does_not_import_tensorflow():
    code = (
        "import sys, pkgutil, importlib, course_utils.exercises as e; "
        "[importlib.import_module(f'course_utils.exercises.{m.name}') "
        "for m in pkgutil.iter_modules(e.__path__)]; "
        "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]; "
        "sys.exit(f'imported {bad}' if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_learner_frame_is_the_innermost_frame_of_the_learners_code():
    try:
        pads_badly([1, 2])
    except ValueError as error:
        frame = learner_frame(error)
        assert frame is not None and frame.f_code is pads_badly.__code__
    assert learner_frame(ValueError("never raised")) is None


def test_signatures_in_reads_the_top_level_functions():
    code = "import math\n\ndef pad(image, p=1, *, mode='zeros'):\n    pass\n\nclass A:\n    pass"
    assert signatures_in(code) == {"pad": "pad(image, p=1, *, mode='zeros')"}
