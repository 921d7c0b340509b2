"""Loss functions and their gradients: softmax cross-entropy and half squared error.

``reduction`` means what it means in PyTorch: "mean" averages the per-sample (or per-element) losses,
"sum" adds them, "none" returns them unreduced. A reduced loss has a 0-D ``grad_output`` (1.0 to start
backpropagation); an unreduced one has one ``grad_output`` value per loss.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import as_array
from convscope.ops.activations import row_maxima, softmax_rows

Array = npt.NDArray[Any]
REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: Any) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of 'mean', 'sum', 'none', got {reduction!r}")
    return str(reduction)


def _class_labels(target: Any, n: int, classes: int) -> npt.NDArray[np.intp]:
    """Check target holds n integer class indices in [0, classes - 1]."""
    t = np.asarray(target)
    if t.dtype.kind not in "iu":  # signed or unsigned integers (np.issubdtype's answer, a tenth the cost)
        raise TypeError(f"target must hold integer class indices, got dtype {t.dtype}")
    if t.shape != (n,):
        raise ValueError(f"target must have shape (N,) = ({n},), one class index per row, got {t.shape}")
    if t.size and (t.min() < 0 or t.max() >= classes):  # two reductions: a loss is checked every step
        bad = t[(t < 0) | (t >= classes)]
        raise ValueError(f"target must hold class indices in [0, {classes - 1}], got {bad[0]}")
    return t.astype(np.intp, copy=False)


def _reduce(losses: Array, reduction: str) -> Array:
    if reduction == "none":
        return losses
    total = np.add.reduce(losses, axis=None)  # what ndarray.mean and .sum reduce with, minus their Python
    return np.asarray(total / losses.size if reduction == "mean" else total)


def _grad(grad_output: Any, loss_shape: tuple[int, ...], reduction: str, dtype: Any) -> Array:
    """Check grad_output is 0-D for a reduced loss, or shaped like the unreduced losses."""
    g = as_array(grad_output, "grad_output")
    expected = loss_shape if reduction == "none" else ()
    if g.shape != expected:
        raise ValueError(f"grad_output must have shape {expected} for reduction={reduction!r}, got {g.shape}")
    return g.astype(dtype, copy=False)


def _logits(logits: Any) -> Array:
    arr = as_array(logits, "logits", 2, layout="(N, K)")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"logits must hold at least one sample and one class, got shape {arr.shape}")
    return arr


def cross_entropy(logits: Any, target: Any, reduction: str = "mean") -> Array:
    """Softmax cross-entropy -log softmax(logits)[n, target[n]], as ``torch.nn.functional.cross_entropy``.

    Parameters
    ----------
    logits : array (N, K)
        Unnormalised class scores.
    target : integer array (N,)
        Class indices in [0, K - 1]. (Probability targets, weights and label smoothing are not supported.)
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    array: 0-D for "mean" and "sum", (N,) for "none"

    Examples
    --------
    >>> float(cross_entropy(np.array([[0.0, 0.0]]), np.array([1])))  # log 2: a coin toss
    0.6931471805599453
    """
    arr = _logits(logits)
    labels = _class_labels(target, *arr.shape)
    how = _check_reduction(reduction)
    # -log_softmax(arr)[n, target[n]], for the picked entries only: log(sum(exp(x - max))) - (x - max)
    shifted = arr - row_maxima(arr)  # (N, K)
    losses = np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(arr.shape[0]), labels]  # (N,)
    return _reduce(losses, how)


def cross_entropy_backward(grad_output: Any, logits: Any, target: Any, reduction: str = "mean") -> Array:
    """Gradient of ``cross_entropy`` w.r.t. logits (N, K): (softmax(logits) - one_hot(target)) * grad_output.

    Examples
    --------
    >>> cross_entropy_backward(1.0, np.array([[0.0, 0.0]]), np.array([1]))
    array([[ 0.5, -0.5]])
    """
    arr = _logits(logits)
    n = arr.shape[0]
    labels = _class_labels(target, *arr.shape)
    how = _check_reduction(reduction)
    g = _grad(grad_output, (n,), how, arr.dtype)
    grad = softmax_rows(arr)  # (N, K), fresh: scaled in place below
    grad[np.arange(n), labels] -= 1
    scale = g[:, None] if how == "none" else g / n if how == "mean" else g  # (N, 1) or scalar
    grad *= scale
    return grad


def _squared_error_target(output: Array, target: Any) -> Array:
    """Target values shaped like output, or N integer class labels turned one-hot for output (N, K)."""
    t = np.asarray(target)
    labels_fit = output.ndim == 2 and t.shape == (output.shape[0],)
    if np.issubdtype(t.dtype, np.integer) and labels_fit:
        one_hot = np.zeros_like(output)
        one_hot[np.arange(output.shape[0]), _class_labels(t, *output.shape)] = 1
        return one_hot
    values = as_array(target, "target")
    if values.shape != output.shape:
        raise ValueError(f"target must have output's shape {output.shape} (or, for output (N, K), be N "
                         f"integer class labels), got {values.shape}")
    return values.astype(output.dtype, copy=False)


def half_squared_error(output: Any, target: Any, reduction: str = "sum") -> Array:
    """Half the squared error, sum of 1/2 (target - output)**2: 0.5 * ``F.mse_loss`` in PyTorch terms.

    Parameters
    ----------
    output : array of any shape, e.g. (N, K)
    target : array shaped like output, or integer class labels (N,) for output (N, K), made one-hot
    reduction : {"sum", "mean", "none"}
        "mean" averages over every element (as ``F.mse_loss``), "none" keeps output's shape.

    Returns
    -------
    array: 0-D for "sum" and "mean", output's shape for "none"

    Examples
    --------
    >>> float(half_squared_error(np.array([[0.5, 0.5]]), np.array([1])))  # (0.5**2 + 0.5**2) / 2
    0.25
    """
    out = as_array(output, "output")
    t = _squared_error_target(out, target)
    return _reduce(0.5 * (t - out) ** 2, _check_reduction(reduction))


def half_squared_error_backward(grad_output: Any, output: Any, target: Any, reduction: str = "sum") -> Array:
    """Gradient of ``half_squared_error`` w.r.t. output: (output - target) * grad_output (/ size for "mean").

    Examples
    --------
    >>> half_squared_error_backward(1.0, np.array([[0.5, 0.5]]), np.array([1]))
    array([[ 0.5, -0.5]])
    """
    out = as_array(output, "output")
    t = _squared_error_target(out, target)
    how = _check_reduction(reduction)
    g = _grad(grad_output, out.shape, how, out.dtype)
    grad: Array = (out - t) * (g / out.size if how == "mean" else g)
    return grad
