"""conv_transpose2d forward + backward: convscope (NumPy) against PyTorch CPU, both float32, in the same run.

Run: ``.venv/bin/python benchmarks/bench_conv_transpose.py [--repeats 9] [--blas-threads 1]``. The layer is
a decoder's upsampling step (32 -> 16 channels, kernel 4, stride 2, padding 1: 16x16 -> 32x32, batch 32).
Each side runs in a process of its own, taking turns (`common.paired_processes`): PyTorch at its default
threads, NumPy's BLAS at 1 (as convscope's CLI sets); the table reports medians and the median of the
same-repeat ratios (torch time / our time: above 1 means convscope is faster). A second table times
our backward against the one it replaced, which called conv2d's forward and weight gradient and so
built the frame's im2col twice (same run, interleaved: old time / new time, above 1 means the shared
columns are faster), and a third times the forward's channels-last painting against conv2d's input
gradient (col2im), which it replaced.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from common import ConvLayer, conv_sides, main_options, paired, print_against_torch, side_worker, summary

from convscope.ops.conv import forward, input_gradient, weight_gradient
from convscope.ops.conv_transpose import (
    check_transpose_grad,
    conv_transpose2d,
    conv_transpose2d_backward,
    prepare_transpose_args,
    transpose_backward,
    transpose_forward,
)

LAYERS = (ConvLayer("decoder 32->16, 4x4, stride 2, padding 1: 16x16 -> 32x32", 32, 32, 16, 16, 4, 2, 1),)


def ours_step(layer: ConvLayer, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> Callable[[], object]:
    """One forward and backward through convscope's conv_transpose2d."""
    s = {"stride": layer.stride, "padding": layer.padding}

    def step() -> object:
        out = conv_transpose2d(x, w, b, **s)
        return conv_transpose2d_backward(np.ones_like(out), x, w, b, **s)

    return step


def torch_step(layer: ConvLayer, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> Callable[[], object]:
    """The same through torch.nn.functional.conv_transpose2d (all three gradients)."""
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))

    def step() -> object:
        out = torch.nn.functional.conv_transpose2d(xt, wt, bt, stride=layer.stride, padding=layer.padding)
        return torch.autograd.grad(out, (xt, wt, bt), torch.ones_like(out))

    return step


def backward_steps(layer: ConvLayer, x: np.ndarray, w: np.ndarray,
                   b: np.ndarray) -> tuple[Callable[[], object], Callable[[], object]]:
    """Our backward alone, and the one before it: conv2d's forward and weight gradient, one im2col each."""
    x4, w4, b4, geom = prepare_transpose_args(x, w, b, layer.stride, layer.padding, 0, 1, 1)
    grad = check_transpose_grad(np.ones((layer.batch, layer.out_channels, *geom.output_size), np.float32),
                                geom, x4.dtype, 2)

    def shared() -> object:
        return transpose_backward(grad, x4, w4, b4, geom)

    def unshared() -> object:
        frame = geom.uncrop(grad)  # (N, C_out, F_h, F_w)
        return forward(frame, w4, None, geom.conv), weight_gradient(x4, frame, w4, None, geom.conv)

    return shared, unshared


def forward_steps(layer: ConvLayer, x: np.ndarray, w: np.ndarray,
                  b: np.ndarray) -> tuple[Callable[[], object], Callable[[], object]]:
    """Our forward, and the one before it: conv2d's input gradient (col2im in NCHW), then the crop."""
    x4, w4, b4, geom = prepare_transpose_args(x, w, b, layer.stride, layer.padding, 0, 1, 1)

    def painted() -> object:
        return transpose_forward(x4, w4, b4, geom)

    def col2im() -> object:
        return geom.crop(input_gradient(x4, w4, geom.conv)) + b4[:, None, None]

    return painted, col2im


def main() -> None:
    args = main_options(__doc__.splitlines()[0])
    if args.worker is not None:  # one side of one layer, in a process of its own
        layer = LAYERS[args.layer]
        x, w, b = layer.operands(np.random.default_rng(args.layer), transposed=True)  # w: (C_in, C_out, k, k)
        side_worker((ours_step if args.worker == "ours" else torch_step)(layer, x, w, b))
        return
    rng = np.random.default_rng(0)
    rows = ((layer, conv_sides(__file__, k, args)) for k, layer in enumerate(LAYERS))
    print_against_torch(rows, args.repeats)
    print("\neach half alone: the backward's shared im2col and the forward's channels-last painting (now)")
    print("against two im2col builds and col2im (before)\n")
    print("| layer | now (ms) | before (ms) | before / now |")
    print("|---|---:|---:|---:|")
    for layer in LAYERS:
        x, w, b = layer.operands(rng, transposed=True)
        for name, steps in (("backward", backward_steps), ("forward", forward_steps)):
            times = paired(*steps(layer, x, w, b), args.repeats, warmup=2)
            now, before = summary(times.ours).median, summary(times.peer).median
            print(f"| {layer.name}: {name} | {now:.2f} | {before:.2f} | {times.ratio:.2f} |")


if __name__ == "__main__":
    main()
