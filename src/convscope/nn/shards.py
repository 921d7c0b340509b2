"""One shard of a training step: the batch's split, a network replica, and the shard's forward + backward.

``convscope.nn.parallel`` runs a batch's shards at once (in worker processes, or in threads) and sums
their gradients. Everything here is what a shard does wherever it runs, so a shard computes the same bits
on the calling thread, in a thread of the same process, or in a worker process (``shard_worker``).

Each shard runs on its own *replica* of the network: a shallow copy of every layer whose parameters share
the model's ``data`` arrays (so the optimiser's in-place update reaches all of them) but have their own
``grad`` arrays, and whose forward caches and scratch ``Workspace`` are its own (a layer remembers its
last input and reuses its scratch arrays; two threads on one layer would race on both).

Each shard runs its layers in *training order*: a ``ReLU`` directly followed by a ``MaxPool2d`` runs
after it instead (``training_order``). Max commutes with a non-decreasing function exactly, so the
pooled values are the same numbers, and so are the gradients (a window whose maximum is not positive
passes no gradient either way; a positive maximum sits at the same first position), on a quarter of the
elements for LeNet's 2x2 pools. The model itself keeps its order (the network view shows each layer).
"""

from __future__ import annotations

import copy
import itertools
import math

import numpy as np

from convscope import ops
from convscope._validate import all_finite, all_finite_together, as_array, trusted_values
from convscope.nn.conv_layers import MaxPool2d
from convscope.nn.layers import FloatArray, Parameter, ReLU
from convscope.nn.model import Sequential
from convscope.ops.threads import single_threaded
from convscope.ops.workspace import Workspace

# Fewer images than this per shard and the threads' overhead outweighs the work (LeNet on 2 cores).
MIN_SHARD = 16


