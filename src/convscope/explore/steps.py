"""One forward pass kept layer by layer: every layer's input and output, its kind and its geometry.

The network view draws the outputs (``layer_activations``); the unit explanation reads a layer's input
(``convscope.explore.unit``); the receptive field walks the geometry backwards
(``convscope.explore.field``). All three start from ``run_layers``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from convscope.geometry import Window, resolve_padding
from convscope.nn import (
    AvgPool2d,
    Conv2d,
    Flatten,
    Layer,
    Linear,
    MaxPool2d,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
    prepare_input,
)
from convscope.nn.layers import FloatArray
from convscope.records import LayerSummary, LayerValues

# What the page calls each layer type; "fc" is the name LeNet's paper gives fully connected layers.
KINDS: dict[type[Layer], str] = {
    Conv2d: "conv",
    MaxPool2d: "pool",
    AvgPool2d: "pool",
    ReLU: "relu",
    Tanh: "tanh",
    Sigmoid: "sigmoid",
    Flatten: "flatten",
    Linear: "fc",
    Softmax: "softmax",
}


@dataclass(frozen=True, eq=False)
class Step:
    """One layer of one forward pass, for a single image (the batch axis dropped).

    ``input`` and ``output`` are (C, H, W) for spatial layers and (F,) for vectors.
    """

    name: str
    layer: Layer
    kind: str
    input: FloatArray
    output: FloatArray


def layer_kind(layer: Layer) -> str:
    """The page's name for a layer type: ``"conv"``, ``"pool"``, ``"relu"``, ``"fc"``, ``"softmax"``, ...

    Examples
    --------
    >>> layer_kind(Flatten())
    'flatten'
    """
    for cls, kind in KINDS.items():
        if type(layer) is cls:
            return kind
    raise TypeError(f"the network view does not know layers of type {type(layer).__name__}")


def layer_window(layer: Layer, input_size: Sequence[int]) -> Window:
    """The windows of a Conv2d, MaxPool2d or AvgPool2d layer over its (H, W) input.

    Output row r reads input rows ``r*stride - top + i*dilation`` (`convscope.geometry.AxisWindow.taps`);
    the padding holds zeros, or -inf for a max pool.

    Examples
    --------
    >>> layer_window(MaxPool2d(2), (28, 28)).output_size
    (14, 14)
    """
    # A layer checked its settings when it was built; only "valid" and "same" need resolving.
    if isinstance(layer, Conv2d):
        k, s, d = layer.kernel_size, layer.stride, layer.dilation
        return Window.of(input_size, k, s, resolve_padding(layer.padding, k, s, d), d)
    if isinstance(layer, MaxPool2d):
        return Window.of(input_size, layer.kernel_size, layer.stride, layer.padding, layer.dilation)
    if isinstance(layer, AvgPool2d):
        return Window.of(input_size, layer.kernel_size, layer.stride, layer.padding)
    raise TypeError(f"{type(layer).__name__} has no window geometry")


def run_layers(model: Sequential, image: Any) -> list[Step]:
    """Forward one image through ``model``, keeping every layer's input and output.

    Parameters
    ----------
    model : the network
    image : one input, (H, W) or (C, H, W), as ``convscope.nn.prepare_input`` takes (smaller images
        are zero-padded to the model's input, e.g. a 28x28 digit to 32x32)

    Returns
    -------
    list of Step, one per layer, in order

    Examples
    --------
    >>> from convscope.nn import lenet
    >>> steps = run_layers(lenet(rng=np.random.default_rng(0)), np.zeros((32, 32)))
    >>> [(s.name, s.output.shape) for s in steps][:3]
    [('conv1', (6, 28, 28)), ('relu1', (6, 28, 28)), ('pool1', (6, 14, 14))]
    """
    arr = np.asarray(image)
    if arr.ndim not in (2, 3):
        raise ValueError(f"image must be one input, (H, W) or (C, H, W), got shape {arr.shape}")
    x = prepare_input(arr[None] if arr.ndim == 3 else arr, model.input_shape)  # (1, C, H, W)
    steps = []
    for name, layer in model:
        out = layer.forward(x)
        steps.append(Step(name, layer, layer_kind(layer), x[0], out[0]))
        x = out
    return steps


def layer_activations(steps: list[Step], decimals: int | None = 5) -> list[LayerValues]:
    """Every layer's output, JSON-ready: ``{"name", "kind", "shape", "values"}``.

    ``values`` is a nested list of the output's shape ((C, H, W) or (F,)). Rounding to ``decimals``
    keeps the JSON short (the page shows colours, not the 8th digit); None keeps every digit.

    Examples
    --------
    >>> from convscope.nn import lenet
    >>> layers = layer_activations(run_layers(lenet(rng=np.random.default_rng(0)), np.zeros((28, 28))))
    >>> layers[-1]["name"], layers[-1]["shape"]
    ('softmax', [10])
    """
    return [
        {
            "name": step.name,
            "kind": step.kind,
            "shape": list(step.output.shape),
            "values": _rounded(step.output, decimals).tolist(),
        }
        for step in steps
    ]


def describe_layers(model: Sequential) -> list[LayerSummary]:
    """Each layer's name, kind, output shape (one input, no batch axis) and number of parameters.

    Examples
    --------
    >>> from convscope.nn import lenet
    >>> describe_layers(lenet(rng=np.random.default_rng(0)))[0]
    {'name': 'conv1', 'kind': 'conv', 'shape': [6, 28, 28], 'params': 156}
    """
    steps = run_layers(model, np.zeros(model.input_shape, dtype=np.float32))
    return [
        {
            "name": step.name,
            "kind": step.kind,
            "shape": list(step.output.shape),
            "params": sum(int(p.data.size) for p in step.layer.parameters().values()),
        }
        for step in steps
    ]


def _rounded(values: FloatArray, decimals: int | None) -> np.ndarray:
    """float64 values, rounded when asked (float32's tolist would print 17 digits of noise)."""
    wide = values.astype(np.float64)
    return wide if decimals is None else np.round(wide, decimals)
