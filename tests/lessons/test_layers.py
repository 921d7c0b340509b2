"""The Layers lesson: every number it shows against PyTorch on the same input, and every bad setting's
message naming its field."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from torch.nn import functional as tf

from convscope.errors import SettingError
from convscope.lessons.layers import LayerSetting, filter_bank, layers_lesson
from convscope.lessons.layers_filters import named_recipes
from convscope.lessons.layers_input import input_choices, layers_input

SETTINGS = [
    LayerSetting(),
    LayerSetting(input="photo", filters=6, kernel_size=3, stride=1, padding=1),
    LayerSetting(input="digits", filters=7, kernel_size=5, stride=2, padding=2, activation="tanh"),
    LayerSetting(input="shapes", init="random", seed=3, filters=16, kernel_size=4, stride=3, padding=3,
                 activation="leaky_relu", negative_slope=0.2, pool_kernel_size=3, pool_stride=1,
                 pool_padding=1),
    LayerSetting(input="digit", digit=7, index=2, init="random", seed=11, filters=5, kernel_size=7,
                 activation="sigmoid", pool_kernel_size=4, pool_stride=2, pool_padding=2),
    LayerSetting(input="digit", digit=0, filters=8, kernel_size=3, stride=1, padding=0, unit=(7, 0, 25)),
]
TOL = {"rtol": 1e-10, "atol": 1e-10}
TORCH_ACTIVATIONS = {
    "relu": lambda t, a: torch.relu(t),
    "leaky_relu": lambda t, a: tf.leaky_relu(t, a),
    "tanh": lambda t, a: torch.tanh(t),
    "sigmoid": lambda t, a: torch.sigmoid(t),
}


def _tensors(setting: LayerSetting) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The input (1, C, H, W), weights (F, C, k, k) and biases (F,) the lesson used, as torch tensors."""
    volume = layers_input(setting.input, digit=setting.digit, index=setting.index)
    bank = filter_bank(setting, volume)
    return (torch.tensor(volume.values[None]), torch.tensor(bank.weights), torch.tensor(bank.bias))


@pytest.fixture(params=SETTINGS, ids=lambda s: f"{s.input}-{s.init}-k{s.kernel_size}s{s.stride}p{s.padding}")
def case(request: Any) -> tuple[LayerSetting, Any]:
    return request.param, layers_lesson(request.param)


def test_the_output_volume_is_torch_conv2d(case: tuple[LayerSetting, Any]) -> None:
    setting, lesson = case
    x, w, b = _tensors(setting)
    expected = tf.conv2d(x, w, b, stride=setting.stride, padding=setting.padding)[0].numpy()  # (F, oH, oW)
    np.testing.assert_allclose(lesson["output"], expected, **TOL)
    assert lesson["output_shape"] == list(expected.shape)
    assert lesson["explanation"]["output_size"] == list(expected.shape[1:])
    np.testing.assert_allclose(lesson["output_range"], [expected.min(), expected.max()], **TOL)
    assert [len(f["slices"]) for f in lesson["filters"]] == [x.shape[1]] * setting.filters
    np.testing.assert_allclose([f["slices"] for f in lesson["filters"]], w.numpy())


def test_one_unit_is_the_dot_product_across_depth(case: tuple[LayerSetting, Any]) -> None:
    setting, lesson = case
    x, w, b = _tensors(setting)
    unit = lesson["unit"]
    f, r, c = unit["filter"], unit["row"], unit["col"]
    if setting.unit is not None:
        assert (f, r, c) == setting.unit
    for channel, term in enumerate(unit["terms"]):
        alone = tf.conv2d(x[:, channel:channel + 1], w[f:f + 1, channel:channel + 1], None,
                         stride=setting.stride, padding=setting.padding)[0, 0, r, c].item()
        assert term["sum"] == pytest.approx(alone, abs=1e-12)
        assert np.sum(term["products"]) == pytest.approx(term["sum"], abs=1e-12)
        np.testing.assert_allclose(np.multiply(term["patch"], term["weights"]), term["products"])
        np.testing.assert_allclose(term["weights"], w[f, channel].numpy())
    value = tf.conv2d(x, w, b, stride=setting.stride, padding=setting.padding)[0, f, r, c].item()
    assert unit["value"] == pytest.approx(value, abs=1e-12)
    assert unit["total"] == pytest.approx(value, abs=1e-12)
    assert unit["bias"] == pytest.approx(b[f].item())
    padded = tf.pad(x, (setting.padding,) * 4)[0]  # (C, H + 2P, W + 2P)
    top, left = unit["top_left"]
    k = setting.kernel_size
    assert (top, left) == (r * setting.stride, c * setting.stride)
    np.testing.assert_allclose([t["patch"] for t in unit["terms"]], padded[:, top:top + k, left:left + k])


