"""A learner's Keras model, read layer by layer and compared with a specification.

Used by lesson 4 (``model_checker``: build a model to a specification), lesson 5 and the
capstone (``expect_model_and_history``: a trained model and what ``fit`` returned;
``layer_summary``: which layers a model has). Models are read from their layers' public
configs, never trained here; a specification is a stack of ``stacks.Layer``::

    SPEC = [conv(32, 3, activation="relu"), pool(2), flatten(), dense(10, "softmax")]
    q3 = Exercise("...", model_checker((28, 28, 1), SPEC), ...)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from course_utils.exercises.framework import Incorrect
from course_utils.exercises.stacks import Layer

ACTIVATION_LAYERS = {"Activation", "ReLU", "Softmax"}


@dataclass
class Summary:
    """What the checkers need to know about one Keras layer, from its public config."""

    kind: str
    config: dict[str, Any]
    activation: str = "linear"


def layer_summary(model: Any) -> list[Summary]:
    """The model's layers; Activation/ReLU/Softmax layers count as their layer's activation.

    (Introduced in lesson 4.)
    """
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
    """A layer as a learner would name it: Conv2D(32, 3), Dense(128), Flatten (lesson 4)."""
    config = summary.config
    if summary.kind in ("Conv1D", "Conv2D", "Conv3D"):
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


def model_checker(input_shape: tuple[int, ...], spec: Sequence[Layer]) -> Callable[[Any], None]:
    """A checker for "build this model": input shape, then each layer of ``spec`` in order.

    Kinds, filters, kernel and pool sizes, strides, padding, units and activations must
    match; the last layer's units are "one output per digit" (introduced in lesson 4).
    """
    input_shape, spec = tuple(input_shape), list(spec)

    def check(model: Any) -> None:
        import keras  # noqa: PLC0415  (imported here: `import course_utils` must stay light)

        if not isinstance(model, keras.Model):
            raise Incorrect(
                f"Your model should be a Keras model, e.g. keras.Sequential([...]), not a "
                f"{type(model).__name__}."
            )
        _check_input(model, input_shape)
        layers = layer_summary(model)
        _check_layer_kinds(layers, spec)
        for number, (layer, want) in enumerate(zip(layers, spec, strict=True), start=1):
            _check_layer(number, layer, want, last=number == len(spec))

    return check


def _check_input(model: Any, input_shape: tuple[int, ...]) -> None:
    try:
        shape = tuple(model.input_shape)[1:]
    except (AttributeError, ValueError):
        raise Incorrect(
            "Your model has no input shape: start the list of layers with "
            f"keras.Input(shape={input_shape})."
        ) from None
    if shape == input_shape[:2]:
        raise Incorrect(
            f"Your input shape is {shape}: add the channel axis, keras.Input(shape={input_shape})."
        )
    if (
        shape != input_shape
        and len(shape) == len(input_shape) == 3
        and shape[:2] == input_shape[:2]
    ):
        channels = input_shape[2]
        what = "colour (RGB) images have 3" if channels == 3 else f"these images have {channels}"
        raise Incorrect(
            f"Your input shape is {shape}: {what} channel{'s' if channels > 1 else ''}, so "
            f"keras.Input(shape={input_shape})."
        )
    if len(shape) == 3 and shape == (input_shape[2], *input_shape[:2]):
        raise Incorrect(
            f"Your input shape is {shape}, channels first: Keras puts them last, "
            f"keras.Input(shape={input_shape})."
        )
    if shape != input_shape:
        raise Incorrect(f"Your input shape is {shape} but should be {input_shape}.")


def _check_layer_kinds(layers: list[Summary], spec: list[Layer]) -> None:
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
                raise Incorrect(f"Your model is missing the {spec[i].label} layer {where}.")
    for i, (mine, theirs) in enumerate(zip(got, want, strict=False)):
        if mine != theirs:
            raise Incorrect(
                f"Layer {i + 1} should be a {theirs}, but it is a {describe(layers[i])}."
            )
    raise Incorrect(
        f"Your model has {len(got)} layers but should have {len(want)}: "
        + ", ".join(w.label for w in spec)
        + "."
    )


def _check_layer(number: int, layer: Summary, want: Layer, last: bool) -> None:
    config, name = layer.config, f"Layer {number} ({layer.kind})"
    if want.kind == "Conv2D":
        if config["filters"] != want.n:
            raise Incorrect(f"{name} has {config['filters']} filters but should have {want.n}.")
        if tuple(config["kernel_size"]) != (want.size, want.size):
            size = "x".join(map(str, config["kernel_size"]))
            raise Incorrect(f"{name} has a {size} kernel but should have {want.size}x{want.size}.")
        _check_stride_and_padding(name, config, want)
    if want.kind == "MaxPooling2D":
        pool_size = tuple(config["pool_size"])
        if pool_size != (want.size, want.size):
            size = "x".join(map(str, pool_size))
            raise Incorrect(f"{name} pools {size} windows but should pool {want.size}x{want.size}.")
        _check_stride_and_padding(name, config, want)
    if want.kind == "Dropout" and abs(float(config["rate"]) - want.rate) > 1e-9:
        raise Incorrect(
            f"{name} drops a fraction {config['rate']:g} of its inputs but should drop "
            f"{want.rate:g}: layers.Dropout({want.rate:g})."
        )
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


def _check_stride_and_padding(name: str, config: dict[str, Any], want: Layer) -> None:
    if tuple(config["strides"]) == (want.stride, want.stride) and config["padding"] == want.padding:
        return
    default_stride = 1 if want.kind == "Conv2D" else want.size
    if (want.stride, want.padding) != (default_stride, "valid"):
        raise Incorrect(f"{name} should have strides={want.stride} and padding='{want.padding}'.")
    if want.kind == "Conv2D":
        raise Incorrect(f"{name} should keep the default strides=1 and padding='valid'.")
    raise Incorrect(f"{name} should keep the default strides (the pool size) and padding.")


def expect_model_and_history(answer: Any) -> tuple[Any, Any]:
    """``(model, history)``: a Keras model and the History its ``fit()`` returned (lesson 5).

    The pair may come in either order; anything else fails with what to give.
    """
    import keras  # noqa: PLC0415  (imported here: `import course_utils` must stay light)

    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Incorrect(
            "Give check() the model and what fit() returned, as a pair: (model, history)."
        )
    model, history = answer
    if isinstance(model, keras.callbacks.History) and isinstance(history, keras.Model):
        model, history = history, model
    if not isinstance(model, keras.Model):
        raise Incorrect(f"The first item should be your Keras model, not a {type(model).__name__}.")
    if not isinstance(history, keras.callbacks.History):
        raise Incorrect(
            "The second item should be the History that model.fit(...) returned: "
            f"history = model.fit(...); you gave a {type(history).__name__}."
        )
    if history.model is not model:
        raise Incorrect(
            "This history comes from training another model: give the model you trained and "
            "the history its fit() returned."
        )
    return model, history
