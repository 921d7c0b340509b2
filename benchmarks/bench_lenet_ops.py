"""One LeNet training step written directly with convscope's ops, against the same step in PyTorch.

Run: ``.venv/bin/python benchmarks/bench_lenet_ops.py [--repeats 15] [--batches 64 256] [--profile]``.

The step is forward, softmax cross-entropy, backward and a plain SGD update (lr 0.01) on LeNet:
(N, 1, 32, 32) -> conv 6@5x5 -> ReLU -> maxpool 2 -> conv 16@5x5 -> ReLU -> maxpool 2 -> 400 -> 120
-> ReLU -> 100 -> ReLU -> 10, all float32. No layer objects: this measures the ops alone, so it tells the
op engine's speed apart from anything the ``nn`` layer adds. Our step pools before each ReLU, as `fit`
runs LeNet (`convscope.nn.shards.training_order`): the same numbers forward and backward, on a quarter of
the values; and it checks for NaN at its edges (`ops.trusted_values`), as `fit` does, not in every op.
PyTorch's step is timed in both orders, each against ours again (``--torch-order`` picks one): in the
model's order its ReLU's fresh 1.2 M-value tensors are faulted in every step, which costs a lot on some
machines (this VM: RESULTS_perf #147) and little on others, so the pool-first row is the fairer reading
of the two engines. Each side runs in a process of its own (`common.paired_processes`), taking turns on
the same batch: in each repeat ours times a burst of 5 steps, then PyTorch (autograd, its default
threads) does, so a noisy neighbour slows both and neither library's idle threads spin while the other
works. The table gives medians and the median of the same-repeat ratios ours/torch in images per second
(above 1: convscope is faster). Before timing, one step of each from the same parameters must give the
same loss and the same updated parameters.

``--profile`` also prints where our step's time goes (per op), timed in this process. NumPy's BLAS runs
one thread, the setting convscope's CLI applies (``--blas-threads 0`` keeps OpenBLAS's default).
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812  (the name every PyTorch reader expects)
from common import add_blas_option, limit_blas, machine, paired_processes, side_worker, summary, timings

from convscope._validate import all_finite, all_finite_together
from convscope.ops import trusted_values
from convscope.ops.activations import relu, relu_backward
from convscope.ops.conv import conv2d, conv2d_backward, conv2d_backward_weight
from convscope.ops.linear import linear, linear_backward
from convscope.ops.losses import cross_entropy, cross_entropy_backward
from convscope.ops.pool import max_pool2d, max_pool2d_backward

Params = dict[str, np.ndarray]
SHAPES = {
    "conv1.w": (6, 1, 5, 5), "conv1.b": (6,), "conv2.w": (16, 6, 5, 5), "conv2.b": (16,),
    "fc1.w": (120, 400), "fc1.b": (120,), "fc2.w": (100, 120), "fc2.b": (100,),
    "fc3.w": (10, 100), "fc3.b": (10,),
}  # fmt: skip
LR = 0.01
ORDERS = {"model": "ReLU, then pool (the model's order)", "pool-first": "pool, then ReLU (as ours)"}


def init_params(rng: np.random.Generator) -> Params:
    """PyTorch-like uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) parameters, float32."""
    params = {}
    for name, shape in SHAPES.items():
        fan_in = int(np.prod(SHAPES[name.replace(".b", ".w")][1:]))
        bound = 1 / np.sqrt(fan_in)
        params[name] = rng.uniform(-bound, bound, shape).astype(np.float32)
    return params


class Timer:
    """Adds up wall time per op name when profiling; a no-op context otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.totals: dict[str, float] = defaultdict(float)

    def __call__(self, name: str, f: Callable[..., Any], *args: Any) -> Any:
        if not self.enabled:
            return f(*args)
        start = time.perf_counter()
        result = f(*args)
        self.totals[name] += time.perf_counter() - start
        return result


def ours_step(p: Params, x: np.ndarray, y: np.ndarray, t: Timer) -> float:
    """Forward, loss, backward and SGD update with convscope's ops; returns the loss.

    The ops run inside `ops.trusted_values`, so they do not each read their inputs for NaN; the step
    checks its edges instead, as `fit` does: x and the parameters before, the loss and gradients after.
    """
    t("checks", _check_finite, {"x": x, **p})
    with trusted_values(), np.errstate(over="ignore", invalid="ignore"):  # an overflow is found below
        loss, grads = _forward_backward(p, x, y, t)
    t("checks", _check_finite, {"the loss": np.asarray(loss), **grads})
    for name, grad in grads.items():
        p[name] -= LR * grad  # float32: LR * float32 array stays float32
    return float(loss)


