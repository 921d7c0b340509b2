"""Layers: thin, stateful wrappers over the pure ops in ``convscope.ops``.

A layer holds three things and nothing else: its parameters, their gradients, and the cache of one step
(what ``backward`` needs from the last ``forward``, usually just the input). The arithmetic lives in the
ops; a layer only remembers. Constructor arguments use PyTorch's names, so ``Linear(400, 120)`` here is
``torch.nn.Linear(400, 120)`` there.

``backward(grad_output)`` returns dL/d(input) and *overwrites* each parameter's ``grad`` (no
accumulation across calls, so there is nothing to zero between steps).

This module has the base class, the element-wise layers, ``Flatten``, ``Softmax`` and ``Linear``;
the spatial layers (``Conv2d`` and the pools) are in ``convscope.nn.conv_layers``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from convscope import ops
from convscope._validate import check_int
from convscope.nn.init import kaiming_uniform, uniform_bias

FloatArray = npt.NDArray[np.floating[Any]]


@dataclass(eq=False)
class Parameter:
    """A trainable array and the gradient of the loss with respect to it (same shape and dtype).

    Optimisers update ``data`` in place, so every holder of the array sees the step.
    """

    data: FloatArray
    grad: FloatArray

    @classmethod
    def of(cls, data: FloatArray) -> Parameter:
        """A parameter holding ``data`` with a zero gradient."""
        return cls(data, np.zeros_like(data))


class Layer:
    """Base of every layer: ``forward`` caches what ``backward`` needs; ``backward`` returns dL/dx."""

    # True for layers whose output is a probability distribution (the network's last layer, if any).
    is_softmax: ClassVar[bool] = False
    # What a forward keeps for the backward: a `convscope.nn.shards.replica` starts without it.
    forward_caches: ClassVar[tuple[str, ...]] = ("_input",)

    def __init__(self) -> None:
        self._input: FloatArray | None = None

    def forward(self, x: FloatArray) -> FloatArray:
        """Compute the output and remember the input for ``backward``."""
        raise NotImplementedError

    def backward(self, grad_output: FloatArray) -> FloatArray:
        """Return dL/dx for the last ``forward``'s input; fill each parameter's ``grad``."""
        raise NotImplementedError

    def backward_parameters(self, grad_output: FloatArray) -> None:
        """Fill each parameter's ``grad`` when nothing needs dL/dx (the network's first layer).

        Layers that can skip computing dL/dx override this (``Conv2d``); the rest just run ``backward``.
        """
        self.backward(grad_output)

    def __call__(self, x: FloatArray) -> FloatArray:
        return self.forward(x)

    def parameters(self) -> dict[str, Parameter]:
        """The layer's trainable parameters by name (``"weight"``, ``"bias"``); empty if it has none."""
        return {}

    def config(self) -> dict[str, Any]:
        """The constructor arguments, JSON-ready: ``type(self)(**config(), rng=...)`` rebuilds it."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"

    def _cached_input(self) -> FloatArray:
        """The input of the last ``forward``; a clear error if ``backward`` comes first."""
        if self._input is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return self._input


class ReLU(Layer):
    """max(0, x), element-wise (``torch.nn.ReLU``).

    Examples
    --------
    >>> ReLU()(np.array([[-1.0, 2.0]]))
    array([[0., 2.]])
    """

    def forward(self, x: FloatArray) -> FloatArray:
        self._input = x
        return ops.relu(x)

    def backward(self, grad_output: FloatArray) -> FloatArray:
        return ops.relu_backward(grad_output, self._cached_input())


class Tanh(Layer):
    """tanh(x), element-wise (``torch.nn.Tanh``).

    Examples
    --------
    >>> Tanh()(np.zeros((1, 2)))
    array([[0., 0.]])
    """

    def forward(self, x: FloatArray) -> FloatArray:
        self._input = x
        return ops.tanh(x)

    def backward(self, grad_output: FloatArray) -> FloatArray:
        return ops.tanh_backward(grad_output, self._cached_input())


class Sigmoid(Layer):
    """1 / (1 + exp(-x)), element-wise (``torch.nn.Sigmoid``).

    Examples
    --------
    >>> Sigmoid()(np.zeros((1, 2)))
    array([[0.5, 0.5]])
    """

    def forward(self, x: FloatArray) -> FloatArray:
        self._input = x
        return ops.sigmoid(x)

    def backward(self, grad_output: FloatArray) -> FloatArray:
        return ops.sigmoid_backward(grad_output, self._cached_input())


class Softmax(Layer):
    """exp(x) / sum(exp(x)) along ``dim`` (``torch.nn.Softmax``): turns logits into probabilities.

    Examples
    --------
    >>> Softmax()(np.zeros((1, 4)))
    array([[0.25, 0.25, 0.25, 0.25]])
    """

    is_softmax = True

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = check_int(dim, "dim")

    def forward(self, x: FloatArray) -> FloatArray:
        self._input = x
        return ops.softmax(x, dim=self.dim)

    def backward(self, grad_output: FloatArray) -> FloatArray:
        return ops.softmax_backward(grad_output, self._cached_input(), dim=self.dim)

    def config(self) -> dict[str, Any]:
        return {"dim": self.dim}


class Flatten(Layer):
    """(N, C, H, W) -> (N, C*H*W): the bridge from feature maps to fully connected layers.

    Examples
    --------
    >>> Flatten()(np.zeros((2, 16, 5, 5))).shape
    (2, 400)
    """

    def forward(self, x: FloatArray) -> FloatArray:
        if np.ndim(x) < 2:
            raise ValueError(f"Flatten needs a batch of at least 2 dimensions (N, ...), got {np.shape(x)}")
        self._input = x
        return np.reshape(x, (x.shape[0], -1))  # (N, C*H*W)

    def backward(self, grad_output: FloatArray) -> FloatArray:
        return np.reshape(grad_output, self._cached_input().shape)  # back to (N, C, H, W)


class Linear(Layer):
    """y = x W^T + b (``torch.nn.Linear``): weight (out_features, in_features), bias (out_features,).

    Parameters start as PyTorch's do (see ``convscope.nn.init.kaiming_uniform``).

    Parameters
    ----------
    in_features, out_features : sizes of each input and output sample
    bias : whether to learn an additive bias
    rng : random generator for the initial weights
    dtype : dtype of the parameters (float32, as PyTorch, unless asked)

    Examples
    --------
    >>> layer = Linear(400, 120, rng=np.random.default_rng(0))
    >>> layer(np.zeros((2, 400), dtype=np.float32)).shape
    (2, 120)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        rng: np.random.Generator,
        dtype: npt.DTypeLike = np.float32,
    ) -> None:
        super().__init__()
        self.in_features = check_int(in_features, "in_features", minimum=1)
        self.out_features = check_int(out_features, "out_features", minimum=1)
        self.weight = Parameter.of(kaiming_uniform((self.out_features, self.in_features), rng, dtype))
        self.bias = (
            Parameter.of(uniform_bias(self.out_features, self.in_features, rng, dtype)) if bias else None
        )

    def forward(self, x: FloatArray) -> FloatArray:
        self._input = x
        return ops.linear(x, self.weight.data, None if self.bias is None else self.bias.data)

    def backward(self, grad_output: FloatArray) -> FloatArray:
        bias = None if self.bias is None else self.bias.data
        grad_x, grad_w, grad_b = ops.linear_backward(
            grad_output, self._cached_input(), self.weight.data, bias
        )
        _store(self.weight, grad_w)
        if self.bias is not None:
            _store(self.bias, grad_b)
        return grad_x

    def parameters(self) -> dict[str, Parameter]:
        return _named(weight=self.weight, bias=self.bias)

    def config(self) -> dict[str, Any]:
        return {
            "in_features": self.in_features,
            "out_features": self.out_features,
            "bias": self.bias is not None,
        }


def _store(param: Parameter, grad: FloatArray | None) -> None:
    """Overwrite ``param.grad`` in place (optimisers hold references to the array)."""
    if grad is None:
        raise RuntimeError("the op returned no gradient for a parameter that exists")
    param.grad[...] = grad


def _named(**params: Parameter | None) -> dict[str, Parameter]:
    """The parameters that exist (a layer built with ``bias=False`` has no bias)."""
    return {name: p for name, p in params.items() if p is not None}
