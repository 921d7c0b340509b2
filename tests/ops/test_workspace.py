"""Convolutions with a Workspace: the same bits as without, and nothing returned aliases the scratch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from convscope import ops
from convscope.ops import recycle
from convscope.ops.workspace import Workspace

CASES = [
    # (x shape, weight shape, settings): LeNet's two layers (batch-first and batch-last columns, chunked),
    # padding, stride, dilation and groups
    ((64, 1, 32, 32), (6, 1, 5, 5), {}),
    ((128, 6, 14, 14), (16, 6, 5, 5), {}),
    ((3, 4, 9, 8), (6, 2, 3, 3), {"padding": 1, "stride": 2, "groups": 2}),
    ((20, 3, 11, 11), (4, 3, 3, 3), {"padding": "same", "dilation": 2}),
]


@pytest.mark.parametrize(("x_shape", "w_shape", "settings"), CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_workspace_changes_no_bit_and_is_reused_safely(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], settings: dict[str, Any], dtype: type
) -> None:
    rng = np.random.default_rng(0)
    ws = Workspace()
    results = []
    for _ in range(2):  # the second call reuses the first call's scratch arrays
        x: np.ndarray = rng.standard_normal(x_shape).astype(dtype)
        w: np.ndarray = rng.standard_normal(w_shape).astype(dtype)
        b: np.ndarray = rng.standard_normal(w_shape[:1]).astype(dtype)
        plain = ops.conv2d(x, w, b, **settings)
        out = ops.conv2d(x, w, b, **settings, workspace=ws)
        grad: np.ndarray = rng.standard_normal(plain.shape).astype(dtype)
        full = ops.conv2d_backward(grad, x, w, b, **settings, workspace=ws)
        weight_only = ops.conv2d_backward_weight(grad, x, w, b, **settings, workspace=ws)
        np.testing.assert_array_equal(out, plain)
        for got, want in zip(full, ops.conv2d_backward(grad, x, w, b, **settings), strict=True):
            np.testing.assert_array_equal(got, want)
        for got, want in zip(weight_only, full[1:], strict=True):
            np.testing.assert_array_equal(got, want)
        results.append((out.copy(), out, full[0].copy(), full[0]))
    out_copy, out, grad_x_copy, grad_x = results[0]
    np.testing.assert_array_equal(out, out_copy)  # the first call's results were not overwritten
    np.testing.assert_array_equal(grad_x, grad_x_copy)
    roles = {key[0] for key in ws._arrays}  # the workspace was used: im2col's or width columns (conv2)
    im2col = {"cols", "product", "grad_rows"}
    assert im2col <= roles or {"width_cols.0", "width_out", "width_grad_rows"} <= roles


def test_a_workspace_keeps_its_arrays_and_bounds_their_number() -> None:
    ws = Workspace(limit=2)
    a = ws.empty("cols", (4, 4), np.float32)
    assert ws.empty("cols", (4, 4), np.float32) is a
    assert ws.empty("cols", (4, 4), np.float64) is not a
    ws.empty("product", (2,), np.float32)  # a third entry: the workspace starts afresh
    assert ws.empty("cols", (4, 4), np.float32) is not a
    assert len(ws._arrays) <= 2


def test_the_backward_reuses_the_forwards_columns_only_for_the_same_input(monkeypatch: Any) -> None:
    """One chunk (LeNet's conv2 at 8 images: batch-first im2col columns; a longer batch takes width
    columns, `test_conv_kwcols.py`): the backward builds no columns for the forward's own x, and builds
    them afresh, with the right gradients, for another array of the same shape."""
    import convscope.ops.im2col as im2col_module

    built = []
    real = im2col_module.im2col
    monkeypatch.setattr(im2col_module, "im2col", lambda *a, **k: built.append(1) or real(*a, **k))
    rng = np.random.default_rng(1)
    x, other = rng.standard_normal((2, 8, 6, 14, 14)).astype(np.float32)
    w, b = rng.standard_normal((16, 6, 5, 5)).astype(np.float32), np.zeros(16, np.float32)
    grad = rng.standard_normal((8, 16, 10, 10)).astype(np.float32)
    ws = Workspace()
    ops.conv2d(x, w, b, workspace=ws)
    assert len(built) == 1
    reused = ops.conv2d_backward(grad, x, w, b, workspace=ws)
    assert len(built) == 1  # the forward's columns served the weight gradient
    fresh = ops.conv2d_backward_weight(grad, other, w, b, workspace=ws)
    assert len(built) == 2  # a different input: its own columns
    for got, want in zip(reused, ops.conv2d_backward(grad, x, w, b), strict=True):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(fresh, ops.conv2d_backward_weight(grad, other, w, b), strict=True):
        np.testing.assert_array_equal(got, want)


def test_a_byte_bound_workspace_keeps_what_fits_and_hands_out_the_rest() -> None:
    ws = Workspace(limit=8, most_bytes=1000)
    a = ws.empty("cols", (100,), np.float32)  # 400 bytes
    assert ws.empty("cols", (100,), np.float32) is a
    big = ws.empty("product", (300,), np.float32)  # 1,200 bytes: over the bound, never kept
    assert ws.empty("product", (300,), np.float32) is not big
    assert ws.empty("cols", (100,), np.float32) is a
    ws.empty("grad_rows", (200,), np.float32)  # 400 + 800 would pass 1,000: start afresh
    assert ws.empty("cols", (100,), np.float32) is not a
    assert sum(x.nbytes for x in ws._arrays.values()) <= 1000


@pytest.mark.parametrize("shape", [(14, 6, 5, 640), (3, 7), (1,), (2, 0)])
def test_workspace_arrays_start_on_a_cache_line(shape: tuple[int, ...]) -> None:
    # the columns BLAS reads are workspace arrays: from a cache line's start it reads them faster
    ws = Workspace(most_bytes=1000)  # (14, 6, 5, 640) is over the bound: handed out, not kept
    arrays = [ws.empty(role, shape, np.float32) for role in ("cols", "product")]
    for a in arrays:
        assert a.shape == shape
        assert a.dtype == np.float32
        assert a.flags.c_contiguous
        assert a.flags.writeable
        assert a.size == 0 or a.ctypes.data % recycle.ALIGN == 0
    if arrays[0].size:
        arrays[0][...], arrays[1][...] = 1.0, 2.0  # two arrays, no shared memory
        assert float(arrays[0].sum()) == arrays[0].size


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.longdouble])
def test_reuse_needs_the_same_bits(dtype: Any) -> None:
    """A workspace that trusts no one reuses an array only for the very bits it was built from."""
    x = np.array([1.5, 0.0, np.nan], dtype=dtype)
    ws = Workspace(trusts=False)
    cols = ws.empty("cols", (3,), dtype)
    ws.note(cols, "cols", x, 0, x)
    assert ws.holding("cols", (3,), dtype, x, 0, x) is cols  # a NaN with the same bits matches
    x[1] = -0.0  # equal as a number, another bit pattern
    assert ws.holding("cols", (3,), dtype, x, 0, x) is None
    x[1] = 0.0
    assert ws.holding("cols", (3,), dtype, x, 0, x) is cols
    x[0] = np.nextafter(x[0], np.inf, dtype=dtype)  # the least change there is
    assert ws.holding("cols", (3,), dtype, x, 0, x) is None
