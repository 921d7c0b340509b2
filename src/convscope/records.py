"""The JSON-ready records the engine hands out: named, typed shapes instead of ``dict[str, Any]``.

Each is a ``TypedDict``: a plain dict at run time (so it goes to JSON, a notebook or a test as it is),
with every key and type checked by mypy here, described to ``/openapi.json`` by the server, and mirrored
by a JSDoc ``@typedef`` in ``server/static/js/types.js`` on the page's side. A string after a key is
its description (the server turns these into the API's field descriptions).

These are the engine's records (arithmetic, trace, kernels, the network explorer); what a page draws is
built from them in ``convscope.lessons``.
"""

from __future__ import annotations

from typing import Literal, NotRequired

# typing_extensions' TypedDict: pydantic (the server's schema) needs it on Python < 3.12.
from typing_extensions import TypedDict

Grid = list[list[float]]  # rows of numbers, (H, W)


class AxisExplanation(TypedDict):
    """The convolution arithmetic along one axis, with the numbers filled in."""

    axis: Literal["height", "width"]
    input: int
    kernel: int
    effective_kernel: int
    """dilation * (kernel - 1) + 1"""
    padding: int
    stride: int
    dilation: int
    numerator: int
    """input + 2*padding - effective_kernel"""
    exact_output: float
    """numerator / stride + 1, before flooring"""
    output: int | None
    """The floored output size; null when the kernel does not fit."""
    fits: bool
    divisible: bool
    formula: str
    """e.g. "O = (20 - 3 + 2×0)/2 + 1 = 9.5\""""
    dropped: list[int]
    """Padded-coordinate indices no window covers."""


class Suggestion(TypedDict):
    """A nearby valid setting, and what changes to reach it."""

    kernel_size: list[int]
    padding: list[int]
    stride: list[int]
    dilation: list[int]
    output_size: list[int]
    changes: list[str]
    """e.g. ["padding 0 → 1"]"""
    cost: int
    """Size of the change; smaller first."""


class Explanation(TypedDict):
    """Whether a convolution's settings fit, why not, and the nearest ones that do."""

    valid: bool
    """The kernel fits and the windows tile the padded input exactly."""
    fits: bool
    """The (dilated) kernel fits inside the padded input on both axes."""
    divisible: bool
    """(W + 2P - K_eff) is a multiple of S on both axes."""
    input_size: list[int]
    kernel_size: list[int]
    padding: list[int]
    stride: list[int]
    dilation: list[int]
    effective_kernel_size: list[int]
    output_size: list[int] | None
    """[oH, oW] by PyTorch's floor rule; null when the kernel does not fit."""
    formula: str
    """The general formula, e.g. "O = (W - K + 2P)/S + 1"."""
    axes: list[AxisExplanation]
    """[height, width]"""
    reasons: list[str]
    """Plain-English reasons it is invalid; [] when valid."""
    suggestions: list[Suggestion]
    """At most 8 nearby valid settings; [] when valid."""
    summary: str
    """One sentence for the learner: what the settings give, or why they do not fit."""


class TraceStep(TypedDict):
    """One window of a traced convolution: where it sits, what it reads, its products and their sum."""

    out: list[int]
    """[row, col] of the output cell this window computes."""
    positions: list[list[int]]
    """kH*kW [row, col] input positions, padded coordinates, kernel row-major."""
    padding: list[bool]
    """True where that position is a padding cell (value 0)."""
    values: list[float]
    """Input values under the kernel, kernel row-major."""
    products: list[float]
    """value * weight, same order."""
    sum: float
    """The dot product: output[row][col]."""


class LayerField(TypedDict):
    """One layer of a stack (``convscope.receptive_field``): its settings, output size and receptive field."""

    layer: str
    """Its token, e.g. "conv5" or "pool2s2"."""
    kind: str
    """"conv" or "pool"."""
    kernel_size: list[int]
    stride: list[int]
    padding: list[int]
    dilation: list[int]
    output_size: list[int] | None
    """[h, w] by PyTorch's floor rule; null when no input size was given."""
    receptive_field: list[int]
    """[h, w] input pixels one unit sees."""
    jump: list[int]
    """[h, w] input pixels between neighbouring units."""
    start: list[float]
    """[h, w] centre of the first unit's field, in input-pixel coordinates."""


