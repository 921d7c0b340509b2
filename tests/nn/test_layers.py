"""Every layer against its torch.nn twin (same weights, float64) and against a numerical gradient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

from convscope.nn import (
    AvgPool2d,
    Conv2d,
    Flatten,
    Layer,
    Linear,
    MaxPool2d,
    Parameter,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
    lenet,
)
from convscope.nn.init import fan_in, he_normal, kaiming_uniform, uniform_bias
from tests.oracle import numerical_gradient

F64 = np.float64
RNG0 = np.random.default_rng(0)

# (our layer, the torch module, input shape). Pools get inputs without ties (a random permutation).
CASES: list[tuple[Callable[[], Layer], Callable[[], nn.Module], tuple[int, ...]]] = [
    (lambda: Conv2d(3, 4, 3, rng=RNG0, dtype=F64), lambda: nn.Conv2d(3, 4, 3), (2, 3, 7, 6)),
    (
        lambda: Conv2d(3, 4, (3, 2), stride=(2, 1), padding=1, rng=RNG0, dtype=F64),
        lambda: nn.Conv2d(3, 4, (3, 2), stride=(2, 1), padding=1),
        (2, 3, 7, 6),
    ),
    (
        lambda: Conv2d(4, 6, 3, padding="same", dilation=2, groups=2, bias=False, rng=RNG0, dtype=F64),
        lambda: nn.Conv2d(4, 6, 3, padding="same", dilation=2, groups=2, bias=False),
        (1, 4, 8, 8),
    ),
    (lambda: Linear(7, 5, rng=RNG0, dtype=F64), lambda: nn.Linear(7, 5), (3, 7)),
    (lambda: Linear(7, 5, bias=False, rng=RNG0, dtype=F64), lambda: nn.Linear(7, 5, bias=False), (3, 7)),
    (ReLU, nn.ReLU, (2, 3, 4, 4)),
    (Tanh, nn.Tanh, (2, 3, 4)),
    (Sigmoid, nn.Sigmoid, (2, 5)),
    (lambda: Softmax(dim=1), lambda: nn.Softmax(dim=1), (3, 10)),
    (lambda: Softmax(), lambda: nn.Softmax(dim=-1), (2, 3, 4)),
    (Flatten, nn.Flatten, (2, 3, 4, 4)),
    (lambda: MaxPool2d(2), lambda: nn.MaxPool2d(2), (2, 3, 6, 6)),
    (lambda: MaxPool2d(3, stride=2, padding=1, dilation=1), lambda: nn.MaxPool2d(3, 2, 1), (2, 2, 7, 7)),
    (lambda: AvgPool2d(2), lambda: nn.AvgPool2d(2), (2, 3, 6, 6)),
    (
        lambda: AvgPool2d(3, 2, 1, count_include_pad=False),
        lambda: nn.AvgPool2d(3, 2, 1, count_include_pad=False),
        (2, 2, 7, 7),
    ),
]
IDS = [f"{i}-{make().__class__.__name__}" for i, (make, _, _) in enumerate(CASES)]


def _input(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Distinct values (no ties for max pooling, no zeros at ReLU's kink)."""
    return (rng.permutation(int(np.prod(shape))).reshape(shape) / np.prod(shape) - 0.5) * 4 + 1e-3


def _copy_into_torch(layer: Layer, module: nn.Module) -> None:
    """Give the torch module our parameters."""
    with torch.no_grad():
        for name, p in layer.parameters().items():
            getattr(module, name).copy_(torch.tensor(p.data))


