"""A network is a ``Sequential`` of named layers; ``lenet()`` builds the LeNet-5 the app explores.

Read top-down: ``prepare_input`` (digits -> network input), ``Sequential`` (forward, every layer's
activation for the network view, backward, parameters, ``predict``), then ``lenet``.

The LeNet ends in a ``Softmax`` layer, so its output and the last activation the network view shows are
class probabilities. Training with cross-entropy uses the logits before it (``model[:-1]``), as
``F.cross_entropy`` does, which is the numerically stable way (see ``convscope.train``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from convscope._validate import check_int
from convscope.nn.conv_layers import Conv2d, MaxPool2d
from convscope.nn.layers import Flatten, FloatArray, Layer, Linear, Parameter, ReLU, Sigmoid, Softmax, Tanh
from convscope.ops.activations import softmax

ACTIVATIONS: dict[str, type[Layer]] = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}


def prepare_input(images: Any, input_shape: tuple[int, int, int] = (1, 32, 32)) -> FloatArray:
    """MNIST-style digits -> a float32 batch (N, C, H, W) in [0, 1], zero-padded to ``input_shape``.

    This is the preprocessing of ``Sequential.predict`` and of the network view: uint8 pixels are divided
    by 255, floats must already lie in [0, 1]; a 28x28 digit gets 2 pixels of zeros on every side so that
    LeNet's 32x32 input has a border for the 5x5 kernels (as in LeCun et al., 1998).

    Parameters
    ----------
    images : (H, W), (N, H, W) or (N, C, H, W); uint8 in [0, 255] or floats in [0, 1]
    input_shape : (C, H, W) the network takes; images no larger than (H, W)

    Examples
    --------
    >>> prepare_input(np.full((28, 28), 255, dtype=np.uint8)).shape
    (1, 1, 32, 32)
    """
    try:
        arr = np.asarray(images)
    except ValueError:  # ragged nested lists
        raise ValueError("images must be a rectangular array of numbers (rows of equal length)") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"images must be an array of numbers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"images must be real, got dtype {arr.dtype}")
    if arr.size == 0:
        raise ValueError(f"images must not be empty, got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.integer):
        if arr.size and (arr.min() < 0 or arr.max() > 255):
            raise ValueError("integer images must hold pixels in [0, 255]")
        arr = arr.astype(np.float32) / np.float32(255)
    else:
        arr = arr.astype(np.float32)
        if not np.all(np.isfinite(arr)) or (arr.size and (arr.min() < 0 or arr.max() > 1)):
            raise ValueError(
                "float images must hold finite values in [0, 1] (uint8 images are scaled by 1/255)"
            )
    if arr.ndim in (2, 3):
        arr = arr.reshape((-1, 1, *arr.shape[-2:]))  # (N, 1, H, W)
    if arr.ndim != 4 or arr.shape[1] != input_shape[0]:
        raise ValueError(
            f"images must be (H, W), (N, H, W) or (N, {input_shape[0]}, H, W), got shape {np.shape(images)}"
        )
    extra_h, extra_w = input_shape[1] - arr.shape[2], input_shape[2] - arr.shape[3]
    if extra_h < 0 or extra_w < 0:
        raise ValueError(f"images of {arr.shape[2]}x{arr.shape[3]} do not fit the {input_shape[1:]} input")
    pad = ((0, 0), (0, 0), (extra_h // 2, extra_h - extra_h // 2), (extra_w // 2, extra_w - extra_w // 2))
    return np.pad(arr, pad)  # (N, C, H_in, W_in)


class Sequential:
    """Layers applied one after another, each with a stable name (``"conv1"``, ``"relu1"``, ...).

    Parameters
    ----------
    layers : (name, layer) pairs in order; names unique, without dots (``"conv1.weight"`` names a
        parameter)
    input_shape : (C, H, W) of one network input; used by ``predict`` to pad smaller images

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> model = Sequential([("fc", Linear(4, 3, rng=rng)), ("softmax", Softmax())], input_shape=(1, 2, 2))
    >>> model.forward(np.ones((5, 4), dtype=np.float32)).shape
    (5, 3)
    >>> [name for name, _ in model.activations(np.ones((1, 4), dtype=np.float32))]
    ['fc', 'softmax']
    """

    def __init__(self, layers: Sequence[tuple[str, Layer]], input_shape: tuple[int, int, int]) -> None:
        names = [name for name, _ in layers]
        for name, layer in layers:
            if not isinstance(name, str) or not name or "." in name:
                raise ValueError(f"layer names must be non-empty strings without dots, got {name!r}")
            if not isinstance(layer, Layer):
                raise TypeError(f"layer {name!r} must be a convscope.nn Layer, got {type(layer).__name__}")
        if len(set(names)) != len(names):
            raise ValueError(f"layer names must be unique, got {names}")
        if len(input_shape) != 3:
            raise ValueError(f"input_shape must be (C, H, W), got {input_shape}")
        self.layers = list(layers)
        self.input_shape: tuple[int, int, int] = tuple(  # type: ignore[assignment]
            check_int(s, "input_shape", minimum=1) for s in input_shape
        )

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[tuple[str, Layer]]:
        return iter(self.layers)

    @overload
    def __getitem__(self, key: str | int) -> Layer: ...
    @overload
    def __getitem__(self, key: slice) -> Sequential: ...
    def __getitem__(self, key: str | int | slice) -> Layer | Sequential:
        """A layer by name or position; a slice is a ``Sequential`` sharing the same layer objects."""
        if isinstance(key, slice):
            return Sequential(self.layers[key], self.input_shape)
        if isinstance(key, str):
            for name, layer in self.layers:
                if name == key:
                    return layer
            raise KeyError(f"no layer named {key!r}; the layers are {[n for n, _ in self.layers]}")
        return self.layers[key][1]

    def __repr__(self) -> str:
        body = "".join(f"\n  ({name}): {layer!r}" for name, layer in self.layers)
        return f"Sequential(input_shape={self.input_shape},{body}\n)"

    def forward(self, x: FloatArray) -> FloatArray:
        """The network's output for a batch x (N, C, H, W); each layer caches what backward needs."""
        for _, layer in self.layers:
            x = layer.forward(x)
        return x

    def activations(self, x: FloatArray) -> list[tuple[str, FloatArray]]:
        """Every layer's output for x, in order, as (name, array) pairs: what the network view draws.

        The input itself is not included; the last pair is the network's output.
        """
        result = []
        for name, layer in self.layers:
            x = layer.forward(x)
            result.append((name, x))
        return result

    def backward(self, grad_output: FloatArray) -> FloatArray:
        """Back-propagate dL/d(output) through every layer; fills each parameter's grad, returns dL/dx."""
        for _, layer in reversed(self.layers):
            grad_output = layer.backward(grad_output)
        return grad_output

    def backward_parameters(self, grad_output: FloatArray) -> None:
        """Like ``backward``, for training: fill every parameter's grad, compute no gradient nobody needs.

        Layers before the first one with parameters, and that layer's dL/dx, only matter for dL/dx of
        the input, which training never uses.
        """
        first = next((i for i, (_, layer) in enumerate(self.layers) if layer.parameters()), len(self.layers))
        for _, layer in reversed(self.layers[first + 1 :]):
            grad_output = layer.backward(grad_output)
        if first < len(self.layers):
            self.layers[first][1].backward_parameters(grad_output)

    def parameters(self) -> dict[str, Parameter]:
        """Every trainable parameter, named ``"<layer>.<parameter>"`` (``"conv1.weight"``), in order."""
        return {
            f"{name}.{pname}": param
            for name, layer in self.layers
            for pname, param in layer.parameters().items()
        }

    def predict(self, images: Any, batch_size: int = 1000) -> FloatArray:
        """Class probabilities (N, classes) for MNIST-style digits (see ``prepare_input``).

        Softmax is applied here if the network does not end in a ``Softmax`` layer.
        """
        x = prepare_input(images, self.input_shape)
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        out = np.concatenate(
            [self.forward(x[i : i + batch_size]) for i in range(0, max(len(x), 1), batch_size)]
        )
        return out if self.layers[-1][1].is_softmax else softmax(out, dim=-1)


