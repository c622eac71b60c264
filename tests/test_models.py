"""Tests for course_utils.models: layer shapes, training on a little data, argument checks."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from course_utils import data, models  # noqa: E402  (needs keras, checked just above)


@pytest.fixture(scope="module")
def fashion_2000() -> tuple:
    """2,000 training and 500 test images of Fashion-MNIST (stratified), in fast mode or not.

    The training tests below were tuned on this size: 16 steps per epoch at batch size 128,
    32 at 64. Fast mode's own subset is smaller, to keep the notebooks quick.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("COURSE_FAST", raising=False)
        (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
    return data.stratified_subset(x_train, y_train, 200), data.stratified_subset(x_test, y_test, 50)


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
    assert model.count_params() < 200_000  # stays quick on a CPU
    # Each block is conv, pool, batch norm; "same" pooling rounds 7 / 2 up: 28 -> 14 -> 7 -> 4.
    shapes = output_shapes(model)
    assert [shapes[i] for i in (1, 4, 7, 9)] == [(14, 14, 16), (7, 7, 32), (4, 4, 64), (1024,)]
    kinds = {type(layer).__name__ for layer in model.layers}
    # Only what lesson 6 recomputes by hand in NumPy.
    assert kinds == {"Conv2D", "MaxPooling2D", "BatchNormalization", "Flatten", "Dense"}
    x = np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32)
    probabilities = np.asarray(model(x))
    assert probabilities.shape == (3, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.slow
def test_recommended_recipe_gives_sensible_test_accuracy_from_the_first_epoch(fashion_2000):
    # 2,000 images make 16 steps per epoch: the batch-norm statistics used at test time
    # must keep up with training that fast, or test accuracy sits at chance.
    (x_train, y_train), (x_test, y_test) = fashion_2000
    keras.utils.set_random_seed(0)
    model = models.recommended()
    schedule = models.cosine_schedule(models.LEARNING_RATE, models.EPOCHS, train_size=2000)
    models.compile_for_classification(model, learning_rate=schedule)
    history = model.fit(
        data.batches(x_train, y_train, models.BATCH_SIZE, shuffle=True),
        epochs=models.EPOCHS,
        validation_data=data.batches(x_test, y_test, 500),
        shuffle=False,
        verbose=0,
    )
    assert min(history.history["val_accuracy"]) > 0.5  # chance is 10%


def test_dense_baseline_is_flatten_and_two_dense_layers():
    model = models.dense_baseline()
    assert [type(layer).__name__ for layer in model.layers] == ["Flatten", "Dense", "Dense"]
    assert model.input_shape == (None, 28, 28, 1)  # the same input as the CNNs
    assert model.count_params() == (28 * 28 + 1) * 128 + (128 + 1) * 10


def test_classic_cnn_keeps_28_then_halves_twice():
    model = models.classic_cnn()
    assert output_shapes(model)[:5] == [
        (28, 28, 32),
        (14, 14, 32),
        (14, 14, 64),
        (7, 7, 64),
        (7 * 7 * 64,),
    ]
    conv1, _, conv2, _, _, dense, dropout, out = model.layers
    assert conv1.count_params() == 32 * (5 * 5 * 1 + 1)
    assert conv2.count_params() == 64 * (5 * 5 * 32 + 1)
    assert dense.count_params() == (7 * 7 * 64 + 1) * 1024
    assert dropout.rate == pytest.approx(0.4)
    # Dropout acts only in training: predictions repeat, training-mode outputs do not.
    x = np.random.default_rng(0).random((2, 28, 28, 1), dtype=np.float32)
    np.testing.assert_array_equal(model(x, training=False), model(x, training=False))
    assert not np.array_equal(model(x, training=True), model(x, training=True))


@pytest.mark.parametrize("builder", list(models.BUILDERS.values()))
def test_other_class_counts_and_input_shapes(builder):
    model = builder(num_classes=3, input_shape=(32, 32, 3))
    assert model.input_shape == (None, 32, 32, 3) and model.output_shape == (None, 3)
    assert not model.compiled  # builders leave compiling to the lesson


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(models.BUILDERS))
def test_each_model_learns_fashion_mnist(name, fashion_2000):
    # 2,000 training images. Chance is 10%; a working network gets far beyond that in 2
    # epochs, a broken one (wrong loss, labels shuffled, no gradient) does not.
    (x_train, y_train), (x_test, y_test) = fashion_2000
    x_train, x_test = data.as_model_input(x_train), data.as_model_input(x_test)
    keras.utils.set_random_seed(0)
    model = models.BUILDERS[name]()
    schedule = models.cosine_schedule(0.002, epochs=2, train_size=len(x_train), batch_size=64)
    models.compile_for_classification(model, learning_rate=schedule)
    model.fit(x_train, y_train, epochs=2, batch_size=64, verbose=0)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy > 0.6


# --------------------------------------------------------------------------- compare


def quadrant_data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n uint8 12x12 images; the label says which half (top or bottom) holds a bright blob."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    images = rng.integers(0, 60, (n, 12, 12)).astype(np.uint8)
    for image, label in zip(images, labels, strict=True):
        row = rng.integers(0, 4) + 6 * label
        image[row : row + 2, rng.integers(0, 10) :][:, :3] = 255
    return images, labels


