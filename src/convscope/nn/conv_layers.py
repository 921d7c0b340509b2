"""Spatial layers on NCHW batches: ``Conv2d``, ``MaxPool2d``, ``AvgPool2d`` (PyTorch's names and defaults).

Like every layer (see ``convscope.nn.layers``) these only hold parameters, gradients and the last
input (``Conv2d`` and ``MaxPool2d`` also their scratch ``Workspace``); ``convscope.ops.conv`` and
``convscope.ops.pool`` do the work.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

import numpy as np
import numpy.typing as npt

from convscope import ops
from convscope._validate import Pair, as_pair, check_int, finite
from convscope.geometry import resolve_padding
from convscope.nn.init import fan_in, kaiming_uniform, uniform_bias
from convscope.nn.layers import FloatArray, Layer, Parameter, _named, _store
from convscope.ops import conv as conv_ops
from convscope.ops.im2col import ConvGeometry
from convscope.ops.pool_pairs import Winners, max_pool2d_pairs, route_pairs, takes_pairs
from convscope.ops.pool_windows import as_grad_output, as_input, pool_windows
from convscope.ops.workspace import Workspace

Padding = int | Pair | str


def _padding(padding: Any, kernel_size: Pair, stride: Pair, dilation: Pair) -> Padding:
    """An int, an (h, w) pair, ``"valid"`` or ``"same"``, as ``torch.nn.Conv2d`` takes; kept as given."""
    # The geometry's check, so the layer refuses exactly what conv2d would ("same" with a stride, ...).
    resolve_padding(padding, kernel_size, stride, dilation)
    return padding if isinstance(padding, str) else as_pair(padding, "padding", minimum=0)


def _json(value: Padding) -> Any:
    """A pair as a list (JSON has no tuples); ints and strings unchanged."""
    return list(value) if isinstance(value, tuple) else value


class Conv2d(Layer):
    """2-D cross-correlation over a batch (``torch.nn.Conv2d``).

    weight (out_channels, in_channels/groups, kH, kW) and bias (out_channels,) start as PyTorch's do.
    x (N, in_channels, H, W) -> (N, out_channels, H_out, W_out), with H_out from
    ``convscope.arithmetic.output_size``.

    Parameters
    ----------
    in_channels, out_channels : channels of the input and of the output
    kernel_size, stride, dilation : int or (h, w); ``dilation=1`` is no dilation
    padding : int, (h, w), ``"valid"`` (none) or ``"same"`` (output the size of the input, stride 1)
    groups : split the channels into this many independent convolutions
    bias : whether to learn one bias per output channel
    rng : random generator for the initial weights
    dtype : dtype of the parameters

    Examples
    --------
    >>> layer = Conv2d(1, 6, 5, rng=np.random.default_rng(0))
    >>> layer(np.zeros((2, 1, 32, 32), dtype=np.float32)).shape
    (2, 6, 28, 28)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Pair,
        stride: int | Pair = 1,
        padding: Padding = 0,
        dilation: int | Pair = 1,
        groups: int = 1,
        bias: bool = True,
        *,
        rng: np.random.Generator,
        dtype: npt.DTypeLike = np.float32,
    ) -> None:
        super().__init__()
        self.in_channels = check_int(in_channels, "in_channels", minimum=1)
        self.out_channels = check_int(out_channels, "out_channels", minimum=1)
        self.kernel_size = as_pair(kernel_size, "kernel_size", minimum=1)
        self.stride = as_pair(stride, "stride", minimum=1)
        self.dilation = as_pair(dilation, "dilation", minimum=1)
        self.padding = _padding(padding, self.kernel_size, self.stride, self.dilation)
        self.groups = check_int(groups, "groups", minimum=1)
        if self.in_channels % self.groups or self.out_channels % self.groups:
            raise ValueError(
                f"in_channels ({in_channels}) and out_channels ({out_channels}) must both be divisible "
                f"by groups ({groups})"
            )
        shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        self.weight = Parameter.of(kaiming_uniform(shape, rng, dtype))
        self.bias = Parameter.of(uniform_bias(self.out_channels, fan_in(shape), rng, dtype)) if bias else None
        # The im2col columns and products of the last call's shapes, reused by the next step (no fresh pages).
        self._workspace = Workspace()
        # (x.shape, weight.shape, geometry) of the last call the ops checked: a training step's next
        # calls skip the checks' Python work (RESULTS_perf.md #50). A tuple, so a replica's is its own.
        self._checked: tuple[tuple[int, ...], tuple[int, ...], ConvGeometry] | None = None

    def _settings(self) -> dict[str, Any]:
        """The keyword arguments shared by ``conv2d`` and ``conv2d_backward``."""
        return {
            "stride": self.stride,
            "padding": self.padding,
            "dilation": self.dilation,
            "groups": self.groups,
        }

    def _arrays(self, x: Any, grad: Any = None) -> tuple[Any, Any, Any, ConvGeometry, Any]:
        """(x, weight, bias, geometry, grad) as the ops take them, checked as the ops check them.

        When x has the shape the last call checked and x, weight, bias and ``grad`` (given for a
        backward: the forward output's shape) are finite arrays of the weight's dtype, the geometry is
        the one kept; else the ops' checks run (and raise what they raise). For a backward, x is the
        forward's cached input, checked then and trusted unchanged, as the workspace's columns are.
        """
        w, b = self.weight.data, None if self.bias is None else self.bias.data
        held = self._checked
        if (
            held is not None and type(x) is np.ndarray and x.shape == held[0] and w.shape == held[1]
            and x.dtype == w.dtype and (b is None or b.dtype == w.dtype)
            and finite(w) and (b is None or finite(b))
        ):
            geom = held[2]
            if grad is None and finite(x):
                return x, w, b, geom, None
            out_shape = (geom.batch, geom.out_channels, *geom.output_size)
            if grad is not None and type(grad) is np.ndarray and grad.dtype == w.dtype \
                    and grad.shape == out_shape and finite(grad):
                return x, w, b, geom, grad
        x_in = x
        x, w, b, geom = conv_ops.prepare_conv_args(x, w, b, **self._settings())
        if isinstance(x_in, np.ndarray):
            self._checked = (x_in.shape, w.shape, geom)
        return x, w, b, geom, None if grad is None else conv_ops.check_grad_output(grad, geom, x.dtype)

    def forward(self, x: FloatArray) -> FloatArray:
        self._input = x
        x, weight, bias, geom, _ = self._arrays(x)
        return conv_ops.forward(x, weight, bias, geom, self._workspace)

    def backward(self, grad_output: FloatArray) -> FloatArray:
        x, weight, bias, geom, grad = self._arrays(self._cached_input(), grad_output)
        grad_x, grad_w, grad_b = conv_ops.backward(grad, x, weight, bias, geom, self._workspace)
        _store(self.weight, grad_w)
        if self.bias is not None:
            _store(self.bias, grad_b)
        return grad_x

    def backward_parameters(self, grad_output: FloatArray) -> None:
        # As the first layer, the input gradient (a matmul and a col2im) would be thrown away.
        x, weight, bias, geom, grad = self._arrays(self._cached_input(), grad_output)
        grad_w, grad_b = conv_ops.weight_gradient(grad, x, weight, bias, geom, self._workspace)
        _store(self.weight, grad_w)
        if self.bias is not None:
            _store(self.bias, grad_b)

    def parameters(self) -> dict[str, Parameter]:
        return _named(weight=self.weight, bias=self.bias)

    def config(self) -> dict[str, Any]:
        return {
            "in_channels": self.in_channels,
            "out_channels": self.out_channels,
            "kernel_size": list(self.kernel_size),
            **{k: _json(v) for k, v in self._settings().items()},
            "bias": self.bias is not None,
        }


