"""Linear: against PyTorch over drawn sizes, against its loop twin, numerical gradients, bad inputs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch.nn.functional as F  # noqa: N812  (the name every PyTorch reader expects)
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope.ops.linear import linear, linear_backward, linear_naive
from tests.oracle import check_against_torch, gradcheck

FEW = settings(max_examples=25, deadline=None)
sizes = st.tuples(st.integers(1, 6), st.integers(1, 7), st.integers(1, 5))  # (N, in, out)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("with_bias", [True, False])
@FEW
@given(size=sizes, seed=st.integers(0, 2**32 - 1))
def test_matches_torch(dtype: Any, with_bias: bool, size: tuple[int, int, int], seed: int) -> None:
    n, fan_in, fan_out = size
    rng = np.random.default_rng(seed)
    bias = rng.standard_normal(fan_out) if with_bias else None
    check_against_torch(linear, linear_backward, F.linear,
                        [rng.standard_normal((n, fan_in)), rng.standard_normal((fan_out, fan_in)), bias],
                        rng, dtype)


@FEW
@given(size=sizes, seed=st.integers(0, 2**32 - 1))
def test_fast_equals_naive(size: tuple[int, int, int], seed: int) -> None:
    n, fan_in, fan_out = size
    rng = np.random.default_rng(seed)
    args = (rng.standard_normal((n, fan_in)), rng.standard_normal((fan_out, fan_in)),
            rng.standard_normal(fan_out))
    np.testing.assert_allclose(linear(*args), linear_naive(*args), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(linear(*args[:2]), linear_naive(*args[:2]), rtol=1e-12, atol=1e-12)


def test_gradcheck(rng: np.random.Generator) -> None:
    inputs = [rng.standard_normal((3, 4)), rng.standard_normal((2, 4)), rng.standard_normal(2)]
    gradcheck(linear, linear_backward, inputs, rng)


def test_hand_checkable_example() -> None:
    x = np.array([[1.0, 2.0, 3.0]])
    weight = np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 1.0]])  # picks x[0]; sums x
    np.testing.assert_array_equal(linear(x, weight, [10.0, 0.0]), [[11.0, 6.0]])
    grad_x, grad_w, grad_b = linear_backward(np.array([[1.0, 0.0]]), x, weight)
    np.testing.assert_array_equal(grad_x, [[1.0, 0.0, 0.0]])
    np.testing.assert_array_equal(grad_w, [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    assert grad_b is None


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: linear(np.ones(3), np.ones((2, 3))), ValueError, r"x must be 2-D \(N, in_features\)"),
    (lambda: linear(np.ones((1, 3)), np.ones(3)), ValueError, r"weight must be 2-D \(out_features, in"),
    (lambda: linear(np.ones((1, 3)), np.ones((2, 4))), ValueError, r"weight must have in_features = 3"),
    (lambda: linear(np.ones((1, 3)), np.ones((2, 3)), np.ones(3)), ValueError,
     r"bias must have out_features = 2 values"),
    (lambda: linear(np.ones((1, 3)), np.ones((2, 3)), np.ones((2, 1))), ValueError, r"bias must be 1-D"),
    (lambda: linear(np.full((1, 3), np.inf), np.ones((2, 3))), ValueError, r"x contains NaN or infinity"),
    (lambda: linear_backward(np.ones((1, 3)), np.ones((1, 3)), np.ones((2, 3))), ValueError,
     r"grad_output must have the output's shape \(1, 2\), got \(1, 3\)"),
])
def test_bad_inputs_are_refused_clearly(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()
