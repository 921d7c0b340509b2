"""Fully connected layer as a pure function: y = x @ weight.T + bias, with its backward and a loop twin."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._blas import blas_on_one_thread
from convscope._validate import as_array
from convscope.ops.linear_helped import helped_gradients

Array = npt.NDArray[Any]


def _inputs(x: Any, weight: Any, bias: Any) -> tuple[Array, Array, Array | None]:
    """Check x (N, in), weight (out, in), bias (out,) or None agree; return them as float arrays."""
    xa = as_array(x, "x", 2, layout="(N, in_features)")
    w = as_array(weight, "weight", 2, layout="(out_features, in_features)")
    if w.shape[1] != xa.shape[1]:
        raise ValueError(f"weight must have in_features = {xa.shape[1]} columns to match x {xa.shape}, "
                         f"got weight {w.shape}")
    if bias is None:
        return xa, w, None
    b = as_array(bias, "bias", 1, layout="(out_features,)")
    if b.shape[0] != w.shape[0]:
        raise ValueError(f"bias must have out_features = {w.shape[0]} values to match weight {w.shape}, "
                         f"got bias {b.shape}")
    return xa, w, b


def linear(x: Any, weight: Any, bias: Any = None) -> Array:
    """``x @ weight.T + bias``, as ``torch.nn.functional.linear``.

    Parameters
    ----------
    x : array (N, in_features)
    weight : array (out_features, in_features)
    bias : array (out_features,) or None

    Returns
    -------
    array (N, out_features)

    Examples
    --------
    >>> linear(np.array([[1.0, 2.0]]), np.array([[1.0, 1.0], [0.0, -1.0]]), np.array([0.5, 0.0]))
    array([[ 3.5, -2. ]])
    """
    xa, w, b = _inputs(x, weight, bias)
    with blas_on_one_thread():  # as every op's products (`convscope._blas`)
        out: Array = xa @ w.T  # (N, out), fresh: the bias is added in place unless it widens the dtype
    if b is None or np.result_type(out, b) != out.dtype:
        return out if b is None else out + b
    out += b
    return out


def linear_backward(
    grad_output: Any, x: Any, weight: Any, bias: Any = None
) -> tuple[Array, Array, Array | None]:
    """Gradients of ``linear`` w.r.t. x (N, in), weight (out, in) and bias (out,) (None without bias).

    Examples
    --------
    >>> gx, gw, gb = linear_backward(np.ones((1, 2)), np.array([[1.0, 2.0]]), np.eye(2), np.zeros(2))
    >>> gx, gw, gb
    (array([[1., 1.]]), array([[1., 2.],
           [1., 2.]]), array([1., 1.]))
    """
    xa, w, b = _inputs(x, weight, bias)
    g = as_array(grad_output, "grad_output", 2, layout="(N, out_features)")
    expected = (xa.shape[0], w.shape[0])  # (N, out)
    if g.shape != expected:
        raise ValueError(f"grad_output must have the output's shape {expected}, got {g.shape}")
    g = g.astype(np.result_type(xa, w), copy=False)
    with blas_on_one_thread():  # as every op's products (`convscope._blas`), here and in the helper
        both = helped_gradients(g, xa, w)  # the weight's product in the helper process, where it pays
        grad_x, grad_w = both if both is not None else (g @ w, g.T @ xa)  # (N, in), (out, in)
    return grad_x, grad_w, None if b is None else g.sum(axis=0)


def linear_naive(x: Any, weight: Any, bias: Any = None) -> Array:
    """Loop twin of ``linear``: out[n, o] = sum_i x[n, i] * weight[o, i] + bias[o]."""
    xa, w, b = _inputs(x, weight, bias)
    out = np.zeros((xa.shape[0], w.shape[0]), dtype=np.result_type(xa, w))
    for n in range(xa.shape[0]):
        for o in range(w.shape[0]):
            total = 0.0 if b is None else float(b[o])
            for i in range(xa.shape[1]):
                total += float(xa[n, i] * w[o, i])
            out[n, o] = total
    return out
