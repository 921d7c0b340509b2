"""Save a ``Sequential`` to ``.npz`` and load it back, without ever running code from the file.

The file holds one array per parameter (``"conv1.weight"``, ...) plus ``"__architecture__"``: a JSON
string naming each layer's type and constructor arguments. Loading uses ``allow_pickle=False``, so a file
from elsewhere cannot execute anything, and rebuilds layers only from the types listed in ``LAYER_TYPES``.
Anything wrong with a file (not a zip, truncated, a pickled array, unknown layer, missing or extra
arrays, a wrong shape) is a ``ValueError`` that names the file and says what is wrong.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from typing import Any

import numpy as np

from convscope.nn.conv_layers import AvgPool2d, Conv2d, MaxPool2d
from convscope.nn.layers import Flatten, FloatArray, Layer, Linear, ReLU, Sigmoid, Softmax, Tanh
from convscope.nn.model import Sequential

FORMAT = "convscope.nn.Sequential"
VERSION = 1
ARCHITECTURE_KEY = "__architecture__"
LAYER_TYPES: dict[str, type[Layer]] = {
    cls.__name__: cls for cls in (Conv2d, MaxPool2d, AvgPool2d, ReLU, Tanh, Sigmoid, Flatten, Linear, Softmax)
}


def architecture(model: Sequential) -> dict[str, Any]:
    """The model's structure, JSON-ready: input shape and each layer's name, type and arguments.

    Examples
    --------
    >>> from convscope.nn.model import lenet
    >>> arch = architecture(lenet(rng=np.random.default_rng(0)))
    >>> arch["layers"][0]["name"], arch["layers"][0]["type"], arch["layers"][0]["config"]["out_channels"]
    ('conv1', 'Conv2d', 6)
    """
    return {
        "format": FORMAT,
        "version": VERSION,
        "input_shape": list(model.input_shape),
        "layers": [
            {"name": name, "type": type(layer).__name__, "config": layer.config()} for name, layer in model
        ],
    }


def save(model: Sequential, path: str | os.PathLike[str]) -> None:
    """Write the model's architecture and parameters to ``path`` (a compressed ``.npz``, exactly that name).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from convscope.nn.model import lenet
    >>> model = lenet(rng=np.random.default_rng(0))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "lenet.npz"
    >>> save(model, path)
    >>> x = np.zeros((1, 1, 32, 32), dtype=np.float32)
    >>> bool(np.array_equal(load(path).forward(x), model.forward(x)))
    True
    """
    arrays = {name: p.data for name, p in model.parameters().items()}
    arrays[ARCHITECTURE_KEY] = np.array(json.dumps(architecture(model)))  # 0-d unicode array, no pickle
    with open(path, "wb") as f:  # np.savez would append ".npz" to a name without it
        np.savez_compressed(f, **arrays)  # type: ignore[arg-type]


def load(path: str | os.PathLike[str]) -> Sequential:
    """Rebuild the model saved at ``path``; a ValueError naming the file if it is not a valid one of ours.

    See ``save`` for an example.
    """
    arrays = _read_arrays(path)
    if ARCHITECTURE_KEY not in arrays:
        raise ValueError(f"{path}: not a convscope model file (no {ARCHITECTURE_KEY!r} entry)")
    arch = _parse_architecture(path, arrays.pop(ARCHITECTURE_KEY))
    try:
        model = Sequential(
            [(spec["name"], _build_layer(spec)) for spec in arch["layers"]], tuple(arch["input_shape"])
        )
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"{path}: invalid architecture: {err}") from None
    _fill_parameters(path, model, arrays)
    return model


def _read_arrays(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Every array in the npz (read fully now, so a truncated or pickled entry fails here)."""
    with open(path, "rb") as f:  # a missing file stays a FileNotFoundError
        magic = f.read(6)
    if magic == b"\x93NUMPY":
        raise ValueError(f"{path}: not a convscope model file (a single .npy array, not an .npz archive)")
    if magic[:2] != b"PK":
        raise ValueError(f"{path}: not a readable .npz file (it does not start like a zip archive)")
    try:
        # Our own handle: numpy leaks the one it opens when the archive is corrupt.
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except ValueError as err:
        if "pickle" in str(err):
            raise ValueError(
                f"{path}: refuses to load an object (pickled) array; model files hold numbers"
            ) from None
        raise ValueError(f"{path}: not a readable .npz file ({err})") from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, KeyError) as err:
        raise ValueError(f"{path}: not a readable .npz file (corrupt or truncated: {err})") from None


def _parse_architecture(path: str | os.PathLike[str], raw: np.ndarray) -> dict[str, Any]:
    """The JSON architecture, checked for our format and version."""
    if raw.shape != () or raw.dtype.kind != "U":
        raise ValueError(f"{path}: {ARCHITECTURE_KEY!r} must be a JSON string")
    try:
        arch = json.loads(str(raw))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: {ARCHITECTURE_KEY!r} is not valid JSON ({err})") from None
    if not isinstance(arch, dict) or arch.get("format") != FORMAT:
        raise ValueError(f"{path}: not a convscope model file (format is not {FORMAT!r})")
    if arch.get("version") != VERSION:
        raise ValueError(
            f"{path}: unsupported version {arch.get('version')!r}; this convscope reads {VERSION}"
        )
    if not isinstance(arch.get("layers"), list) or not isinstance(arch.get("input_shape"), list):
        raise ValueError(f"{path}: the architecture needs a 'layers' list and an 'input_shape' list")
    return arch


def _build_layer(spec: Any) -> Layer:
    """A freshly built layer from {"name", "type", "config"}; its parameters are overwritten next."""
    if not isinstance(spec, dict) or not isinstance(spec.get("config"), dict):
        raise ValueError(f"each layer must be an object with 'name', 'type' and 'config', got {spec!r}")
    cls = LAYER_TYPES.get(spec.get("type", ""))
    if cls is None:
        raise ValueError(f"unknown layer type {spec.get('type')!r}; known: {sorted(LAYER_TYPES)}")
    if cls in (Conv2d, Linear):
        # The initial draw is thrown away when the saved parameters are filled in.
        return cls(**spec["config"], rng=np.random.default_rng(0))
    return cls(**spec["config"])


def _fill_parameters(path: str | os.PathLike[str], model: Sequential, arrays: dict[str, np.ndarray]) -> None:
    """Put the saved arrays into the model's parameters, checking names, shapes and values."""
    params = model.parameters()
    missing, extra = sorted(set(params) - set(arrays)), sorted(set(arrays) - set(params))
    if missing or extra:
        raise ValueError(
            f"{path}: parameter arrays do not match the architecture (missing {missing}, extra {extra})"
        )
    for name, param in params.items():
        saved: FloatArray = arrays[name]
        if saved.shape != param.data.shape:
            raise ValueError(
                f"{path}: {name} has shape {saved.shape}, the architecture needs {param.data.shape}"
            )
        if saved.dtype.kind != "f" or not np.all(np.isfinite(saved)):
            raise ValueError(
                f"{path}: {name} must hold finite floating-point numbers, got dtype {saved.dtype}"
            )
        param.data = saved
        param.grad = np.zeros_like(saved)
