"""The Layers page: a convolution layer with depth, then an activation, then pooling four ways.

An input volume (C, H, W) meets F filters, each (C, k, k): each filter's output map is the sum over the
C channels of one 2-D cross-correlation each, plus the filter's bias (the dot product across depth). The
page shows that sum for one unit, channel by channel, then one filter's map through an activation and
through max, average, sum and L2 pooling. Every number comes from `convscope.ops`, which the tests hold
to PyTorch; this module only arranges them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from convscope import ops
from convscope.arithmetic import explain_convolution
from convscope.data import DigitSource
from convscope.errors import SettingError
from convscope.geometry import Window, as_window
from convscope.lessons.layers_filters import FilterBank, named_bank, random_bank
from convscope.lessons.layers_input import InputVolume, layers_input
from convscope.lessons.layers_pooling import (
    MAX_POOL_KERNEL_SIZE,
    MAX_POOL_PADDING,
    MAX_POOL_STRIDE,
    pooling_lesson,
)
from convscope.lessons.layers_records import (
    ActivationName,
    ActivationView,
    DepthTerm,
    DepthUnit,
    LayersFilter,
    LayersLesson,
)

Array = npt.NDArray[np.float64]

MAX_FILTERS = 16
MAX_KERNEL_SIZE = 7  # the named kernels' largest size (convscope.kernels)
MAX_STRIDE = 4
MAX_PADDING = 3
MAX_SEED = 2**32 - 1
CURVE_POINTS = 121
# name -> (label, formula, forward(x, slope), backward(g, x, slope)): the ops, so the curve is theirs too.
_ActivationFn = Callable[[Array, float], Array]
_BackwardFn = Callable[[Array, Array, float], Array]
ACTIVATIONS: dict[ActivationName, tuple[str, str, _ActivationFn, _BackwardFn]] = {
    "relu": ("ReLU", "f(x) = max(0, x)", lambda x, a: ops.relu(x), lambda g, x, a: ops.relu_backward(g, x)),
    "leaky_relu": ("Leaky ReLU", "f(x) = x if x > 0, else a·x", ops.leaky_relu, ops.leaky_relu_backward),
    "tanh": ("tanh", "f(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)", lambda x, a: ops.tanh(x),
             lambda g, x, a: ops.tanh_backward(g, x)),
    "sigmoid": ("Sigmoid", "f(x) = 1 / (1 + e⁻ˣ)", lambda x, a: ops.sigmoid(x),
                lambda g, x, a: ops.sigmoid_backward(g, x)),
}


@dataclass(frozen=True)
class LayerSetting:
    """One Layers page setting; each field is checked on creation (a `SettingError` names it)."""

    input: str = "shapes"  # a name from layers_input.INPUT_NAMES
    digit: int = 3  # the MNIST class and example, for input "digit"
    index: int = 0
    filters: int = 4  # F, 1..MAX_FILTERS
    kernel_size: int = 3  # k, each filter is (C, k, k)
    stride: int = 1
    padding: int = 1  # zeros on each side
    init: Literal["named", "random"] = "named"
    seed: int = 0  # the random bank's generator seed
    unit: tuple[int, int, int] | None = None  # (filter, row, col) to explain; None: filter 0's peak
    activation: ActivationName = "relu"
    negative_slope: float = 0.01  # leaky ReLU's slope below 0
    pool_kernel_size: int = 2
    pool_stride: int = 2
    pool_padding: int = 0  # at most pool_kernel_size // 2

    def __post_init__(self) -> None:
        bounds = {"filters": (1, MAX_FILTERS), "kernel_size": (1, MAX_KERNEL_SIZE), "stride": (1, MAX_STRIDE),
                  "padding": (0, MAX_PADDING), "seed": (0, MAX_SEED),
                  "pool_kernel_size": (1, MAX_POOL_KERNEL_SIZE), "pool_stride": (1, MAX_POOL_STRIDE),
                  "pool_padding": (0, MAX_POOL_PADDING)}
        for name, (low, high) in bounds.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise SettingError(name, f"must be a whole number from {low} to {high} (got {value!r})")
        if self.init not in ("named", "random"):
            raise SettingError("init", f'must be "named" or "random" (got {self.init!r})')
        if self.activation not in ACTIVATIONS:
            names = ", ".join(ACTIVATIONS)
            raise SettingError("activation", f"must be one of {names} (got {self.activation!r})")
        slope = self.negative_slope
        if isinstance(slope, bool) or not isinstance(slope, (int, float)) or not 0 <= slope <= 1:
            raise SettingError("negative_slope", f"must be a number from 0 to 1 (got {self.negative_slope})")


def filter_bank(setting: LayerSetting, volume: InputVolume) -> FilterBank:
    """The setting's filters for this input: named ones, or random ones from ``default_rng(seed)``."""
    if setting.init == "named":
        return named_bank(volume.channel_names, setting.kernel_size, setting.filters)
    rng = np.random.default_rng(setting.seed)
    return random_bank(len(volume.channel_names), setting.kernel_size, setting.filters, rng)


