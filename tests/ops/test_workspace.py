"""Convolutions with a Workspace: the same bits as without, and nothing returned aliases the scratch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from convscope import ops
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
    assert {key[0] for key in ws._arrays} >= {"cols", "product", "grad_rows"}  # the workspace was used


def test_a_workspace_keeps_its_arrays_and_bounds_their_number() -> None:
    ws = Workspace(limit=2)
    a = ws.empty("cols", (4, 4), np.float32)
    assert ws.empty("cols", (4, 4), np.float32) is a
    assert ws.empty("cols", (4, 4), np.float64) is not a
    ws.empty("product", (2,), np.float32)  # a third entry: the workspace starts afresh
    assert ws.empty("cols", (4, 4), np.float32) is not a
    assert len(ws._arrays) <= 2
