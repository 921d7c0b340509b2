"""Activation functions and their gradients: relu, leaky_relu, tanh, sigmoid, softmax, log_softmax.

Each ``f_backward(grad_output, x, ...)`` takes the forward's own input and recomputes what it needs,
so the functions stay pure. The exponentials are arranged never to overflow: sigmoid uses exp(-|x|),
softmax and log_softmax subtract each slice's maximum first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import as_array, check_int
from convscope.ops import recycle
from convscope.ops.elementwise_helped import in_halves, relu_backward_part, relu_part
from convscope.ops.threads import halves, run_blocks

Array = npt.NDArray[Any]


def _grad(grad_output: Any, x: Array) -> Array:
    """Check grad_output is a finite array shaped like x and in x's dtype."""
    g = as_array(grad_output, "grad_output")
    if g.shape != x.shape:
        raise ValueError(f"grad_output must have the shape of x {x.shape}, got {g.shape}")
    return g.astype(x.dtype, copy=False)


def relu(x: Any) -> Array:
    """max(x, 0), elementwise, any shape.

    Examples
    --------
    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    arr = as_array(x, "x")
    out = recycle.empty(arr.shape, arr.dtype)  # memory the process already holds, not fresh pages
    # (size,): views of contiguous memory (ascontiguousarray alone would make a 0-D x 1-D)
    flat_x, flat_out = np.ascontiguousarray(arr).reshape(-1), out.reshape(-1)
    _elementwise(relu_part, (flat_x, flat_out))
    return out


def relu_backward(grad_output: Any, x: Any) -> Array:
    """Gradient of ``relu``: grad_output where x > 0, else 0 (0 at x == 0, as PyTorch).

    Examples
    --------
    >>> relu_backward(np.ones(3), np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    arr = as_array(x, "x")
    g = np.ascontiguousarray(_grad(grad_output, arr))  # the flat views below need one memory layout
    flat_x = np.ascontiguousarray(arr).reshape(-1)  # (size,)
    positive = recycle.empty(flat_x.shape, np.bool_)  # the mask and result are `recycle`d
    grad = recycle.empty(arr.shape, g.dtype)
    flat_g, flat_grad = g.reshape(-1), grad.reshape(-1)  # (size,): views of contiguous memory
    _elementwise(relu_backward_part, (flat_g, flat_x, positive, flat_grad))
    return grad


def _elementwise(part: Callable[..., None], arrays: tuple[Array, ...]) -> None:
    """``part(*arrays)`` on flat arrays of one length (inputs, then outputs it writes in place).

    Half in the helper process where it pays (`in_halves`), else two halves on two threads from
    ``threads.SPLIT_FROM`` values, else one call here: a small array plans no blocks, which took ~1.5 us
    of a 6 us ReLU of LeNet's fully connected activations (benchmarks/RESULTS_perf.md #167).
    """
    if in_halves(part, arrays):
        return
    size = arrays[0].size
    spans = halves(size, size)
    if len(spans) == 1:
        part(*arrays)
        return

    def work(block: Sequence[slice], index: int) -> None:
        for run in block:
            part(*(a[run] for a in arrays))

    run_blocks(spans, work)


def _negative_slope(value: Any) -> float:
    """Check a leaky ReLU's slope for negative inputs: a finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError(f"negative_slope must be a number, got {type(value).__name__}")
    slope = float(value)
    if not np.isfinite(slope):
        raise ValueError(f"negative_slope must be finite, got {slope}")
    return slope


def leaky_relu(x: Any, negative_slope: Any = 0.01) -> Array:
    """x where x > 0, negative_slope * x elsewhere, any shape (``torch.nn.functional.leaky_relu``).

    Examples
    --------
    >>> leaky_relu(np.array([-2.0, 0.0, 3.0]), 0.1)
    array([-0.2,  0. ,  3. ])
    """
    arr = as_array(x, "x")
    slope = _negative_slope(negative_slope)
    out: Array = np.where(arr > 0, arr, arr * slope).astype(arr.dtype, copy=False)
    return out


def leaky_relu_backward(grad_output: Any, x: Any, negative_slope: Any = 0.01) -> Array:
    """Gradient of ``leaky_relu``: grad_output where x > 0, negative_slope * grad_output elsewhere.

    At x == 0 the slope is ``negative_slope``, as in PyTorch (its rule is ``x > 0``).

    Examples
    --------
    >>> leaky_relu_backward(np.ones(3), np.array([-2.0, 0.0, 3.0]), 0.1)
    array([0.1, 0.1, 1. ])
    """
    arr = as_array(x, "x")
    slope = _negative_slope(negative_slope)
    g = _grad(grad_output, arr)
    grad: Array = np.where(arr > 0, g, g * slope).astype(arr.dtype, copy=False)
    return grad


def tanh(x: Any) -> Array:
    """Hyperbolic tangent, elementwise, any shape.

    Examples
    --------
    >>> tanh(np.array([0.0]))
    array([0.])
    """
    out: Array = np.tanh(as_array(x, "x"))
    return out


def tanh_backward(grad_output: Any, x: Any) -> Array:
    """Gradient of ``tanh``: grad_output * (1 - tanh(x)**2).

    Examples
    --------
    >>> tanh_backward(np.ones(1), np.zeros(1))
    array([1.])
    """
    arr = as_array(x, "x")
    t = np.tanh(arr)
    grad: Array = _grad(grad_output, arr) * (1 - t * t)
    return grad


def _sigmoid(x: Array) -> Array:
    """1 / (1 + exp(-x)) written with exp(-|x|) <= 1, which cannot overflow for large |x|."""
    e = np.exp(-np.abs(x))
    out: Array = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return out


def sigmoid(x: Any) -> Array:
    """Logistic function 1 / (1 + exp(-x)), elementwise, any shape; stable for large |x|.

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    return _sigmoid(as_array(x, "x"))


def sigmoid_backward(grad_output: Any, x: Any) -> Array:
    """Gradient of ``sigmoid``: grad_output * s * (1 - s), s = sigmoid(x).

    Examples
    --------
    >>> sigmoid_backward(np.ones(1), np.zeros(1))
    array([0.25])
    """
    arr = as_array(x, "x")
    s = _sigmoid(arr)
    grad: Array = _grad(grad_output, arr) * s * (1 - s)
    return grad


def _input_and_dim(x: Any, dim: Any) -> tuple[Array, int]:
    """Check x has at least one axis and dim names one of them (negative counts from the end)."""
    arr = as_array(x, "x")
    if arr.ndim == 0:
        raise ValueError("x must have at least one axis for softmax, got a 0-D array")
    return arr, check_int(dim, "dim", -arr.ndim, arr.ndim - 1)


def softmax_rows(x: Array) -> Array:
    """`softmax` along the rows of a checked float array (a loss's logits (N, K)), fresh.

    Examples
    --------
    >>> softmax_rows(np.array([[0.0, 0.0]]))
    array([[0.5, 0.5]])
    """
    return _softmax(x, -1)


def row_maxima(x: Array) -> Array:
    """Each row's maximum of x (N, K), as (N, 1): reduced down the columns of x's transpose.

    NumPy reduces a short row (K = 10 classes) at a time, paying per row; down the columns it runs
    along all N at once (64 x 10 logits: 5 -> 2 us). A maximum is exact in any order.

    Examples
    --------
    >>> row_maxima(np.array([[1.0, 3.0], [2.0, -1.0]]))
    array([[3.],
           [2.]])
    """
    maxima: Array = np.maximum.reduce(np.ascontiguousarray(x.T), axis=0)  # x.T copied: (K, N) -> (N,)
    return maxima[:, None]


def _softmax(x: Array, dim: int) -> Array:
    """exp(x - max) / sum(exp(x - max)) along dim: the largest exponent is exp(0) = 1."""
    rows = x.ndim == 2 and dim in (1, -1)  # a loss's logits (N, K): `row_maxima`, the same numbers
    e = np.exp(x - (row_maxima(x) if rows else x.max(axis=dim, keepdims=True)))
    out: Array = e / e.sum(axis=dim, keepdims=True)
    return out


def softmax(x: Any, dim: int = -1) -> Array:
    """exp(x) / sum(exp(x)) along ``dim``, as ``torch.softmax``; each slice sums to 1.

    Parameters
    ----------
    x : array of any shape with at least one axis, e.g. logits (N, K)
    dim : int
        The axis that sums to 1.

    Examples
    --------
    >>> softmax(np.array([[0.0, 0.0], [1000.0, 1000.0]]))
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    arr, axis = _input_and_dim(x, dim)
    return _softmax(arr, axis)


def softmax_backward(grad_output: Any, x: Any, dim: int = -1) -> Array:
    """Gradient of ``softmax``: s * (g - sum(g * s, dim)), s = softmax(x, dim).

    Examples
    --------
    >>> softmax_backward(np.array([[1.0, 0.0]]), np.zeros((1, 2)))
    array([[ 0.25, -0.25]])
    """
    arr, axis = _input_and_dim(x, dim)
    g = _grad(grad_output, arr)
    s = _softmax(arr, axis)
    grad: Array = s * (g - (g * s).sum(axis=axis, keepdims=True))
    return grad


def log_softmax(x: Any, dim: int = -1) -> Array:
    """log(softmax(x)) along ``dim``, computed as x - max - log(sum(exp(x - max))), never log(0).

    Examples
    --------
    >>> log_softmax(np.array([[0.0, 0.0]]))
    array([[-0.69314718, -0.69314718]])
    """
    arr, axis = _input_and_dim(x, dim)
    shifted = arr - arr.max(axis=axis, keepdims=True)
    out: Array = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return out


def log_softmax_backward(grad_output: Any, x: Any, dim: int = -1) -> Array:
    """Gradient of ``log_softmax``: g - softmax(x) * sum(g, dim).

    Examples
    --------
    >>> log_softmax_backward(np.array([[1.0, 0.0]]), np.zeros((1, 2)))
    array([[ 0.5, -0.5]])
    """
    arr, axis = _input_and_dim(x, dim)
    g = _grad(grad_output, arr)
    grad: Array = g - _softmax(arr, axis) * g.sum(axis=axis, keepdims=True)
    return grad
