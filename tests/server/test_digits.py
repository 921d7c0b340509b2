"""GET /api/digits/{number}: the bundled digits, or the user's IDX files with --mnist-dir."""

from __future__ import annotations

import gzip
import struct
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from convscope.data import count, crop_digit, digit
from convscope.server import ServerConfig, create_app
from tests.server.contract import ContractClient


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with ContractClient(create_app()) as test_client:
        yield test_client


def write_idx(path: Path, array: np.ndarray, compress: bool = False) -> None:
    """An IDX file of uint8 values: magic 00 00 08 <ndim>, big-endian sizes, then the bytes."""
    content = bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()
    path.write_bytes(gzip.compress(content) if compress else content)


@pytest.mark.parametrize(("number", "index"), [(0, 0), (3, 17), (9, count(9) - 1)])
def test_bundled_digit_is_the_crop_and_the_original_in_unit_range(
    client: TestClient, number: int, index: int
) -> None:
    body = client.get(f"/api/digits/{number}", params={"index": index}).json()
    original = digit(number, index)
    assert (body["number"], body["index"], body["count"]) == (number, index, count(number))
    np.testing.assert_array_equal(body["original"], original / 255.0)
    np.testing.assert_array_equal(body["image"], crop_digit(original) / 255.0)
    image = np.asarray(body["image"])
    assert image.shape == (20, 20)
    assert image.min() >= 0.0
    assert image.max() <= 1.0


def test_index_defaults_to_zero(client: TestClient) -> None:
    assert client.get("/api/digits/4").json()["original"] == (digit(4, 0) / 255.0).tolist()


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/digits/10", 422, 'number: must be <= 9 (got 10)'),
        ("/api/digits/-1", 422, 'number: must be >= 0 (got -1)'),
        ("/api/digits/seven", 422, 'number: must be an integer (got seven)'),
        ("/api/digits/7?index=-2", 422, 'index: must be >= 0 (got -2)'),
        ("/api/digits/7?index=1.5", 422, 'index: must be an integer (got 1.5)'),
        ("/api/digits/7?index=1070", 400,
         "index: the bundled MNIST subset has 1070 examples of digit 7, so index must be 0..1069 (got 1070)"),
    ],
)
def test_bad_number_or_index_is_4xx_naming_it(
    client: TestClient, url: str, status: int, message: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.json()["message"] == message


def test_mnist_dir_serves_the_users_idx_files(tmp_path: Path, rng: np.random.Generator) -> None:
    train = rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    test = rng.integers(0, 256, size=(2, 28, 28), dtype=np.uint8)
    write_idx(tmp_path / "train-images-idx3-ubyte", train)
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.array([5, 1, 5], dtype=np.uint8))
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", test, compress=True)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.array([5, 2], dtype=np.uint8), compress=True)
    with ContractClient(create_app(ServerConfig(mnist_dir=tmp_path))) as client:
        fives = [client.get("/api/digits/5", params={"index": i}).json() for i in range(3)]
        missing = client.get("/api/digits/5", params={"index": 3})
        none = client.get("/api/digits/0")
        convolved = client.post("/api/convolve", json={"digit": 5, "index": 2, "kernel": "identity"}).json()
    # Train first, then test: the fives are train[0], train[2], test[0].
    for body, image in zip(fives, (train[0], train[2], test[0]), strict=True):
        assert body["count"] == 3
        np.testing.assert_array_equal(body["original"], image / 255.0)
        np.testing.assert_array_equal(body["image"], crop_digit(image) / 255.0)
    np.testing.assert_array_equal(convolved["input"], crop_digit(test[0]) / 255.0)
    assert missing.status_code == 400
    assert f"IDX files in {tmp_path} has 3 examples of digit 5, so index must be 0..2 (got 3)" in (
        missing.json()["message"]
    )
    assert none.status_code == 400
    assert "has 0 examples of digit 0, so index cannot be chosen" in none.json()["message"]


def test_mnist_dir_without_idx_files_fails_when_the_app_is_built(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no MNIST IDX files"):
        create_app(ServerConfig(mnist_dir=tmp_path))


def test_mnist_dir_with_images_that_are_not_28x28_is_refused(tmp_path: Path) -> None:
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((2, 20, 20), dtype=np.uint8))
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(2, dtype=np.uint8))
    with pytest.raises(ValueError, match=r"images must be 28x28 MNIST digits, got \(20, 20\)"):
        create_app(ServerConfig(mnist_dir=tmp_path))
