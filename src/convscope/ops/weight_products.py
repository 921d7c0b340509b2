"""A weight gradient's products in blocks of their long inner dimension, both sides read as stored.

A convolution's weight gradient is columns @ grad_output's rows^T: (M x K) @ (K x N) with M the columns'
rows (C/G*kW or C/G*kH*kW), N = C_out/G, and K every output position of the chunk (4,096 for one 64x64
image). With N and M this small, OpenBLAS spends much of one long product packing its operands into
its own layout; a (M x 256) @ (256 x N) product with both sides read as stored (no transpose) is small
enough for it to make without packing (OpenBLAS's "direct" kernels on x86 with AVX-512, one BLAS thread
as the ops run it). So `blocked_products` turns grad_output's rows once, (K, N), and makes one product
per block of K, each into a partial of its own, which the caller adds up in order. One 64x64 image of
the 32->32 layer: 1.03 -> 0.76 ms, the turned copy included; LeNet's conv2, 32 and 64 images a chunk:
220 -> 148 us and 447 -> 360 us (benchmarks/RESULTS_perf.md #179).
"""

from __future__ import annotations

import numpy as np

from convscope.ops.im2col import Array
from convscope.ops.tap_views import strided
from convscope.ops.workspace import Workspace

# Longest block of K; blocks are its largest divisor up to this, from `_SHORTEST` up, at least two.
_K_BLOCK = 256
_SHORTEST = 64
# Most multiply-adds one block's product may hold (M*N*block): past it, products are large enough for
# OpenBLAS's packing to pay, and the partials would outgrow the cache.
_MOST_WORK = 2**21
# Fewest numbers a product's result (M*N) must hold: a smaller one gains less than the turned copy costs
# (LeNet's conv1, 25 x 6: its weight gradient at 256 images 2.02 -> 2.11 ms; conv2, 150 x 16, 3.01 ->
# 2.88 ms; benchmarks/RESULTS_perf.md #179).
_LEAST_RESULT = 2**11


def block_length(m: int, n: int, k: int) -> int | None:
    """The length of `blocked_products`' blocks of K for (M x K) @ (K x N), or None: one product then.

    Examples
    --------
    >>> block_length(96, 32, 4096), block_length(150, 16, 640), block_length(96, 32, 300)
    (256, 160, 150)
    >>> block_length(96, 32, 100) is None, block_length(96, 32, 4099) is None  # too short; 4,099 is prime
    (True, True)
    >>> block_length(512, 512, 4096) is None, block_length(25, 6, 896) is None  # too large; too small
    (True, True)
    """
    if m * n < _LEAST_RESULT:
        return None
    for length in range(min(_K_BLOCK, k // 2), _SHORTEST - 1, -1):
        if k % length == 0:
            return length if m * n * length <= _MOST_WORK else None
    return None


def blocked_products(a: Array, b: Array, length: int, scratch: Workspace, name: str) -> Array:
    """a @ b^T, block by block of K: (..., K/length, M, N) partials, a scratch array the caller sums.

    a (..., M, K) and b (..., N, K) broadcast against each other in their leading axes; K is a multiple
    of ``length`` (`block_length`). b is copied turned, (..., K, N), into scratch ``name + "_turned"``.

    Examples
    --------
    >>> from convscope.ops.workspace import Workspace
    >>> a, b = np.arange(24.0).reshape(2, 12), np.ones((3, 12))
    >>> parts = blocked_products(a, b, 4, Workspace(), "demo")
    >>> parts.shape, bool(np.array_equal(parts.sum(axis=0), a @ b.T))
    ((3, 2, 3), True)
    """
    *lead_b, n, k = b.shape
    m, count = a.shape[-2], k // length
    turned = scratch.empty(name + "_turned", (*lead_b, k, n), b.dtype)
    turned[...] = np.swapaxes(b, -1, -2)  # (..., K, N): read as stored by every product
    *lead_a, s_m, s_k = a.strides
    # (..., K/length, M, length): views of a
    blocks = strided(a, (*a.shape[:-2], count, m, length), (*lead_a, length * s_k, s_m, s_k))
    lead = np.broadcast_shapes(a.shape[:-2], tuple(lead_b))
    parts = scratch.empty(name + "_parts", (*lead, count, m, n), np.result_type(a, b))
    np.matmul(blocks, turned.reshape(*lead_b, count, length, n), out=parts)  # (..., K/length, M, N)
    return parts
