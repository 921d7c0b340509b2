"""What the Layers page draws: a convolution layer with depth, its activation and four poolings.

One ``TypedDict`` per part of the page (a string after a key describes it to ``/openapi.json``); the page
mirrors each as a JSDoc ``@typedef`` of the same name and keys in ``static/js/types-layers.js``.
Grids are row-major lists of rows; volumes are lists of grids, channel (or filter) first, as in NCHW.
"""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

from convscope.records import Explanation, Grid

PoolKind = Literal["max", "avg", "sum", "l2"]
ActivationName = Literal["relu", "leaky_relu", "tanh", "sigmoid"]


class LayersInputChoice(TypedDict):
    """One input the page offers (``GET /api/layers/inputs``)."""

    name: str
    """The key to send as `input`."""
    label: str
    """Short title for a menu."""
    description: str
    """One sentence: what it is and where it comes from."""
    channels: int
    """Its depth C: 3 for a colour image, 1 for an MNIST digit."""
    size: list[int]
    """[H, W]."""


class LayersInput(TypedDict):
    """The input volume the filters slide over: C slices of H x W, values in [0, 1]."""

    name: str
    label: str
    channel_names: list[str]
    """One per slice: ["red", "green", "blue"] or ["ink"]."""
    slices: list[Grid]
    """C grids of H x W."""


class LayersFilter(TypedDict):
    """One filter: as deep as the input, a k x k slice per input channel, and one bias."""

    index: int
    label: str
    """What it is: a named kernel and the channels it reads (\"Sobel x · all channels\"), or \"random\"."""
    slices: list[Grid]
    """C grids of k x k weights, one per input channel."""
    bias: float


class DepthTerm(TypedDict):
    """One input channel's part of an output unit: its patch times the filter's slice, summed."""

    channel: str
    patch: Grid
    """The k x k input values under the window (padding cells are 0)."""
    weights: Grid
    """The filter's k x k slice for this channel."""
    products: Grid
    """patch x weights, elementwise."""
    sum: float
    """This channel's contribution: ``ops.conv2d`` of this channel alone at the unit."""


class DepthUnit(TypedDict):
    """One output unit explained: the dot product across depth, channel by channel, plus the bias."""

    filter: int
    row: int
    col: int
    top_left: list[int]
    """[row, col] of the window's top-left cell in padded-input coordinates (row*stride, col*stride)."""
    padding: list[list[bool]]
    """k x k: True where the window reads a padding cell."""
    terms: list[DepthTerm]
    """One per input channel."""
    bias: float
    total: float
    """sum of the terms' sums + bias."""
    value: float
    """The unit's value in the output volume (``ops.conv2d``); equals `total` up to rounding."""


class ActivationCurve(TypedDict):
    """The activation function and its slope over a range of inputs (the ops' forward and backward)."""

    x: list[float]
    y: list[float]
    slope: list[float]
    """f'(x), from the op's backward pass with a gradient of 1."""


class ActivationView(TypedDict):
    """One filter's map before and after the activation, and the function's curve."""

    name: ActivationName
    label: str
    formula: str
    negative_slope: float
    """Leaky ReLU's slope for negative inputs (used only by leaky_relu)."""
    before: Grid
    """The selected filter's output map, oH x oW."""
    after: Grid
    """f(before), elementwise."""
    curve: ActivationCurve


class PoolingWindow(TypedDict):
    """One pooling window: which output cell it makes and the cells of the map it reads."""

    out: list[int]
    """[row, col] of the pooled output cell."""
    positions: list[list[int]]
    """kH*kW [row, col] positions in the unpadded map, row-major (outside it for padding cells)."""
    padding: list[bool]
    """True where that position is padding."""
    values: list[float]
    """The map's values at the positions (0 for padding)."""


class PoolingKind(TypedDict):
    """One kind of pooling on the map: its output and where the gradient of each output goes back."""

    kind: PoolKind
    label: str
    rule: str
    """How the window becomes one number, and how its gradient is shared on the way back."""
    output: Grid
    """Pooled map, pH x pW."""
    shares: list[list[float]]
    """Per window (as in `windows`), the gradient each of its positions gets when that one output's
    gradient is 1: the op's backward pass with a one-hot gradient."""
    gradient: Grid
    """The gradient at the map when every pooled output's gradient is 1 (backward of ones), oH x oW."""


class PoolingLesson(TypedDict):
    """Max, average, sum and L2 pooling side by side on the same activated map."""

    kernel_size: int
    stride: int
    padding: int
    explanation: Explanation
    """The pooling's arithmetic on the map (the same formula as a convolution's)."""
    windows: list[PoolingWindow]
    """One per pooled output cell, row-major."""
    kinds: list[PoolingKind]
    """max, avg, sum, l2 in that order."""


class LayersLesson(TypedDict):
    """Everything the Layers page draws for one setting."""

    input: LayersInput
    init: Literal["named", "random"]
    seed: int
    filters: list[LayersFilter]
    explanation: Explanation
    """The convolution's arithmetic on one input slice, with the formula filled in."""
    output_shape: list[int]
    """[filters, oH, oW]: one map per filter."""
    output: list[Grid]
    """The output volume before the activation, filter by filter."""
    output_range: list[float]
    """[min, max] over the whole volume."""
    unit: DepthUnit
    activation: ActivationView
    pooling: PoolingLesson
