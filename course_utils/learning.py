"""How a CNN learns, in NumPy: the pieces of lesson 6 that are more than a few lines.

(Introduced in lesson 6.) The backward passes themselves are in ``course_utils.ops``
(``conv2d_backward``, ``max_pool2d_backward``, ``avg_pool2d_backward``); this module puts
them to work:

- ``numeric_gradient(loss, w)``: the gradient by finite differences, to check a backward pass;
- ``layer_forward(layer, x)`` and ``forward(model, x)``: a trained Keras model recomputed
  layer by layer with ``ops`` and NumPy (the "glass box"), equal to ``model.predict``;
- the small CNN that lesson 6 trains in pure NumPy (conv -> ReLU -> 2x2 max pooling ->
  dense softmax): ``init_small_cnn``, ``small_cnn_forward``, ``small_cnn_backward``,
  ``cross_entropy``. ``benchmarks/bench_numpy_cnn.py`` times it.

Importing this module does not import TensorFlow or Keras.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils import ops

Params = dict[str, np.ndarray]


def numeric_gradient(
    loss: Callable[[np.ndarray], float], w: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """dloss/dw by central differences: (loss(w + h) - loss(w - h)) / 2h, one entry at a time.

    ``loss`` takes an array shaped like ``w`` and returns a number. Its error shrinks like
    h squared until rounding takes over (float64: h near 1e-5 is best; float32 needs a much
    larger h and is never as accurate). ``w`` itself is left unchanged. (Lesson 6.)
    """
    if not callable(loss):
        raise TypeError(f"loss should be a function of w, got {type(loss).__name__}")
    w = np.asarray(w)
    if w.dtype.kind != "f":
        raise TypeError(f"w should hold floats (nudging an int by h rounds it), got {w.dtype}")
    if not (isinstance(h, int | float) and not isinstance(h, bool) and h > 0):
        raise ValueError(f"h should be a small positive step like 1e-5, got {h!r}")
    nudged = w.copy()
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        nudged[index] = w[index] + h
        up = _number(loss(nudged), "loss")
        nudged[index] = w[index] - h
        down = _number(loss(nudged), "loss")
        nudged[index] = w[index]
        grad[index] = (up - down) / (2 * h)
    return grad


# --------------------------------------------------------------------------- the glass box

# What a layer's ``activation`` computes, by Keras's name for it.
ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "softmax": lambda z: softmax(z),
}


def softmax(logits: np.ndarray) -> np.ndarray:
    """Probabilities from scores along the last axis; the maximum is subtracted first so that
    ``exp`` cannot overflow (lesson 4 shows why). (Lesson 6.)"""
    z = np.asarray(logits)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def layer_forward(layer: Any, x: np.ndarray) -> np.ndarray:
    """What a trained Keras ``layer`` computes at prediction time, in NumPy (lesson 6).

    Knows Conv2D, MaxPooling2D, AveragePooling2D, BatchNormalization, Flatten, Dense,
    Dropout, Rescaling, ReLU, Activation and GlobalAveragePooling2D, in Keras's default
    channels-last layout. Batch normalisation at prediction time uses the statistics it
    averaged during training: gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta.
    Dropout does nothing at prediction time.
    """
    kind = type(layer).__name__
    x = np.asarray(x)
    if getattr(layer, "data_format", "channels_last") != "channels_last":
        raise ValueError(f"layer {layer.name!r} is channels_first: only channels_last is known")
    if kind == "Conv2D":
        if layer.groups != 1:
            raise ValueError(f"layer {layer.name!r} uses groups={layer.groups}: not known here")
        kernel = _weight(layer.kernel)
        bias = _weight(layer.bias) if layer.use_bias else None
        z = ops.conv2d(x, kernel, bias, layer.strides, layer.padding, layer.dilation_rate)
        return _activation(layer, z)
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        pool = ops.max_pool2d if kind == "MaxPooling2D" else ops.avg_pool2d
        return pool(x, layer.pool_size, layer.strides, layer.padding)
    if kind == "BatchNormalization":
        if layer.axis not in (-1, x.ndim - 1, [x.ndim - 1], [-1]):
            raise ValueError(f"layer {layer.name!r} normalises axis {layer.axis}, not channels")
        mean, variance = _weight(layer.moving_mean), _weight(layer.moving_variance)
        gamma = _weight(layer.gamma) if layer.scale else 1.0
        beta = _weight(layer.beta) if layer.center else 0.0
        return gamma * (x - mean) / np.sqrt(variance + layer.epsilon) + beta
    if kind == "Flatten":
        return x.reshape(len(x), -1)  # row by row, channels last: Keras's order too
    if kind == "Dense":
        z = x @ _weight(layer.kernel)
        return _activation(layer, z + _weight(layer.bias) if layer.use_bias else z)
    if kind == "Dropout":
        return x
    if kind == "Rescaling":
        return x * np.asarray(layer.scale) + np.asarray(layer.offset)
    if kind == "ReLU" and _is_plain_relu(layer):
        return np.maximum(x, 0)
    if kind == "Activation":
        return _activation(layer, x)
    if kind == "GlobalAveragePooling2D" and not layer.keepdims:
        return x.mean(axis=(1, 2))
    raise ValueError(
        f"layer_forward does not know layer {layer.name!r} of type {kind}: it knows Conv2D, "
        "MaxPooling2D, AveragePooling2D, BatchNormalization, Flatten, Dense, Dropout, "
        "Rescaling, ReLU, Activation and GlobalAveragePooling2D"
    )


def forward(model: Any, x: np.ndarray) -> dict[str, np.ndarray]:
    """Run ``x`` through a Keras Sequential ``model`` with ``layer_forward``, layer by layer.

    Returns every layer's output by layer name, in order; the last is what
    ``model.predict(x)`` returns, to float32 rounding. (Lesson 6.)
    """
    import keras  # noqa: PLC0415  (a trained Keras model is the input: Keras is loaded)

    if not isinstance(model, keras.Sequential):
        raise TypeError(
            f"model should be a keras.Sequential (layers one after the other), got "
            f"{type(model).__name__}"
        )
    x = np.asarray(x, dtype=np.float32)
    expected = tuple(model.inputs[0].shape[1:]) if model.inputs else None
    if expected is not None and x.shape[1:] != expected:
        raise ValueError(
            f"x should be a batch shaped (n, {', '.join(map(str, expected))}) for this model, "
            f"got shape {x.shape}"
        )
    outputs = {}
    for layer in model.layers:
        x = layer_forward(layer, x).astype(np.float32, copy=False)
        outputs[layer.name] = x
    return outputs


def _weight(variable: Any) -> np.ndarray:
    return np.asarray(variable.numpy() if hasattr(variable, "numpy") else variable)


def _activation(layer: Any, z: np.ndarray) -> np.ndarray:
    name = getattr(layer.activation, "__name__", str(layer.activation))
    if name not in ACTIVATIONS:
        raise ValueError(
            f"layer {layer.name!r} uses activation {name!r}: layer_forward knows "
            f"{', '.join(ACTIVATIONS)}"
        )
    return ACTIVATIONS[name](z)


def _is_plain_relu(layer: Any) -> bool:
    """A ReLU layer without a cap, slope or threshold."""
    return (
        layer.max_value is None and not float(layer.negative_slope) and not float(layer.threshold)
    )


def _number(value: Any, name: str) -> float:
    array = np.asarray(value)
    if array.size != 1 or array.dtype.kind not in "biuf":
        raise ValueError(f"{name} should return one number, got {type(value).__name__} {value!r}")
    return float(array.reshape(()))


# --------------------------------------------------------------------------- the small CNN


def init_small_cnn(
    filters: int = 8, kernel_size: int = 5, classes: int = 10, image_side: int = 28, seed: int = 0
) -> Params:
    """Random starting weights for lesson 6's NumPy CNN (conv, ReLU, 2x2 max pool, dense).

    The convolution is 'valid', so a 28x28 digit gives (28 - 5 + 1) = 24 -> pooled 12x12 x
    ``filters`` features for the dense layer. Weights are drawn with the variance that keeps
    signals from growing or shrinking layer after layer (He for the ReLU convolution, 1/fan_in
    for the dense layer); biases start at 0. float32, like Keras. (Lesson 6.)
    """
    for name, value in (("filters", filters), ("kernel_size", kernel_size), ("classes", classes)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} should be a positive whole number, got {value!r}")
    side = (image_side - kernel_size + 1) // 2
    if side < 1:
        raise ValueError(f"kernel_size {kernel_size} leaves nothing of a {image_side}-pixel image")
    features = side * side * filters
    rng = np.random.default_rng(seed)
    conv = rng.standard_normal((kernel_size, kernel_size, 1, filters)) * np.sqrt(2 / kernel_size**2)
    dense = rng.standard_normal((features, classes)) * np.sqrt(1 / features)
    return {
        "conv_kernel": conv.astype(np.float32),
        "conv_bias": np.zeros(filters, np.float32),
        "dense_kernel": dense.astype(np.float32),
        "dense_bias": np.zeros(classes, np.float32),
    }


def small_cnn_forward(params: Params, x: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Probabilities (n, classes) for images ``x`` (n, 28, 28, 1), and what backward needs.

    conv (valid) -> ReLU -> 2x2 max pooling -> flatten -> dense -> softmax. (Lesson 6.)
    """
    z = ops.conv2d(x, params["conv_kernel"], params["conv_bias"])
    a = np.maximum(z, 0)
    pooled = ops.max_pool2d(a, 2)
    flat = pooled.reshape(len(x), -1)
    probs = softmax(flat @ params["dense_kernel"] + params["dense_bias"])
    return probs, {"x": x, "z": z, "a": a, "pooled": pooled, "flat": flat}


