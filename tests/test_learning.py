"""course_utils.learning (lesson 6): the finite-difference gradient, the glass-box forward pass
against Keras's own layers and models, and the NumPy CNN's gradients against tf.GradientTape."""

from __future__ import annotations

import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st
from keras import layers

from course_utils import learning, models, ops

RNG = np.random.default_rng(0)


def images(n: int = 4, side: int = 12, channels: int = 3) -> np.ndarray:
    return RNG.normal(size=(n, side, side, channels)).astype(np.float32)


# --- numeric_gradient -------------------------------------------------------------------------


def test_numeric_gradient_of_a_cubic():
    weights = RNG.normal(size=(2, 3, 2))
    w = RNG.normal(size=(2, 3, 2))
    before = w.copy()
    grad = learning.numeric_gradient(lambda v: np.sum(weights * v**3), w)
    np.testing.assert_allclose(grad, 3 * weights * w**2, rtol=1e-7, atol=1e-9)
    np.testing.assert_array_equal(w, before)  # left unchanged


@settings(max_examples=20, deadline=None)
@given(
    side=st.integers(3, 6),
    kernel=st.integers(1, 3),
    channels=st.integers(1, 2),
    filters=st.integers(1, 2),
    seed=st.integers(0, 1000),
)
def test_numeric_gradient_agrees_with_conv2d_backward(side, kernel, channels, filters, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, side, side, channels))
    k = rng.normal(size=(kernel, kernel, channels, filters))
    g = rng.normal(size=(2, side - kernel + 1, side - kernel + 1, filters))
    grad_x, grad_k = ops.conv2d_backward(x, k, g)
    numeric_k = learning.numeric_gradient(lambda v: np.sum(g * ops.conv2d(x, v)), k)
    numeric_x = learning.numeric_gradient(lambda v: np.sum(g * ops.conv2d(v, k)), x)
    np.testing.assert_allclose(numeric_k, grad_k, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(numeric_x, grad_x, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    ("loss", "w", "h", "error", "message"),
    [
        ("not a function", np.zeros(2), 1e-5, TypeError, "loss should be a function"),
        (np.sum, np.arange(3), 1e-5, TypeError, "w should hold floats"),
        (np.sum, np.zeros(2), 0, ValueError, "h should be a small positive step"),
        (np.sum, np.zeros(2), "1e-5", ValueError, "h should be a small positive step"),
        (lambda v: v * 2, np.zeros(2), 1e-5, ValueError, "loss should return one number"),
    ],
)
def test_numeric_gradient_rejects_bad_input(loss, w, h, error, message):
    with pytest.raises(error, match=message):
        learning.numeric_gradient(loss, w, h)


# --- the glass box: one layer at a time -------------------------------------------------------


def randomize_batch_norm(layer: layers.BatchNormalization, seed: int = 1) -> None:
    """Statistics and scales that are far from the fresh layer's 0 and 1."""
    rng = np.random.default_rng(seed)
    shape = layer.moving_mean.shape
    layer.moving_mean.assign(rng.normal(size=shape))
    layer.moving_variance.assign(rng.uniform(0.2, 3.0, size=shape))
    if layer.scale:
        layer.gamma.assign(rng.uniform(0.5, 2.0, size=shape))
    if layer.center:
        layer.beta.assign(rng.normal(size=shape))


LAYERS = {
    "conv valid relu": lambda: layers.Conv2D(4, 3, activation="relu"),
    "conv same stride 2": lambda: layers.Conv2D(5, 3, strides=2, padding="same"),
    "conv dilated tanh": lambda: layers.Conv2D(2, 3, dilation_rate=2, activation="tanh"),
    "conv 2x1 sigmoid no bias": lambda: layers.Conv2D(
        3, (2, 1), activation="sigmoid", use_bias=False
    ),
    "max pool": lambda: layers.MaxPooling2D(2),
    "max pool same 3/2": lambda: layers.MaxPooling2D(3, strides=2, padding="same"),
    "average pool same": lambda: layers.AveragePooling2D(2, padding="same"),
    "batch norm": lambda: layers.BatchNormalization(),
    "batch norm no scale": lambda: layers.BatchNormalization(scale=False, epsilon=0.1),
    "batch norm no center": lambda: layers.BatchNormalization(center=False),
    "dropout": lambda: layers.Dropout(0.5),
    "rescaling": lambda: layers.Rescaling(1 / 255, offset=-0.5),
    "relu": lambda: layers.ReLU(),
    "activation softmax": lambda: layers.Activation("softmax"),
    "global average": lambda: layers.GlobalAveragePooling2D(),
    "flatten": lambda: layers.Flatten(),
}


@pytest.mark.parametrize("name", LAYERS)
def test_layer_forward_equals_the_keras_layer(name):
    layer = LAYERS[name]()
    x = images()
    layer.build(x.shape)
    if isinstance(layer, layers.BatchNormalization):
        randomize_batch_norm(layer)
    expected = keras.ops.convert_to_numpy(layer(x, training=False))
    np.testing.assert_allclose(learning.layer_forward(layer, x), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("activation", ["relu", "softmax", None])
def test_layer_forward_equals_a_dense_layer(activation):
    layer = layers.Dense(7, activation=activation)
    x = RNG.normal(size=(5, 11)).astype(np.float32)
    layer.build(x.shape)
    expected = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(learning.layer_forward(layer, x), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: layers.UpSampling2D(2), "does not know layer .* of type UpSampling2D"),
        (lambda: layers.Conv2D(6, 3, groups=3), "uses groups=3"),
        (lambda: layers.ReLU(max_value=6.0), "of type ReLU"),
        (lambda: layers.Conv2D(4, 3, activation="gelu"), "uses activation 'gelu'"),
        (lambda: layers.GlobalAveragePooling2D(keepdims=True), "GlobalAveragePooling2D"),
    ],
)
def test_layer_forward_names_what_it_does_not_know(make, message):
    layer = make()
    x = images(channels=3)
    layer.build(x.shape)
    with pytest.raises(ValueError, match=message):
        learning.layer_forward(layer, x)


