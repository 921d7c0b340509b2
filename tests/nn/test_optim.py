"""SGD and Adam against torch.optim, step for step, on the same parameters and gradients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

from convscope.nn import SGD, Adam, Optimizer, Parameter

SHAPES = [(3, 4), (5,), (2, 1, 3, 3)]


def _run_both(
    ours: Callable[[list[Parameter]], Optimizer],
    theirs: Callable[[list[torch.Tensor]], torch.optim.Optimizer],
    rng: np.random.Generator,
    steps: int = 6,
) -> None:
    """Apply the same random gradients for several steps; parameters must agree after each."""
    start = [rng.standard_normal(s) for s in SHAPES]
    params = [Parameter.of(a.copy()) for a in start]
    tensors = [torch.tensor(a.copy(), requires_grad=True) for a in start]
    opt, topt = ours(params), theirs(tensors)
    for step in range(steps):
        for p, t in zip(params, tensors, strict=True):
            g = rng.standard_normal(p.data.shape)
            p.grad[...] = g
            t.grad = torch.tensor(g)
        opt.step()
        topt.step()
        for i, (p, t) in enumerate(zip(params, tensors, strict=True)):
            np.testing.assert_allclose(
                p.data,
                t.detach().numpy(),
                rtol=1e-12,
                atol=1e-14,
                err_msg=f"parameter {i} after step {step + 1}",
            )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lr": 0.1},
        {"lr": 0.05, "momentum": 0.9},
        {"lr": 0.05, "momentum": 0.9, "dampening": 0.3},
        {"lr": 0.05, "momentum": 0.9, "nesterov": True},
        {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.01},
        {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1, "nesterov": True},
    ],
)
def test_sgd_matches_torch(kwargs: dict[str, Any], rng: np.random.Generator) -> None:
    _run_both(lambda p: SGD(p, **kwargs), lambda t: torch.optim.SGD(t, **kwargs), rng)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lr": 1e-3},
        {"lr": 0.01, "betas": (0.8, 0.99)},
        {"lr": 0.01, "eps": 1e-3, "weight_decay": 0.05},
    ],
)
def test_adam_matches_torch(kwargs: dict[str, Any], rng: np.random.Generator) -> None:
    _run_both(lambda p: Adam(p, **kwargs), lambda t: torch.optim.Adam(t, **kwargs), rng)


def test_changing_lr_between_steps_matches_torch(rng: np.random.Generator) -> None:
    """A schedule sets ``lr`` between steps, as torch's schedulers set param_groups' lr."""
    start = rng.standard_normal(4)
    p, t = Parameter.of(start.copy()), torch.tensor(start.copy(), requires_grad=True)
    opt, topt = Adam([p], lr=0.1), torch.optim.Adam([t], lr=0.1)
    for lr in (0.1, 0.05, 0.01):
        g = rng.standard_normal(4)
        p.grad[...], t.grad = g, torch.tensor(g)
        opt.lr = lr
        topt.param_groups[0]["lr"] = lr
        opt.step()
        topt.step()
    np.testing.assert_allclose(p.data, t.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
def test_adam_on_one_vector_gives_the_per_parameter_bits(
    rng: np.random.Generator, dtype: Any, weight_decay: float
) -> None:
    """Adam's step over all parameters at once: the bits of its formula applied parameter by parameter."""
    start = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    flat, each = ([Parameter.of(a.copy()) for a in start] for _ in range(2))
    opt, ref = Adam(flat, lr=0.01, weight_decay=weight_decay), Adam(each, lr=0.01, weight_decay=weight_decay)
    for _ in range(4):
        for p, q in zip(flat, each, strict=True):
            p.grad[...] = q.grad[...] = rng.standard_normal(p.data.shape)
        opt.step()
        Optimizer.step(ref)  # the base class's loop: ``_update`` on each parameter
    for p, q in zip(flat, each, strict=True):
        assert p.data.dtype == dtype
        np.testing.assert_array_equal(p.data, q.data)
        assert not np.array_equal(p.data, start[flat.index(p)])


def test_adam_over_mixed_dtypes_updates_each_in_its_own(rng: np.random.Generator) -> None:
    """float32 and float64 parameters together: no shared vector, each keeps its dtype and matches torch."""
    start = [rng.standard_normal(3).astype(np.float32), rng.standard_normal(2)]
    params = [Parameter.of(a.copy()) for a in start]
    tensors = [torch.tensor(a.copy(), requires_grad=True) for a in start]
    opt, topt = Adam(params, lr=0.01), torch.optim.Adam(tensors, lr=0.01)
    for p, t in zip(params, tensors, strict=True):
        p.grad[...] = rng.standard_normal(p.data.shape)
        t.grad = torch.tensor(p.grad.copy())
    opt.step()
    topt.step()
    for p, t, a in zip(params, tensors, start, strict=True):
        assert p.data.dtype == a.dtype
        np.testing.assert_allclose(p.data, t.detach().numpy(), rtol=1e-6)


def test_updates_are_in_place_and_keep_float32(rng: np.random.Generator) -> None:
    data = rng.standard_normal(3).astype(np.float32)
    p = Parameter(data, np.ones(3, dtype=np.float32))
    SGD([p], lr=0.5, momentum=0.9).step()
    assert p.data is data
    assert p.data.dtype == np.float32


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda p: SGD(p, lr=-1), ValueError, r"lr must be a finite number >= 0"),
        (lambda p: SGD(p, lr=float("nan")), ValueError, r"lr must be a finite number"),
        (lambda p: SGD(p, lr="0.1"), TypeError, r"lr must be a number"),
        (lambda p: SGD(p, lr=0.1, nesterov=True), ValueError, r"nesterov momentum needs momentum > 0"),
        (lambda p: Adam(p, betas=(0.9, 1.0)), ValueError, r"betas\[1\] must be a finite number in \[0, 1\)"),
        (lambda p: Adam(p, betas=(0.9,)), ValueError, r"betas must be a pair"),
        (lambda p: Adam([]), ValueError, r"empty parameter list"),
        (lambda p: Adam([np.zeros(2)]), TypeError, r"params must be convscope.nn Parameters"),
    ],
)
def test_bad_settings_are_named(
    make: Callable[[list[Parameter]], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make([Parameter.of(np.zeros(2))])