class KernelRecord(TypedDict):
    """A named kernel the playground offers."""

    name: str
    """The value to send as `kernel`."""
    label: str
    """A short human name."""
    description: str
    """What the kernel does to an image."""
    sizes: list[int]
    """The `kernel_size` values this kernel supports."""
    diverging: bool
    """True when weights have both signs: use a diverging colour scale."""


class LayerSummary(TypedDict):
    """One layer of a network: its name, kind, output shape for one input, parameter count."""

    name: str
    kind: str
    """"conv", "relu", "pool", "flatten", "fc" or "softmax" (also "tanh", "sigmoid")."""
    shape: list[int]
    """(C, H, W) for feature maps, (F,) for vectors."""
    params: int


class LayerValues(TypedDict):
    """One layer's output for one image."""

    name: str
    kind: str
    """"conv", "relu", "pool", "flatten", "fc" or "softmax" (also "tanh", "sigmoid")."""
    shape: list[int]
    """(C, H, W) for feature maps, (F,) for vectors."""
    values: list[float] | list[list[list[float]]]
    """Nested lists of that shape, rounded to 5 decimals."""


class FieldRegion(TypedDict):
    """A unit's receptive field at one layer: a box and channel range (maps) or an index range."""

    layer: str
    box: list[int] | None
    """[r0, r1, c0, c1] inclusive, for feature maps; null for vectors."""
    channels: list[int] | None
    """[c0, c1] inclusive, for feature maps; null for vectors."""
    indices: list[int] | None
    """[first, last] inclusive, for vectors; null for feature maps."""


class ReceptiveField(TypedDict):
    """The input pixels one unit depends on, and its field at every layer on the way."""

    input: list[int]
    """[r0, r1, c0, c1] inclusive in the network's input, clipped to the image."""
    unclipped: list[int]
    """The geometric box, which may hang over the border."""
    size: list[int]
    """[height, width] of `unclipped`."""
    per_layer: list[FieldRegion]
    """From the unit's layer back to the first."""


class PoolWindow(TypedDict):
    """A pooling unit's window: input rows and columns (negative or too large: padding) and values."""

    rows: list[int]
    cols: list[int]
    values: list[list[float | None]]
    """(kH, kW); null where the window lies on padding."""


class UnitExplanation(TypedDict):
    """Everything that went into one unit's value; the keys after `receptive_field` depend on `kind`.

    conv and fc: weights, inputs, products, dot, bias, computed (conv also input_channels, input_rows,
    input_cols); pool: mode, window, winner or average; relu, tanh, sigmoid: inputs; flatten: inputs and
    source; softmax: inputs (every logit).
    """

    layer: str
    kind: str
    unit: list[int]
    """[channel, row, col] in a feature map, or [index] in a vector."""
    shape: list[int]
    """The layer's output shape."""
    value: float
    """The unit's output, as the network computed it."""
    rule: str
    """The rule in words, e.g. "value = sum(weights × inputs) + bias"."""
    receptive_field: ReceptiveField
    weights: NotRequired[list[float] | list[list[list[float]]]]
    inputs: NotRequired[list[float] | list[list[list[float]]]]
    products: NotRequired[list[float] | list[list[list[float]]]]
    dot: NotRequired[float]
    bias: NotRequired[float]
    computed: NotRequired[float]
    """dot + bias, recomputed in float64: equal to `value` up to rounding."""
    input_channels: NotRequired[list[int]]
    input_rows: NotRequired[list[int]]
    input_cols: NotRequired[list[int]]
    mode: NotRequired[Literal["max", "avg"]]
    window: NotRequired[PoolWindow]
    winner: NotRequired[list[int] | None]
    """[row, col] of the first maximum (max pooling); null for average pooling."""
    average: NotRequired[float | None]
    """The window's mean (average pooling); null for max pooling."""
    source: NotRequired[list[int]]
    """The [channel, row, col] a flattened value was laid out from."""


class Preprocessing(TypedDict):
    """Every stage from a drawing to LeNet's input (``convscope.data.to_mnist``), rounded for the page."""

    box: list[int] | None
    """[top, bottom, left, right] of the ink (half-open); null if blank."""
    cropped: Grid
    fitted: Grid
    """Fitted into 20x20, aspect kept."""
    centred: Grid
    """28x28, centre of mass at (14, 14)."""
    padded: Grid
    """32x32: the network's input."""