# --- the glass box: whole models --------------------------------------------------------------


@pytest.mark.parametrize("builder", ["recommended", "two_conv", "classic_cnn", "single_conv"])
def test_forward_equals_model_predict(builder):
    keras.utils.set_random_seed(0)
    model = models.BUILDERS[builder]()
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            randomize_batch_norm(layer)
    x = RNG.uniform(0, 1, size=(6, 28, 28, 1)).astype(np.float32)
    outputs = learning.forward(model, x)
    assert list(outputs) == [layer.name for layer in model.layers]
    probs = outputs[model.layers[-1].name]
    np.testing.assert_allclose(probs, model.predict(x, verbose=0), rtol=1e-4, atol=1e-6)
    assert probs.dtype == np.float32


def test_forward_rejects_a_batch_of_the_wrong_shape_and_a_non_sequential_model():
    model = models.two_conv()
    with pytest.raises(ValueError, match=r"x should be a batch shaped \(n, 28, 28, 1\)"):
        learning.forward(model, np.zeros((2, 28, 28)))
    inputs = keras.Input((4,))
    functional = keras.Model(inputs, layers.Dense(2)(inputs))
    with pytest.raises(TypeError, match="keras.Sequential"):
        learning.forward(functional, np.zeros((1, 4)))


def test_softmax_is_stable_and_equals_keras():
    logits = np.array([[1000.0, 1001.0, 999.0], [-3.0, 0.0, 2.0]])
    probs = learning.softmax(logits)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    np.testing.assert_allclose(probs, keras.ops.convert_to_numpy(keras.ops.softmax(logits)))


# --- the small CNN ----------------------------------------------------------------------------


def keras_twin(params: learning.Params) -> keras.Sequential:
    filters, kernel_size = params["conv_kernel"].shape[3], params["conv_kernel"].shape[0]
    twin = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(filters, kernel_size, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )
    twin.set_weights(
        [params[k] for k in ("conv_kernel", "conv_bias", "dense_kernel", "dense_bias")]
    )
    return twin


