"""Losses: values and gradients against PyTorch, numerical gradients, hand-checked values, bad inputs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812  (the name every PyTorch reader expects)
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope.ops.losses import (
    cross_entropy,
    cross_entropy_backward,
    half_squared_error,
    half_squared_error_backward,
)
from tests.oracle import check_against_torch, gradcheck

FEW = settings(max_examples=25, deadline=None)
DTYPES = [np.float64, np.float32]
REDUCTIONS = ["mean", "sum", "none"]
problems = st.tuples(st.integers(1, 6), st.integers(1, 5), st.integers(0, 2**32 - 1))  # (N, K, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@FEW
@given(problem=problems, scale=st.sampled_from([1.0, 100.0]))
def test_cross_entropy_matches_torch(dtype: Any, reduction: str, problem: tuple[int, int, int],
                                     scale: float) -> None:
    n, k, seed = problem
    rng = np.random.default_rng(seed)
    logits, target = rng.standard_normal((n, k)) * scale, rng.integers(0, k, n)
    check_against_torch(lambda z, t: cross_entropy(z, t.astype(int), reduction),
                        lambda g, z, t: cross_entropy_backward(g, z, t.astype(int), reduction),
                        lambda z, t: F.cross_entropy(z, t.long(), reduction=reduction),
                        [logits, target], rng, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@FEW
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), seed=st.integers(0, 2**32 - 1))
def test_half_squared_error_matches_torch(dtype: Any, reduction: str, shape: tuple[int, ...],
                                          seed: int) -> None:
    rng = np.random.default_rng(seed)
    check_against_torch(lambda o, t: half_squared_error(o, t, reduction),
                        lambda g, o, t: half_squared_error_backward(g, o, t, reduction),
                        lambda o, t: 0.5 * F.mse_loss(o, t, reduction=reduction),
                        [rng.standard_normal(shape), rng.standard_normal(shape)], rng, dtype)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_half_squared_error_with_class_labels_is_one_hot(rng: np.random.Generator, reduction: str) -> None:
    output, labels = rng.standard_normal((5, 3)), rng.integers(0, 3, 5)
    one_hot = torch.nn.functional.one_hot(torch.tensor(labels), 3).double()
    expected = 0.5 * F.mse_loss(torch.tensor(output), one_hot, reduction=reduction)
    np.testing.assert_allclose(half_squared_error(output, labels, reduction), expected.numpy(), rtol=1e-12)
    g = rng.standard_normal(expected.shape)
    np.testing.assert_allclose(half_squared_error_backward(g, output, labels, reduction),
                               half_squared_error_backward(g, output, one_hot.numpy(), reduction), rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradcheck(rng: np.random.Generator, reduction: str) -> None:
    target = rng.integers(0, 4, 3)
    logits = rng.standard_normal((3, 4))
    gradcheck(lambda z: cross_entropy(z, target, reduction),
              lambda g, z: cross_entropy_backward(g, z, target, reduction), [logits], rng)
    values, output = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    gradcheck(lambda o: half_squared_error(o, values, reduction),
              lambda g, o: half_squared_error_backward(g, o, values, reduction), [output], rng)


def test_hand_checkable_values() -> None:
    # Two equal logits: probability 1/2 each, loss log 2; three rows summed give 3 log 2.
    assert float(cross_entropy(np.zeros((3, 2)), [0, 1, 1], "sum")) == pytest.approx(3 * np.log(2), rel=1e-15)
    # Confident and right costs almost nothing; confident and wrong costs the logit gap.
    np.testing.assert_allclose(cross_entropy([[1000.0, 0.0], [1000.0, 0.0]], [0, 1], "none"), [0.0, 1000.0])
    assert float(half_squared_error([[1.0, 2.0]], [[0.0, 0.0]])) == 0.5 * (1 + 4)
    assert float(half_squared_error([[1.0, 2.0]], [[0.0, 0.0]], "mean")) == 0.5 * (1 + 4) / 2


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: cross_entropy(np.zeros(3), [0]), ValueError, r"logits must be 2-D \(N, K\)"),
    (lambda: cross_entropy(np.zeros((0, 3)), np.zeros(0, int)), ValueError, r"at least one sample"),
    (lambda: cross_entropy(np.zeros((2, 3)), [0, 3]), ValueError, r"class indices in \[0, 2\], got 3"),
    (lambda: cross_entropy(np.zeros((2, 3)), [-1, 0]), ValueError, r"class indices in \[0, 2\], got -1"),
    (lambda: cross_entropy(np.zeros((2, 3)), [0.0, 1.0]), TypeError, r"target must hold integer class"),
    (lambda: cross_entropy(np.zeros((2, 3)), [0, 1, 2]), ValueError, r"must have shape \(N,\) = \(2,\)"),
    (lambda: cross_entropy(np.zeros((2, 3)), [0, 1], "avg"), ValueError, r"reduction must be one of 'mean'"),
    (lambda: cross_entropy(np.full((2, 3), np.nan), [0, 1]), ValueError, r"logits contains NaN or infinity"),
    (lambda: cross_entropy_backward(np.ones(2), np.zeros((2, 3)), [0, 1]), ValueError,
     r"grad_output must have shape \(\) for reduction='mean', got \(2,\)"),
    (lambda: half_squared_error(np.zeros((2, 3)), np.zeros((3, 2))), ValueError,
     r"target must have output's shape \(2, 3\)"),
    (lambda: half_squared_error(np.zeros((2, 3)), [0, 5]), ValueError, r"class indices in \[0, 2\], got 5"),
    (lambda: half_squared_error(np.zeros((2, 3)), np.zeros((2, 3)), "avg"), ValueError, r"reduction must be"),
    (lambda: half_squared_error(np.zeros(2), [np.inf, 0.0]), ValueError, r"target contains NaN or infinity"),
    (lambda: half_squared_error_backward(np.ones(3), np.zeros((2, 3)), np.zeros((2, 3)), "none"), ValueError,
     r"grad_output must have shape \(2, 3\) for reduction='none'"),
])
def test_bad_inputs_are_refused_clearly(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()