def test_the_default_unit_is_filter_zeros_strongest_response_away_from_the_padding() -> None:
    lesson = layers_lesson(LayerSetting(padding=1))
    unit, first = lesson["unit"], np.abs(lesson["output"][0])  # (32, 32); rows 1..30 read no padding
    assert unit["filter"] == 0
    assert not np.any(unit["padding"])
    assert first[unit["row"], unit["col"]] == first[1:-1, 1:-1].max() > 0
    unpadded = layers_lesson(LayerSetting(padding=0))
    first = np.abs(unpadded["output"][0])
    assert first[unpadded["unit"]["row"], unpadded["unit"]["col"]] == first.max()


def test_the_activation_is_torchs(case: tuple[LayerSetting, Any]) -> None:
    setting, lesson = case
    view = lesson["activation"]
    before = torch.tensor(lesson["output"][lesson["unit"]["filter"]], dtype=torch.float64)
    np.testing.assert_allclose(view["before"], before.numpy())
    act = TORCH_ACTIVATIONS[setting.activation]
    np.testing.assert_allclose(view["after"], act(before, setting.negative_slope).numpy(), **TOL)
    x = torch.tensor(view["curve"]["x"], dtype=torch.float64, requires_grad=True)
    y = act(x, setting.negative_slope)
    y.sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(view["curve"]["y"], y.detach().numpy(), **TOL)
    np.testing.assert_allclose(view["curve"]["slope"], x.grad.numpy(), **TOL)
    assert view["curve"]["x"][0] <= min(-3.0, before.min().item())
    assert view["curve"]["x"][-1] >= max(3.0, before.max().item())


def _torch_pool(kind: str, t: torch.Tensor, k: int, s: int, p: int) -> torch.Tensor:
    if kind == "max":
        return tf.max_pool2d(t, k, s, p)
    if kind == "avg":
        return tf.avg_pool2d(t, k, s, p)
    if kind == "sum":
        return tf.avg_pool2d(t, k, s, p) * k * k  # count_include_pad: the mean of k*k cells, times k*k
    return tf.lp_pool2d(tf.pad(t, (p,) * 4), 2, k, s)