def test_init_small_cnn_shapes_and_seeds():
    params = learning.init_small_cnn(filters=4, kernel_size=3)
    shapes = {name: value.shape for name, value in params.items()}
    assert shapes == {
        "conv_kernel": (3, 3, 1, 4),
        "conv_bias": (4,),
        "dense_kernel": (13 * 13 * 4, 10),
        "dense_bias": (10,),
    }
    assert all(value.dtype == np.float32 for value in params.values())
    again, other = (
        learning.init_small_cnn(filters=4, kernel_size=3),
        learning.init_small_cnn(filters=4, kernel_size=3, seed=1),
    )
    assert all(np.array_equal(params[k], again[k]) for k in params)
    assert not np.array_equal(params["conv_kernel"], other["conv_kernel"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"filters": 0}, "filters should be a positive whole number"),
        ({"kernel_size": 2.5}, "kernel_size should be a positive whole number"),
        ({"kernel_size": 28}, "leaves nothing"),
    ],
)
def test_init_small_cnn_rejects_bad_sizes(kwargs, message):
    with pytest.raises(ValueError, match=message):
        learning.init_small_cnn(**kwargs)


def test_small_cnn_gradients_equal_the_tape():
    params = learning.init_small_cnn(filters=4, kernel_size=5, seed=3)
    x = RNG.uniform(0, 1, size=(16, 28, 28, 1)).astype(np.float32)
    labels = RNG.integers(0, 10, size=16)
    probs, cache = learning.small_cnn_forward(params, x)
    grads = learning.small_cnn_backward(params, probs, cache, labels)

    twin = keras_twin(params)
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(labels, twin(x))
    np.testing.assert_allclose(probs, keras.ops.convert_to_numpy(twin(x)), rtol=1e-4, atol=1e-6)
    assert learning.cross_entropy(probs, labels) == pytest.approx(float(loss), rel=1e-5)
    names = ("conv_kernel", "conv_bias", "dense_kernel", "dense_bias")
    for name, expected in zip(names, tape.gradient(loss, twin.trainable_weights), strict=True):
        expected = expected.numpy()
        np.testing.assert_allclose(grads[name], expected, atol=1e-5 * np.abs(expected).max())


def test_small_cnn_gradients_equal_finite_differences_in_float64():
    params = {
        k: v.astype(np.float64) for k, v in learning.init_small_cnn(filters=2, seed=4).items()
    }
    x = RNG.uniform(0, 1, size=(3, 28, 28, 1))
    labels = np.array([1, 7, 3])
    probs, cache = learning.small_cnn_forward(params, x)
    grads = learning.small_cnn_backward(params, probs, cache, labels)
    for name in ("conv_kernel", "conv_bias", "dense_bias"):

        def loss(value, name=name):
            changed = {**params, name: value}
            return learning.cross_entropy(learning.small_cnn_forward(changed, x)[0], labels)

        numeric = learning.numeric_gradient(loss, params[name])
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-8)


def test_sgd_steps_lower_the_loss():
    params = learning.init_small_cnn(seed=5)
    x = RNG.uniform(0, 1, size=(32, 28, 28, 1)).astype(np.float32)
    labels = RNG.integers(0, 10, size=32)
    losses = []
    for _ in range(10):  # a small step: random pixels give large gradients
        probs, cache = learning.small_cnn_forward(params, x)
        losses.append(learning.cross_entropy(probs, labels))
        grads = learning.small_cnn_backward(params, probs, cache, labels)
        for name in params:
            params[name] -= 0.02 * grads[name]
    assert all(b < a for a, b in itertools.pairwise(losses)), losses
    assert losses[-1] < losses[0] * 0.9, losses


def test_cross_entropy_clips_a_zero_probability_like_keras():
    probs = np.array([[1.0, 0.0], [0.5, 0.5]])
    labels = np.array([1, 0])
    expected = keras.losses.sparse_categorical_crossentropy(labels, probs)
    assert learning.cross_entropy(probs, labels) == pytest.approx(
        float(np.mean(expected)), rel=1e-5
    )
