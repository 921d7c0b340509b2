"""conv_transpose2d forward + backward: convscope (NumPy) against PyTorch CPU, both float32, in the same run.

Run: ``.venv/bin/python benchmarks/bench_conv_transpose.py [--repeats 9] [--blas-threads 1]``. The layer is
a decoder's upsampling step (32 -> 16 channels, kernel 4, stride 2, padding 1: 16x16 -> 32x32, batch 32).
PyTorch gets 2 threads, NumPy's BLAS 1 (as convscope's CLI sets); each repeat times both libraries back
to back, and the table reports medians and the median of those same-repeat ratios (torch time / our
time: above 1 means convscope is faster).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from common import add_blas_option, paired, settle, summary

from convscope.ops.conv_transpose import conv_transpose2d, conv_transpose2d_backward


@dataclass(frozen=True)
class Layer:
    """One transposed convolution to time: input (N, C_in, H, W), C_out square kernels, stride, padding."""

    name: str
    batch: int
    in_channels: int
    out_channels: int
    size: int
    kernel_size: int
    stride: int
    padding: int


LAYERS = (Layer("decoder 32->16, 4x4, stride 2, padding 1: 16x16 -> 32x32", 32, 32, 16, 16, 4, 2, 1),)


def ours_step(layer: Layer, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> Callable[[], object]:
    """One forward and backward through convscope's conv_transpose2d."""
    s = {"stride": layer.stride, "padding": layer.padding}

    def step() -> object:
        out = conv_transpose2d(x, w, b, **s)
        return conv_transpose2d_backward(np.ones_like(out), x, w, b, **s)

    return step


def torch_step(layer: Layer, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> Callable[[], object]:
    """The same through torch.nn.functional.conv_transpose2d (all three gradients)."""
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))

    def step() -> object:
        out = torch.nn.functional.conv_transpose2d(xt, wt, bt, stride=layer.stride, padding=layer.padding)
        return torch.autograd.grad(out, (xt, wt, bt), torch.ones_like(out))

    return step


def measure(layer: Layer, repeats: int, rng: np.random.Generator) -> tuple[float, float, float]:
    """Median ours (ms), median torch (ms) and the median of same-repeat ratios torch/ours."""
    x = rng.standard_normal((layer.batch, layer.in_channels, layer.size, layer.size)).astype(np.float32)
    k = layer.kernel_size
    w = rng.standard_normal((layer.in_channels, layer.out_channels, k, k))  # (C_in, C_out, kH, kW)
    w = w.astype(np.float32)
    b = rng.standard_normal(layer.out_channels).astype(np.float32)
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
