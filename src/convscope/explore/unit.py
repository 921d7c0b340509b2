"""Explain one unit of a network: what it reads, the rule it applies, and the number it produced.

A convolution unit is a dot product of its weights with the window of inputs under them, plus a bias; a
fully connected unit the same over its whole input vector; a max-pooling unit picks the largest value in
its window (an average-pooling unit takes the mean); ReLU, tanh and sigmoid apply their function to one
input; ``Flatten`` copies one map cell; softmax normalises the exponentials of every logit. Every number
is recomputed here from the layer's input and parameters, in float64, and reported beside the value the
network itself computed (``value``), so the page can show that the two agree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from convscope.explore.field import trace_receptive_field
from convscope.explore.steps import Step, layer_window, run_layers
from convscope.nn import AvgPool2d, Conv2d, Linear, Sequential
from convscope.records import UnitExplanation

_PLURAL = {"channel": "channels", "row": "rows", "column": "columns", "index": "entries"}
RULES = {
    "conv": "value = sum(weights × inputs) + bias",
    "fc": "value = sum(weights × inputs) + bias",
    "relu": "value = max(0, input)",
    "tanh": "value = tanh(input)",
    "sigmoid": "value = 1 / (1 + exp(-input))",
    "flatten": "value = the input cell [channel, row, col] it was laid out from",
    "softmax": "value = exp(input[i]) / sum over j of exp(input[j])",
}


def explain_unit(model: Sequential, image: Any, layer: str, unit: Any) -> UnitExplanation:
    """Everything that went into one unit's value, for one input image.

    Parameters
    ----------
    model : the network
    image : one input as ``convscope.nn.prepare_input`` takes it, e.g. a (32, 32) digit in [0, 1]
    layer : a layer name of ``model`` (``"conv2"``)
    unit : [channel, row, col] in a feature map, or [index] in a vector

    Returns
    -------
    dict, JSON-ready
        Always ``layer``, ``kind``, ``unit``, ``value`` (the network's own output there), ``rule``,
        ``receptive_field`` (``convscope.explore.trace_receptive_field``) and ``shape`` (of the layer's
        output). Then by kind:

        * conv: ``weights`` (C_in, kH, kW), ``inputs`` (same shape: the padded input under the kernel),
          ``products``, ``dot``, ``bias``, ``computed`` = dot + bias, and ``input_channels``,
          ``input_rows``, ``input_cols`` (where the window sits; negative or too large = padding);
        * fc: ``weights`` (F,), ``inputs`` (F,), ``products``, ``dot``, ``bias``, ``computed``;
        * pool: ``mode`` (``"max"`` or ``"avg"``), ``window`` {``rows``, ``cols``, ``values``},
          ``winner`` [row, col] (max; first maximum in row-major order) or ``average`` (avg);
        * relu/tanh/sigmoid: ``inputs`` [x]; flatten: ``inputs`` [x] and ``source`` [c, r, col];
          softmax: ``inputs`` (all logits).

    Raises
    ------
    ValueError
        An unknown layer (the message lists the layers) or a unit out of range (it gives the range).

    Examples
    --------
    >>> from convscope.nn import lenet
    >>> model = lenet(rng=np.random.default_rng(0))
    >>> info = explain_unit(model, np.zeros((32, 32)), "conv1", [0, 3, 4])
    >>> info["kind"], np.shape(info["weights"]), info["receptive_field"]["input"]
    ('conv', (1, 5, 5), [3, 7, 4, 8])
    >>> bool(np.isclose(info["computed"], info["value"]))
    True
    """
    steps = run_layers(model, image)
    names = [step.name for step in steps]
    if layer not in names:
        raise ValueError(f"layer: unknown layer {layer!r}; the layers are {', '.join(names)}")
    index = names.index(layer)
    step = steps[index]
    position = check_unit(step, unit)
    result: UnitExplanation = {
        "layer": layer,
        "kind": step.kind,
        "unit": list(position),
        "shape": list(step.output.shape),
        "value": float(step.output[position]),
        "rule": RULES.get(step.kind, ""),
        "receptive_field": trace_receptive_field(steps, index, position),
    }
    _DETAILS[step.kind](step, position, result)
    return result


def check_unit(step: Step, unit: Any) -> tuple[int, ...]:
    """``unit`` as a tuple of ints inside ``step``'s output, or a ValueError that gives the allowed range."""
    shape = step.output.shape
    axes = ("channel", "row", "column") if len(shape) == 3 else ("index",)
    form = "[channel, row, col]" if len(shape) == 3 else "[index]"
    if not isinstance(unit, (list, tuple)) or len(unit) != len(shape):
        raise ValueError(f"unit: {step.name} has shape {list(shape)}, so unit must be {form} (got {unit!r})")
    for i, (value, size, axis) in enumerate(zip(unit, shape, axes, strict=True)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"unit[{i}]: the {axis} must be an integer (got {value!r})")
        if not 0 <= value < size:
            raise ValueError(
                f"unit[{i}]: {step.name} has {size} {_PLURAL[axis]}, so the {axis} must be 0..{size - 1} "
                f"(got {value})"
            )
    return tuple(int(v) for v in unit)


# Each adds its kind's keys to the unit's record (UnitExplanation lists them all, each NotRequired).


def _conv(step: Step, unit: tuple[int, ...], result: UnitExplanation) -> None:
    """Weights, the padded window under them, products, dot and bias of one output cell."""
    layer = step.layer
    assert isinstance(layer, Conv2d)
    c, r, col = unit
    per_in = layer.in_channels // layer.groups
    channels = np.arange(per_in) + c // (layer.out_channels // layer.groups) * per_in
    rows, cols, inside = _taps(step, r, col)
    inputs = _window(step.input[channels], rows, cols, inside, fill=0.0)  # (C_in/groups, kH, kW)
    weights = layer.weight.data[c].astype(np.float64)  # (C_in/groups, kH, kW)
    bias = 0.0 if layer.bias is None else float(layer.bias.data[c])
    _dot(weights, inputs, bias, result)
    result["input_channels"] = channels.tolist()
    result["input_rows"] = rows.tolist()
    result["input_cols"] = cols.tolist()


def _fc(step: Step, unit: tuple[int, ...], result: UnitExplanation) -> None:
    """Weights, inputs, products, dot and bias of one fully connected unit."""
    layer = step.layer
    assert isinstance(layer, Linear)
    bias = 0.0 if layer.bias is None else float(layer.bias.data[unit[0]])
    _dot(layer.weight.data[unit[0]].astype(np.float64), step.input.astype(np.float64), bias, result)


def _dot(weights: np.ndarray, inputs: np.ndarray, bias: float, result: UnitExplanation) -> None:
    """The dot product spelled out, in float64."""
    products = weights * inputs
    dot = float(products.sum())
    result["weights"] = weights.tolist()
    result["inputs"] = inputs.tolist()
    result["products"] = products.tolist()
    result["dot"], result["bias"], result["computed"] = dot, bias, dot + bias


def _pool(step: Step, unit: tuple[int, ...], result: UnitExplanation) -> None:
    """The window's positions and values, and the winner (max) or the average."""
    c, r, col = unit
    rows, cols, inside = _taps(step, r, col)
    if isinstance(step.layer, AvgPool2d):
        values = _window(step.input[[c]], rows, cols, inside, fill=0.0)[0]  # (kH, kW)
        real = values.size if step.layer.count_include_pad else int(inside.sum())
        result["mode"], result["rule"] = "avg", "value = the window's mean"
        result["winner"], result["average"] = None, float(values.sum() / real)
    else:
        values = _window(step.input[[c]], rows, cols, inside, fill=-np.inf)[0]  # padding never wins
        i, j = np.unravel_index(int(np.argmax(values)), values.shape)
        result["mode"], result["rule"] = "max", "value = the largest input in the window"
        result["winner"], result["average"] = [int(rows[i]), int(cols[j])], None
    shown = [[float(v) if np.isfinite(v) else None for v in row] for row in values]  # JSON has no -inf
    result["window"] = {"rows": rows.tolist(), "cols": cols.tolist(), "values": shown}


def _single(step: Step, unit: tuple[int, ...], result: UnitExplanation) -> None:
    """An element-wise layer reads the one input at its own position."""
    result["inputs"] = [float(step.input[unit])]


def _flatten(step: Step, unit: tuple[int, ...], result: UnitExplanation) -> None:
    """Which map cell this vector entry was laid out from (C-order: channel, then row, then column)."""
    source = [int(i) for i in np.unravel_index(unit[0], step.input.shape)]
    result["inputs"], result["source"] = [float(step.input[tuple(source)])], source


def _softmax(step: Step, unit: tuple[int, ...], result: UnitExplanation) -> None:
    """Every logit: each probability depends on all of them."""
    result["inputs"] = step.input.astype(np.float64).tolist()


def _taps(step: Step, r: int, col: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Input rows (kH,) and columns (kW,) of output (r, col)'s window, and (kH, kW): which are not padding."""
    height, width = layer_window(step.layer, step.input.shape[1:]).axes
    rows, cols = height.taps([r])[0], width.taps([col])[0]
    inside = height.reads_input([r])[0][:, None] & width.reads_input([col])[0][None, :]
    return rows, cols, inside


def _window(
    maps: np.ndarray, rows: np.ndarray, cols: np.ndarray, inside: np.ndarray, fill: float
) -> np.ndarray:
    """maps (C, H, W) read at rows x cols, ``fill`` where ``inside`` (kH, kW) is False -> (C, kH, kW)."""
    safe_r, safe_c = np.clip(rows, 0, maps.shape[1] - 1), np.clip(cols, 0, maps.shape[2] - 1)
    values = maps[:, safe_r[:, None], safe_c[None, :]].astype(np.float64)  # (C, kH, kW)
    return np.where(inside, values, fill)


_DETAILS: dict[str, Callable[[Step, tuple[int, ...], UnitExplanation], None]] = {
    "conv": _conv,
    "fc": _fc,
    "pool": _pool,
    "relu": _single,
    "tanh": _single,
    "sigmoid": _single,
    "flatten": _flatten,
    "softmax": _softmax,
}
