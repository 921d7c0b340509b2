"""A weight gradient's products in blocks of K: the whole product's numbers, PyTorch's gradients."""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional

from convscope.ops import conv_kwcols, conv_rows, weight_products
from convscope.ops.conv import conv2d, conv2d_backward
from convscope.ops.weight_products import block_length, blocked_products
from convscope.ops.workspace import Workspace
from tests.ops.test_conv import torch_conv
from tests.oracle import check_against_torch


@settings(max_examples=200, deadline=None)
@given(m=st.integers(1, 600), n=st.integers(1, 600), k=st.integers(1, 20_000))
def test_a_block_length_divides_k_into_two_blocks_or_more_within_the_bounds(m: int, n: int, k: int) -> None:
    wp = weight_products
    length = block_length(m, n, k)
    if length is None:  # one product: for want of a large enough result, of a divisor, or of small work
        divisors = [d for d in range(wp._SHORTEST, min(wp._K_BLOCK, k // 2) + 1) if k % d == 0]
        assert m * n < wp._LEAST_RESULT or not divisors or m * n * max(divisors) > wp._MOST_WORK
        return
    assert k % length == 0
    assert k // length >= 2
    assert wp._SHORTEST <= length <= wp._K_BLOCK
    assert m * n * length <= wp._MOST_WORK
    assert m * n >= wp._LEAST_RESULT


@pytest.mark.parametrize(
    ("a_shape", "b_shape", "length"),
    [
        ((3, 1, 96, 4096), (1, 32, 4096), 256),  # one 64x64 image of the 32->32 layer: (kH, G, M, K)
        ((1, 10, 150, 640), (1, 10, 16, 640), 160),  # LeNet's conv2, 64 images: (G, H_out, M, K)
        ((2, 5, 7, 12), (5, 3, 12), 4),  # leading axes broadcast
    ],
)
def test_the_blocks_add_up_to_the_whole_product(
    a_shape: tuple[int, ...], b_shape: tuple[int, ...], length: int, rng: np.random.Generator
) -> None:
    """From strided views (a's rows a padded row apart, as the kW copies' taps), in float64."""
    wide = rng.standard_normal((*a_shape[:-1], a_shape[-1] + 64))
    a, b = wide[..., 32 : 32 + a_shape[-1]], rng.standard_normal(b_shape)
    parts = blocked_products(a, b, length, Workspace(), "test")
    assert parts.shape[-3:] == (a_shape[-1] // length, a_shape[-2], b_shape[-2])
    np.testing.assert_allclose(parts.sum(axis=-3), a @ np.swapaxes(b, -1, -2), rtol=1e-12, atol=1e-12)


LAYERS = [
    ((2, 32, 64, 64), (32, 32, 3, 3), 1, "weight_kernel_rows"),  # one large image a chunk
    ((64, 6, 14, 14), (16, 6, 5, 5), 0, "weight_width"),  # LeNet's conv2: width columns, 32 a chunk
]


@pytest.mark.parametrize(("x_shape", "w_shape", "padding", "blocked"), LAYERS)
def test_a_weight_gradient_in_blocks_is_pytorchs(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], padding: int, blocked: str,
    rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both callers take the blocks here (counted), and the gradients are PyTorch's (float64)."""
    calls: list[int] = []
    real = weight_products.blocked_products

    def counted(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    for module in (conv_rows, conv_kwcols):
        monkeypatch.setattr(module, "blocked_products", counted)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    ours, backward = partial(conv2d, padding=padding), partial(conv2d_backward, padding=padding)
    theirs = torch_conv(functional.conv2d, {"padding": padding})
    check_against_torch(ours, backward, theirs, [x, w, b], rng, np.float64)
    assert calls, f"{blocked} did not take the blocks"


@pytest.mark.parametrize(("x_shape", "w_shape", "padding", "blocked"), LAYERS)
def test_a_float32_weight_gradient_in_blocks_is_no_less_accurate_than_one_product(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], padding: int, blocked: str,
    rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Against the float64 gradient: the blocks' partials, added after, round no worse than one long sum
    (here 2.7e-5 against 3.4e-5 and 2.0e-5 against 2.3e-5, root mean square)."""
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    out = conv2d(x, w, padding=padding)
    grad = rng.standard_normal(out.shape)
    exact = conv2d_backward(grad, x, w, padding=padding)[1]
    single = [a.astype(np.float32) for a in (grad, x, w)]

    def error() -> float:
        got = conv2d_backward(*single, padding=padding)[1]
        return float(np.sqrt(np.mean((got - exact) ** 2)))

    blocks = error()
    monkeypatch.setattr(weight_products, "_MOST_WORK", 0)  # one product, as before the blocks
    assert blocks <= error()
