"""The receptive field of one unit, traced back through every layer to the network's input.

Start from the unit itself and walk the layers backwards. A convolution or pooling output row ``r`` reads
input rows ``r*stride - padding`` to ``r*stride - padding + dilation*(kernel - 1)``; element-wise layers
read the same position; ``Flatten`` reads the map positions its indices came from; a fully connected
layer and softmax read their whole input. Doing this twice gives two answers:

* clipped at every layer to the cells that exist (padding holds no information): the bounding box of
  the inputs the unit depends on, and without dilation exactly that set (tested against torch's
  gradients in ``tests/test_inspect.py``; a dilated kernel skips rows, leaving holes in the box);
* never clipped: the geometric field of the closed forms (``convscope.receptive``), which may hang over
  the border.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convscope.explore.steps import Step, layer_window
from convscope.nn import Conv2d
from convscope.records import FieldRegion, ReceptiveField

Pair = tuple[int, int]


@dataclass(frozen=True)
class Box:
    """Cells of a (C, H, W) map, every range inclusive."""

    channels: Pair
    rows: Pair
    cols: Pair

    def to_json(self, layer: str) -> FieldRegion:
        """``{"layer", "box": [r0, r1, c0, c1], "channels": [c0, c1], "indices": None}``."""
        return {"layer": layer, "box": [*self.rows, *self.cols], "channels": list(self.channels),
                "indices": None}


@dataclass(frozen=True)
class Span:
    """Entries first..last (inclusive) of an (F,) vector."""

    first: int
    last: int

    def to_json(self, layer: str) -> FieldRegion:
        """``{"layer", "box": None, "channels": None, "indices": [first, last]}``."""
        return {"layer": layer, "box": None, "channels": None, "indices": [self.first, self.last]}


Region = Box | Span


def unit_region(shape: tuple[int, ...], unit: tuple[int, ...]) -> Region:
    """The one-cell region of ``unit`` in an output of ``shape`` ((C, H, W) or (F,))."""
    if len(shape) == 3:
        c, r, col = unit
        return Box((c, c), (r, r), (col, col))
    return Span(unit[0], unit[0])


def whole(shape: tuple[int, ...]) -> Region:
    """Every cell of an output of ``shape``."""
    if len(shape) == 3:
        return Box((0, shape[0] - 1), (0, shape[1] - 1), (0, shape[2] - 1))
    return Span(0, int(np.prod(shape)) - 1)


def back(step: Step, region: Region, clip: bool) -> Region:
    """The region of ``step``'s input that ``region`` of its output reads."""
    shape = step.input.shape
    if step.kind in ("conv", "pool"):
        assert isinstance(region, Box)  # spatial layers have (C, H, W) outputs
        return _back_window(step, region, shape, clip)
    if step.kind == "flatten":
        assert isinstance(region, Span)
        positions = np.unravel_index(np.arange(region.first, region.last + 1), shape)  # 3 x (n,)
        c, r, col = (((int(p.min()), int(p.max()))) for p in positions)
        return Box(c, r, col)
    if step.kind in ("fc", "softmax"):
        return whole(shape)
    return region  # element-wise: the same cells


def _back_window(step: Step, box: Box, shape: tuple[int, ...], clip: bool) -> Box:
    """Rows/cols a conv or pool window covers; a conv reads every channel of its group."""
    win = layer_window(step.layer, shape[1:])
    ranges = []
    for along, (first, last) in zip(win.axes, (box.rows, box.cols), strict=True):
        outputs = np.arange(first, last + 1)
        taps = along.taps(outputs).ravel()  # every input index the windows read
        if clip:
            # Not just clamped: a dilated kernel may step over the first real row into the next tap.
            real = taps[along.reads_input(outputs).ravel()]
            taps = real if real.size else np.clip(taps, 0, along.size - 1)
        ranges.append((int(taps.min()), int(taps.max())))
    channels = box.channels
    if isinstance(step.layer, Conv2d):
        per_out = step.layer.out_channels // step.layer.groups
        per_in = step.layer.in_channels // step.layer.groups
        channels = (box.channels[0] // per_out * per_in, (box.channels[1] // per_out + 1) * per_in - 1)
    return Box(channels, ranges[0], ranges[1])


def trace_receptive_field(steps: list[Step], index: int, unit: tuple[int, ...]) -> ReceptiveField:
    """The input pixels unit ``unit`` of layer ``steps[index]`` depends on, and its field at every layer.

    Parameters
    ----------
    steps : a forward pass (``convscope.explore.run_layers``)
    index : which layer the unit is in
    unit : (channel, row, col) in a map, or (i,) in a vector; already checked to be in range

    Returns
    -------
    dict, JSON-ready
        ``input``: [r0, r1, c0, c1] inclusive, in input coordinates, clipped to the image; ``unclipped``:
        the geometric box, which may hang over the border; ``size``: [height, width] of ``unclipped``;
        ``per_layer``: from the unit's layer back to the first, ``{"layer", "box", "channels",
        "indices"}`` (a box and channel range for maps, an index range for vectors; clipped).

    Examples
    --------
    >>> from convscope.explore import run_layers
    >>> from convscope.nn import lenet
    >>> steps = run_layers(lenet(rng=np.random.default_rng(0)), np.zeros((32, 32)))
    >>> field = trace_receptive_field(steps, 5, (0, 0, 0))  # pool2, first unit
    >>> field["input"], field["size"]
    ([0, 15, 0, 15], [16, 16])
    """
    clipped = unclipped = unit_region(steps[index].output.shape, unit)
    per_layer: list[FieldRegion] = []
    for step in reversed(steps[: index + 1]):
        per_layer.append(clipped.to_json(step.name))
        clipped, unclipped = back(step, clipped, clip=True), back(step, unclipped, clip=False)
    # The network's input is an image (C, H, W), so both walks end in a Box.
    assert isinstance(clipped, Box)
    assert isinstance(unclipped, Box)
    return {
        "input": [*clipped.rows, *clipped.cols],
        "unclipped": [*unclipped.rows, *unclipped.cols],
        "size": [unclipped.rows[1] - unclipped.rows[0] + 1, unclipped.cols[1] - unclipped.cols[0] + 1],
        "per_layer": per_layer,
    }