def _conv_window(size: tuple[int, int], setting: LayerSetting) -> Window:
    """The checked convolution window; a kernel larger than the padded input names ``kernel_size``."""
    win = as_window(size, setting.kernel_size, setting.stride, setting.padding, named_padding=False)
    for axis, along in zip(("height", "width"), win.axes, strict=True):
        if not along.fits:
            raise SettingError("kernel_size", along.misfit_message(axis))
    return win


def _chosen_unit(unit: tuple[int, int, int] | None, out: Array, win: Window) -> tuple[int, int, int]:
    """The unit to explain, checked against the output volume (F, oH, oW).

    By default filter 0's strongest response (largest |value|, first in row-major order) among the units
    whose window reads no padding, if any does: a unit where the picture does something, rather than a
    flat region that sums to 0 or an edge that the zero padding makes up.
    """
    if unit is None:
        strength = np.abs(out[0])  # (oH, oW)
        height, width = (np.all(axis.reads_input(), axis=1) for axis in win.axes)  # (oH,), (oW,)
        inside = np.outer(height, width)  # (oH, oW): True for windows that read no padding
        if inside.any():
            strength = np.where(inside, strength, -1.0)
        row, col = np.unravel_index(int(np.argmax(strength)), out.shape[1:])
        return 0, int(row), int(col)
    f, h, w = out.shape
    if not all(0 <= u < n for u, n in zip(unit, out.shape, strict=True)):
        raise SettingError("unit", f"must be [filter 0..{f - 1}, row 0..{h - 1}, col 0..{w - 1}] for this "
                           f"{f}×{h}×{w} output (got {list(unit)})")
    return unit


def depth_unit(x: Array, bank: FilterBank, win: Window, unit: tuple[int, int, int],
               channel_names: tuple[str, ...]) -> DepthUnit:
    """One output unit as the sum over channels of patch·slice, plus the bias (x: (C, H, W)).

    Each channel's sum is ``ops.conv2d`` of that channel alone with that slice alone, read at the unit;
    the value is the full ``ops.conv2d`` there; the tests check they add up, and match PyTorch.
    """
    f, row, col = unit
    s, p = win.stride, win.padding[0][0]
    padded = np.pad(x, ((0, 0), (p, p), (p, p)))  # (C, H + 2p, W + 2p)
    rows, cols = win.window_index((row, col))
    inside = np.zeros(padded.shape[1:], dtype=bool)
    inside[p:p + x.shape[1], p:p + x.shape[2]] = True
    terms: list[DepthTerm] = []
    for c, name in enumerate(channel_names):
        patch, weights = padded[c, rows, cols], bank.weights[f, c]  # (k, k) each
        alone = ops.conv2d(x[None, c:c + 1], bank.weights[f:f + 1, c:c + 1], None, s, p)  # (1, 1, oH, oW)
        terms.append({"channel": name, "patch": patch.tolist(), "weights": weights.tolist(),
                      "products": (patch * weights).tolist(), "sum": float(alone[0, 0, row, col])})
    value = ops.conv2d(x[None], bank.weights[f:f + 1], bank.bias[f:f + 1], s, p)[0, 0, row, col]
    bias = float(bank.bias[f])
    return {"filter": f, "row": row, "col": col, "top_left": [rows.start, cols.start],
            "padding": (~inside[rows, cols]).tolist(), "terms": terms, "bias": bias,
            "total": float(sum(t["sum"] for t in terms) + bias), "value": float(value)}


