"""Tests for course_utils.models: layer shapes, training on a little data, argument checks."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from course_utils import data, models  # noqa: E402  (needs keras, checked just above)


def output_shapes(model) -> list[tuple]:
    return [tuple(layer.output.shape[1:]) for layer in model.layers]


def test_two_conv_walks_28_26_13_11_5_1600():
    model = models.two_conv()
    assert output_shapes(model)[:5] == [
        (26, 26, 64),
        (13, 13, 64),
        (11, 11, 64),
        (5, 5, 64),
        (1600,),
    ]
    assert model.output_shape == (None, 10)


def test_single_conv_has_one_conv_and_one_pool():
    model = models.single_conv()
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds.count("Conv2D") == 1 and kinds.count("MaxPooling2D") == 1
    assert output_shapes(model)[:3] == [(28, 28, 32), (14, 14, 32), (14 * 14 * 32,)]
    # 5x5x1 weights + 1 bias per filter; one weight per (pixel, unit) pair plus biases.
    conv, _, _, dense, out = model.layers
    assert conv.count_params() == 32 * (5 * 5 + 1)
    assert dense.count_params() == 14 * 14 * 32 * 1000 + 1000
    assert out.count_params() == 1000 * 10 + 10


def test_recommended_is_small_and_outputs_probabilities():
    model = models.recommended()
    assert model.count_params() < 500_000  # stays quick on a CPU
    x = np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32)
    probabilities = np.asarray(model(x))
    assert probabilities.shape == (3, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("builder", [models.single_conv, models.two_conv, models.recommended])
def test_other_class_counts_and_input_shapes(builder):
    model = builder(num_classes=3, input_shape=(32, 32, 3))
    assert model.input_shape == (None, 32, 32, 3) and model.output_shape == (None, 3)
    assert not model.compiled  # builders leave compiling to the lesson


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(models.BUILDERS))
def test_each_model_learns_fashion_mnist(name):
    # Fast mode: 2,000 training images. Chance is 10%; a working network gets far beyond
    # that in 2 epochs, a broken one (wrong loss, labels shuffled, no gradient) does not.
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
    x_train, y_train = data.as_model_input(x_train[:2000]), y_train[:2000]
    x_test, y_test = data.as_model_input(x_test[:500]), y_test[:500]
    keras.utils.set_random_seed(0)
    model = models.BUILDERS[name]()
    schedule = models.cosine_schedule(0.002, epochs=2, train_size=len(x_train), batch_size=64)
    models.compile_for_classification(model, learning_rate=schedule)
    model.fit(x_train, y_train, epochs=2, batch_size=64, verbose=0)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy > 0.6


def test_cosine_schedule_starts_high_and_ends_near_zero():
    schedule = models.cosine_schedule(0.003, epochs=3, train_size=1000, batch_size=100)
    start, middle, end = (float(schedule(step)) for step in (0, 15, 30))
    assert start == pytest.approx(0.003)
    assert middle == pytest.approx(0.0015, rel=0.05)  # halfway: half the rate
    assert end < 0.0001 and start > middle > end


def test_compile_for_classification():
    model = models.compile_for_classification(models.two_conv(), learning_rate=0.01)
    assert model.compiled
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    x = np.zeros((2, 28, 28, 1), np.float32)
    logs = model.evaluate(x, np.array([0, 1]), verbose=0, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}  # what StopAtTarget and LivePlot look for


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"num_classes": 1}, ValueError, "num_classes should be at least 2"),
        ({"num_classes": 2.0}, TypeError, "num_classes"),
        ({"input_shape": (28, 28)}, ValueError, "channel axis"),
        ({"input_shape": (8, 8, 1)}, ValueError, "too small"),
        ({"input_shape": "28x28"}, TypeError, "input_shape"),
        ({"filters": 0}, ValueError, "filters should be at least 1"),
        ({"dense_units": 12.5}, TypeError, "dense_units"),
    ],
)
def test_two_conv_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        models.two_conv(**kwargs)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: models.compile_for_classification("model"), TypeError, "Keras model"),
        (lambda: models.compile_for_classification(models.recommended(), 5), ValueError, "0.001"),
        (lambda: models.cosine_schedule(0.01, epochs=0, train_size=10), ValueError, "epochs"),
        (lambda: models.recommended(input_shape=(28, 28, 0)), ValueError, "channels"),
    ],
)
def test_other_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