class MaxPool2d(Layer):
    """The largest value in each window (``torch.nn.MaxPool2d``); ``stride=None`` means ``kernel_size``.

    Examples
    --------
    >>> MaxPool2d(2)(np.arange(16.0).reshape(1, 1, 4, 4))
    array([[[[ 5.,  7.],
             [13., 15.]]]])
    """

    forward_caches: ClassVar[tuple[str, ...]] = ("_input", "_output", "_winners")

    def __init__(
        self,
        kernel_size: int | Pair,
        stride: int | Pair | None = None,
        padding: int | Pair = 0,
        dilation: int | Pair = 1,
    ) -> None:
        super().__init__()
        self.kernel_size = as_pair(kernel_size, "kernel_size", minimum=1)
        self.stride = self.kernel_size if stride is None else as_pair(stride, "stride", minimum=1)
        self.padding = as_pair(padding, "padding", minimum=0)
        self.dilation = as_pair(dilation, "dilation", minimum=1)
        self._output: FloatArray | None = None  # the last forward's result
        self._winners: Winners | None = None  # where its 2x2/2 windows' maxima were, if it took pairs
        self._workspace = Workspace()

    def _settings(self) -> dict[str, Any]:
        """The arguments shared by ``max_pool2d`` and its backward."""
        return {"stride": self.stride, "padding": self.padding, "dilation": self.dilation}

    def forward(self, x: FloatArray) -> FloatArray:
        self._input, self._winners = x, None
        arr = as_input(x)
        if takes_pairs(arr, pool_windows(arr, self.kernel_size, self.stride, self.padding, self.dilation)):
            # LeNet's 2x2/2 windows: the maxima and where they are, so the backward only routes.
            self._output, self._winners = max_pool2d_pairs(arr)
            return self._output
        # Without return_indices the op returns the pooled array alone; kept, so that the backward
        # need not find each window's maximum again.
        self._output = cast(FloatArray, ops.max_pool2d(arr, self.kernel_size, **self._settings()))
        return self._output

    def backward(self, grad_output: FloatArray) -> FloatArray:
        x = self._cached_input()
        if self._winners is not None:
            arr = as_input(x)
            window = pool_windows(arr, self.kernel_size, self.stride, self.padding, self.dilation)
            g = as_grad_output(grad_output, window, arr)
            return route_pairs(g, self._winners, arr.shape, self._workspace)
        return ops.max_pool2d_backward(
            grad_output,
            x,
            self.kernel_size,
            **self._settings(),
            output=self._output,
            workspace=self._workspace,
        )

    def config(self) -> dict[str, Any]:
        return {"kernel_size": list(self.kernel_size), **{k: list(v) for k, v in self._settings().items()}}