def _check_finite(arrays: dict[str, np.ndarray]) -> None:
    """A ValueError naming the first array that holds NaN or infinity (read as `fit`'s shards read them)."""
    if all_finite_together(list(arrays.values())):
        return
    for name, array in arrays.items():
        if not all_finite(array):
            raise ValueError(f"{name} holds NaN or infinity")


def _forward_backward(p: Params, x: np.ndarray, y: np.ndarray, t: Timer) -> tuple[np.floating, Params]:
    """The loss and every parameter's gradient, from the ops alone."""
    # forward, keeping each op's input for its backward (ops are pure functions)
    # Each ReLU runs after its pool, as `fit` runs LeNet (`nn.shards.training_order`): max commutes with
    # a non-decreasing function, so the numbers are PyTorch's conv -> ReLU -> pool, on a quarter of them.
    a1 = t("conv1", conv2d, x, p["conv1.w"], p["conv1.b"])  # (N, 6, 28, 28)
    m1 = t("pool1", max_pool2d, a1, 2)  # (N, 6, 14, 14)
    r1 = t("relu1", relu, m1)
    a2 = t("conv2", conv2d, r1, p["conv2.w"], p["conv2.b"])  # (N, 16, 10, 10)
    m2 = t("pool2", max_pool2d, a2, 2)  # (N, 16, 5, 5)
    r2 = t("relu2", relu, m2)
    f0 = r2.reshape(len(x), -1)  # (N, 400)
    loss, grads, g = dense_forward_backward(p, f0, y, t)
    # backward of the convolutional part
    g = g.reshape(r2.shape)  # (N, 16, 5, 5)
    g = t("relu2.b", relu_backward, g, m2)
    g = t("pool2.b", max_pool2d_backward, g, a2, 2)
    g, grads["conv2.w"], grads["conv2.b"] = t("conv2.b", conv2d_backward, g, r1, p["conv2.w"], p["conv2.b"])
    g = t("relu1.b", relu_backward, g, m1)
    g = t("pool1.b", max_pool2d_backward, g, a1, 2)
    # the first layer's input gradient would go nowhere: ask for the weight and bias gradients only
    w1, b1 = p["conv1.w"], p["conv1.b"]
    grads["conv1.w"], grads["conv1.b"] = t("conv1.b", conv2d_backward_weight, g, x, w1, b1)
    return loss, grads


def dense_forward_backward(
    p: Params, f0: np.ndarray, y: np.ndarray, t: Timer
) -> tuple[np.floating, Params, np.ndarray]:
    """The fully connected layers and the loss on f0 (N, 400): the loss, their gradients, and dLoss/df0."""
    a3 = t("fc1", linear, f0, p["fc1.w"], p["fc1.b"])
    r3 = t("relu3", relu, a3)
    a4 = t("fc2", linear, r3, p["fc2.w"], p["fc2.b"])
    r4 = t("relu4", relu, a4)
    logits = t("fc3", linear, r4, p["fc3.w"], p["fc3.b"])
    loss = t("loss", cross_entropy, logits, y)
    g = t("loss.b", cross_entropy_backward, np.float32(1.0), logits, y)
    grads: Params = {}
    g, grads["fc3.w"], grads["fc3.b"] = t("fc3.b", linear_backward, g, r4, p["fc3.w"], p["fc3.b"])
    g = t("relu4.b", relu_backward, g, a4)
    g, grads["fc2.w"], grads["fc2.b"] = t("fc2.b", linear_backward, g, r3, p["fc2.w"], p["fc2.b"])
    g = t("relu3.b", relu_backward, g, a3)
    g, grads["fc1.w"], grads["fc1.b"] = t("fc1.b", linear_backward, g, f0, p["fc1.w"], p["fc1.b"])
    return loss, grads, g


def torch_step(
    p: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor, pool_first: bool = False
) -> float:
    """The same step with torch.nn.functional and autograd (``pool_first``: each ReLU after its pool)."""

    def block(h: torch.Tensor, conv: str) -> torch.Tensor:
        h = F.conv2d(h, p[f"{conv}.w"], p[f"{conv}.b"])
        return F.relu(F.max_pool2d(h, 2)) if pool_first else F.max_pool2d(F.relu(h), 2)

    h = block(block(x, "conv1"), "conv2").flatten(1)
    h = F.relu(F.linear(h, p["fc1.w"], p["fc1.b"]))
    h = F.relu(F.linear(h, p["fc2.w"], p["fc2.b"]))
    loss = F.cross_entropy(F.linear(h, p["fc3.w"], p["fc3.b"]), y)
    grads = torch.autograd.grad(loss, list(p.values()))
    with torch.no_grad():
        for t, g in zip(p.values(), grads, strict=True):
            t -= LR * g
    return float(loss.detach())


