"""convscope.explore: unit explanations recomputed independently, with torch as the oracle.

The receptive field is checked against what it claims to be: the set of input pixels with a nonzero
gradient when a one-hot at the unit is back-propagated through a torch twin of the model. The twin is
linearised (activations become the identity, max pooling becomes averaging over the same window) so every
path carries gradient; through the real nonlinear model the nonzero gradients must stay inside the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from torch.nn import functional as F  # noqa: N812  (the name every torch reader knows)

from convscope.data import digit
from convscope.explore import describe_layers, explain_unit, layer_activations, run_layers
from convscope.nn import AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, Softmax, Tanh, lenet
from convscope.nn.layers import Layer
from convscope.receptive import receptive_field


@pytest.fixture(scope="module")
def model() -> Sequential:
    return lenet(rng=np.random.default_rng(1))


@pytest.fixture(scope="module")
def image() -> np.ndarray:
    """A real digit, padded to LeNet's 32x32 input, in [0, 1]."""
    return np.pad(digit(3, 2).astype(np.float64) / 255, 2)


def odd_model(rng: np.random.Generator) -> Sequential:
    """Padding, stride, dilation, groups and an average pool: every branch of the window arithmetic."""
    return Sequential(
        [
            ("conv", Conv2d(2, 4, 3, stride=2, padding=1, dilation=2, groups=2, rng=rng)),
            ("tanh", Tanh()),
            ("pool", AvgPool2d(3, stride=2, padding=1, count_include_pad=False)),
            ("flatten", Flatten()),
            ("fc", Linear(4 * 3 * 3, 5, rng=rng)),
            ("softmax", Softmax()),
        ],
        input_shape=(2, 12, 12),
    )


def torch_layer(layer: Layer, linear: bool) -> Callable[[torch.Tensor], torch.Tensor]:
    """The same layer in torch (float64); ``linear`` swaps activations for identity and max for mean."""
    if isinstance(layer, Conv2d):
        w = torch.tensor(layer.weight.data, dtype=torch.float64)
        b = None if layer.bias is None else torch.tensor(layer.bias.data, dtype=torch.float64)
        return lambda x: F.conv2d(x, w, b, layer.stride, layer.padding, layer.dilation, layer.groups)  # type: ignore[arg-type]
    if isinstance(layer, Linear):
        w, b = (torch.tensor(p.data, dtype=torch.float64) for p in (layer.weight, layer.bias))  # type: ignore[union-attr]
        return lambda x: F.linear(x, w, b)
    if isinstance(layer, MaxPool2d) and not linear:
        return lambda x: F.max_pool2d(x, layer.kernel_size, layer.stride, layer.padding, layer.dilation)
    if isinstance(layer, (MaxPool2d, AvgPool2d)):
        include = layer.count_include_pad if isinstance(layer, AvgPool2d) else True
        return lambda x: F.avg_pool2d(
            x, layer.kernel_size, layer.stride, layer.padding, count_include_pad=include
        )
    if isinstance(layer, Flatten):
        return lambda x: x.flatten(1)
    if isinstance(layer, Softmax):
        return lambda x: torch.softmax(x, -1)
    return (lambda x: x) if linear else (torch.relu if isinstance(layer, ReLU) else torch.tanh)


def gradient_support(model: Sequential, image: np.ndarray, layer: str, unit: list[int], linear: bool) -> Any:
    """Input pixels (H, W) whose gradient is nonzero when a one-hot at ``unit`` is back-propagated."""
    x = torch.tensor(image.reshape(1, *model.input_shape), dtype=torch.float64, requires_grad=True)
    out = x
    for name, our_layer in model:
        out = torch_layer(our_layer, linear)(out)
        if name == layer:
            break
    out[(0, *unit)].backward()
    assert x.grad is not None
    return (x.grad[0] != 0).any(dim=0).numpy()  # (H, W): any channel


def box_mask(box: list[int], shape: tuple[int, int]) -> np.ndarray:
    mask = np.zeros(shape, dtype=bool)
    mask[box[0] : box[1] + 1, box[2] : box[3] + 1] = True
    return mask


@pytest.mark.parametrize(("layer", "unit"), [("conv2", [5, 3, 7]), ("pool2", [9, 4, 0]), ("fc1", [17])])
def test_receptive_field_is_the_set_of_inputs_with_gradient(
    model: Sequential, image: np.ndarray, layer: str, unit: list[int]
) -> None:
    info = explain_unit(model, image, layer, unit)
    field = info["receptive_field"]
    mask = box_mask(field["input"], (32, 32))
    assert np.array_equal(gradient_support(model, image, layer, unit, linear=True), mask)
    # Through ReLU and max pooling some of those paths are switched off, never new ones switched on
    # (a pool2 unit after a dead ReLU has none left).
    support = gradient_support(model, image, layer, unit, linear=False)
    assert not (support & ~mask).any()
    assert support.any() or (layer == "pool2" and info["value"] == 0)
    if layer == "fc1":
        assert field["input"] == [0, 31, 0, 31]


