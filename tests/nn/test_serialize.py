"""save/load: a round trip keeps every prediction; a bad file is refused with a ValueError naming it."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from convscope.nn import (
    AvgPool2d,
    Conv2d,
    Flatten,
    Linear,
    Sequential,
    Sigmoid,
    architecture,
    lenet,
    load,
    save,
)
from convscope.nn.serialize import ARCHITECTURE_KEY


@pytest.fixture
def model() -> Sequential:
    return lenet(rng=np.random.default_rng(3))


@pytest.fixture
def saved(model: Sequential, tmp_path: Path) -> Path:
    path = tmp_path / "model.npz"
    save(model, path)
    return path


def _arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def _write(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    with open(path, "wb") as f:
        np.savez(f, **arrays)  # type: ignore[arg-type]
    return path


def test_round_trip_gives_identical_predictions(
    model: Sequential, saved: Path, rng: np.random.Generator
) -> None:
    again = load(saved)
    images = rng.integers(0, 256, size=(5, 28, 28)).astype(np.uint8)
    np.testing.assert_array_equal(again.predict(images), model.predict(images))
    assert architecture(again) == architecture(model)
    for name, p in again.parameters().items():
        assert p.data.dtype == model.parameters()[name].data.dtype
        assert p.grad.shape == p.data.shape


def test_the_exact_path_is_used_even_without_npz_suffix(model: Sequential, tmp_path: Path) -> None:
    path = tmp_path / "weights.bin"
    save(model, path)
    assert path.is_file()
    assert not (tmp_path / "weights.bin.npz").exists()
    assert [n for n, _ in load(path)] == [n for n, _ in model]


def test_every_layer_type_round_trips(tmp_path: Path, rng: np.random.Generator) -> None:
    model = Sequential(
        [
            ("conv", Conv2d(2, 4, (3, 2), padding="same", groups=2, bias=False, rng=rng)),
            ("act", Sigmoid()),
            ("avg", AvgPool2d(2, padding=1, count_include_pad=False)),
            ("flat", Flatten()),
            ("fc", Linear(4 * 5 * 3, 3, rng=rng, dtype=np.float64)),
        ],
        input_shape=(2, 8, 4),
    )
    save(model, tmp_path / "m.npz")
    again = load(tmp_path / "m.npz")
    x = rng.random((2, 2, 8, 4), dtype=np.float32)
    np.testing.assert_array_equal(again.forward(x), model.forward(x))
    assert again.input_shape == (2, 8, 4)
    assert architecture(again) == architecture(model)


def test_the_file_holds_json_and_numbers_only(saved: Path) -> None:
    arrays = _arrays(saved)
    arch = json.loads(str(arrays.pop(ARCHITECTURE_KEY)))
    assert arch["format"] == "convscope.nn.Sequential"
    assert [layer["name"] for layer in arch["layers"]][:3] == ["conv1", "relu1", "pool1"]
    assert all(a.dtype == np.float32 for a in arrays.values())


def test_random_bytes_are_refused(tmp_path: Path, rng: np.random.Generator) -> None:
    path = tmp_path / "noise.npz"
    path.write_bytes(rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with pytest.raises(ValueError, match=rf"{path}: not a readable .npz file"):
        load(path)


def test_a_truncated_file_is_refused(saved: Path) -> None:
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=rf"{saved}: not a readable .npz file"):
        load(saved)


def test_a_corrupted_member_is_refused(saved: Path) -> None:
    data = bytearray(saved.read_bytes())
    data[200:260] = bytes(60)  # inside the first compressed member
    saved.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=rf"{saved}: not a readable .npz file"):
        load(saved)


def test_a_pickled_object_array_is_refused_without_running_it(saved: Path) -> None:
    arrays = _arrays(saved)
    arrays["conv1.weight"] = np.array([{"surprise": 1}], dtype=object)
    _write(saved, arrays)
    with pytest.raises(ValueError, match=rf"{saved}: refuses to load an object \(pickled\) array"):
        load(saved)


def test_an_npz_that_is_not_ours_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "other.npz", {"images": np.zeros((2, 2))})
    with pytest.raises(ValueError, match=rf"{path}: not a convscope model file \(no '__architecture__'"):
        load(path)


def test_an_npy_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "array.npy"
    np.save(path, np.zeros(3))
    with pytest.raises(ValueError, match=rf"{path}: not a convscope model file \(a single .npy array"):
        load(path)


def test_wrong_shapes_are_refused(saved: Path) -> None:
    arrays = _arrays(saved)
    arrays["fc1.weight"] = np.zeros((120, 399), dtype=np.float32)
    _write(saved, arrays)
    with pytest.raises(
        ValueError, match=r"fc1.weight has shape \(120, 399\), the architecture needs \(120, 400\)"
    ):
        load(saved)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.pop("conv2.bias"), r"missing \['conv2.bias'\], extra \[\]"),
        (lambda a: a.update(extra=np.zeros(2)), r"missing \[\], extra \['extra'\]"),
        (
            lambda a: a.update(**{"fc3.bias": np.zeros(10, dtype=np.int32)}),
            r"fc3.bias must hold finite floating",
        ),
        (lambda a: a.update(**{"fc3.bias": np.full(10, np.nan)}), r"fc3.bias must hold finite floating"),
    ],
)
def test_missing_extra_or_non_numeric_arrays_are_refused(saved: Path, change: object, message: str) -> None:
    arrays = _arrays(saved)
    change(arrays)  # type: ignore[operator]
    _write(saved, arrays)
    with pytest.raises(ValueError, match=rf"{saved}: .*{message}"):
        load(saved)


def _with_architecture(saved: Path, edit: object) -> None:
    """Rewrite the architecture JSON through ``edit`` (a function of the parsed dict, or returning text)."""
    arrays = _arrays(saved)
    arch = json.loads(str(arrays[ARCHITECTURE_KEY]))
    result = edit(arch)  # type: ignore[operator]
    arrays[ARCHITECTURE_KEY] = np.array(result if isinstance(result, str) else json.dumps(arch))
    _write(saved, arrays)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda a: "{not json", r"is not valid JSON"),
        (lambda a: a.update(format="keras"), r"not a convscope model file \(format is not"),
        (lambda a: a.update(version=99), r"unsupported version 99"),
        (lambda a: a.update(layers={}), r"needs a 'layers' list"),
        (lambda a: a["layers"][0].update(type="Exec"), r"unknown layer type 'Exec'"),
        (
            lambda a: a["layers"][0]["config"].update(kernel_size=0),
            r"invalid architecture: kernel_size must be >= 1",
        ),
        (lambda a: a["layers"][0]["config"].update(code="x"), r"invalid architecture: .*unexpected keyword"),
        (lambda a: a["layers"][1].update(name="conv1"), r"invalid architecture: layer names must be unique"),
    ],
)
def test_a_bad_architecture_is_refused(saved: Path, edit: object, message: str) -> None:
    _with_architecture(saved, edit)
    with pytest.raises(ValueError, match=rf"{saved}: .*{message}"):
        load(saved)


def test_an_architecture_that_is_not_a_string_is_refused(saved: Path) -> None:
    arrays = _arrays(saved)
    arrays[ARCHITECTURE_KEY] = np.zeros(3)
    _write(saved, arrays)
    with pytest.raises(ValueError, match=r"'__architecture__' must be a JSON string"):
        load(saved)


def test_a_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nowhere.npz")


def test_an_empty_zip_is_not_ours(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w"):
        pass
    path = tmp_path / "empty.npz"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(ValueError, match=rf"{path}: not a convscope model file"):
        load(path)
