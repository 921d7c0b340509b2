"""The network lessons without HTTP: predictions, one unit against torch, the model summary."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from convscope.data import DigitSource
from convscope.errors import SettingError
from convscope.lessons.network import BLANK, explain, held_out_accuracy, predict, preprocess, summary
from convscope.nn import Conv2d, pretrained

SOURCE = DigitSource()
MODEL = pretrained()


def test_a_bundled_seven_is_read_as_seven_with_every_layer() -> None:
    lesson = predict(MODEL, "pretrained", preprocess(SOURCE, digit=7, index=1))
    assert lesson["prediction"] == 7
    assert sum(lesson["probabilities"]) == pytest.approx(1.0)
    assert [layer["name"] for layer in lesson["layers"]] == [name for name, _ in MODEL]
    assert np.shape(lesson["preprocessing"]["padded"]) == (32, 32)


def test_a_blank_drawing_gets_no_guess_and_says_why() -> None:
    lesson = predict(MODEL, "pretrained", preprocess(SOURCE, image=np.zeros((40, 40))))
    assert (lesson["empty"], lesson["message"]) == (True, BLANK)
    assert (lesson["prediction"], lesson["probabilities"], lesson["layers"]) == (None, [], [])
    with pytest.raises(SettingError, match="canvas is blank"):
        explain(MODEL, preprocess(SOURCE, image=np.zeros((40, 40))), "conv1", [0, 0, 0])


def test_a_conv2_unit_is_its_dot_product_plus_bias_as_torch_computes_it() -> None:
    stages = preprocess(SOURCE, digit=2)
    info = explain(MODEL, stages, "conv2", [5, 3, 7])
    conv1, conv2 = (layer for _, layer in MODEL if isinstance(layer, Conv2d))
    x = torch.tensor(stages.padded, dtype=torch.float32)[None, None]  # (1, 1, 32, 32)
    h = torch.nn.functional.max_pool2d(torch.relu(torch.nn.functional.conv2d(
        x, torch.tensor(conv1.weight.data), torch.tensor(conv1.bias.data))), 2)  # (1, 6, 14, 14)
    out = torch.nn.functional.conv2d(h, torch.tensor(conv2.weight.data), torch.tensor(conv2.bias.data))
    assert info["value"] == pytest.approx(float(out[0, 5, 3, 7]), abs=1e-4)
    assert info["computed"] == pytest.approx(info["value"], abs=1e-4)
    assert info["receptive_field"]["size"] == [14, 14]


@pytest.mark.parametrize(
    ("layer", "unit", "field"), [("conv9", [0], "layer"), ("conv1", [0, 28, 0], "unit[1]")]
)
def test_an_unknown_layer_or_unit_names_its_field(layer: str, unit: list[int], field: str) -> None:
    with pytest.raises(SettingError) as err:
        explain(MODEL, preprocess(SOURCE, digit=1), layer, unit)
    assert err.value.field == field


def test_the_summary_lists_layers_filters_and_the_accuracy_given() -> None:
    lesson = summary(MODEL, "pretrained", 0.99)
    assert lesson["layers"][0] == {"name": "conv1", "kind": "conv", "shape": [6, 28, 28], "params": 156}
    assert np.shape(lesson["conv1_filters"]) == (6, 5, 5)
    assert lesson["accuracy"] == 0.99


@pytest.mark.slow
def test_the_shipped_model_reads_the_held_out_digits_as_documented() -> None:
    assert held_out_accuracy(MODEL) == pytest.approx(0.99, abs=1e-9)  # README: 1980/2000
