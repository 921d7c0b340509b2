"""conv2d forward + backward: convscope (NumPy) against PyTorch CPU, both float32, in the same run.

Run: ``.venv/bin/python benchmarks/bench_conv.py [--repeats 9] [--blas-threads 1]``. PyTorch gets 2
threads, NumPy's BLAS 1 (as convscope's CLI sets; ``--blas-threads 0`` keeps OpenBLAS's default); each repeat
times both libraries back to back, so a noisy neighbour slows both, and the table reports the median of
those same-repeat ratios (torch time / our time: above 1 means convscope is faster).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from common import add_blas_option, paired, settle, summary

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


def measure(layer: Layer, repeats: int, rng: np.random.Generator) -> tuple[float, float, float]:
    """Median ours (ms), median torch (ms) and the median of same-repeat ratios torch/ours."""
    x = rng.standard_normal((layer.batch, layer.in_channels, layer.size, layer.size)).astype(np.float32)
    w = rng.standard_normal((layer.out_channels, layer.in_channels, layer.kernel_size, layer.kernel_size))
    w, b = w.astype(np.float32), rng.standard_normal(layer.out_channels).astype(np.float32)
    # two warm-up rounds: allocator, BLAS, oneDNN kernels
    times = paired(ours_step(layer, x, w, b), torch_step(layer, x, w, b), repeats, warmup=2)
    return summary(times.ours).median, summary(times.peer).median, times.ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="timed repeats per layer (>= 7)")
    add_blas_option(parser)
    args = parser.parse_args()
    settle(args.blas_threads, torch_threads=2)
    rng = np.random.default_rng(0)
    print(f"float32, forward + backward, median of {args.repeats} repeats\n")
    print("| layer | batch | convscope (ms) | PyTorch (ms) | torch / ours |")
    print("|---|---:|---:|---:|---:|")
    for layer in LAYERS:
        ours_ms, torch_ms, ratio = measure(layer, args.repeats, rng)
        print(f"| {layer.name} | {layer.batch} | {ours_ms:.2f} | {torch_ms:.2f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
