"""The input gradient as a convolution with the flipped kernels: taken where it should be, and right."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch

from convscope.ops import conv_chunks
from convscope.ops.conv import conv2d, conv2d_backward, conv2d_backward_input, prepare_conv_args
from convscope.ops.conv_naive import conv2d_backward_naive
from convscope.ops.flipped_conv import flipped_conv

# (x shape, weight shape, settings), each with stride 1 and no more output than input channels x sizes
TAKEN = [
    ((2, 4, 9, 8), (3, 4, 3, 3), {"padding": 1}),
    ((2, 4, 9, 8), (4, 2, 3, 2), {"padding": "same", "dilation": (2, 1), "groups": 2}),  # uneven "same"
    ((3, 3, 7, 7), (2, 3, 4, 4), {"padding": "same"}),  # even kernel: (1, 2) on each axis
    ((2, 6, 6, 5), (6, 3, 3, 3), {"padding": (2, 1), "groups": 2}),  # height: flipped padding 0
]
NOT_TAKEN = [
    ((2, 4, 9, 8), (3, 4, 3, 3), {"padding": 1, "stride": 2}),  # a stride: the scatter
    ((2, 1, 12, 12), (6, 1, 5, 5), {}),  # LeNet's conv1: grad_output padded by 4 gives 7x the columns
    ((2, 2, 6, 6), (2, 2, 3, 3), {"padding": 3}),  # padding past the window: no flipped padding
]


def _geometry(x_shape: tuple[int, ...], w_shape: tuple[int, ...], settings: dict[str, Any]) -> Any:
    s = {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, **settings}
    x, w = np.zeros(x_shape), np.zeros(w_shape)
    return prepare_conv_args(x, w, None, s["stride"], s["padding"], s["dilation"], s["groups"])[3]


@pytest.mark.parametrize(("x_shape", "w_shape", "settings"), NOT_TAKEN)
def test_the_scatter_stays_where_the_flipped_conv_would_cost_more_or_cannot(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], settings: dict[str, Any]
) -> None:
    assert flipped_conv(np.zeros(w_shape), _geometry(x_shape, w_shape, settings)) is None


@pytest.mark.parametrize(("x_shape", "w_shape", "settings"), TAKEN)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_flipped_input_gradient_equals_the_loops_and_torch(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], settings: dict[str, Any], dtype: Any
) -> None:
    assert flipped_conv(np.zeros(w_shape), _geometry(x_shape, w_shape, settings)) is not None
    rng = np.random.default_rng(5)
    x, w = (rng.standard_normal(s).astype(dtype) for s in (x_shape, w_shape))
    grad = rng.standard_normal(conv2d(x, w, **settings).shape).astype(dtype)
    grad_x = conv2d_backward(grad, x, w, **settings)[0]
    assert grad_x.dtype == dtype
    tol = 1e-12 if dtype == np.float64 else 1e-4
    naive = conv2d_backward_naive(grad, x, w, **settings)[0]
    np.testing.assert_allclose(grad_x, naive, rtol=tol, atol=tol)
    xt = torch.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Using padding='same'", UserWarning)
        out = torch.nn.functional.conv2d(xt, torch.tensor(w), **settings)
    out.backward(torch.tensor(grad))
    assert xt.grad is not None
    np.testing.assert_allclose(grad_x, xt.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_flipped_conv_chunk_by_chunk_gives_the_bits_of_the_whole_conv(dtype: Any) -> None:
    """One large image a chunk (a 32->32 3x3 layer on 64x64): the flipped conv goes chunk by chunk with
    the weight gradient (`conv_chunks._turned`), and must give what the flipped conv called whole gives."""
    x_shape, w_shape = (3, 32, 64, 64), (32, 32, 3, 3)
    geom = _geometry(x_shape, w_shape, {"padding": 1})
    rng = np.random.default_rng(7)
    x, w, grad = (rng.standard_normal(s).astype(dtype) for s in (x_shape, w_shape, x_shape))
    flipped = flipped_conv(w, geom)
    assert flipped is not None
    assert len(geom.numbered_chunks) == 3  # one image a chunk
    assert conv_chunks._turned(*flipped, geom.numbered_chunks) is not None
    whole = conv_chunks.forward(grad, *flipped[:1], None, flipped[1])
    assert np.array_equal(conv2d_backward(grad, x, w, padding=1)[0], whole)
    assert np.array_equal(conv2d_backward_input(grad, x, w, padding=1), whole)