class AvgPool2d(Layer):
    """The mean of each window (``torch.nn.AvgPool2d``); ``stride=None`` means ``kernel_size``.

    Examples
    --------
    >>> AvgPool2d(2)(np.arange(16.0).reshape(1, 1, 4, 4))
    array([[[[ 2.5,  4.5],
             [10.5, 12.5]]]])
    """

    def __init__(
        self,
        kernel_size: int | Pair,
        stride: int | Pair | None = None,
        padding: int | Pair = 0,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__()
        self.kernel_size = as_pair(kernel_size, "kernel_size", minimum=1)
        self.stride = self.kernel_size if stride is None else as_pair(stride, "stride", minimum=1)
        self.padding = as_pair(padding, "padding", minimum=0)
        if not isinstance(count_include_pad, bool):
            raise TypeError(f"count_include_pad must be True or False, got {count_include_pad!r}")
        self.count_include_pad = count_include_pad

    def _settings(self) -> dict[str, Any]:
        """The arguments shared by ``avg_pool2d`` and its backward."""
        return {"stride": self.stride, "padding": self.padding, "count_include_pad": self.count_include_pad}

    def forward(self, x: FloatArray) -> FloatArray:
        self._input = x
        return ops.avg_pool2d(x, self.kernel_size, **self._settings())

    def backward(self, grad_output: FloatArray) -> FloatArray:
        return ops.avg_pool2d_backward(
            grad_output, self._cached_input(), self.kernel_size, **self._settings()
        )

    def config(self) -> dict[str, Any]:
        return {
            "kernel_size": list(self.kernel_size),
            "stride": list(self.stride),
            "padding": list(self.padding),
            "count_include_pad": self.count_include_pad,
        }
