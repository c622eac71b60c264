"""Exercises for lesson 4, a full MNIST CNN (``exercises/04_mnist_cnn_exercises.ipynb``).

- ``q1``: the shape after each layer: 28 -> 26 -> 13 -> 11 -> 5 -> 1600;
- ``q2``: the number of parameters of each layer of that network;
- ``q3``: build a model to a specification (checked by reading its layers, never trained).

``layer_summary`` and ``describe`` are shared with the capstone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from course_utils.exercises import Exercise, Incorrect
from course_utils.exercises.lesson2 import Layer, conv, pool, shapes_checker, walk

INPUT_SHAPE = (28, 28, 1)
# The two-convolution network of lesson 4 (after the Fashion-MNIST seed).
STACK = [
    conv(64, 3),
    pool(2),
    conv(64, 3),
    pool(2),
    Layer("Flatten"),
    Layer("Dense", 128),
    Layer("Dense", 10),
]

q1 = Exercise(
    "Question 1: shapes, layer by layer",
    shapes_checker(INPUT_SHAPE, STACK),
    hints=[
        "A 3x3 convolution without padding makes the image 2 pixels smaller; a 2x2 pooling "
        "halves it, rounding down.",
        "A Conv2D has one output channel per filter; pooling keeps the channels; Flatten "
        "multiplies height, width and channels; a Dense layer has one output per unit.",
        "The sizes go 28 -> 26 -> 13 -> 11 -> 5, then 5 x 5 x 64 numbers.",
    ],
    solution_code="""
        shapes = [(26, 26, 64), (13, 13, 64), (11, 11, 64), (5, 5, 64), (1600,), (128,), (10,)]
    """,
)


# --- q2: parameters --------------------------------------------------------------------------


def _parameters() -> list[tuple[int, str]]:
    """Each layer's parameter count and how it comes about."""
    rows, channels, inputs = [], 1, 0
    for layer, (shape, _) in zip(STACK, walk(INPUT_SHAPE, STACK), strict=True):
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


def _check_parameters(answer: Any) -> None:
    rows = _parameters()
    if not isinstance(answer, (list, tuple)):
        raise Incorrect(f"Give a list of {len(rows)} numbers, one per layer, not one total.")
    if len(answer) != len(rows):
        raise Incorrect(f"Give one number per layer: {len(rows)} numbers, not {len(answer)}.")
    for i, (given, (want, why), layer) in enumerate(zip(answer, rows, STACK, strict=True)):
        if isinstance(given, bool) or not isinstance(given, (int, np.integer)):
            raise Incorrect(f"Layer {i + 1}: give a whole number, not {given!r}.")
        if given == want:
            continue
        message = f"Layer {i + 1}, {layer}, has {want} parameters, not {given}: {why}"
        if want and given == want - layer.n:
            message += f" (each {'filter' if layer.kind == 'Conv2D' else 'unit'} has a bias too)"
        elif layer.kind == "Conv2D" and i > 0 and given == (layer.size**2 + 1) * layer.n:
            message += " (each filter spans all the input channels)"
        raise Incorrect(message + ".")


q2 = Exercise(
    "Question 2: counting parameters",
    _check_parameters,
    hints=[
        "Pooling and Flatten have nothing to learn: 0 parameters.",
        "A Conv2D filter has kernel height x kernel width x input channels weights, plus one "
        "bias. The second Conv2D's input has 64 channels.",
        "A Dense layer has inputs x units weights plus one bias per unit; the first Dense layer "
        "gets the 1600 numbers from Flatten.",
    ],
    solution_code="""
        parameters = [640, 0, 36928, 0, 0, 204928, 1290]
    """,
)


# --- q3: build a model to a specification ----------------------------------------------------


@dataclass
class Summary:
    """What the checkers need to know about one Keras layer, from its public config."""

    kind: str
    config: dict[str, Any]
    activation: str = "linear"


ACTIVATION_LAYERS = {"Activation", "ReLU", "Softmax"}


def layer_summary(model: Any) -> list[Summary]:
    """The model's layers; Activation/ReLU/Softmax layers count as their layer's activation."""
    summaries: list[Summary] = []
    for layer in model.layers:
        kind, config = type(layer).__name__, layer.get_config()
        if kind == "InputLayer":
            continue
        if kind in ACTIVATION_LAYERS and summaries and summaries[-1].activation == "linear":
            summaries[-1].activation = config.get("activation", kind.lower())
            continue
        summaries.append(Summary(kind, config, str(config.get("activation", "linear"))))
    return summaries


def describe(summary: Summary) -> str:
    """A layer as a learner would name it: Conv2D(32, 3), Dense(128), Flatten."""
    config = summary.config
    if summary.kind in ("Conv2D", "Conv1D", "Conv3D"):
        size = config["kernel_size"]
        return f"{summary.kind}({config['filters']}, {size[0] if len(set(size)) == 1 else size})"
    if "Pooling" in summary.kind and "Global" not in summary.kind:
        size = config["pool_size"]
        return f"{summary.kind}({size[0] if len(set(size)) == 1 else size})"
    if summary.kind == "Dense":
        return f"Dense({config['units']})"
    if summary.kind == "Dropout":
        return f"Dropout({config['rate']})"
    return summary.kind