TINY = {
    "dense": lambda: models.dense_baseline(16, num_classes=2, input_shape=(12, 12, 1)),
    "conv": lambda: models.single_conv(4, 3, 16, num_classes=2, input_shape=(12, 12, 1)),
}


@pytest.fixture(scope="module")
def tiny_split():
    return quadrant_data(256, seed=0), quadrant_data(100, seed=1)


def test_compare_gives_one_row_per_network_with_sane_numbers(tiny_split, capsys):
    train, test = tiny_split
    result = models.compare(TINY, train, test, seeds=(0, 1, 2), epochs=2, batch_size=32)
    assert [row.name for row in result.rows] == ["dense", "conv"] and result.seeds == (0, 1, 2)
    for row in result.rows:
        assert row.params == TINY[row.name]().count_params()
        assert len(row.accuracies) == 3 and all(0 <= a <= 1 for a in row.accuracies)
        assert row.lowest <= row.mean <= row.highest and row.std >= 0
        assert row.std == pytest.approx(np.std(row.accuracies, ddof=1))
        assert row.seconds_per_epoch > 0
        assert result[row.name] is row
    assert result["conv"].mean > 0.7  # it learned: chance is 50%
    printed = capsys.readouterr().out
    assert printed.count("seed") == 6  # one line per run
    table = str(result)
    assert repr(result) == table and "after 2 epochs, seeds 0, 1, 2" in table
    conv = result["conv"]
    assert f"{conv.mean:.2%} ± {conv.std:.2%}" in table
    assert f"{conv.lowest:.2%} - {conv.highest:.2%}" in table
    assert max(map(len, table.splitlines())) <= 72  # fits a notebook, GitHub and the site
    with pytest.raises(KeyError, match="'dense', 'conv'"):
        result["recommended"]


@pytest.mark.parametrize(("feed", "seeds"), [("uint8", (0, 5)), ("float32", (1,))])
def test_compare_repeats_exactly_for_the_same_seeds(tiny_split, feed, seeds):
    (x_train, y_train), (x_test, y_test) = tiny_split
    if feed == "float32":
        x_train, x_test = data.as_model_input(x_train), data.as_model_input(x_test)

    def accuracies(seeds):
        result = models.compare(
            {"conv": TINY["conv"]},
            (x_train, y_train),
            (x_test, y_test),
            seeds=seeds,
            epochs=1,
            verbose=False,
        )
        return result["conv"].accuracies

    # The same seeds in the other order: each run depends on its own seed, not on the runs
    # before it.
    assert accuracies(seeds) == accuracies(seeds[::-1])[::-1]


def test_compare_takes_datasets_and_compiled_models(tiny_split):
    train, test = tiny_split

    def compiled():
        return models.compile_for_classification(TINY["conv"](), learning_rate=0.01)

    result = models.compare(
        {"compiled": compiled},
        data.batches(*train, batch_size=64, shuffle=True),
        data.batches(*test, batch_size=50),
        seeds=(0,),
        epochs=2,
        verbose=False,
    )
    assert result["compiled"].std == 0.0 and result["compiled"].mean > 0.6


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"builders": {}}, TypeError, "dict of names"),
        ({"builders": [models.two_conv]}, TypeError, "dict of names"),
        ({"builders": {"a": "two_conv"}}, TypeError, "function that returns"),
        ({"builders": {"a": models.dense_baseline()}}, TypeError, "not models.two_conv()"),
        ({"builders": {"a": lambda: "model"}}, TypeError, "should return a Keras model"),
        ({"seeds": 3}, TypeError, "list of whole numbers"),
        ({"seeds": ()}, TypeError, "list of whole numbers"),
        ({"seeds": (0, 1.5)}, ValueError, "whole numbers"),
        ({"seeds": (1, 1)}, ValueError, "differ"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"train": np.zeros((4, 12, 12), np.uint8)}, TypeError, r"\(images, labels\)"),
        ({"train": (np.zeros((4, 12, 12), np.uint8), np.zeros(3, int))}, ValueError, "4 images"),
        ({"test": (np.zeros((4, 12, 12)), np.zeros(4, int))}, ValueError, "float64"),
        ({"test": (np.zeros((4, 12, 12), np.uint8), np.zeros(4))}, ValueError, "integers"),
    ],
)
def test_compare_rejects_bad_arguments(tiny_split, kwargs, error, match):
    train, test = tiny_split
    arguments = {"builders": {"dense": TINY["dense"]}, "train": train, "test": test, "epochs": 1}
    with pytest.raises(error, match=match):
        models.compare(**(arguments | kwargs), verbose=False)


def test_compare_needs_an_accuracy_metric(tiny_split):
    def without_accuracy():
        model = TINY["dense"]()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        return model

    with pytest.raises(ValueError, match="metrics=\\['accuracy'\\]"):
        models.compare({"a": without_accuracy}, *tiny_split, seeds=(0,), epochs=1, verbose=False)


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
        (lambda: models.classic_cnn(dropout=1.0), ValueError, "below 1"),
        (lambda: models.classic_cnn(dropout="0.4"), TypeError, "dropout"),
        (lambda: models.dense_baseline(dense_units=0), ValueError, "dense_units"),
    ],
)
def test_other_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