def operands(batch: int) -> tuple[np.ndarray, np.ndarray, Params]:
    """The batch (x, y) and the starting parameters both sides use: the same in every process."""
    rng = np.random.default_rng(batch)
    x = rng.standard_normal((batch, 1, 32, 32)).astype(np.float32)
    return x, rng.integers(0, 10, batch), init_params(rng)


def check_same_step(batch: int) -> None:
    """One step of each side from the same parameters gives the same loss and the same parameters after.

    The parameters after the step hold the gradients, so this also checks that our pool-then-ReLU order
    routes them as PyTorch's ReLU-then-pool does. Ours must stay float32.
    """
    x, y, ours = operands(batch)
    theirs = {k: torch.tensor(v, requires_grad=True) for k, v in ours.items()}
    start = {k: v.copy() for k, v in ours.items()}
    loss0 = ours_step(ours, x, y, Timer(False))
    loss1 = torch_step(theirs, torch.from_numpy(x), torch.from_numpy(y))
    assert abs(loss0 - loss1) < 1e-4, (loss0, loss1)
    assert all(v.dtype == np.float32 for v in ours.values()), "an op upcast a parameter"
    for name, value in ours.items():
        moved, torch_moved = value - start[name], theirs[name].detach().numpy() - start[name]
        assert np.abs(torch_moved).max() > 0, f"{name} did not move: the check would be empty"
        same = np.allclose(moved, torch_moved, rtol=1e-3, atol=1e-7)
        assert same, f"{name}'s update differs from PyTorch's"


def worker(side: str, batch: int, pool_first: bool) -> None:
    """One side's steps on its batch, as a `common.side_worker` (a process of its own)."""
    x, y, ours = operands(batch)
    if side == "ours":
        side_worker(lambda: ours_step(ours, x, y, Timer(False)))
    else:
        theirs = {k: torch.tensor(v, requires_grad=True) for k, v in ours.items()}
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        side_worker(lambda: torch_step(theirs, xt, yt, pool_first))


def measure(batch: int, repeats: int, blas: int, torch_order: str) -> tuple[float, float, float]:
    """Median images/s for ours and torch (each in its process), and the median same-repeat ratio."""
    check_same_step(batch)
    side = [__file__, "--batches", str(batch), "--blas-threads", str(blas), "--torch-order", torch_order]
    side.append("--worker")
    t = paired_processes([*side, "ours"], [*side, "torch"], repeats)
    return batch / summary(t.ours, 1).median, batch / summary(t.peer, 1).median, t.ratio


def profile(batch: int, repeats: int) -> None:
    """Print our step's time per op, in this process."""
    x, y, ours = operands(batch)
    timer = Timer(True)
    timings(lambda: ours_step(ours, x, y, timer), repeats, warmup=0)
    total = sum(timer.totals.values())
    for name, sec in sorted(timer.totals.items(), key=lambda kv: -kv[1]):
        print(f"    {name:8s} {1e3 * sec / repeats:7.3f} ms  {100 * sec / total:5.1f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--batches", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--profile", action="store_true", help="print our time per op")
    parser.add_argument(
        "--torch-order", choices=(*ORDERS, "both"), default="both",
        help="PyTorch's step as the model reads (ReLU, then pool), pooling first as ours, or each in turn",
    )
    parser.add_argument("--worker", choices=("ours", "torch"), help=argparse.SUPPRESS)
    add_blas_option(parser)
    args = parser.parse_args()
    # BLAS threads and MALLOC_* both change the numbers a lot (RESULTS_perf.md): machine() prints them.
    limit_blas(args.blas_threads)
    if args.worker is not None:
        worker(args.worker, args.batches[0], args.torch_order == "pool-first")
        return
    print(f"machine: {machine()}; PyTorch at its default threads in a process of its own")
    print(f"float32 LeNet step (forward, loss, backward, SGD); median of {args.repeats} repeats")
    print("ours pools before each ReLU; PyTorch's step in the order named (ours measured again for each)\n")
    print("| batch | PyTorch's step | convscope (img/s) | PyTorch (img/s) | ours / torch |")
    print("|---:|---|---:|---:|---:|")
    for batch in args.batches:
        for order in ORDERS if args.torch_order == "both" else (args.torch_order,):
            ours, theirs, ratio = measure(batch, args.repeats, args.blas_threads, order)
            print(f"| {batch} | {ORDERS[order]} | {ours:,.0f} | {theirs:,.0f} | {ratio:.2f} |", flush=True)
        if args.profile:
            profile(batch, args.repeats)
    print()


if __name__ == "__main__":
    main()
