"""Test helpers: compare our ops with PyTorch and with a numerical gradient.

``check_against_torch`` is the one-line-per-op pattern (after tinygrad's ``helper_test_op``): the same
inputs go through our forward/backward and through torch autograd, and values and gradients must agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

# float64 agrees to rounding; float32 to what its 24-bit mantissa allows over sums of a few hundred terms.
TOLERANCE = {np.float64: {"rtol": 1e-10, "atol": 1e-10}, np.float32: {"rtol": 1e-4, "atol": 1e-4}}


def tolerance(dtype: Any) -> dict[str, float]:
    """rtol/atol for comparing results of the given dtype."""
    return TOLERANCE[np.dtype(dtype).type]


def check_against_torch(
    ours: Callable[..., np.ndarray],
    ours_backward: Callable[..., Any] | None,
    theirs: Callable[..., torch.Tensor],
    inputs: Sequence[np.ndarray | None],
    rng: np.random.Generator,
    dtype: Any = np.float64,
) -> None:
    """Assert forward (and backward, if given) of ``ours`` equal ``theirs`` on ``inputs``.

    ``ours(*inputs)`` and ``theirs(*tensors)`` take the same positional arrays (``None`` passes through,
    e.g. a missing bias); ``ours_backward(grad_out, *inputs)`` returns one gradient per input.
    """
    tol = tolerance(dtype)
    arrays = [None if a is None else np.asarray(a, dtype=dtype) for a in inputs]
    tensors = [None if a is None else torch.tensor(a, requires_grad=True) for a in arrays]
    out = ours(*arrays)
    expected = theirs(*tensors)
    np.testing.assert_allclose(out, expected.detach().numpy(), **tol, err_msg="forward")
    if ours_backward is None:
        return
    grad_out = rng.standard_normal(out.shape).astype(dtype)
    expected.backward(torch.tensor(grad_out))
    grads = ours_backward(grad_out, *arrays)
    if not isinstance(grads, tuple):
        grads = (grads,)
    for i, (g, t) in enumerate(zip(grads, tensors, strict=False)):
        if t is None:
            assert g is None, f"gradient {i} should be None for a missing input"
            continue
        assert t.grad is not None
        np.testing.assert_allclose(g, t.grad.numpy(), **tol, err_msg=f"gradient of input {i}")


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f`` at ``x`` (float64)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)  # views: (x.size,)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + eps
        up = f(x)
        flat_x[i] = old - eps
        down = f(x)
        flat_x[i] = old
        flat_g[i] = (up - down) / (2 * eps)
    return grad


def gradcheck(
    forward: Callable[..., np.ndarray],
    backward: Callable[..., Any],
    inputs: Sequence[np.ndarray | None],
    rng: np.random.Generator,
    rtol: float = 1e-5,
    atol: float = 1e-7,
) -> None:
    """Assert ``backward`` equals the numerical gradient of sum(forward(*inputs) * G) for random G."""
    arrays = [None if a is None else np.asarray(a, dtype=np.float64) for a in inputs]
    grad_out = rng.standard_normal(forward(*arrays).shape)
    grads = backward(grad_out, *arrays)
    if not isinstance(grads, tuple):
        grads = (grads,)
    for i, a in enumerate(arrays):
        if a is None:
            continue

        def loss(v: np.ndarray, i: int = i) -> float:
            args = list(arrays)
            args[i] = v
            return float(np.sum(forward(*args) * grad_out))

        np.testing.assert_allclose(
            grads[i], numerical_gradient(loss, a), rtol=rtol, atol=atol, err_msg=f"input {i}"
        )
