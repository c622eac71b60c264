"""A stack of layers on paper: the shape and parameters after each layer, and why.

Used by lessons 2, 3 and 4 (and their tests, which compare ``walk`` with Keras), and by
``model_checks``, whose specifications are stacks too. Write a stack as in Keras::

    STACK = [conv(32, 3, activation="relu"), pool(2), flatten(), dense(10, "softmax")]

``walk(input_shape, STACK)`` gives each layer's output shape with an explanation in the
learner's words; ``shapes_checker`` and ``shapes_question`` turn that into a question
"what is the output shape after each layer?"; ``parameter_counts`` counts weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_utils import formulas, ops
from course_utils.exercises.checks import is_whole_number
from course_utils.exercises.framework import Exercise, Incorrect, NotAttempted, ____

KINDS = ("Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dropout")
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"]


@dataclass(frozen=True)
class Layer:
    """One layer of a stack, as Keras would build it (introduced in lesson 2).

    ``kind`` is "Conv2D", "MaxPooling2D", "Flatten", "Dense" or "Dropout"; ``n`` the filters
    or units; ``size`` the kernel or pool size; ``rate`` a Dropout's fraction. ``str(layer)``
    is the layer as code, "Conv2D(32, 3)".
    """

    kind: str
    n: int = 0
    size: int = 0
    stride: int = 1
    padding: str = "valid"
    activation: str = "linear"
    rate: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.padding not in ("valid", "same"):
            raise ValueError(f"padding must be 'valid' or 'same', got {self.padding!r}")

    def __str__(self) -> str:
        if self.kind == "Dropout":
            return f"Dropout({self.rate:g})"
        args = [str(a) for a in (self.n, self.size) if a]
        if self.kind == "MaxPooling2D" and self.stride != self.size:
            args.append(f"strides={self.stride}")
        if self.kind == "Conv2D" and self.stride != 1:
            args.append(f"strides={self.stride}")
        if self.padding != "valid":
            args.append(f'padding="{self.padding}"')
        return f"{self.kind}({', '.join(args)})"

    @property
    def label(self) -> str:
        """The layer as a list of layers names it: "Conv2D(32, 3)", and "Flatten" without ()."""
        return str(self).removesuffix("()")


def conv(
    filters: int, size: int, stride: int = 1, padding: str = "valid", activation: str = "linear"
) -> Layer:
    """A Conv2D: ``conv(64, 3)`` is ``layers.Conv2D(64, 3)`` (lessons 2 to 4)."""
    return Layer("Conv2D", filters, size, stride, padding, activation)


def pool(size: int = 2, stride: int | None = None, padding: str = "valid") -> Layer:
    """A MaxPooling2D; the stride defaults to the pool size, as in Keras (lessons 3, 4)."""
    return Layer("MaxPooling2D", 0, size, size if stride is None else stride, padding)


def flatten() -> Layer:
    """A Flatten layer (lesson 2)."""
    return Layer("Flatten")


def dense(units: int, activation: str = "linear") -> Layer:
    """A Dense layer: ``dense(10, "softmax")`` is ``layers.Dense(10, activation="softmax")``."""
    return Layer("Dense", units, activation=activation)


def dropout(rate: float) -> Layer:
    """A Dropout layer: ``dropout(0.25)`` is ``layers.Dropout(0.25)`` (lesson 4)."""
    return Layer("Dropout", rate=rate)


def walk(input_shape: tuple[int, ...], stack: Sequence[Layer]) -> list[tuple[tuple[int, ...], str]]:
    """The shape after each layer and why, in the learner's words (lessons 2 to 4)."""
    shape, steps = tuple(input_shape), []
    for layer in stack:
        if layer.kind in ("Conv2D", "MaxPooling2D"):
            h, w, c = shape
            new = ops.output_size(h, layer.size, layer.stride, layer.padding)
            channels = layer.n if layer.kind == "Conv2D" else c
            shape = (new, ops.output_size(w, layer.size, layer.stride, layer.padding), channels)
            steps.append((shape, _why_size(layer, h, new)))
        elif layer.kind == "Dropout":
            steps.append((shape, "Dropout zeroes some numbers while training but keeps the shape"))
        elif layer.kind == "Flatten":
            why = f"Flatten lines up all the numbers: {' x '.join(map(str, shape))}"
            shape = (math.prod(shape),)
            steps.append((shape, f"{why} = {shape[0]}"))
        else:
            shape = (layer.n,)
            steps.append((shape, f"a Dense layer outputs one number per unit: {layer.n}"))
    return steps


def _why_size(layer: Layer, h: int, new: int) -> str:
    k, s, pooling = layer.size, layer.stride, layer.kind == "MaxPooling2D"
    if layer.padding == "same":
        if s == 1:
            return f"'same' padding keeps the size at {h}"
        rounding = "; 'same' rounds up" if pooling else ""
        return f"'same' padding gives ceil({h} / {s}) = {new}{rounding}"
    if pooling and k == s == 2:
        return f"pooling 2x2 halves {h} and rounds down"
    if s == 1:
        return f"a {k}x{k} kernel without padding fits {h} - {k} + 1 = {new} times"
    window = "window" if pooling else "kernel"
    return f"a {k}x{k} {window} moving {s} pixels at a time fits " + formulas.size_formula(
        h, k, s, 0
    )


