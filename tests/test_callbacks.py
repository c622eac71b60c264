"""Tests for course_utils.callbacks: StopAtTarget, LivePlot and the TensorBoard helpers."""

from __future__ import annotations

import importlib.util
import socket
import urllib.request

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

keras = pytest.importorskip("keras")
from course_utils import _display, callbacks, viz  # noqa: E402  (needs keras, checked just above)


def tiny_problem(n: int = 64):
    """A separable 2-class problem a one-layer model learns in a few epochs."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    return x, y


def tiny_model(metrics=("accuracy",)):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(
        optimizer=keras.optimizers.Adam(0.1),
        loss="sparse_categorical_crossentropy",
        metrics=list(metrics),
    )
    return model


# --------------------------------------------------------------------------- StopAtTarget


def test_stops_when_target_is_reached(capsys):
    x, y = tiny_problem()
    stop = callbacks.StopAtTarget("accuracy", target=0.9)
    history = tiny_model().fit(x, y, epochs=50, callbacks=[stop], verbose=0)
    epochs_run = len(history.history["accuracy"])
    assert stop.reached and stop.stopped_epoch == epochs_run < 50
    assert history.history["accuracy"][-1] >= 0.9
    assert all(a < 0.9 for a in history.history["accuracy"][:-1])  # not a moment later
    out = capsys.readouterr().out
    assert f">= 0.9 at epoch {epochs_run}: stopping training." in out
    assert out.startswith("Reached accuracy 0.")


def test_unreachable_target_runs_all_epochs_and_says_nothing(capsys):
    x, y = tiny_problem()
    stop = callbacks.StopAtTarget("loss", target=1e-9, mode="min")
    history = tiny_model().fit(x, y, epochs=3, callbacks=[stop], verbose=0)
    assert len(history.history["loss"]) == 3
    assert not stop.reached and stop.stopped_epoch is None
    assert capsys.readouterr().out == ""


def test_min_mode_stops_on_loss(capsys):
    x, y = tiny_problem()
    stop = callbacks.StopAtTarget("loss", target=0.5, mode="min")
    history = tiny_model().fit(x, y, epochs=50, callbacks=[stop], verbose=0)
    assert stop.reached and history.history["loss"][-1] <= 0.5
    out = capsys.readouterr().out
    assert out.startswith("Reached loss 0.") and f"<= 0.5 at epoch {stop.stopped_epoch}:" in out


@pytest.mark.parametrize(
    ("metric", "logs"),
    [
        ("accuracy", {"loss": 0.1, "acc": 0.999}),  # older Keras spelling
        ("acc", {"loss": 0.1, "accuracy": 0.999}),
        ("accuracy", {"loss": 0.1, "sparse_categorical_accuracy": 0.999}),
        ("val_accuracy", {"val_acc": 0.999, "acc": 0.5}),
        ("val_acc", {"val_accuracy": 0.999, "accuracy": 0.5}),
    ],
)
def test_accuracy_spellings_are_equivalent(metric, logs):
    stop = callbacks.StopAtTarget(metric, target=0.998)
    stop.set_model(tiny_model())
    stop.on_train_begin()
    stop.on_epoch_end(4, logs)
    assert stop.reached and stop.stopped_epoch == 5 and stop.model.stop_training


def test_val_metric_does_not_read_the_training_value():
    stop = callbacks.StopAtTarget("val_accuracy", target=0.9)
    stop.set_model(tiny_model())
    stop.on_epoch_end(0, {"accuracy": 0.99, "val_accuracy": 0.5})
    assert not stop.reached


def test_missing_metric_says_how_to_fix_it():
    x, y = tiny_problem()
    stop = callbacks.StopAtTarget("accuracy", 0.99)
    with pytest.raises(ValueError) as info:
        tiny_model(metrics=()).fit(x, y, epochs=5, callbacks=[stop], verbose=0)
    message = str(info.value)
    assert "StopAtTarget: no 'accuracy' in the logs (logged: loss)." in message
    assert "metrics=['accuracy']" in message and "model.compile()" in message


@pytest.mark.parametrize("metric", ["val_accuracy", "val_acc"])
def test_missing_validation_metric_points_at_validation_data(metric):
    stop = callbacks.StopAtTarget(metric, 0.99)
    with pytest.raises(ValueError, match="validation_data"):
        stop.on_epoch_end(0, {"loss": 0.3, "accuracy": 0.9})


def test_callback_is_reusable():
    stop = callbacks.StopAtTarget("accuracy", 0.9)
    stop.set_model(tiny_model())
    stop.on_epoch_end(0, {"accuracy": 0.95})
    stop.on_train_begin()
    assert not stop.reached and stop.stopped_epoch is None


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"target": 99.8}, ValueError, "0.998 for 99.8%"),
        ({"target": 0}, ValueError, "between 0 and 1"),
        ({"target": "0.998"}, TypeError, "number"),
        ({"target": float("nan"), "metric": "loss"}, ValueError, "finite"),
        ({"mode": "maximum"}, ValueError, "'max'"),
        ({"metric": ""}, TypeError, "metric name"),
    ],
)
def test_stop_at_target_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        callbacks.StopAtTarget(**kwargs)


# --------------------------------------------------------------------------- LivePlot


def test_liveplot_prints_one_line_per_epoch_outside_notebooks(capsys):
    x, y = tiny_problem()
    plot = callbacks.LivePlot()
    tiny_model().fit(x, y, epochs=3, validation_split=0.25, callbacks=[plot], verbose=0)
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["epoch 1", "epoch 2", "epoch 3"]
    assert "val_accuracy" in lines[-1] and "loss" in lines[-1]
    assert len(plot.history["val_loss"]) == 3


@pytest.fixture
def notebook_display(monkeypatch) -> list[tuple[str, bytes]]:
    """Pretend to run in a notebook; record what LivePlot shows: ("display" | "update", png)."""
    shown = []

    class Handle:
        def update(self, obj):
            shown.append(("update", obj.data))

    def fake_display(obj, display_id=False):
        assert display_id is True  # a handle is what lets later epochs update in place
        shown.append(("display", obj.data))
        return Handle()

    monkeypatch.setattr(callbacks, "_in_notebook", lambda: True)
    monkeypatch.setattr("IPython.display.display", fake_display)
    return shown


def test_liveplot_updates_one_display_in_place(notebook_display):
    x, y = tiny_problem()
    plot = callbacks.LivePlot(("loss", "accuracy"))
    tiny_model().fit(x, y, epochs=3, validation_split=0.25, callbacks=[plot], verbose=0)
    assert [kind for kind, _ in notebook_display] == ["display", "update", "update"]
    # Drawn by the same code as lesson 4's learning curves, and closed: nothing is left
    # open for the notebook to show again at the end of the cell.
    assert plt.get_fignums() == []
    expected = _display.figure_png(viz.plot_history(plot.history, metrics=("loss", "accuracy")))
    assert notebook_display[-1][1] == expected


def test_liveplot_without_validation_plots_training_only(notebook_display):
    x, y = tiny_problem()
    plot = callbacks.LivePlot("loss")
    tiny_model().fit(x, y, epochs=2, callbacks=[plot], verbose=0)
    assert set(plot.history) == {"loss"}
    expected = _display.figure_png(viz.plot_history({"loss": plot.history["loss"]}))
    assert notebook_display[-1][1] == expected


def test_liveplot_missing_metric_is_explained():
    plot = callbacks.LivePlot(("loss", "accuracy"))
    with pytest.raises(ValueError, match="LivePlot: no 'accuracy'"):
        plot.on_epoch_end(0, {"loss": 0.5})


def test_liveplot_rejects_bad_metrics():
    with pytest.raises(ValueError, match="metrics"):
        callbacks.LivePlot(())
    with pytest.raises(ValueError, match="metrics"):
        callbacks.LivePlot(["loss", 3])


# --------------------------------------------------------------------------- TensorBoard


def test_url_on_a_laptop(monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    assert callbacks.tensorboard_url() == "http://localhost:6006/"
    assert callbacks.tensorboard_url(6007) == "http://localhost:6007/"
    assert 'href="http://localhost:6006/"' in callbacks.tensorboard_link()


@pytest.mark.parametrize("prefix", ["/user/ada-lovelace-abc123/", "/user/ada-lovelace-abc123"])
def test_url_on_binder_goes_through_the_proxy(monkeypatch, prefix):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", prefix)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    assert callbacks.tensorboard_url(6006) == "/user/ada-lovelace-abc123/proxy/6006/"


def test_binder_without_server_proxy_is_explained(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/x/")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(RuntimeError, match="jupyter-server-proxy"):
        callbacks.tensorboard_url()


@pytest.mark.parametrize("port", [80, 70000, "6006", True])
def test_bad_port(port):
    with pytest.raises(ValueError, match="port"):
        callbacks.tensorboard_url(port)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_start_and_stop_a_real_tensorboard(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    port = free_port()
    process = callbacks.start_tensorboard(tmp_path / "logs", port=port, timeout=120)
    try:
        assert process.poll() is None
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200
        assert f"open http://localhost:{port}/" in capsys.readouterr().out
        # Starting again on the same port replaces this kernel's own TensorBoard.
        again = callbacks.start_tensorboard(tmp_path / "logs", port=port, timeout=120)
        assert process.poll() is not None and again.poll() is None
    finally:
        stopped = callbacks.stop_tensorboard(port)
    assert stopped == 1
    assert again.poll() is not None
    assert callbacks.stop_tensorboard(port) == 0


@pytest.mark.slow
def test_tensorboard_on_colab_is_linked_through_colabs_proxy(tmp_path, fake_colab, capsys):
    port = free_port()
    process = callbacks.start_tensorboard(tmp_path / "logs", port=port, timeout=120)
    try:
        # Colab's browser tab cannot reach localhost: the server listens on every
        # interface and Colab makes the link.
        assert "--bind_all" in process.args
        assert fake_colab == [
            ("serve_kernel_port_as_window", port, {"anchor_text": "Open TensorBoard"})
        ]
        assert "localhost" not in capsys.readouterr().out
    finally:
        assert callbacks.stop_tensorboard(port) == 1


def test_port_taken_by_someone_else(tmp_path):
    # A plain HTTP server stands in for "another program on that port".
    import http.server
    import threading

    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(RuntimeError, match="already uses port"):
            callbacks.start_tensorboard(tmp_path, port=server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def test_default_port_moves_on_when_6006_is_taken(monkeypatch):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        assert callbacks._free_port(taken) != taken
    assert callbacks._free_port(taken) == taken  # released again
