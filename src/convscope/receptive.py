"""Receptive fields of a stack of convolution and pooling layers.

Closed forms of Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural Networks",
Distill (2019), applied layer by layer with dilated kernels at their effective size
``k_eff = d(k - 1) + 1``, starting from one input pixel (``r_0 = 1, j_0 = 1, start_0 = 0``)::

    r_l     = r_{l-1} + (k_eff_l - 1) * j_{l-1}           receptive field size, in input pixels
    j_l     = j_{l-1} * s_l                               jump: input pixels between neighbouring units
    start_l = start_{l-1} + ((k_eff_l - 1)/2 - p_l) * j_{l-1}   centre of the first unit's field

``start`` is in input-pixel coordinates (pixel 0's centre is 0; negative means the centre lies in the
padding), so unit ``i`` of layer ``l`` looks at the pixels centred on ``start_l + i * j_l``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from convscope._validate import as_pair
from convscope.geometry import Window, effective_kernel_size
from convscope.records import LayerField

Pair = tuple[int, int]
KINDS = ("conv", "pool")
SYNTAX = "conv<k>[s<stride>][p<pad>][d<dil>] or pool<k>[s<stride>][p<pad>], e.g. conv5, pool2, conv3s2p1"
_TOKEN = re.compile(r"(conv|pool)(\d+)((?:[spd]\d+)*)")
_OPTION = re.compile(r"([spd])(\d+)")


@dataclass(frozen=True)
class Layer:
    """One convolution or pooling layer, as far as sizes are concerned.

    Parameters
    ----------
    kind : {"conv", "pool"}
    kernel_size : int or (int, int)
    stride : int or (int, int) or None, default None
        None means PyTorch's default: 1 for a convolution, ``kernel_size`` for a pooling layer.
    padding : int or (int, int), default 0
        At most half the (dilated) kernel for a pooling layer, as in PyTorch.
    dilation : int or (int, int), default 1

    Examples
    --------
    >>> Layer("pool", 2).strides
    (2, 2)
    >>> Layer("conv", 3, stride=2, padding=1).token
    'conv3s2p1'
    """

    kind: str
    kernel_size: int | Pair
    stride: int | Pair | None = None
    padding: int | Pair = 0
    dilation: int | Pair = 1

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be 'conv' or 'pool', got {self.kind!r}")
        kernel = as_pair(self.kernel_size, "kernel_size", minimum=1)
        pad = as_pair(self.padding, "padding", minimum=0)
        dil = as_pair(self.dilation, "dilation", minimum=1)
        if self.stride is not None:
            as_pair(self.stride, "stride", minimum=1)
        for k, p, d in zip(kernel, pad, dil, strict=True):
            if self.kind == "pool" and p > effective_kernel_size(k, d) // 2:
                raise ValueError(
                    f"a pooling layer's padding must be at most half its kernel; got {p} for {k}"
                )

    @property
    def strides(self) -> Pair:
        """The stride as (h, w), with the default filled in."""
        if self.stride is None:
            return as_pair(self.kernel_size if self.kind == "pool" else 1, "stride")
        return as_pair(self.stride, "stride")

    @property
    def token(self) -> str:
        """The layer in ``parse_layers`` syntax (a pair prints as ``3x5``)."""

        def show(value: Any) -> str:
            h, w = as_pair(value, "value")
            return str(h) if h == w else f"{h}x{w}"

        text = f"{self.kind}{show(self.kernel_size)}"
        default = self.kernel_size if self.kind == "pool" else 1
        for letter, value, usual in (
            ("s", self.strides, default),
            ("p", self.padding, 0),
            ("d", self.dilation, 1),
        ):
            if as_pair(value, letter) != as_pair(usual, letter):
                text += letter + show(value)
        return text


def _parse_token(token: str) -> Layer | None:
    """One token as a Layer, or None when it does not follow the syntax."""
    match = _TOKEN.fullmatch(token)
    if match is None:
        return None
    found = _OPTION.findall(match[3])
    options = dict(found)
    if len(options) != len(found) or (match[1] == "pool" and "d" in options):  # "s2s3", or a dilated pool
        return None
    stride = int(options["s"]) if "s" in options else None
    return Layer(match[1], int(match[2]), stride, int(options.get("p", 0)), int(options.get("d", 1)))


def parse_layers(text: str) -> list[Layer]:
    """Parse a comma-separated stack such as ``"conv5,pool2,conv3s2p1"``.

    Each token is ``conv<k>[s<stride>][p<pad>][d<dil>]`` or ``pool<k>[s<stride>][p<pad>]`` (options in any
    order, each at most once); sizes are square. A pool's stride defaults to its kernel size, a
    convolution's to 1.

    Parameters
    ----------
    text : str
        Tokens separated by commas; spaces and case are ignored.

    Returns
    -------
    list of Layer

    Raises
    ------
    ValueError
        Naming the first token that does not match, and the syntax.

    Examples
    --------
    >>> [layer.token for layer in parse_layers("conv5, pool2, conv3s2p1d2")]
    ['conv5', 'pool2', 'conv3s2p1d2']
    >>> parse_layers("pool3s2")[0].strides
    (2, 2)
    """
    if not isinstance(text, str):
        raise TypeError(f"layers must be a string such as 'conv5,pool2', got {type(text).__name__}")
    tokens = [t.strip().lower() for t in text.split(",")]
    if not any(tokens):
        raise ValueError(f"layers is empty: write comma-separated tokens, {SYNTAX}")
    layers = []
    for number, token in enumerate(tokens, start=1):
        try:
            layer = _parse_token(token)
        except ValueError as err:
            raise ValueError(f"layer token {token!r} (number {number}): {err}") from None
        if layer is None:
            raise ValueError(f"unknown layer token {token!r} (number {number}): write {SYNTAX}")
        layers.append(layer)
    return layers


def _as_layer(item: Any, number: int) -> Layer:
    """A `Layer` from a `Layer` or a mapping with its field names."""
    if isinstance(item, Layer):
        return item
    if isinstance(item, Mapping):
        allowed = {f.name for f in fields(Layer)}
        unknown = sorted(set(item) - allowed)
        if unknown or "kind" not in item or "kernel_size" not in item:
            raise ValueError(
                f"layer {number} needs 'kind' and 'kernel_size', and only keys from {sorted(allowed)}; "
                f"got {sorted(item)}"
            )
        return Layer(**item)
    raise TypeError(f"layer {number} must be a Layer or a mapping, got {type(item).__name__}")


def receptive_field(
    layers: str | Iterable[Layer | Mapping[str, Any]], input_size: Any = None
) -> list[LayerField]:
    """Receptive field size, jump and start of every layer in a stack, and its output size.

    Parameters
    ----------
    layers : str or iterable of Layer or mapping
        The stack, first layer first: `Layer` objects, mappings with `Layer`'s field names, or a
        `parse_layers` string such as ``"conv5,pool2,conv5,pool2"``.
    input_size : int or (int, int), optional
        The input's height and width. When given, each layer's output size is computed (PyTorch's floor
        rule) and a layer whose kernel does not fit raises ``ValueError``.

    Returns
    -------
    list of dict
        One JSON-ready dict per layer: ``layer`` (its token), ``kind``, ``kernel_size``, ``stride``,
        ``padding``, ``dilation``, ``output_size`` (``None`` without ``input_size``),
        ``receptive_field`` (input pixels one unit sees), ``jump`` (input pixels between neighbouring
        units) and ``start`` (centre of the first unit's field, in input-pixel coordinates), each [h, w].

    Examples
    --------
    LeNet-5's feature extractor on a 32x32 digit: each unit of the last layer sees 16x16 pixels.

    >>> for row in receptive_field("conv5,pool2,conv5,pool2", input_size=32):
    ...     print(row["layer"], row["output_size"], row["receptive_field"], row["jump"], row["start"])
    conv5 [28, 28] [5, 5] [1, 1] [2.0, 2.0]
    pool2 [14, 14] [6, 6] [2, 2] [2.5, 2.5]
    conv5 [10, 10] [14, 14] [2, 2] [6.5, 6.5]
    pool2 [5, 5] [16, 16] [4, 4] [7.5, 7.5]
    """
    stack = (
        parse_layers(layers)
        if isinstance(layers, str)
        else [_as_layer(item, number) for number, item in enumerate(layers, start=1)]
    )
    if not stack:
        raise ValueError("layers must hold at least one layer")
    size = None if input_size is None else list(as_pair(input_size, "input_size", minimum=1))
    field, jump, start = [1, 1], [1, 1], [0.0, 0.0]
    rows: list[LayerField] = []
    for number, layer in enumerate(stack, start=1):
        kernel, pad = as_pair(layer.kernel_size, "kernel_size"), as_pair(layer.padding, "padding")
        dil, stride = as_pair(layer.dilation, "dilation"), layer.strides
        for i in range(2):
            span = effective_kernel_size(kernel[i], dil[i])
            field[i] += (span - 1) * jump[i]
            start[i] += ((span - 1) / 2 - pad[i]) * jump[i]
            jump[i] *= stride[i]
        if size is not None:
            try:
                size = list(Window.of(size, kernel, stride, pad, dil).require_fit().output_size)
            except ValueError as err:
                raise ValueError(f"layer {number} ({layer.token}): {err}") from None
        rows.append(
            {
                "layer": layer.token,
                "kind": layer.kind,
                "kernel_size": list(kernel),
                "stride": list(stride),
                "padding": list(pad),
                "dilation": list(dil),
                "output_size": None if size is None else list(size),
                "receptive_field": list(field),
                "jump": list(jump),
                "start": list(start),
            }
        )
    return rows
