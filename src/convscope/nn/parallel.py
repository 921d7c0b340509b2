"""One training step on every core: the batch split into shards that run in threads, gradients summed.

NumPy releases the GIL inside its kernels (matrix products, element-wise loops), so threads that each
work on their own part of the batch run at the same time. Each shard runs on its own *replica* of the
network: a shallow copy of every layer whose parameters share the model's ``data`` arrays (so the
optimiser's in-place update reaches all of them) but have their own ``grad`` arrays, and whose forward
caches and scratch ``Workspace`` are its own (a layer remembers its last input and reuses its scratch
arrays; two threads on one layer would race on both).

The batch mean's gradient is the sum over shards of each shard's gradient of its summed loss divided by
the whole batch size, so the shard gradients are simply added (in shard order, on the calling thread).
The result equals the one-shard step up to float rounding, and is bit-identical from run to run for the
same shard count: the split, the per-shard arithmetic and the order of the sum are all fixed.

Each shard runs its layers in *training order*: a ``ReLU`` directly followed by a ``MaxPool2d`` runs
after it instead (``training_order``). Max commutes with a non-decreasing function exactly, so the
pooled values are the same numbers, and so are the gradients (a window whose maximum is not positive
passes no gradient either way; a positive maximum sits at the same first position), on a quarter of the
elements for LeNet's 2x2 pools. The model itself keeps its order (the network view shows each layer).

BLAS runs one thread per shard: while a ``ShardedStep`` with more than one shard is open it limits
NumPy's BLAS to one thread (``threadpoolctl``; the previous setting comes back on ``close``), because
OpenBLAS's own threads would fight the shards for the same cores.
"""

from __future__ import annotations

import copy
import itertools
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType

import numpy as np
from threadpoolctl import threadpool_limits

from convscope import ops
from convscope._validate import check_int
from convscope.nn.conv_layers import MaxPool2d
from convscope.nn.layers import FloatArray, Parameter, ReLU
from convscope.nn.model import Sequential
from convscope.nn.optim import Optimizer
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
        clone._input = None  # the forward cache too
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
    """
    out = net.forward(x)
    if loss == "cross_entropy":
        weight = len(y) / total  # the shard mean's share of the batch mean
        value = float(ops.cross_entropy(out, y)) * weight
        grad = ops.cross_entropy_backward(np.float64(weight), out, y)
    else:
        # Summed over classes (integer labels become one-hot), averaged over the batch: the classic LeNet's.
        value = float(ops.half_squared_error(out, y)) / total
        grad = ops.half_squared_error_backward(np.float64(1.0 / total), out, y)
    net.backward_parameters(grad.astype(out.dtype, copy=False))
    return value, int(np.sum(np.argmax(out, axis=1) == y))


class ShardedStep:
    """Forward, backward and one optimiser update of a batch, its shards run in threads.

    Parameters
    ----------
    net : the network to train (its parameters are the optimiser's)
    optimizer : updates ``net``'s parameters from their summed grads
    shards : most threads (and replicas) to use; 1 runs the plain step on the calling thread

    Examples
    --------
    >>> from convscope.nn import lenet
    >>> from convscope.nn.optim import SGD
    >>> model = lenet(rng=np.random.default_rng(0))[:-1]
    >>> x, y = np.zeros((32, 1, 32, 32), dtype=np.float32), np.arange(32) % 10
    >>> with ShardedStep(model, SGD(model.parameters().values(), lr=0.1), shards=2) as step:
    ...     loss, hits = step(x, y)
    >>> round(loss, 1)
    2.3
    """

    def __init__(self, net: Sequential, optimizer: Optimizer, shards: int) -> None:
        self.shards = check_int(shards, "shards", minimum=1)
        self.optimizer = optimizer
        nets = [net] + [replica(net) for _ in range(self.shards - 1)]
        self._replicas = [training_order(r) for r in nets]
        self._grads = [list(r.parameters().values()) for r in self._replicas]
        self._pool = ThreadPoolExecutor(self.shards - 1) if self.shards > 1 else None
        self._limits = threadpool_limits(limits=1, user_api="blas") if self.shards > 1 else None

    def __call__(self, x: FloatArray, y: np.ndarray, loss: str = "cross_entropy") -> tuple[float, int]:
        """Train on batch x (N, C, H, W) with labels y (N,); returns (mean loss, number classified right)."""
        bounds = shard_bounds(len(y), self.shards)
        pool = self._pool
        futures = [
            pool.submit(shard_step, net, x[a:b], y[a:b], loss, len(y))
            for net, (a, b) in zip(self._replicas[1:], bounds[1:], strict=False)
            if pool is not None
        ]
        a, b = bounds[0]
        value, hits = shard_step(self._replicas[0], x[a:b], y[a:b], loss, len(y))
        for i, future in enumerate(futures, start=1):
            shard_value, shard_hits = future.result()
            value, hits = value + shard_value, hits + shard_hits
            for total, part in zip(self._grads[0], self._grads[i], strict=True):
                np.add(total.grad, part.grad, out=total.grad)
        self.optimizer.step()
        return value, hits

    def close(self) -> None:
        """Stop the threads and give BLAS back its previous thread count."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        if self._limits is not None:
            self._limits.restore_original_limits()
            self._limits = None

    def __enter__(self) -> ShardedStep:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
