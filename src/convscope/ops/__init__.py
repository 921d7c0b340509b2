"""Neural-network operations in NumPy (NCHW): forward and backward beside each other, naive twins.

Every op ``f`` has ``f_backward(grad_output, <the same arguments as f>)`` returning the gradients of its
array inputs in order. The fast ops have loop twins (``*_naive``) that state the definition; the tests
hold the fast ops to their twins and both to PyTorch.

Every op reads its float inputs once to refuse NaN and infinity with a clear message. A training loop
that checks its own edges (its input and parameters before a step, its loss and gradients after, as
`convscope.train.fit` does) can skip those reads inside `trusted_values`: 8-14 % of a LeNet step
(benchmarks/RESULTS_perf.md #150). Types, ranks and shapes are still checked there.
"""

from __future__ import annotations

from convscope._validate import trusted_values
from convscope.ops.activations import (
    leaky_relu,
    leaky_relu_backward,
    log_softmax,
    log_softmax_backward,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    softmax,
    softmax_backward,
    tanh,
    tanh_backward,
)
from convscope.ops.conv import (
    conv2d,
    conv2d_backward,
    conv2d_backward_input,
    conv2d_backward_weight,
    flip_kernel,
)
from convscope.ops.conv1d import conv1d, conv1d_backward
from convscope.ops.conv_naive import (
    conv1d_backward_naive,
    conv1d_naive,
    conv2d_backward_naive,
    conv2d_naive,
)
from convscope.ops.conv_transpose import (
    conv_transpose1d,
    conv_transpose1d_backward,
    conv_transpose2d,
    conv_transpose2d_backward,
)
from convscope.ops.conv_transpose_naive import (
    conv_transpose1d_backward_naive,
    conv_transpose1d_naive,
    conv_transpose2d_backward_naive,
    conv_transpose2d_naive,
)
from convscope.ops.linear import linear, linear_backward, linear_naive
from convscope.ops.losses import (
    cross_entropy,
    cross_entropy_backward,
    half_squared_error,
    half_squared_error_backward,
)
from convscope.ops.pool import (
    avg_pool2d,
    avg_pool2d_backward,
    lp_pool2d,
    lp_pool2d_backward,
    max_pool2d,
    max_pool2d_backward,
    sum_pool2d,
    sum_pool2d_backward,
)
from convscope.ops.pool_naive import (
    avg_pool2d_backward_naive,
    avg_pool2d_naive,
    lp_pool2d_backward_naive,
    lp_pool2d_naive,
    max_pool2d_backward_naive,
    max_pool2d_naive,
    sum_pool2d_backward_naive,
    sum_pool2d_naive,
)

__all__ = [
    "avg_pool2d",
    "avg_pool2d_backward",
    "avg_pool2d_backward_naive",
    "avg_pool2d_naive",
    "conv1d",
    "conv1d_backward",
    "conv1d_backward_naive",
    "conv1d_naive",
    "conv2d",
    "conv2d_backward",
    "conv2d_backward_input",
    "conv2d_backward_naive",
    "conv2d_backward_weight",
    "conv2d_naive",
    "conv_transpose1d",
    "conv_transpose1d_backward",
    "conv_transpose1d_backward_naive",
    "conv_transpose1d_naive",
    "conv_transpose2d",
    "conv_transpose2d_backward",
    "conv_transpose2d_backward_naive",
    "conv_transpose2d_naive",
    "cross_entropy",
    "cross_entropy_backward",
    "flip_kernel",
    "half_squared_error",
    "half_squared_error_backward",
    "leaky_relu",
    "leaky_relu_backward",
    "linear",
    "linear_backward",
    "linear_naive",
    "log_softmax",
    "log_softmax_backward",
    "lp_pool2d",
    "lp_pool2d_backward",
    "lp_pool2d_backward_naive",
    "lp_pool2d_naive",
    "max_pool2d",
    "max_pool2d_backward",
    "max_pool2d_backward_naive",
    "max_pool2d_naive",
    "relu",
    "relu_backward",
    "sigmoid",
    "sigmoid_backward",
    "softmax",
    "softmax_backward",
    "sum_pool2d",
    "sum_pool2d_backward",
    "sum_pool2d_backward_naive",
    "sum_pool2d_naive",
    "tanh",
    "tanh_backward",
    "trusted_values",
]