def lenet(
    conv1_channels: int = 6,
    conv2_channels: int = 16,
    kernel_size: int = 5,
    fc: Sequence[int] = (120, 100),
    activation: str = "relu",
    *,
    rng: np.random.Generator,
    dtype: npt.DTypeLike = np.float32,
) -> Sequential:
    """LeNet-5 for 32x32 digits: two conv + pool stages, fully connected layers, softmax over 10 classes.

    conv1 (6@5x5) -> relu1 -> pool1 (2x2 max, stride 2) -> conv2 (16@5x5) -> relu2 -> pool2 -> flatten
    -> fc1 (120) -> relu3 -> fc2 (100) -> relu4 -> fc3 (10) -> softmax. The activation names follow
    ``activation`` (``tanh1``, ...). Parameters start as PyTorch's (``convscope.nn.init``).

    Parameters
    ----------
    conv1_channels, conv2_channels : feature maps of the two convolutions
    kernel_size : side of both convolutions' square kernels (odd, 1..9)
    fc : widths of the hidden fully connected layers
    activation : ``"relu"``, ``"tanh"`` or ``"sigmoid"``
    rng : random generator for the initial parameters
    dtype : dtype of the parameters

    Examples
    --------
    >>> model = lenet(rng=np.random.default_rng(0))
    >>> model.forward(np.zeros((2, 1, 32, 32), dtype=np.float32)).shape
    (2, 10)
    >>> [name for name, _ in model][:4]
    ['conv1', 'relu1', 'pool1', 'conv2']
    """
    c1 = check_int(conv1_channels, "conv1_channels", minimum=1)
    c2 = check_int(conv2_channels, "conv2_channels", minimum=1)
    k = check_int(kernel_size, "kernel_size", minimum=1, maximum=9)
    widths = [check_int(w, "fc", minimum=1) for w in fc]
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    act = ACTIVATIONS[activation]
    side = ((32 - k + 1) // 2 - k + 1) // 2  # after conv1, pool1, conv2, pool2 (stride 1, no padding)
    layers: list[tuple[str, Layer]] = [
        ("conv1", Conv2d(1, c1, k, rng=rng, dtype=dtype)),
        (f"{activation}1", act()),
        ("pool1", MaxPool2d(2, stride=2)),
        ("conv2", Conv2d(c1, c2, k, rng=rng, dtype=dtype)),
        (f"{activation}2", act()),
        ("pool2", MaxPool2d(2, stride=2)),
        ("flatten", Flatten()),
    ]
    sizes = [c2 * side * side, *widths]  # flatten gives (N, c2*side*side)
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes), start=1):
        layers += [(f"fc{i}", Linear(n_in, n_out, rng=rng, dtype=dtype)), (f"{activation}{i + 2}", act())]
    layers += [(f"fc{len(sizes)}", Linear(sizes[-1], 10, rng=rng, dtype=dtype)), ("softmax", Softmax())]
    return Sequential(layers, input_shape=(1, 32, 32))