def test_each_pooling_and_its_gradient_routing_is_torchs(case: tuple[LayerSetting, Any]) -> None:
    setting, lesson = case
    pooling = lesson["pooling"]
    k, s, p = setting.pool_kernel_size, setting.pool_stride, setting.pool_padding
    plane = np.asarray(lesson["activation"]["after"])
    assert [kind["kind"] for kind in pooling["kinds"]] == ["max", "avg", "sum", "l2"]
    for kind in pooling["kinds"]:
        t = torch.tensor(plane[None, None], requires_grad=True)
        out = _torch_pool(kind["kind"], t, k, s, p)
        np.testing.assert_allclose(kind["output"], out[0, 0].detach().numpy(), **TOL, err_msg=kind["kind"])
        assert pooling["explanation"]["output_size"] == list(out.shape[2:])
        out.sum().backward()
        assert t.grad is not None
        np.testing.assert_allclose(kind["gradient"], t.grad[0, 0].numpy(), **TOL, err_msg=kind["kind"])
        for n in range(0, len(pooling["windows"]), max(1, len(pooling["windows"]) // 7)):
            window = pooling["windows"][n]
            t.grad = None
            one = _torch_pool(kind["kind"], t, k, s, p)[0, 0].flatten()[n]
            one.backward()
            grad = tf.pad(t.grad, (p,) * 4)[0, 0]  # padded coordinates, zeros where the padding is
            expected = [grad[r + p, c + p].item() for r, c in window["positions"]]
            message = f"{kind['kind']} window {n}"
            np.testing.assert_allclose(kind["shares"][n], expected, **TOL, err_msg=message)


def test_the_pooling_windows_read_the_map() -> None:
    lesson = layers_lesson(LayerSetting(pool_kernel_size=3, pool_stride=2, pool_padding=1))
    plane = np.asarray(lesson["activation"]["after"])
    windows = lesson["pooling"]["windows"]
    assert windows[0]["out"] == [0, 0]
    assert windows[0]["positions"][0] == [-1, -1]
    for window in windows:
        for (r, c), pad, value in zip(window["positions"], window["padding"], window["values"], strict=True):
            inside = 0 <= r < plane.shape[0] and 0 <= c < plane.shape[1]
            assert pad == (not inside)
            assert value == (plane[r, c] if inside else 0.0)
    max_kind = lesson["pooling"]["kinds"][0]
    for window, shares, best in zip(windows, max_kind["shares"], np.ravel(max_kind["output"]), strict=True):
        assert sorted(shares)[-1] == 1.0
        assert sum(shares) == 1.0  # one winner takes the whole gradient: the window's maximum
        assert window["values"][int(np.argmax(shares))] == best


def test_named_filters_show_depth_and_random_ones_follow_the_seed() -> None:
    colour = ("red", "green", "blue")
    assert named_recipes(colour, 3)[:4] == [("sobel_x", "all channels"), ("box", "red"), ("box", "green"),
                                             ("box", "blue")]
    lesson = layers_lesson(LayerSetting(filters=4))
    red_blur = np.asarray(lesson["filters"][1]["slices"])  # (3, 3, 3)
    assert red_blur[0].sum() == pytest.approx(1.0)
    assert not red_blur[1:].any()
    one = layers_lesson(LayerSetting(init="random", seed=5))
    assert layers_lesson(LayerSetting(init="random", seed=5))["filters"] == one["filters"]
    assert layers_lesson(LayerSetting(init="random", seed=6))["filters"] != one["filters"]
    assert all(abs(f["bias"]) <= 1 / np.sqrt(27) for f in one["filters"])


def test_the_inputs() -> None:
    assert [c["name"] for c in input_choices()] == ["photo", "shapes", "digits", "digit"]
    for choice in input_choices():
        values = layers_input(choice["name"]).values
        assert values.shape == (choice["channels"], *choice["size"])
        assert values.min() >= 0
        assert values.max() <= 1
        assert values.std() > 0.1
    lesson = layers_lesson(LayerSetting(input="digit", digit=4, index=1))
    assert lesson["input"]["channel_names"] == ["ink"]
    assert len(lesson["unit"]["terms"]) == 1


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"filters": 17}, "filters", "from 1 to 16"),
    ({"filters": 0}, "filters", "from 1 to 16"),
    ({"kernel_size": 8}, "kernel_size", "from 1 to 7"),
    ({"stride": 0}, "stride", "from 1 to 4"),
    ({"padding": -1}, "padding", "from 0 to 3"),
    ({"filters": 5, "kernel_size": 4}, "filters", "there are 4 named filters of size 4"),
    ({"input": "digit", "filters": 9}, "filters", "there are 8 named filters of size 3 for a 1-channel"),
    ({"input": "painting"}, "input", "photo, shapes, digits, digit"),
    ({"input": "digit", "digit": 3, "index": 10**6}, "index", "must be 0.."),
    ({"init": "zeros"}, "init", '"named" or "random"'),
    ({"activation": "gelu"}, "activation", "relu, leaky_relu, tanh, sigmoid"),
    ({"negative_slope": float("nan")}, "negative_slope", "from 0 to 1"),
    ({"negative_slope": "0.1"}, "negative_slope", "from 0 to 1"),
    ({"unit": (4, 0, 0)}, "unit", "filter 0..3"),
    ({"unit": (0, 32, 0)}, "unit", "row 0..31"),
    ({"pool_padding": 2}, "pool_padding", "0..1 for pool_kernel_size 2"),
    ({"stride": 4, "kernel_size": 7, "padding": 0, "pool_kernel_size": 8, "pool_padding": 0},
     "pool_kernel_size", "at most 7 on this 7×7 map"),
    ({"seed": -1}, "seed", "from 0 to 4294967295"),
    ({"pool_kernel_size": 5, "pool_stride": 1, "pool_padding": 2}, "pool_stride",
     "1024 windows of 5×5 cells"),
])
def test_a_bad_setting_names_its_field(changes: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(SettingError) as caught:
        layers_lesson(LayerSetting(**changes))
    assert caught.value.field == field
    assert words in caught.value.problem


def test_a_kernel_larger_than_the_padded_input_names_kernel_size() -> None:
    from convscope.lessons.layers import _conv_window

    with pytest.raises(SettingError, match=r"kernel_size: kernel_size 7 does not fit .* kernel_size <= 5"):
        _conv_window((3, 5), LayerSetting(kernel_size=7, padding=1))