def test_receptive_field_with_padding_stride_dilation_groups_is_clipped_to_the_image(
    rng: np.random.Generator,
) -> None:
    net = odd_model(rng)
    image = rng.random((2, 12, 12))
    for layer, unit in [("conv", [3, 0, 0]), ("tanh", [1, 4, 2]), ("pool", [2, 0, 2]), ("pool", [0, 1, 1])]:
        field = explain_unit(net, image, layer, unit)["receptive_field"]
        support = gradient_support(net, image, layer, unit, linear=True)
        # A dilated kernel skips rows and columns, so the field is the bounding box of a lattice.
        rows, cols = np.flatnonzero(support.any(axis=1)), np.flatnonzero(support.any(axis=0))
        assert field["input"] == [rows[0], rows[-1], cols[0], cols[-1]]
        assert not (support & ~box_mask(field["input"], (12, 12))).any()
    # The corner pool unit's geometric field hangs over the top-left border; the clipped one starts at
    # row 1, the first real row its dilated taps (-1, 1, 3, ...) land on.
    field = explain_unit(net, image, "pool", [0, 0, 0])["receptive_field"]
    assert field["unclipped"][0] < 0
    assert field["input"][0] == 1


def test_unclipped_field_sizes_agree_with_the_closed_forms(model: Sequential, image: np.ndarray) -> None:
    closed = receptive_field("conv5,pool2,conv5,pool2", input_size=32)
    for (layer, unit), row in zip(
        [("conv1", [0, 9, 9]), ("pool1", [0, 5, 5]), ("conv2", [0, 4, 4]), ("pool2", [0, 2, 2])],
        closed,
        strict=True,
    ):
        field = explain_unit(model, image, layer, unit)["receptive_field"]
        assert field["size"] == row["receptive_field"]
        centre = (field["unclipped"][0] + field["unclipped"][1]) / 2
        assert centre == row["start"][0] + unit[1] * row["jump"][0]


@pytest.mark.parametrize(
    ("layer", "unit"), [("conv1", [0, 0, 0]), ("conv1", [5, 27, 13]), ("conv2", [15, 6, 9])]
)
def test_conv_unit_dot_plus_bias_is_the_activation_and_torch_conv2d(
    model: Sequential, image: np.ndarray, layer: str, unit: list[int]
) -> None:
    info = explain_unit(model, image, layer, unit)
    inputs, weights = np.array(info["inputs"]), np.array(info["weights"])
    assert inputs.shape == weights.shape == model[layer].weight.data.shape[1:]  # type: ignore[attr-defined]
    assert info["dot"] == pytest.approx(float(np.sum(inputs * weights)), abs=1e-9)
    assert info["computed"] == pytest.approx(info["dot"] + info["bias"], abs=1e-12)
    assert info["computed"] == pytest.approx(info["value"], abs=1e-5)
    layer_input = next(s.input for s in run_layers(model, image) if s.name == layer)
    ours = model[layer]
    assert isinstance(ours, Conv2d)
    theirs = torch_layer(ours, linear=False)(torch.tensor(layer_input[None], dtype=torch.float64))
    assert info["value"] == pytest.approx(float(theirs[(0, *unit)]), abs=1e-5)


def test_conv_window_reads_padding_as_zero_and_respects_groups(rng: np.random.Generator) -> None:
    net = odd_model(rng)
    image = rng.random((2, 12, 12))
    info = explain_unit(net, image, "conv", [3, 0, 0])  # channel 3 is in the second group
    assert info["input_channels"] == [1]
    assert info["input_rows"] == [-1, 1, 3]
    assert info["input_cols"] == [-1, 1, 3]
    assert np.array(info["inputs"])[0, 0].tolist() == [0.0, 0.0, 0.0]  # the padding row
    assert np.array(info["inputs"])[0, 1, 1] == pytest.approx(image[1, 1, 1], abs=1e-7)
    assert info["computed"] == pytest.approx(info["value"], abs=1e-5)