@pytest.mark.parametrize(("make", "make_torch", "shape"), CASES, ids=IDS)
def test_forward_and_backward_match_torch(
    make: Callable[[], Layer],
    make_torch: Callable[[], nn.Module],
    shape: tuple[int, ...],
    rng: np.random.Generator,
) -> None:
    layer, module = make(), make_torch().double()
    _copy_into_torch(layer, module)
    x = _input(shape, rng)
    tx = torch.tensor(x, requires_grad=True)
    out, expected = layer.forward(x), module(tx)
    np.testing.assert_allclose(out, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    grad = rng.standard_normal(out.shape)
    expected.backward(torch.tensor(grad))
    assert tx.grad is not None
    np.testing.assert_allclose(layer.backward(grad), tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name, p in layer.parameters().items():
        np.testing.assert_allclose(
            p.grad, getattr(module, name).grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name
        )
    assert set(layer.parameters()) == {name for name, _ in module.named_parameters()}


@pytest.mark.parametrize(("make", "make_torch", "shape"), CASES, ids=IDS)
def test_backward_matches_numerical_gradient(
    make: Callable[[], Layer],
    make_torch: Callable[[], nn.Module],
    shape: tuple[int, ...],
    rng: np.random.Generator,
) -> None:
    layer = make()
    x = _input(shape, rng)
    grad = rng.standard_normal(layer.forward(x).shape)
    grad_x = layer.backward(grad)
    analytic = {name: p.grad.copy() for name, p in layer.parameters().items()}

    def loss(_: np.ndarray) -> float:
        return float(np.sum(layer.forward(x) * grad))

    np.testing.assert_allclose(
        grad_x, numerical_gradient(lambda v: float(np.sum(layer.forward(v) * grad)), x), rtol=1e-5, atol=1e-7
    )
    for name, p in layer.parameters().items():
        # numerical_gradient works on a copy; point the layer at that copy while it perturbs it.
        def loss_of(v: np.ndarray, p: Parameter = p) -> float:
            saved, p.data = p.data, v
            try:
                return loss(v)
            finally:
                p.data = saved

        np.testing.assert_allclose(
            analytic[name], numerical_gradient(loss_of, p.data), rtol=1e-5, atol=1e-7, err_msg=name
        )


def test_backward_overwrites_gradients_rather_than_accumulating(rng: np.random.Generator) -> None:
    layer = Linear(3, 2, rng=rng, dtype=F64)
    x, g = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    layer.forward(x)
    layer.backward(g)
    first = layer.weight.grad.copy()
    layer.backward(g)
    np.testing.assert_array_equal(layer.weight.grad, first)


def test_float32_parameters_by_default_and_output_stays_float32(rng: np.random.Generator) -> None:
    layer = Conv2d(1, 2, 3, rng=rng)
    assert layer.weight.data.dtype == np.float32
    assert layer.forward(rng.random((1, 1, 5, 5), dtype=np.float32)).dtype == np.float32


def test_backward_before_forward_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match=r"ReLU.backward called before forward"):
        ReLU().backward(np.ones((1, 2)))


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Conv2d(3, 4, 3, groups=2, rng=RNG0), ValueError, r"divisible by groups \(2\)"),
        (lambda: Conv2d(3, 4, 0, rng=RNG0), ValueError, r"kernel_size must be >= 1"),
        (lambda: Conv2d(3, 4, 3, padding="full", rng=RNG0), ValueError, r"padding must be .*'same'"),
        (lambda: Conv2d(3.0, 4, 3, rng=RNG0), TypeError, r"in_channels must be an integer"),
        (lambda: Conv2d(1, 1, 3, stride=2, padding="same", rng=RNG0), ValueError, r"'same' needs stride 1"),
        (lambda: Linear(0, 4, rng=RNG0), ValueError, r"in_features must be >= 1"),
        (lambda: MaxPool2d(2, stride=0), ValueError, r"stride must be >= 1"),
        (lambda: AvgPool2d(2, count_include_pad=1), TypeError, r"count_include_pad must be True or False"),
        (lambda: Softmax(dim=1.5), TypeError, r"dim must be an integer"),
        (lambda: Linear(4, 3, rng=None), TypeError, r"rng must be a np.random.Generator .*got None"),
        (lambda: Conv2d(1, 2, 3, rng=0), TypeError, r"rng must be a np.random.Generator .*got 0"),
        # would ask NumPy for terabytes before failing; refused with the size instead
        (
            lambda: Linear(10**6, 10**6, rng=RNG0),
            ValueError,
            r"shape \(1000000, 1000000\) holds 1,000,000,000,000",
        ),
        (lambda: Conv2d(10**4, 10**4, 15, rng=RNG0), ValueError, r"at most 67,108,864 are allowed"),
        (lambda: lenet(conv1_channels=10**6, rng=RNG0), ValueError, r"use fewer channels or features"),
        (lambda: lenet(rng=None), TypeError, r"rng must be a np.random.Generator"),
    ],
)
def test_bad_arguments_are_named(make: Callable[[], Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        make()


def test_flatten_refuses_a_vector() -> None:
    with pytest.raises(ValueError, match=r"Flatten needs a batch"):
        Flatten().forward(np.ones(3))


def test_config_rebuilds_an_equal_layer() -> None:
    layer = Conv2d(4, 6, (3, 2), stride=2, padding=(1, 0), dilation=(2, 1), groups=2, bias=False, rng=RNG0)
    again = Conv2d(**layer.config(), rng=RNG0)
    assert again.config() == layer.config()
    assert repr(again).startswith("Conv2d(in_channels=4, out_channels=6, kernel_size=[3, 2]")


# ---------------------------------------------------------------- initialisation


def test_kaiming_uniform_has_pytorchs_range_and_spread(rng: np.random.Generator) -> None:
    shape = (64, 16, 5, 5)
    ours = kaiming_uniform(shape, rng)
    theirs = nn.Conv2d(16, 64, 5).weight.detach().numpy()
    bound = 1 / np.sqrt(fan_in(shape))
    assert np.abs(ours).max() <= bound
    assert np.abs(theirs).max() <= bound
    # U(-b, b) has standard deviation b/sqrt(3); 25,600 draws pin it to well under 2%.
    np.testing.assert_allclose(ours.std(), bound / np.sqrt(3), rtol=0.02)
    np.testing.assert_allclose(theirs.std(), bound / np.sqrt(3), rtol=0.02)


def test_bias_and_he_normal_spread(rng: np.random.Generator) -> None:
    bias = uniform_bias(10_000, 400, rng)
    assert np.abs(bias).max() <= 1 / 20
    np.testing.assert_allclose(bias.std(), 1 / 20 / np.sqrt(3), rtol=0.03)
    w = he_normal((200, 100), rng)
    np.testing.assert_allclose(w.std(), np.sqrt(2 / 100), rtol=0.03)


def test_initialisation_is_determined_by_the_generator() -> None:
    a = Conv2d(1, 6, 5, rng=np.random.default_rng(7))
    b = Conv2d(1, 6, 5, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    np.testing.assert_array_equal(a.bias.data if a.bias else 0, b.bias.data if b.bias else 1)


def test_fan_in_needs_two_dimensions() -> None:
    with pytest.raises(ValueError, match=r"at least 2 dimensions"):
        fan_in((3,))