def activation_view(before: Array, name: ActivationName, negative_slope: float) -> ActivationView:
    """One map before and after the activation, and the function with its slope over the map's range.

    Examples
    --------
    >>> view = activation_view(np.array([[-1.0, 2.0]]), "leaky_relu", 0.1)
    >>> view["after"], view["curve"]["slope"][0]
    ([[-0.1, 2.0]], 0.1)
    """
    label, formula, forward, backward = ACTIVATIONS[name]
    lo, hi = min(-3.0, float(before.min())), max(3.0, float(before.max()))
    x = np.linspace(lo, hi, CURVE_POINTS)
    return {"name": name, "label": label, "formula": formula, "negative_slope": negative_slope,
            "before": before.tolist(), "after": forward(before, negative_slope).tolist(),
            "curve": {"x": x.tolist(), "y": forward(x, negative_slope).tolist(),
                      "slope": backward(np.ones_like(x), x, negative_slope).tolist()}}


def layers_lesson(setting: LayerSetting, source: DigitSource | None = None) -> LayersLesson:
    """Everything the Layers page draws: input, filters, output volume, one unit, activation, pooling.

    Parameters
    ----------
    setting : LayerSetting
    source : where the digits come from (the bundled subset by default)

    Returns
    -------
    LayersLesson

    Raises
    ------
    SettingError
        Naming the field: an unknown input, too many named filters for the kernel size, a kernel larger
        than the padded input, a unit outside the output, a pooling window that does not fit.

    Examples
    --------
    >>> lesson = layers_lesson(LayerSetting(filters=2, kernel_size=3, stride=2, padding=1))
    >>> lesson["output_shape"], lesson["explanation"]["axes"][0]["formula"]
    ([2, 16, 16], 'O = (32 - 3 + 2×1)/2 + 1 = 16.5')
    >>> unit = lesson["unit"]
    >>> round(sum(t["sum"] for t in unit["terms"]) + unit["bias"], 9) == round(unit["value"], 9)
    True
    """
    volume = layers_input(setting.input, source=source, digit=setting.digit, index=setting.index)
    x = volume.values  # (C, H, W)
    win = _conv_window((x.shape[1], x.shape[2]), setting)
    bank = filter_bank(setting, volume)
    out = ops.conv2d(x[None], bank.weights, bank.bias, setting.stride, setting.padding)[0]  # (F, oH, oW)
    f, row, col = _chosen_unit(setting.unit, out, win)
    activation = activation_view(out[f], setting.activation, setting.negative_slope)
    after = np.asarray(activation["after"])  # (oH, oW): the map the poolings read
    filters: list[LayersFilter] = [{"index": i, "label": bank.labels[i], "slices": bank.weights[i].tolist(),
                                    "bias": float(bank.bias[i])} for i in range(setting.filters)]
    return {
        "input": {"name": volume.name, "label": volume.label, "channel_names": list(volume.channel_names),
                  "slices": x.tolist()},
        "init": setting.init, "seed": setting.seed, "filters": filters,
        "explanation": explain_convolution(x.shape[1:], setting.kernel_size, setting.padding, setting.stride),
        "output_shape": list(out.shape), "output": out.tolist(),
        "output_range": [float(out.min()), float(out.max())],
        "unit": depth_unit(x, bank, win, (f, row, col), volume.channel_names),
        "activation": activation,
        "pooling": pooling_lesson(after, setting.pool_kernel_size, setting.pool_stride, setting.pool_padding),
    }
