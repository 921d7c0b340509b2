"""IDX reading: round trips for every dtype, gzip by content, and clear errors for broken files."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from convscope.data import load_idx_dir, read_idx

CODES = {"u1": 0x08, "i1": 0x09, "i2": 0x0B, "i4": 0x0C, "f4": 0x0D, "f8": 0x0E}


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode ``array`` as IDX, written independently of the reader from the format's definition."""
    code = CODES[f"{array.dtype.kind}{array.dtype.itemsize}"]
    header = bytes([0, 0, code, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write(path: Path, array: np.ndarray, compress: bool = False) -> Path:
    data = idx_bytes(array)
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return path


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("compress", [False, True])
def test_round_trip(tmp_path: Path, rng: np.random.Generator, dtype: type, compress: bool) -> None:
    if np.dtype(dtype).kind == "f":
        array = rng.uniform(-100, 100, size=(4, 3, 5)).astype(dtype)
    else:
        info = np.iinfo(dtype)
        array = rng.integers(info.min, info.max, size=(4, 3, 5), endpoint=True).astype(dtype)
    result = read_idx(write(tmp_path / "x-idx3", array, compress))
    assert result.shape == (4, 3, 5)
    assert result.dtype == np.dtype(dtype)
    assert result.dtype.isnative
    np.testing.assert_array_equal(result, array)
    result[0] = 0  # a writable array the caller owns


def test_gzip_is_detected_by_content_not_name(tmp_path: Path) -> None:
    labels = np.array([5, 0, 4, 1, 9], np.uint8)
    plain_named_gz = write(tmp_path / "labels.gz", labels)
    gzip_named_plain = write(tmp_path / "labels-idx1-ubyte", labels, compress=True)
    np.testing.assert_array_equal(read_idx(plain_named_gz), labels)
    np.testing.assert_array_equal(read_idx(gzip_named_plain), labels)


def test_zero_images(tmp_path: Path) -> None:
    assert read_idx(write(tmp_path / "empty", np.zeros((0, 28, 28), np.uint8))).shape == (0, 28, 28)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b[:-1], r"truncated: dimensions \(2, 3\) of 1-byte values need 18 bytes, found 17"),
        (lambda b: b + b"\x00", r"has trailing bytes"),
        (lambda b: b"\x01" + b[1:], r"not an IDX file \(magic number must start with two zero bytes\)"),
        (lambda b: b[:2] + b"\x07" + b[3:], r"unknown IDX dtype code 0x07"),
        (lambda b: b[:3] + b"\x00" + b[4:], r"declares 0 dimensions"),
        (lambda b: b[:3] + b"\x09" + b[4:], r"ends inside the header"),
        (lambda b: b[:2], r"not an IDX file"),
        (lambda b: b"", r"not an IDX file"),
    ],
)
@pytest.mark.parametrize("compress", [False, True])
def test_corrupt_files_give_clear_errors(tmp_path: Path, mutate, message: str, compress: bool) -> None:
    data = mutate(idx_bytes(np.arange(6, dtype=np.uint8).reshape(2, 3)))
    path = tmp_path / "broken-idx2-ubyte"
    path.write_bytes(gzip.compress(data) if compress else data)
    with pytest.raises(ValueError, match=message) as info:
        read_idx(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("cut", [1, 10, 25])
def test_truncated_gzip_stream(tmp_path: Path, cut: int) -> None:
    data = gzip.compress(idx_bytes(np.arange(600, dtype=np.int32)))
    path = tmp_path / "cut.gz"
    path.write_bytes(data[:-cut])
    with pytest.raises(ValueError, match="corrupt or truncated gzip data") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_read_idx_accepts_str_paths(tmp_path: Path) -> None:
    path = write(tmp_path / "a", np.array([1, 2], np.uint8))
    np.testing.assert_array_equal(read_idx(str(path)), [1, 2])


def make_split(
    folder: Path, prefix: str, n: int, rng: np.random.Generator, compress: bool, sep: str = "-"
) -> tuple[np.ndarray, np.ndarray]:
    images = rng.integers(0, 256, size=(n, 28, 28)).astype(np.uint8)
    labels = rng.integers(0, 10, size=n).astype(np.uint8)
    suffix = ".gz" if compress else ""
    write(folder / f"{prefix}-images{sep}idx3-ubyte{suffix}", images, compress)
    write(folder / f"{prefix}-labels{sep}idx1-ubyte{suffix}", labels, compress)
    return images, labels


def test_load_idx_dir_reads_both_splits(tmp_path: Path, rng: np.random.Generator) -> None:
    train = make_split(tmp_path, "train", 7, rng, compress=True)
    test = make_split(tmp_path, "t10k", 3, rng, compress=False)
    splits = load_idx_dir(tmp_path)
    assert sorted(splits) == ["test", "train"]
    for name, (images, labels) in {"train": train, "test": test}.items():
        np.testing.assert_array_equal(splits[name].images, images)
        np.testing.assert_array_equal(splits[name].labels, labels)


def test_load_idx_dir_accepts_the_dotted_spelling(tmp_path: Path, rng: np.random.Generator) -> None:
    images, _ = make_split(tmp_path, "t10k", 2, rng, compress=False, sep=".")
    splits = load_idx_dir(str(tmp_path))
    assert list(splits) == ["test"]
    np.testing.assert_array_equal(splits["test"].images, images)


def test_load_idx_dir_errors(tmp_path: Path, rng: np.random.Generator) -> None:
    with pytest.raises(FileNotFoundError, match="no MNIST IDX files"):
        load_idx_dir(tmp_path)
    with pytest.raises(FileNotFoundError, match="not a directory"):
        load_idx_dir(tmp_path / "missing")
    write(tmp_path / "train-images-idx3-ubyte", np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(FileNotFoundError, match=r"found train images but no train-labels-idx1-ubyte\[\.gz\]"):
        load_idx_dir(tmp_path)
    write(tmp_path / "train-labels-idx1-ubyte", np.zeros(3, np.uint8))
    with pytest.raises(ValueError, match=r"holds 2 images but .* holds 3 labels"):
        load_idx_dir(tmp_path)
    write(tmp_path / "train-labels-idx1-ubyte", np.zeros((2, 1), np.uint8))
    with pytest.raises(ValueError, match=r"labels must be 1-D uint8 \(N,\)"):
        load_idx_dir(tmp_path)
    write(tmp_path / "train-labels-idx1-ubyte", np.zeros(2, np.uint8))
    write(tmp_path / "train-images-idx3-ubyte", np.zeros((2, 28, 28), np.float32))
    with pytest.raises(ValueError, match=r"images must be 3-D uint8 \(N, H, W\), got float32"):
        load_idx_dir(tmp_path)