def shard_bounds(n: int, shards: int) -> list[tuple[int, int]]:
    """(start, stop) of each shard of a batch of ``n``: at most ``shards``, each of ``MIN_SHARD`` or more.

    Examples
    --------
    >>> shard_bounds(64, 2)
    [(0, 32), (32, 64)]
    >>> shard_bounds(20, 4)  # too few images for four shards
    [(0, 20)]
    """
    count = max(1, min(shards, n // MIN_SHARD))
    edges = [n * i // count for i in range(count + 1)]
    return list(itertools.pairwise(edges))


def replica(net: Sequential) -> Sequential:
    """A copy of ``net`` sharing its parameters' ``data`` but with its own grads and forward caches.

    Examples
    --------
    >>> from convscope.nn import lenet
    >>> model = lenet(rng=np.random.default_rng(0))
    >>> twin = replica(model)
    >>> twin["conv1"].weight.data is model["conv1"].weight.data
    True
    >>> twin["conv1"].weight.grad is model["conv1"].weight.grad
    False
    """
    layers = []
    for name, layer in net:
        clone = copy.copy(layer)
        for key, value in vars(layer).items():
            if isinstance(value, Parameter):
                setattr(clone, key, Parameter.of(value.data))  # shares data, own zero grad
            elif isinstance(value, Workspace):
                setattr(clone, key, Workspace(value.limit))  # scratch memory is per thread
        for cache in layer.forward_caches:  # the forward's caches too: a worker is sent the replica
            setattr(clone, cache, None)
        layers.append((name, clone))
    return Sequential(layers, net.input_shape)


def training_order(net: Sequential) -> Sequential:
    """``net``'s own layers, with each ReLU that directly precedes a max pool moved after it.

    The same numbers forward and backward (see the module's docstring), fewer elements through the ReLU.

    Examples
    --------
    >>> from convscope.nn import lenet
    >>> [name for name, _ in training_order(lenet(rng=np.random.default_rng(0)))][:6]
    ['conv1', 'pool1', 'relu1', 'conv2', 'pool2', 'relu2']
    """
    layers = list(net)
    for i in range(len(layers) - 1):
        if type(layers[i][1]) is ReLU and isinstance(layers[i + 1][1], MaxPool2d):
            layers[i], layers[i + 1] = layers[i + 1], layers[i]
    return Sequential(layers, net.input_shape)


@single_threaded()  # the shards already fill the cores: the ops inside start no threads of their own
def shard_step(net: Sequential, x: FloatArray, y: np.ndarray, loss: str, total: int) -> tuple[float, int]:
    """Forward and backward of one shard; its grads are those of (its summed loss) / ``total``.

    Returns the shard's share of the batch's mean loss and how many images it classified right.
    Finiteness is checked at the edges (`_check_edges`): x and the parameters before, the network's
    output, the loss and the gradients after, each named in the error. The layers in between take each
    other's arrays as finite (`convscope._validate.trusted_values`) instead of reading every activation
    once more to check it (RESULTS_perf #138).

    Examples
    --------
    >>> from convscope.nn import lenet
    >>> net = lenet(rng=np.random.default_rng(0))[:-1]
    >>> value, hits = shard_step(net, np.zeros((4, 1, 32, 32), np.float32), np.arange(4), "cross_entropy", 8)
    >>> round(value, 1), 0 <= hits <= 4  # half the batch: about half of ln(10)
    (1.2, True)
    """
    x = as_array(x, "x")  # outside the trusted blocks: a list, an int array or a NaN are all answered here
    weights = {name: p.data for name, p in net.parameters().items()}
    _check_edges(weights, "contains NaN or infinity: set it to finite values (weights that diverged "
                 "in training: train again from finite weights with a smaller learning rate)")
    with trusted_values(), np.errstate(over="ignore", invalid="ignore"):  # an overflow is named below
        out = net.forward(x)
    _check_edges({"the network's output": out}, "holds NaN or infinity: its activations overflowed; "
                 "train with a smaller learning rate")
    with np.errstate(over="ignore"):  # the loss checks its own arguments (y, a float target)
        value, grad = _loss(out, y, loss, total)
    if not math.isfinite(value):
        raise ValueError("the loss overflowed: the network's output is far too large; train with a smaller "
                         "learning rate")
    with trusted_values(), np.errstate(over="ignore", invalid="ignore"):
        net.backward_parameters(grad.astype(out.dtype, copy=False))
    check_gradients(net)
    return value, int(np.sum(np.argmax(out, axis=1) == y))


def _loss(out: FloatArray, y: np.ndarray, loss: str, total: int) -> tuple[float, FloatArray]:
    """The shard's share of the batch's mean ``loss`` and its gradient w.r.t. ``out`` (N, K)."""
    if loss == "cross_entropy":
        weight = len(y) / total  # the shard mean's share of the batch mean
        value = float(ops.cross_entropy(out, y)) * weight
        return value, ops.cross_entropy_backward(np.float64(weight), out, y)
    # Summed over classes (integer labels become one-hot), averaged over the batch: the classic LeNet's.
    value = float(ops.half_squared_error(out, y)) / total
    return value, ops.half_squared_error_backward(np.float64(1.0 / total), out, y)


def check_gradients(net: Sequential) -> None:
    """A ValueError naming the first parameter whose grad holds NaN or infinity (an overflow).

    Examples
    --------
    >>> from convscope.nn import lenet
    >>> net = lenet(rng=np.random.default_rng(0))
    >>> net["fc3"].bias.grad[0] = np.inf
    >>> check_gradients(net)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: the gradient of fc3.bias holds NaN or infinity: it overflowed; train with a smaller ...
    """
    grads = {f"the gradient of {name}": p.grad for name, p in net.parameters().items()}
    _check_edges(grads, "holds NaN or infinity: it overflowed; train with a smaller learning rate")


def _check_edges(arrays: dict[str, FloatArray], problem: str) -> None:
    """A ValueError naming the first of ``arrays`` that is not all finite, then ``problem``.

    Raised before the optimiser runs, so the weights are untouched; the next step overwrites the grads.
    """
    if all_finite_together(list(arrays.values())):
        return
    for name, array in arrays.items():
        if not all_finite(array):
            raise ValueError(f"{name} {problem}")
