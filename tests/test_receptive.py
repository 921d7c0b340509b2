"""Receptive fields against the pixels a unit's gradient actually reaches in PyTorch."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional

from convscope.receptive import Layer, parse_layers, receptive_field

STACKS = ["conv5,pool2,conv5,pool2", "conv3s2p1,conv3d2,pool3s2,conv3", "conv4p1,pool2,conv3d3p2,conv2s2"]


def torch_stack(x: torch.Tensor, layers: list[Layer]) -> torch.Tensor:
    """The stack in torch with positive weights, so no gradient cancels inside a receptive field."""
    for layer in layers:
        k, p, d = layer.kernel_size, layer.padding, layer.dilation
        if layer.kind == "conv":
            x = functional.conv2d(x, torch.ones(1, 1, k, k, dtype=x.dtype), None, layer.strides, p, d)
        else:  # average pooling passes gradient to every pixel of the window (max pooling only to one)
            x = functional.avg_pool2d(x, k, layer.strides, p)
    return x


def gradient_extent(text: str, unit: int, size: int = 64) -> tuple[int, int]:
    """First and last input row the gradient of output unit (unit, unit) reaches."""
    x = torch.zeros(1, 1, size, size, dtype=torch.float64, requires_grad=True)
    torch_stack(x, parse_layers(text))[0, 0, unit, unit].backward()
    assert x.grad is not None
    rows = torch.nonzero(x.grad[0, 0].abs().sum(dim=1)).flatten()
    return int(rows.min()), int(rows.max())


@pytest.mark.parametrize("text", STACKS)
def test_receptive_field_jump_and_start_match_torch_gradients(text: str) -> None:
    rows = receptive_field(text, input_size=64)
    out = torch_stack(torch.zeros(1, 1, 64, 64, dtype=torch.float64), parse_layers(text))
    last = rows[-1]
    assert last["output_size"] == list(out.shape[2:])
    unit = last["output_size"][0] // 2  # a unit in the middle, whose field is not clipped by the border
    first, end = gradient_extent(text, unit)
    assert 0 < first <= end < 63
    assert end - first + 1 == last["receptive_field"][0]
    assert (first + end) / 2 == last["start"][0] + unit * last["jump"][0]
    assert gradient_extent(text, unit + 1)[0] - first == last["jump"][0]


def test_lenet_sees_16_pixels_and_every_layer_is_reported() -> None:
    rows = receptive_field("conv5,pool2,conv5,pool2", input_size=32)
    assert [row["output_size"][0] for row in rows] == [28, 14, 10, 5]
    assert rows[-1]["receptive_field"] == [16, 16]
    assert [row["layer"] for row in rows] == ["conv5", "pool2", "conv5", "pool2"]


def test_layers_mappings_and_strings_give_the_same_answer() -> None:
    as_layers = [Layer("conv", 3, stride=2, padding=1), Layer("pool", 2)]
    as_maps = [
        {"kind": "conv", "kernel_size": 3, "stride": 2, "padding": 1},
        {"kind": "pool", "kernel_size": 2},
    ]
    assert (
        receptive_field(as_layers, 20)
        == receptive_field(as_maps, 20)
        == receptive_field("conv3s2p1,pool2", 20)
    )


def test_rectangular_layers_and_no_input_size() -> None:
    rows = receptive_field([Layer("conv", (3, 5)), Layer("pool", (2, 1))])
    assert rows[-1]["receptive_field"] == [4, 5]
    assert rows[-1]["jump"] == [2, 1]
    assert rows[-1]["output_size"] is None


def test_options_may_come_in_any_order() -> None:
    assert parse_layers("conv3p1s2, POOL2") == [Layer("conv", 3, stride=2, padding=1), Layer("pool", 2)]


def test_pools_default_to_a_stride_of_their_kernel() -> None:
    assert Layer("pool", 3).strides == (3, 3)
    assert Layer("conv", 3).strides == (1, 1)
    assert Layer("pool", 3, stride=1).token == "pool3s1"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("conv", r"unknown layer token 'conv' \(number 1\): write conv<k>"),
        ("conv5,fc10", r"unknown layer token 'fc10' \(number 2\)"),
        ("pool2d2", "unknown layer token 'pool2d2'"),
        ("conv3s2s3", "unknown layer token 'conv3s2s3'"),
        ("conv3,,pool2", r"unknown layer token '' \(number 2\)"),
        (" , ", "layers is empty"),
        ("conv0", r"layer token 'conv0' \(number 1\): kernel_size must be >= 1"),
        ("pool2p2", "a pooling layer's padding must be at most half its kernel"),
    ],
)
def test_bad_layer_strings_are_named(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_layers(text)


def test_bad_stacks_are_refused_clearly() -> None:
    with pytest.raises(
        ValueError, match=r"layer 3 \(conv5\): kernel_size 5 does not fit the input along the height"
    ):
        receptive_field("conv5,pool2,conv5", input_size=8)
    with pytest.raises(ValueError, match="layer 1 needs 'kind' and 'kernel_size'"):
        receptive_field([{"kind": "conv", "size": 3}])
    with pytest.raises(TypeError, match="layer 2 must be a Layer or a mapping, got int"):
        receptive_field([Layer("conv", 3), 5])
    with pytest.raises(ValueError, match="at least one layer"):
        receptive_field([])
    with pytest.raises(ValueError, match="kind must be 'conv' or 'pool'"):
        Layer("dense", 3)
