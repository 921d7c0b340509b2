"""Sequential and lenet: the whole LeNet against the same network in torch, input preparation, naming."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from convscope.nn import Flatten, Linear, ReLU, Sequential, Softmax, lenet, prepare_input

LENET_NAMES = [
    "conv1",
    "relu1",
    "pool1",
    "conv2",
    "relu2",
    "pool2",
    "flatten",
    "fc1",
    "relu3",
    "fc2",
    "relu4",
    "fc3",
    "softmax",
]


def torch_lenet() -> nn.Sequential:
    """The LeNet of the issue, written in torch."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5),
        nn.ReLU(),
        nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(400, 120),
        nn.ReLU(),
        nn.Linear(120, 100),
        nn.ReLU(),
        nn.Linear(100, 10),
        nn.Softmax(dim=1),
    ).double()


def test_lenet_forward_and_every_gradient_match_torch(rng: np.random.Generator) -> None:
    model, theirs = lenet(rng=rng, dtype=np.float64), torch_lenet()
    params = model.parameters()
    with torch.no_grad():
        for (name, p), (tname, tp) in zip(params.items(), theirs.named_parameters(), strict=True):
            assert name.split(".")[1] == tname.split(".")[1]
            tp.copy_(torch.tensor(p.data))
    x = rng.random((4, 1, 32, 32))
    tx = torch.tensor(x, requires_grad=True)
    out, expected = model.forward(x), theirs(tx)
    np.testing.assert_allclose(out, expected.detach().numpy(), rtol=1e-10, atol=1e-14)
    grad = rng.standard_normal(out.shape)
    expected.backward(torch.tensor(grad))
    assert tx.grad is not None
    np.testing.assert_allclose(model.backward(grad), tx.grad.numpy(), rtol=1e-9, atol=1e-14)
    for (name, p), (_, tp) in zip(params.items(), theirs.named_parameters(), strict=True):
        np.testing.assert_allclose(p.grad, tp.grad.numpy(), rtol=1e-9, atol=1e-14, err_msg=name)


def test_backward_parameters_fills_the_same_gradients_as_backward(rng: np.random.Generator) -> None:
    """Training's backward skips dL/dx (and layers before the first parameter) but no parameter grad."""
    model = lenet(rng=rng, dtype=np.float64)
    params = model.parameters()
    x = rng.random((3, 1, 32, 32))
    grad = rng.standard_normal(model.forward(x).shape)
    model.backward(grad)
    full = {name: p.grad.copy() for name, p in params.items()}
    for p in params.values():
        p.grad[...] = np.nan  # a grad left unfilled would stay NaN
    model.backward_parameters(grad)
    for name, p in params.items():
        np.testing.assert_allclose(p.grad, full[name], rtol=1e-12, atol=1e-15, err_msg=name)
    headless = Sequential([("relu", ReLU()), *model.layers], (1, 32, 32))  # a layer before conv1 (x >= 0)
    headless.forward(x)
    headless.backward_parameters(grad)
    np.testing.assert_allclose(params["conv1.weight"].grad, full["conv1.weight"], rtol=1e-12, atol=1e-15)


def test_lenet_has_stable_names_and_shapes(rng: np.random.Generator) -> None:
    model = lenet(rng=rng)
    assert [name for name, _ in model] == LENET_NAMES
    acts = model.activations(np.zeros((2, 1, 32, 32), dtype=np.float32))
    assert [name for name, _ in acts] == LENET_NAMES
    shapes = {name: a.shape for name, a in acts}
    assert shapes["conv1"] == (2, 6, 28, 28)
    assert shapes["pool1"] == (2, 6, 14, 14)
    assert shapes["conv2"] == (2, 16, 10, 10)
    assert shapes["pool2"] == (2, 16, 5, 5)
    assert shapes["flatten"] == (2, 400)
    assert shapes["softmax"] == (2, 10)
    assert list(model.parameters()) == [
        f"{layer}.{p}" for layer in ("conv1", "conv2", "fc1", "fc2", "fc3") for p in ("weight", "bias")
    ]