def test_fc_unit_is_torch_linear(model: Sequential, image: np.ndarray) -> None:
    for layer, unit in [("fc1", [0]), ("fc2", [99]), ("fc3", [3])]:
        info = explain_unit(model, image, layer, unit)
        assert len(info["inputs"]) == len(info["weights"]) == model[layer].weight.data.shape[1]  # type: ignore[attr-defined]
        layer_input = next(s.input for s in run_layers(model, image) if s.name == layer)
        theirs = torch_layer(model[layer], linear=False)(torch.tensor(layer_input[None], dtype=torch.float64))
        assert info["computed"] == pytest.approx(float(theirs[0, unit[0]]), abs=1e-5)
        assert info["value"] == pytest.approx(info["computed"], abs=1e-5)


def test_max_pool_winner_is_the_argmax_of_its_window(model: Sequential, image: np.ndarray) -> None:
    pool1_input = next(s.input for s in run_layers(model, image) if s.name == "pool1")
    for unit in ([0, 0, 0], [2, 7, 7], [5, 13, 4]):
        info = explain_unit(model, image, "pool1", unit)
        c, r, col = unit
        window = pool1_input[c, 2 * r : 2 * r + 2, 2 * col : 2 * col + 2]
        i, j = np.unravel_index(np.argmax(window), window.shape)
        assert info["mode"] == "max"
        assert info["average"] is None
        assert info["winner"] == [2 * r + int(i), 2 * col + int(j)]
        assert info["window"] == {
            "rows": [2 * r, 2 * r + 1],
            "cols": [2 * col, 2 * col + 1],
            "values": window.astype(np.float64).tolist(),
        }
        assert info["value"] == float(window.max())


def test_avg_pool_unit_averages_only_real_cells_without_count_include_pad(rng: np.random.Generator) -> None:
    net = odd_model(rng)
    image = rng.random((2, 12, 12))
    info = explain_unit(net, image, "pool", [1, 0, 0])
    tanh_out = next(s.output for s in run_layers(net, image) if s.name == "tanh")
    assert info["mode"] == "avg"
    assert info["winner"] is None
    assert info["average"] == pytest.approx(float(tanh_out[1, :2, :2].mean()), abs=1e-6)
    assert info["value"] == pytest.approx(info["average"], abs=1e-6)


def test_elementwise_flatten_and_softmax_units(model: Sequential, image: np.ndarray) -> None:
    steps = {s.name: s for s in run_layers(model, image)}
    relu = explain_unit(model, image, "relu2", [4, 2, 3])
    assert relu["value"] == max(0.0, relu["inputs"][0])
    flat = explain_unit(model, image, "flatten", [123])
    assert flat["source"] == [4, 4, 3]  # 123 = 4*25 + 4*5 + 3
    assert flat["value"] == float(steps["pool2"].output[4, 4, 3])
    soft = explain_unit(model, image, "softmax", [7])
    logits = torch.tensor(soft["inputs"])
    assert soft["value"] == pytest.approx(float(torch.softmax(logits, 0)[7]), abs=1e-6)
    assert soft["receptive_field"]["input"] == [0, 31, 0, 31]


def test_activations_are_the_models_own_rounded(model: Sequential, image: np.ndarray) -> None:
    layers = layer_activations(run_layers(model, image))
    x = image.reshape(1, 1, 32, 32).astype(np.float32)
    for entry, (name, out) in zip(layers, model.activations(x), strict=True):
        assert entry["name"] == name
        assert entry["shape"] == list(out.shape[1:])
        assert np.allclose(entry["values"], out[0], atol=1e-5)
    assert [d["shape"] for d in describe_layers(model)] == [e["shape"] for e in layers]
    assert describe_layers(model)[3]["params"] == 16 * 6 * 25 + 16


@pytest.mark.parametrize(
    ("layer", "unit", "message"),
    [
        ("conv9", [0, 0, 0], "layer: unknown layer 'conv9'; the layers are conv1, relu1, pool1"),
        ("conv1", [6, 0, 0], "unit[0]: conv1 has 6 channels, so the channel must be 0..5 (got 6)"),
        ("pool2", [0, 5, 0], "unit[1]: pool2 has 5 rows, so the row must be 0..4 (got 5)"),
        ("conv2", [0, 0, -1], "unit[2]: conv2 has 10 columns, so the column must be 0..9 (got -1)"),
        ("fc1", [120], "unit[0]: fc1 has 120 entries, so the index must be 0..119 (got 120)"),
        ("fc1", [0, 0, 0], "unit: fc1 has shape [120], so unit must be [index]"),
        ("conv1", [0], "unit: conv1 has shape [6, 28, 28], so unit must be [channel, row, col]"),
        ("conv1", [0, 1.5, 0], "unit[1]: the row must be an integer"),
    ],
)
def test_bad_layer_or_unit_names_the_allowed_range(
    model: Sequential, image: np.ndarray, layer: str, unit: list[Any], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        explain_unit(model, image, layer, unit)
