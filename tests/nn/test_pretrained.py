"""The shipped LeNet: it loads, predicts probabilities, and classifies the held-out digits >= 98.5%."""

from __future__ import annotations

import numpy as np

from convscope.data import load_digits, train_test_split
from convscope.nn import architecture, lenet, pretrained
from convscope.nn.pretrained import WEIGHTS


def test_it_is_lenet_with_small_float32_weights() -> None:
    model = pretrained()
    assert architecture(model) == architecture(lenet(rng=np.random.default_rng(0)))
    assert all(p.data.dtype == np.float32 for p in model.parameters().values())
    assert WEIGHTS.stat().st_size < 400_000


def test_each_call_gives_an_independent_copy() -> None:
    a, b = pretrained(), pretrained()
    a.parameters()["fc3.bias"].data[:] = 0
    assert np.any(b.parameters()["fc3.bias"].data != 0)


def test_predict_gives_one_probability_row_per_digit() -> None:
    digits = load_digits()
    probs = pretrained().predict(digits.images[:5])
    assert probs.shape == (5, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)
    assert np.all(probs >= 0)
    # uint8 and the same digits as floats in [0, 1] are the same input.
    np.testing.assert_allclose(pretrained().predict(digits.images[:5] / 255.0), probs, rtol=1e-5, atol=1e-7)


def test_held_out_accuracy_is_at_least_98_5_percent() -> None:
    digits = load_digits()
    _, test = train_test_split()
    assert len(test) == 2000
    predicted = pretrained().predict(digits.images[test]).argmax(axis=1)
    accuracy = float(np.mean(predicted == digits.labels[test]))
    assert accuracy >= 0.985, f"held-out accuracy {accuracy:.2%}"
