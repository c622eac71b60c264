"""Exercises with instant feedback: ``q1.check(answer)``, ``q1.hint()``, ``q1.solution()``.

Introduced in lesson 0 and used in every exercise notebook. A notebook imports its
questions, for example ``from course_utils.exercises.lesson1 import q1``, and the blank
``____`` from here.

What lives where (course authors: see CONTRIBUTING.md, "Exercises"):

- ``framework``: ``Exercise``, ``Result``, ``State``, ``____``, ``Incorrect`` and the
  ``expect_*`` helpers, re-exported here;
- ``checks``: what several lessons' checkers share (test patterns, size wording, checks
  of a learner's function, the sliding-window caller, reference convolution and pooling);
- ``stacks``: a stack of layers (``Layer``, ``conv``, ``pool``, ...), the shape after each
  layer and ``shapes_checker`` (lessons 2 to 4);
- ``model_checks``: a learner's Keras model read layer by layer (lesson 4, capstone);
- ``callback_checks``: callbacks checked without training: stopping callbacks run on made-up
  logs, and Keras's own callbacks replayed on a stored history (lesson 5, capstone);
- ``histories``: stored learning curves and results that lessons 4 and 5 ask about;
- ``predictions``: ``prediction(...)``, a "predict, then run" question in one call;
- ``progress``: what ``check()`` recorded, shown with ``progress.show()``;
- ``lesson0`` ... ``lesson6``, ``capstone``: the questions of each notebook, nothing else;
  ``lessonN_predictions``: the predictions that lesson N's notebook asks.
"""

from course_utils.exercises.framework import (
    NOT_ATTEMPTED_MESSAGE,
    STRICT_ENV,
    Checker,
    Display,
    Exercise,
    Incorrect,
    NotAttempted,
    Result,
    State,
    ____,
    capitalized,
    expect_array,
    expect_close,
    expect_dtype,
    expect_shape,
    explain_error,
    learner_errors,
    learner_frame,
)

__all__ = [
    "NOT_ATTEMPTED_MESSAGE",
    "STRICT_ENV",
    "Checker",
    "Display",
    "Exercise",
    "Incorrect",
    "NotAttempted",
    "Result",
    "State",
    "____",
    "capitalized",
    "expect_array",
    "expect_close",
    "expect_dtype",
    "expect_shape",
    "explain_error",
    "learner_errors",
    "learner_frame",
]