@dataclass(frozen=True)
class Want:
    """One layer of the specification."""

    kind: str
    n: int = 0
    size: int = 0
    activation: str = "linear"

    def __str__(self) -> str:
        args = ", ".join(str(a) for a in (self.n, self.size) if a)
        return f"{self.kind}({args})" if args else self.kind


SPEC = [
    Want("Conv2D", 32, 3, "relu"),
    Want("MaxPooling2D", 0, 2),
    Want("Flatten"),
    Want("Dense", 10, 0, "softmax"),
]


def _check_model(model: Any) -> None:
    import keras  # noqa: PLC0415  (imported here: `import course_utils` must stay light)

    if not isinstance(model, keras.Model):
        raise Incorrect(
            f"Your model should be a Keras model, e.g. keras.Sequential([...]), not a "
            f"{type(model).__name__}."
        )
    _check_input(model)
    layers = layer_summary(model)
    _check_layer_kinds(layers, SPEC)
    for number, (layer, want) in enumerate(zip(layers, SPEC, strict=True), start=1):
        _check_layer(number, layer, want, last=number == len(SPEC))


def _check_input(model: Any) -> None:
    try:
        shape = tuple(model.input_shape)[1:]
    except (AttributeError, ValueError):
        raise Incorrect(
            "Your model has no input shape: start the list of layers with "
            f"keras.Input(shape={INPUT_SHAPE})."
        ) from None
    if shape == INPUT_SHAPE[:2]:
        raise Incorrect(
            f"Your input shape is {shape}: add the channel axis, keras.Input(shape={INPUT_SHAPE})."
        )
    if shape != INPUT_SHAPE:
        raise Incorrect(f"Your input shape is {shape} but should be {INPUT_SHAPE}.")


def _check_layer_kinds(layers: list[Summary], spec: list[Want]) -> None:
    got, want = [s.kind for s in layers], [w.kind for w in spec]
    if got == want:
        return
    if len(got) == len(want) + 1:
        for i in range(len(got)):
            if got[:i] + got[i + 1 :] == want:
                where = f"after {describe(layers[i - 1])}" if i else "at the start"
                raise Incorrect(
                    f"Your model has one layer too many: an extra {describe(layers[i])} {where}."
                )
    if len(got) + 1 == len(want):
        for i in range(len(want)):
            if want[:i] + want[i + 1 :] == got:
                where = f"after {describe(layers[i - 1])}" if i else "at the start"
                raise Incorrect(f"Your model is missing the {spec[i]} layer {where}.")
    for i, (mine, theirs) in enumerate(zip(got, want, strict=False)):
        if mine != theirs:
            raise Incorrect(
                f"Layer {i + 1} should be a {theirs}, but it is a {describe(layers[i])}."
            )
    raise Incorrect(
        f"Your model has {len(got)} layers but should have {len(want)}: "
        + ", ".join(str(w) for w in spec)
        + "."
    )


def _check_layer(number: int, layer: Summary, want: Want, last: bool) -> None:
    config, name = layer.config, f"Layer {number} ({layer.kind})"
    if want.kind == "Conv2D":
        if config["filters"] != want.n:
            raise Incorrect(f"{name} has {config['filters']} filters but should have {want.n}.")
        if tuple(config["kernel_size"]) != (want.size, want.size):
            size = "x".join(map(str, config["kernel_size"]))
            raise Incorrect(f"{name} has a {size} kernel but should have {want.size}x{want.size}.")
        if tuple(config["strides"]) != (1, 1) or config["padding"] != "valid":
            raise Incorrect(f"{name} should keep the default strides=1 and padding='valid'.")
    if want.kind == "MaxPooling2D":
        pool_size, strides = tuple(config["pool_size"]), tuple(config["strides"])
        if pool_size != (want.size, want.size):
            size = "x".join(map(str, pool_size))
            raise Incorrect(f"{name} pools {size} windows but should pool {want.size}x{want.size}.")
        if strides != pool_size or config["padding"] != "valid":
            raise Incorrect(f"{name} should keep the default strides (the pool size) and padding.")
    if want.kind == "Dense" and config["units"] != want.n:
        why = ": one output per digit" if last else ""
        raise Incorrect(f"{name} has {config['units']} units but should have {want.n}{why}.")
    if layer.activation != want.activation:
        if want.activation == "linear":
            raise Incorrect(f"{name} should have no activation, but has '{layer.activation}'.")
        why = " so that the outputs are probabilities" if want.activation == "softmax" else ""
        if layer.activation == "linear":
            raise Incorrect(
                f"{name} has no activation (it is linear): add activation='{want.activation}'{why}."
            )
        raise Incorrect(
            f"{name} has activation '{layer.activation}' but should have '{want.activation}'{why}."
        )


q3 = Exercise(
    "Question 3: a model to a specification",
    _check_model,
    hints=[
        "keras.Sequential takes a list: keras.Input(shape=(28, 28, 1)) first, then the four "
        "layers in order.",
        "layers.Conv2D(filters, kernel_size, activation=...), layers.MaxPooling2D(pool_size), "
        "layers.Flatten(), layers.Dense(units, activation=...).",
        "Print model.summary() and compare it with the specification, line by line.",
    ],
    solution_code="""
        model = keras.Sequential(
            [
                keras.Input(shape=(28, 28, 1)),
                layers.Conv2D(32, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Flatten(),
                layers.Dense(10, activation="softmax"),
            ]
        )
    """,
)