def small_cnn_backward(
    params: Params, probs: np.ndarray, cache: dict[str, np.ndarray], labels: np.ndarray
) -> Params:
    """The gradient of ``cross_entropy(probs, labels)`` for every weight, keyed like params.

    Backwards through the layers: softmax with cross-entropy (probs minus one-hot, over the
    batch size), dense, the pooling (max routes each gradient to its winner), ReLU (passes
    where its input was positive) and the convolution. (Lesson 6.)
    """
    n = len(labels)
    grad_logits = probs.copy()
    grad_logits[np.arange(n), labels] -= 1
    grad_logits /= n
    grad_pooled = (grad_logits @ params["dense_kernel"].T).reshape(cache["pooled"].shape)
    grad_a = ops.max_pool2d_backward(cache["a"], grad_pooled, 2)
    grad_z = grad_a * (cache["z"] > 0)
    _, grad_kernel = ops.conv2d_backward(cache["x"], params["conv_kernel"], grad_z)
    return {
        "conv_kernel": grad_kernel,
        "conv_bias": grad_z.sum(axis=(0, 1, 2)),
        "dense_kernel": cache["flat"].T @ grad_logits,
        "dense_bias": grad_logits.sum(axis=0),
    }


def cross_entropy(probs: np.ndarray, labels: np.ndarray) -> float:
    """The mean of -log(probability of the right class): Keras's sparse categorical
    cross-entropy. Probabilities are clipped at 1e-7, as Keras does, so a 0 gives 16.1,
    not infinity. (Lesson 6.)"""
    picked = probs[np.arange(len(labels)), labels]
    return float(-np.log(np.clip(picked, 1e-7, 1.0)).mean())
