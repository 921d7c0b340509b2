"""conv2d forward + backward: convscope (NumPy) against PyTorch CPU, both float32, in the same run.

Run: ``.venv/bin/python benchmarks/bench_conv.py [--repeats 9]``. PyTorch gets 2 threads; each repeat
times both libraries back to back, so a noisy neighbour slows both, and the table reports the median of
those same-repeat ratios (torch time / our time: above 1 means convscope is faster).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from convscope.ops.conv import conv2d, conv2d_backward


@dataclass(frozen=True)
class Layer:
    """One convolution to time: input (N, C_in, H, W), C_out square kernels, and its padding."""

    name: str
    batch: int
    in_channels: int
    out_channels: int
    size: int
    kernel_size: int
    padding: int = 0


LAYERS = (
    Layer("LeNet conv1: 1->6, 5x5 on 32x32", 128, 1, 6, 32, 5),
    Layer("LeNet conv2: 6->16, 5x5 on 14x14", 128, 6, 16, 14, 5),
    Layer("32->32, 3x3, padding 1 on 64x64", 32, 32, 32, 64, 3, padding=1),
)


def ours_step(layer: Layer, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> Callable[[], object]:
    """One forward and backward through convscope's conv2d."""

    def step() -> object:
        out = conv2d(x, w, b, padding=layer.padding)
        return conv2d_backward(np.ones_like(out), x, w, b, padding=layer.padding)

    return step


def torch_step(layer: Layer, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> Callable[[], object]:
    """The same forward and backward through torch.nn.functional.conv2d (all three gradients)."""
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))

    def step() -> object:
        out = torch.nn.functional.conv2d(xt, wt, bt, padding=layer.padding)
        return torch.autograd.grad(out, (xt, wt, bt), torch.ones_like(out))

    return step


def seconds(step: Callable[[], object]) -> float:
    """Wall time of one call."""
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def measure(layer: Layer, repeats: int, rng: np.random.Generator) -> tuple[float, float, float]:
    """Median ours (ms), median torch (ms) and the median of same-repeat ratios torch/ours."""
    x = rng.standard_normal((layer.batch, layer.in_channels, layer.size, layer.size)).astype(np.float32)
    w = rng.standard_normal((layer.out_channels, layer.in_channels, layer.kernel_size, layer.kernel_size))
    w, b = w.astype(np.float32), rng.standard_normal(layer.out_channels).astype(np.float32)
    ours, theirs = ours_step(layer, x, w, b), torch_step(layer, x, w, b)
    for _ in range(2):  # warm-up: allocator, BLAS threads, oneDNN kernels
        ours(), theirs()
    times = np.array([(seconds(ours), seconds(theirs)) for _ in range(repeats)])
    ratios = times[:, 1] / times[:, 0]
    return 1e3 * np.median(times[:, 0]), 1e3 * np.median(times[:, 1]), float(np.median(ratios))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="timed repeats per layer (>= 7)")
    args = parser.parse_args()
    torch.set_num_threads(2)
    rng = np.random.default_rng(0)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())  # a busy machine slows both sides unevenly
    env = {k: v for k, v in sorted(os.environ.items()) if k.startswith(("OPENBLAS_NUM", "MALLOC_"))} or "none"
    print(f"float32, forward + backward, median of {args.repeats} repeats; torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads; numpy {np.__version__}; environment {env}; "
          f"load average {load}\n")
    print("| layer | batch | convscope (ms) | PyTorch (ms) | torch / ours |")
    print("|---|---:|---:|---:|---:|")
    for layer in LAYERS:
        ours_ms, torch_ms, ratio = measure(layer, args.repeats, rng)
        print(f"| {layer.name} | {layer.batch} | {ours_ms:.2f} | {torch_ms:.2f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