def test_lenet_options_change_the_architecture(rng: np.random.Generator) -> None:
    model = lenet(conv1_channels=4, conv2_channels=8, kernel_size=3, fc=(32,), activation="tanh", rng=rng)
    assert [name for name, _ in model] == [
        "conv1",
        "tanh1",
        "pool1",
        "conv2",
        "tanh2",
        "pool2",
        "flatten",
        "fc1",
        "tanh3",
        "fc2",
        "softmax",
    ]
    # 32 -conv3-> 30 -pool-> 15 -conv3-> 13 -pool-> 6: 8*6*6 features feed fc1.
    assert model.parameters()["fc1.weight"].data.shape == (32, 8 * 6 * 6)
    assert model.forward(np.zeros((1, 1, 32, 32), dtype=np.float32)).shape == (1, 10)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"activation": "gelu"}, ValueError, r"activation must be one of \['relu', 'sigmoid', 'tanh'\]"),
        ({"kernel_size": 11}, ValueError, r"kernel_size must be <= 9"),
        ({"fc": (120, 0)}, ValueError, r"fc must be >= 1"),
        ({"conv1_channels": 2.5}, TypeError, r"conv1_channels must be an integer"),
    ],
)
def test_lenet_refuses_bad_arguments(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        lenet(rng=np.random.default_rng(0), **kwargs)  # type: ignore[arg-type]


def test_slicing_shares_layers_and_indexing_finds_them(rng: np.random.Generator) -> None:
    model = lenet(rng=rng)
    body = model[:-1]
    assert isinstance(body, Sequential)
    assert body["fc3"] is model["fc3"] is model[-2]
    assert len(body) == len(model) - 1
    x = rng.random((3, 1, 32, 32), dtype=np.float32)
    np.testing.assert_allclose(
        np.exp(body.forward(x)) / np.exp(body.forward(x)).sum(1, keepdims=True), model.forward(x), rtol=1e-5
    )
    with pytest.raises(KeyError, match=r"no layer named 'conv3'"):
        model["conv3"]
    assert "(conv1): Conv2d(" in repr(model)


def test_sequential_refuses_bad_layers(rng: np.random.Generator) -> None:
    fc = Linear(2, 2, rng=rng)
    with pytest.raises(ValueError, match=r"layer names must be unique"):
        Sequential([("a", fc), ("a", ReLU())], input_shape=(1, 1, 2))
    with pytest.raises(ValueError, match=r"without dots"):
        Sequential([("a.b", fc)], input_shape=(1, 1, 2))
    with pytest.raises(TypeError, match=r"layer 'f' must be a convscope.nn Layer"):
        Sequential([("f", nn.ReLU())], input_shape=(1, 1, 2))  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"input_shape must be \(C, H, W\)"):
        Sequential([("a", fc)], input_shape=(2, 2))  # type: ignore[arg-type]


def test_prepare_input_scales_and_pads_digits() -> None:
    digit = np.zeros((28, 28), dtype=np.uint8)
    digit[0, 0], digit[27, 27] = 255, 51
    x = prepare_input(digit)
    assert x.shape == (1, 1, 32, 32)
    assert x.dtype == np.float32
    assert x[0, 0, 2, 2] == 1.0
    np.testing.assert_allclose(x[0, 0, 29, 29], 0.2)
    assert x.sum() == pytest.approx(1.2)
    np.testing.assert_array_equal(prepare_input(np.stack([digit / 255.0] * 3)), np.concatenate([x] * 3))
    assert prepare_input(np.zeros((2, 1, 32, 32))).shape == (2, 1, 32, 32)


@pytest.mark.parametrize(
    ("images", "error", "message"),
    [
        (np.full((28, 28), 1.5), ValueError, r"float images must hold finite values in \[0, 1\]"),
        (np.full((28, 28), np.nan), ValueError, r"finite values"),
        (np.full((28, 28), 300), ValueError, r"integer images must hold pixels in \[0, 255\]"),
        (np.zeros((2, 3, 28, 28)), ValueError, r"images must be \(H, W\), \(N, H, W\) or \(N, 1, H, W\)"),
        (np.zeros((40, 40)), ValueError, r"do not fit the \(32, 32\) input"),
        (np.array([["a"]]), TypeError, r"images must be an array of numbers"),
        # complex was cast to real with only a ComplexWarning; empty and ragged input gave NumPy's words
        (np.zeros((28, 28), complex), TypeError, r"images must be real, got dtype complex128"),
        (np.zeros((0, 0)), ValueError, r"images must not be empty, got shape \(0, 0\)"),
        ([[0.0, 1.0], [0.0]], ValueError, r"images must be a rectangular array of numbers"),
    ],
)
def test_prepare_input_refuses_what_it_cannot_read(
    images: np.ndarray, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        prepare_input(images)


def test_predict_gives_probabilities_in_batches(rng: np.random.Generator) -> None:
    model = lenet(rng=rng)
    images = rng.integers(0, 256, size=(7, 28, 28)).astype(np.uint8)
    probs = model.predict(images, batch_size=3)
    assert probs.shape == (7, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_allclose(probs, model.forward(prepare_input(images)), rtol=1e-6)


def test_predict_applies_softmax_when_the_model_ends_in_logits(rng: np.random.Generator) -> None:
    model = Sequential(
        [("flatten", Flatten()), ("fc", Linear(4, 3, rng=rng, dtype=np.float64))], input_shape=(1, 2, 2)
    )
    with_softmax = Sequential([*model, ("softmax", Softmax())], input_shape=(1, 2, 2))
    images = rng.random((5, 2, 2))
    np.testing.assert_allclose(model.predict(images), with_softmax.predict(images), rtol=1e-6)
    np.testing.assert_allclose(model.predict(images).sum(axis=1), 1, rtol=1e-6)