def parameter_counts(input_shape: tuple[int, ...], stack: Sequence[Layer]) -> list[tuple[int, str]]:
    """Each layer's number of weights and biases, and how it comes about (lesson 4)."""
    rows, channels, inputs = [], input_shape[-1], 0
    for layer, (shape, _) in zip(stack, walk(input_shape, stack), strict=True):
        k, n = layer.size, layer.n
        if layer.kind == "Conv2D":
            why = f"{n} filters of {k} x {k} x {channels} weights, plus {n} biases"
            rows.append((k * k * channels * n + n, f"{why}: {k} * {k} * {channels} * {n} + {n}"))
            channels = n
        elif layer.kind == "Dense":
            why = f"{inputs} inputs times {n} units, plus {n} biases"
            rows.append((inputs * n + n, f"{why}: {inputs} * {n} + {n}"))
        else:
            rows.append((0, f"{layer.kind} has nothing to learn"))
        inputs = shape[0] if len(shape) == 1 else inputs
    return rows


def shapes_checker(input_shape: tuple[int, ...], stack: Sequence[Layer]) -> Callable[[Any], None]:
    """A checker for "the output shape after each layer" (lessons 2 to 4)."""
    steps = walk(input_shape, stack)
    kinds = [layer.kind for layer in stack]

    def check(answer: Any) -> None:
        shapes = _as_shapes(answer, len(stack), tuple(input_shape))
        for i, (given, (want, why)) in enumerate(zip(shapes, steps, strict=True)):
            if given == want:
                continue
            kind = kinds[i]
            nth = kinds[: i + 1].count(kind)
            name = f"the {ORDINALS[nth - 1]} {kind}" if kinds.count(kind) > 1 else f"the {kind}"
            layer = stack[i].label
            where = f"After {name}" if layer == kind else f"After {name}, {layer},"
            if len(given) != len(want):
                parts = " (height, width, channels)" if len(want) == 3 else ""
                raise Incorrect(f"{where} the shape should be {want}{parts}, not {given}: {why}.")
            if len(want) == 3 and given == (want[2], want[0], want[1]):
                raise Incorrect(
                    f"{where} you put the channels first, {given}: Keras puts them last, "
                    "(height, width, channels)."
                )
            if len(want) == 1:
                raise Incorrect(
                    f"{where} there should be {want[0]} numbers, not {given[0]}: {why}."
                )
            if given[:2] != want[:2]:
                size = str(want[0]) if want[0] == want[1] else f"{want[0]}x{want[1]}"
                raise Incorrect(
                    f"{where} the size should be {size}, not {given[0]}x{given[1]}: {why}."
                )
            reason = (
                "a Conv2D outputs one channel per filter"
                if kind == "Conv2D"
                else "pooling works on each channel separately and keeps them all"
            )
            raise Incorrect(
                f"{where} there should be {want[2]} channels, not {given[2]}: {reason}."
            )

    return check


def shapes_question(
    name: str, input_shape: tuple[int, ...], stack: Sequence[Layer], hints: Sequence[str]
) -> Exercise:
    """The question "give the output shape after each layer", answered in ``shapes``.

    Its solution is the list of shapes that ``walk`` finds (lessons 2 to 4).
    """
    shapes = [shape for shape, _ in walk(input_shape, stack)]
    return Exercise(
        name,
        shapes_checker(input_shape, stack),
        hints=hints,
        solution_code=f"shapes = {shapes}",
    )


def _as_shapes(answer: Any, count: int, input_shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    if isinstance(answer, np.ndarray) and answer.dtype != object:
        raise Incorrect(
            f"Give a Python list of {count} shapes, one per layer, like [(26, 26, 64), ...]: "
            "shapes of different lengths do not fit in one NumPy array."
        )
    if not isinstance(answer, (list, tuple)):
        raise Incorrect(f"Give a list of {count} shapes, one per layer, like [(26, 26, 64), ...].")
    shapes = []
    for item in answer:
        item = tuple(item.tolist()) if isinstance(item, np.ndarray) else item
        shape = (item,) if isinstance(item, (int, np.integer, float, np.floating)) else item
        if not isinstance(shape, (list, tuple)):
            raise Incorrect(f"Each shape should be a tuple like (26, 26, 64), not {item!r}.")
        if any(n is ____ for n in shape):
            raise NotAttempted()
        if shape and shape[0] is None:
            raise Incorrect(
                "Leave out the batch axis (the None that model.summary() shows): "
                "give (height, width, channels)."
            )
        if not all(is_whole_number(n) for n in shape):
            if all(
                isinstance(n, (float, np.floating)) and float(n).is_integer()
                for n in shape
                if not is_whole_number(n)
            ):
                whole = tuple(int(n) for n in shape)
                raise Incorrect(
                    f"{tuple(shape)} holds floats: write whole numbers, {whole} (// divides and "
                    "rounds down to a whole number; / always gives a float)."
                )
            raise Incorrect(
                f"Each shape should hold whole numbers, like (26, 26, 64), not {item!r}."
            )
        shapes.append(tuple(int(n) for n in shape))
    if len(shapes) == count + 1 and shapes[0] == input_shape:
        raise Incorrect(
            f"Leave out the input shape {input_shape}: start with the shape after the first layer."
        )
    if len(shapes) != count:
        raise Incorrect(f"Give one shape per layer: {count} shapes, not {len(shapes)}.")
    return shapes
