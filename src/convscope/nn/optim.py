"""Optimisers: SGD (with momentum, Nesterov, weight decay) and Adam, in PyTorch's exact formulation.

Each takes the ``Parameter`` objects to update (``model.parameters().values()``) and, on ``step()``,
updates every ``data`` array in place from its ``grad``. The per-parameter state (momentum buffers,
Adam's moments) lives in the optimiser, as in ``torch.optim``; ``lr`` is a plain attribute a schedule may
change between steps.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

import numpy as np

from convscope.nn.layers import FloatArray, Parameter


def _check_rate(value: float, name: str, upper: float | None = None) -> float:
    """A finite float >= 0 (and < ``upper`` when given), else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value) or value < 0 or (upper is not None and value >= upper):
        allowed = f"in [0, {upper:g})" if upper is not None else ">= 0"
        raise ValueError(f"{name} must be a finite number {allowed}, got {value}")
    return float(value)


class Optimizer:
    """Base class: holds the parameters and the learning rate; subclasses define ``_update``."""

    def __init__(self, params: Iterable[Parameter], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("the optimiser got an empty parameter list")
        for p in self.params:
            if not isinstance(p, Parameter):
                raise TypeError(f"params must be convscope.nn Parameters, got {type(p).__name__}")
        self.lr = _check_rate(lr, "lr")
        self.steps = 0

    def step(self) -> None:
        """Update every parameter once from its current gradient."""
        self.steps += 1
        for i, p in enumerate(self.params):
            self._update(i, p)

    def _update(self, i: int, p: Parameter) -> None:
        """Update parameter number ``i`` in place."""
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent as ``torch.optim.SGD``.

    With g = grad + weight_decay*p: b = g on the first step, then b = momentum*b + (1 - dampening)*g;
    the step is p -= lr * (g + momentum*b if nesterov else b) (plain p -= lr*g when momentum is 0).

    Examples
    --------
    >>> p = Parameter(np.array([1.0]), np.array([0.5]))
    >>> SGD([p], lr=0.1).step()
    >>> p.data
    array([0.95])
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _check_rate(momentum, "momentum")
        self.dampening = _check_rate(dampening, "dampening")
        self.weight_decay = _check_rate(weight_decay, "weight_decay")
        if nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("nesterov momentum needs momentum > 0 and dampening = 0 (as torch.optim.SGD)")
        self.nesterov = bool(nesterov)
        self._buffers: list[FloatArray | None] = [None] * len(self.params)

    def _update(self, i: int, p: Parameter) -> None:
        g = p.grad + self.weight_decay * p.data if self.weight_decay else p.grad
        if self.momentum:
            buf = self._buffers[i]
            if buf is None:
                buf = self._buffers[i] = np.array(g, copy=True)
            else:
                buf *= self.momentum
                buf += (1 - self.dampening) * g
            g = g + self.momentum * buf if self.nesterov else buf
        p.data -= self.lr * g


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) as ``torch.optim.Adam`` (L2 ``weight_decay`` added to the gradient).

    m = b1*m + (1-b1)*g, v = b2*v + (1-b2)*g^2, and after t steps
    p -= lr/(1 - b1^t) * m / (sqrt(v)/sqrt(1 - b2^t) + eps).

    Examples
    --------
    >>> p = Parameter(np.array([1.0]), np.array([0.5]))
    >>> Adam([p], lr=0.1).step()
    >>> p.data.round(6)
    array([0.9])
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (
            _check_rate(betas[0], "betas[0]", upper=1.0),
            _check_rate(betas[1], "betas[1]", upper=1.0),
        )
        self.eps = _check_rate(eps, "eps")
        self.weight_decay = _check_rate(weight_decay, "weight_decay")
        # The moments of all parameters live in one vector each (``_m[i]`` is a view of its slice), so a
        # step is one pass per formula over every parameter, not one per parameter (``step``).
        sizes = [p.data.size for p in self.params]
        self._bounds = list(itertools.pairwise(int(i) for i in np.cumsum([0, *sizes])))
        dtypes = {p.data.dtype for p in self.params}
        # m, v and two scratch vectors; none when the parameters' dtypes differ (then ``_update`` each).
        self._flat = [np.zeros(sum(sizes), dtype=self.params[0].data.dtype) for _ in range(4)]
        if len(dtypes) > 1:
            self._flat = []
        self._m = [_part(self._flat, 0, b, p) for b, p in self._pairs()]
        self._v = [_part(self._flat, 1, b, p) for b, p in self._pairs()]

    def _pairs(self) -> list[tuple[tuple[int, int], Parameter]]:
        return list(zip(self._bounds, self.params, strict=True))

    def step(self) -> None:
        """Update every parameter once; parameters of one dtype as one vector (the same numbers)."""
        if not self._flat:
            super().step()
            return
        self.steps += 1
        beta1, beta2 = self.betas
        m, v, g, tmp = self._flat
        np.concatenate([p.grad.reshape(-1) for p in self.params], out=g)
        if self.weight_decay:
            np.concatenate([p.data.reshape(-1) for p in self.params], out=tmp)
            g += np.multiply(tmp, self.weight_decay, out=tmp)
        # Each line is ``_update``'s, in the same order: the same roundings, so the same bits.
        m *= beta1
        m += np.multiply(g, 1 - beta1, out=tmp)
        v *= beta2
        v += np.multiply(np.multiply(g, 1 - beta2, out=tmp), g, out=tmp)
        denom = np.sqrt(v, out=tmp)
        denom /= math.sqrt(1 - beta2**self.steps)
        denom += self.eps
        update = np.multiply(m, self.lr / (1 - beta1**self.steps), out=g)
        update /= denom
        for (a, b), p in self._pairs():
            p.data -= update[a:b].reshape(p.data.shape)

    def _update(self, i: int, p: Parameter) -> None:
        beta1, beta2 = self.betas
        g = p.grad + self.weight_decay * p.data if self.weight_decay else p.grad
        m, v = self._m[i], self._v[i]
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * g * g
        step_size = self.lr / (1 - beta1**self.steps)
        denom = np.sqrt(v) / math.sqrt(1 - beta2**self.steps) + self.eps
        p.data -= step_size * m / denom


def _part(flat: list[FloatArray], which: int, bounds: tuple[int, int], p: Parameter) -> FloatArray:
    """Slice ``bounds`` of vector ``flat[which]`` shaped like ``p.data`` (a view); zeros if no vectors."""
    if not flat:
        return np.zeros_like(p.data)
    return flat[which][bounds[0] : bounds[1]].reshape(p.data.shape)
