"""conv2d forward + backward: convscope (NumPy) against PyTorch CPU, both float32, in the same run.

Run: ``.venv/bin/python benchmarks/bench_conv.py [--repeats 9] [--blas-threads 1]``. Each side runs in a
process of its own (`common.paired_processes`), taking turns: in each repeat ours times a burst of 5
calls, then PyTorch does, so a noisy neighbour slows both, and neither library's threads are alive while
the other works (PyTorch's OpenMP threads spin after each call). PyTorch runs at its default threads,
NumPy's BLAS at 1 (as convscope's CLI sets; ``--blas-threads 0`` keeps OpenBLAS's default), and
convscope's op runs its batch chunks on every core itself (``convscope.ops.threads``). The table reports
the medians and the median of the same-repeat ratios (torch time / our time: above 1 means convscope is
faster).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from common import ConvLayer, conv_sides, main_options, print_against_torch, side_worker

from convscope.ops.conv import conv2d, conv2d_backward

LAYERS = (
    ConvLayer("LeNet conv1: 1->6, 5x5 on 32x32", 128, 1, 6, 32, 5),
    ConvLayer("LeNet conv2: 6->16, 5x5 on 14x14", 128, 6, 16, 14, 5),
    ConvLayer("32->32, 3x3, padding 1 on 64x64", 32, 32, 32, 64, 3, padding=1),
)


def ours_step(layer: ConvLayer, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> Callable[[], object]:
    """One forward and backward through convscope's conv2d."""

    def step() -> object:
        out = conv2d(x, w, b, padding=layer.padding)
        return conv2d_backward(np.ones_like(out), x, w, b, padding=layer.padding)

    return step


def torch_step(layer: ConvLayer, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> Callable[[], object]:
    """The same forward and backward through torch.nn.functional.conv2d (all three gradients)."""
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))

    def step() -> object:
        out = torch.nn.functional.conv2d(xt, wt, bt, padding=layer.padding)
        return torch.autograd.grad(out, (xt, wt, bt), torch.ones_like(out))

    return step


def main() -> None:
    args = main_options(__doc__.splitlines()[0])
    if args.worker is not None:  # one side of one layer, in a process of its own
        layer = LAYERS[args.layer]
        x, w, b = layer.operands(np.random.default_rng(args.layer))
        side_worker((ours_step if args.worker == "ours" else torch_step)(layer, x, w, b))
        return
    rows = ((layer, conv_sides(__file__, k, args)) for k, layer in enumerate(LAYERS))
    print_against_torch(rows, args.repeats)


if __name__ == "__main__":
    main()
