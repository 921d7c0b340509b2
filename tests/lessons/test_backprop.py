"""The explained training step against torch autograd: same weights, same image, same numbers.

The LeNet is rebuilt in torch (float32, as the engine's model) with the engine's initial weights; the
forward values, the loss, the gradient arriving at every layer (``retain_grad`` on each output), the two
explained weights' gradients and their SGD updates must match.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

from convscope.data import DigitSource, to_mnist
from convscope.lessons.backprop import explain_step, initial_model
from convscope.nn import Conv2d, Linear, Sequential
from convscope.recipe import Recipe, prepare
from convscope.train import TrainConfig

SOURCE = DigitSource()


def torch_twin(model: Sequential) -> list[tuple[str, nn.Module]]:
    """The model's layers (without the final softmax) in torch, holding the same weights."""
    twins: list[tuple[str, nn.Module]] = []
    for name, layer in list(model)[:-1]:
        if isinstance(layer, Conv2d):
            twin: nn.Module = nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size)
        elif isinstance(layer, Linear):
            twin = nn.Linear(layer.in_features, layer.out_features)
        else:
            kind = name.rstrip("0123456789")
            twin = {"relu": nn.ReLU(), "pool": nn.MaxPool2d(2, 2), "flatten": nn.Flatten()}[kind]
        with torch.no_grad():
            for pname, param in twin.named_parameters():
                param.copy_(torch.tensor(layer.parameters()[pname].data))
        twins.append((name, twin))
    return twins


def torch_step(model: Sequential, digit: int, index: int) -> dict[str, Any]:
    """Forward, cross-entropy and backward in torch; every layer's output gradient and every param grad."""
    image = to_mnist(SOURCE.original(digit, index)).padded
    x = torch.tensor(image, dtype=torch.float32)[None, None]
    twins, outputs = torch_twin(model), {}
    for name, twin in twins:
        x = twin(x)
        x.retain_grad()
        outputs[name] = x
    loss = torch.nn.functional.cross_entropy(x, torch.tensor([digit]))
    loss.backward()
    return {"loss": loss, "logits": x, "outputs": outputs, "twins": dict(twins)}


@pytest.mark.parametrize(("seed", "digit", "index"), [(0, 7, 0), (3, 2, 5)])
def test_the_explained_step_is_torch_autograds(seed: int, digit: int, index: int) -> None:
    model, lr = initial_model(seed), 0.05
    step = explain_step(model, SOURCE, digit, index, seed, lr)
    ours = torch_step(model, digit, index)
    assert step["label"] == digit
    assert step["loss"] == pytest.approx(ours["loss"].item(), rel=1e-5)
    np.testing.assert_allclose(step["logits"], ours["logits"].detach().numpy()[0], rtol=1e-5, atol=1e-6)
    probabilities = torch.softmax(ours["logits"].double(), dim=1).detach().numpy()[0]
    np.testing.assert_allclose(step["probabilities"], probabilities, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(step["grad_logits"], ours["logits"].grad.numpy()[0], rtol=1e-4, atol=1e-7)
    assert [layer["name"] for layer in step["layers"]] == list(ours["outputs"])
    for layer in step["layers"]:
        out = ours["outputs"][layer["name"]]
        assert layer["shape"] == list(out.shape[1:])
        assert layer["output_max"] == pytest.approx(out.max().item(), rel=1e-5, abs=1e-6)
        assert layer["output_min"] == pytest.approx(out.min().item(), rel=1e-5, abs=1e-6)
        assert layer["grad_norm"] == pytest.approx(out.grad.norm().item(), rel=1e-4), layer["name"]
        assert layer["grad_max"] == pytest.approx(out.grad.abs().max().item(), rel=1e-4), layer["name"]
    for weight in step["weights"]:
        param = ours["twins"][weight["layer"]].weight
        where = tuple(weight["index"])
        assert weight["value"] == pytest.approx(param[where].item(), rel=1e-6)
        assert weight["grad"] == pytest.approx(param.grad[where].item(), rel=1e-4, abs=1e-9)
        assert weight["sum_of_terms"] == pytest.approx(weight["grad"], rel=1e-4, abs=1e-9)
        sgd = torch.optim.SGD([param], lr=lr)
        sgd.step()  # torch's own update of every weight of the layer, with the same gradient
        assert weight["new_value"] == pytest.approx(param[where].item(), rel=1e-5, abs=1e-8)


def test_the_chosen_weights_read_as_the_chain_rule_says() -> None:
    step = explain_step(initial_model(0), SOURCE, 4, 0, 0, 0.1)
    fc, conv = step["weights"]
    assert fc["terms"] == 1
    assert fc["index"][0] == 4  # the true class's unit
    assert fc["upstream"] == pytest.approx(step["grad_logits"][4])  # p[label] - 1
    assert fc["upstream"] < 0  # raising the true class's logit lowers the loss
    assert fc["grad"] == pytest.approx(fc["upstream"] * fc["input"], rel=1e-5)
    assert conv["terms"] == 28 * 28  # conv1's kernel tap is used at every output position
    largest = abs(conv["upstream"] * conv["input"])  # the product shown is the largest of the 784
    assert largest > 0
    assert largest >= abs(conv["sum_of_terms"]) / conv["terms"]


def test_the_step_starts_from_the_weights_a_run_with_that_seed_starts_from() -> None:
    run = prepare(Recipe(train_size=64, fit=TrainConfig(seed=5)))
    ours = initial_model(5).parameters()
    for name, param in run.model.parameters().items():
        assert np.array_equal(param.data, ours[name].data), name


def test_the_model_it_explains_is_left_as_it_was() -> None:
    model = initial_model(1)
    before = {name: p.data.copy() for name, p in model.parameters().items()}
    grads = {name: p.grad.copy() for name, p in model.parameters().items()}
    explain_step(model, SOURCE, 1, 0, 1, 0.5)
    for name, p in model.parameters().items():
        assert np.array_equal(p.data, before[name]), name
        assert np.array_equal(p.grad, grads[name]), name
