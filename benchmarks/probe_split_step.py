"""The LeNet step of `bench_lenet_ops`, each conv, pool and ReLU in two halves, for `probe_op_workers`.

Every array lives in one shared mapping (`Arena`), made before the probe forks its worker, so both
processes see them; each split op is a stage that works one half of the batch (`SplitStep.stages`).
"""

from __future__ import annotations

import mmap
from collections.abc import Callable
from typing import Any

import numpy as np
from bench_lenet_ops import LR, Params, Timer, _forward_backward, dense_forward_backward, operands

from convscope._validate import trusted_values
from convscope.ops.activations import relu, relu_backward
from convscope.ops.conv import conv2d, conv2d_backward, conv2d_backward_weight
from convscope.ops.pool import max_pool2d, max_pool2d_backward

Stage = Callable[[slice, int], None]  # works one half (its images, its index 0 or 1) of one op


class Arena:
    """Arrays carved from one anonymous shared mapping made before the fork, so both processes see them."""

    def __init__(self, size: int = 256 << 20) -> None:
        self._bytes = np.frombuffer(mmap.mmap(-1, size, flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS), np.uint8)
        self._used = 0

    def array(self, shape: tuple[int, ...], dtype: Any = np.float32) -> np.ndarray:
        """A zeroed array of the mapping, page-aligned."""
        size = int(np.prod(shape)) * np.dtype(dtype).itemsize
        start, self._used = self._used, self._used + -(-size // 4096) * 4096
        return self._bytes[start : start + size].view(dtype).reshape(shape)


class SplitStep:
    """The LeNet step of `bench_lenet_ops.ours_step`, each conv, pool and ReLU worked in two halves.

    Every array lives in the arena; ``stages`` are the split ops in order, ``run`` one step through a
    runner that works a stage on both halves (the spinning worker, or this process alone for the check).
    """

    def __init__(self, arena: Arena, x: np.ndarray, y: np.ndarray, params: Params) -> None:
        n = len(x)
        self.y, self.p = y, {k: self._put(arena, v) for k, v in params.items()}
        self.x = self._put(arena, x)
        self.a: dict[str, np.ndarray] = {}
        for name, shape in {
            "a1": (n, 6, 28, 28), "m1": (n, 6, 14, 14), "r1": (n, 6, 14, 14), "a2": (n, 16, 10, 10),
            "m2": (n, 16, 5, 5), "r2": (n, 16, 5, 5), "g2": (n, 16, 5, 5), "gm2": (n, 16, 5, 5),
            "ga2": (n, 16, 10, 10), "gr1": (n, 6, 14, 14), "gm1": (n, 6, 14, 14), "ga1": (n, 6, 28, 28),
            "gw2": (2, 16, 6, 5, 5), "gb2": (2, 16), "gw1": (2, 6, 1, 5, 5), "gb1": (2, 6),
        }.items():  # fmt: skip
            self.a[name] = arena.array(shape)
        self.stages: list[Stage] = [
            self._conv1, self._pool1, self._relu1, self._conv2, self._pool2, self._relu2,
            self._relu2_b, self._pool2_b, self._conv2_b, self._relu1_b, self._pool1_b, self._conv1_b,
        ]  # fmt: skip

    @staticmethod
    def _put(arena: Arena, value: np.ndarray) -> np.ndarray:
        array = arena.array(value.shape, value.dtype)
        array[...] = value
        return array

    def _conv1(self, s: slice, k: int) -> None:
        self.a["a1"][s] = conv2d(self.x[s], self.p["conv1.w"], self.p["conv1.b"])

    def _pool1(self, s: slice, k: int) -> None:
        self.a["m1"][s] = max_pool2d(self.a["a1"][s], 2)

    def _relu1(self, s: slice, k: int) -> None:
        self.a["r1"][s] = relu(self.a["m1"][s])

    def _conv2(self, s: slice, k: int) -> None:
        self.a["a2"][s] = conv2d(self.a["r1"][s], self.p["conv2.w"], self.p["conv2.b"])

    def _pool2(self, s: slice, k: int) -> None:
        self.a["m2"][s] = max_pool2d(self.a["a2"][s], 2)

    def _relu2(self, s: slice, k: int) -> None:
        self.a["r2"][s] = relu(self.a["m2"][s])

    def _relu2_b(self, s: slice, k: int) -> None:
        self.a["gm2"][s] = relu_backward(self.a["g2"][s], self.a["m2"][s])

    def _pool2_b(self, s: slice, k: int) -> None:
        self.a["ga2"][s] = max_pool2d_backward(self.a["gm2"][s], self.a["a2"][s], 2)

    def _conv2_b(self, s: slice, k: int) -> None:
        a = self.a
        a["gr1"][s], a["gw2"][k], a["gb2"][k] = conv2d_backward(a["ga2"][s], a["r1"][s], self.p["conv2.w"],
                                                                self.p["conv2.b"])  # fmt: skip

    def _relu1_b(self, s: slice, k: int) -> None:
        self.a["gm1"][s] = relu_backward(self.a["gr1"][s], self.a["m1"][s])

    def _pool1_b(self, s: slice, k: int) -> None:
        self.a["ga1"][s] = max_pool2d_backward(self.a["gm1"][s], self.a["a1"][s], 2)

    def _conv1_b(self, s: slice, k: int) -> None:
        a, w, b = self.a, self.p["conv1.w"], self.p["conv1.b"]
        a["gw1"][k], a["gb1"][k] = conv2d_backward_weight(a["ga1"][s], self.x[s], w, b)

    def step(self, run: Callable[[int], None]) -> tuple[float, Params]:
        """One step (forward, loss, backward, SGD) with each split stage worked by ``run(stage)``."""
        p, a = self.p, self.a
        with trusted_values(), np.errstate(over="ignore", invalid="ignore"):
            for stage in range(6):
                run(stage)
            loss, grads, g = dense_forward_backward(p, a["r2"].reshape(len(self.x), -1), self.y, Timer(False))
            a["g2"][...] = g.reshape(a["g2"].shape)  # (N, 400) back to (N, 16, 5, 5)
            for stage in range(6, 12):
                run(stage)
        grads.update({"conv2.w": a["gw2"].sum(0), "conv2.b": a["gb2"].sum(0)})
        grads.update({"conv1.w": a["gw1"].sum(0), "conv1.b": a["gb1"].sum(0)})
        for name, grad in grads.items():
            p[name] -= LR * grad
        return float(loss), grads


def check_split(batch: int) -> None:
    """The split step, its halves worked here in turn, gives the one-process step's loss and gradients."""
    x, y, params = operands(batch)
    loss, grads = _forward_backward({k: v.copy() for k, v in params.items()}, x, y, Timer(False))
    split = SplitStep(Arena(64 << 20), x, y, params)
    halves = (slice(0, batch // 2), slice(batch // 2, batch))
    loss2, grads2 = split.step(lambda stage: [split.stages[stage](h, i) for i, h in enumerate(halves)])
    assert abs(float(loss) - loss2) < 1e-5, (loss, loss2)
    for name, grad in grads.items():
        assert np.allclose(grad, grads2[name], rtol=1e-4, atol=1e-6), f"{name} differs"
