"""Read the IDX files MNIST is distributed in (``train-images-idx3-ubyte`` and friends).

An IDX file is a 4-byte magic number, one big-endian uint32 per dimension, then the values in
row-major order, big-endian::

    0x00 0x00 <dtype code> <number of dimensions>   e.g. 00 00 08 03 for uint8 images (N, H, W)

The files are often gzipped; we tell by the gzip magic bytes (1f 8b), not by the file name.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np
import numpy.typing as npt

from convscope.data.mnist import Digits

__all__ = ["load_idx_dir", "read_idx"]

# IDX dtype codes (http://yann.lecun.com/exdb/mnist/); multi-byte types are big-endian.
_DTYPES: dict[int, np.dtype[np.generic]] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"
_SPLITS = {"train": "train", "test": "t10k"}


def read_idx(path: str | os.PathLike[str]) -> npt.NDArray[np.generic]:
    """Read one IDX file, gzipped or not, into an array of its stored shape.

    Parameters
    ----------
    path : str or path-like
        The file. Gzip compression is detected from the content, whatever the name says.

    Returns
    -------
    ndarray
        Shape as the header says (MNIST images: (N, 28, 28) uint8; labels: (N,) uint8), in native
        byte order.

    Raises
    ------
    ValueError
        If the file is not valid IDX: a bad magic number, an unknown dtype code, or a length that
        does not match the dimensions (a truncated or padded file). The message names the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "labels-idx1-ubyte"
    >>> _ = path.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]))
    >>> read_idx(path)
    array([7, 2, 1], dtype=uint8)
    """
    path = Path(path)
    content = _read_bytes(path)
    if len(content) < 4 or content[:2] != b"\x00\x00":
        raise ValueError(f"{path}: not an IDX file (magic number must start with two zero bytes)")
    code, ndim = content[2], content[3]
    if code not in _DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in _DTYPES)
        raise ValueError(f"{path}: unknown IDX dtype code 0x{code:02X} (known: {known})")
    if ndim == 0:
        raise ValueError(f"{path}: IDX header declares 0 dimensions")
    header = 4 + 4 * ndim
    if len(content) < header:
        raise ValueError(f"{path}: file ends inside the header ({len(content)} bytes, header needs {header})")
    shape = tuple(int(d) for d in np.frombuffer(content, dtype=">u4", count=ndim, offset=4))
    dtype = _DTYPES[code]
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(content) != expected:
        problem = "truncated" if len(content) < expected else "has trailing bytes"
        raise ValueError(
            f"{path}: file {problem}: dimensions {shape} of {dtype.itemsize}-byte values need "
            f"{expected} bytes, found {len(content)}"
        )
    data = np.frombuffer(content, dtype=dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))  # a writable copy in native byte order


def load_idx_dir(directory: str | os.PathLike[str]) -> dict[str, Digits]:
    """Load the standard MNIST IDX files found in ``directory``.

    Looks for ``train-images-idx3-ubyte`` / ``train-labels-idx1-ubyte`` (split ``"train"``) and
    ``t10k-images-idx3-ubyte`` / ``t10k-labels-idx1-ubyte`` (split ``"test"``), each optionally
    ending in ``.gz`` (a dot instead of the last hyphen, ``train-images.idx3-ubyte``, is accepted too).

    Parameters
    ----------
    directory : str or path-like

    Returns
    -------
    dict of str to Digits
        ``{"train": ..., "test": ...}`` with whichever splits are present; images (N, H, W) uint8
        and labels (N,) uint8.

    Raises
    ------
    FileNotFoundError
        If no split is present, or a split has images but no labels (or the reverse).
    ValueError
        If a file is not valid IDX, or images and labels do not agree (type, rank or count).

    Examples
    --------
    >>> import gzip, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> images = bytes([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 255, 255, 0])
    >>> _ = (folder / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(images))
    >>> _ = (folder / "t10k-labels-idx1-ubyte").write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 1, 7]))
    >>> splits = load_idx_dir(folder)
    >>> list(splits), splits["test"].images.shape, splits["test"].labels.tolist()
    (['test'], (1, 2, 2), [7])
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory}: not a directory")
    splits: dict[str, Digits] = {}
    for split, prefix in _SPLITS.items():
        images_path = _find(directory, prefix, "images", 3)
        labels_path = _find(directory, prefix, "labels", 1)
        if images_path is None and labels_path is None:
            continue
        if images_path is None or labels_path is None:
            found, missing = ("labels", "images-idx3") if images_path is None else ("images", "labels-idx1")
            raise FileNotFoundError(
                f"{directory}: found {split} {found} but no {prefix}-{missing}-ubyte[.gz]"
            )
        splits[split] = _as_digits(read_idx(images_path), read_idx(labels_path), images_path, labels_path)
    if not splits:
        raise FileNotFoundError(
            f"{directory}: no MNIST IDX files (expected train-images-idx3-ubyte, train-labels-idx1-ubyte, "
            "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each optionally .gz)"
        )
    return splits


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed when they start with the gzip magic number."""
    raw = path.read_bytes()
    if not raw.startswith(_GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as err:
        raise ValueError(f"{path}: corrupt or truncated gzip data ({err})") from None


def _find(directory: Path, prefix: str, kind: str, ndim: int) -> Path | None:
    """The first existing spelling of ``<prefix>-<kind>-idx<ndim>-ubyte[.gz]`` in ``directory``."""
    for stem in (f"{prefix}-{kind}-idx{ndim}-ubyte", f"{prefix}-{kind}.idx{ndim}-ubyte"):
        for name in (stem, f"{stem}.gz"):
            if (directory / name).is_file():
                return directory / name
    return None


def _as_digits(
    images: npt.NDArray[np.generic], labels: npt.NDArray[np.generic], images_path: Path, labels_path: Path
) -> Digits:
    """Check an images file and a labels file belong together and wrap them."""
    if images.dtype != np.uint8 or images.ndim != 3:
        raise ValueError(
            f"{images_path}: images must be 3-D uint8 (N, H, W), got {images.dtype} {images.shape}"
        )
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise ValueError(f"{labels_path}: labels must be 1-D uint8 (N,), got {labels.dtype} {labels.shape}")
    if len(images) != len(labels):
        raise ValueError(
            f"{images_path} holds {len(images)} images but {labels_path} holds {len(labels)} labels"
        )
    return Digits(images=images.astype(np.uint8, copy=False), labels=labels.astype(np.uint8, copy=False))
