"""conv2d forward + backward: convscope (NumPy) against PyTorch CPU, both float32, in the same run.

Run: ``.venv/bin/python benchmarks/bench_conv.py [--repeats 9] [--blas-threads 1]``. PyTorch gets 2
threads, NumPy's BLAS 1 (as convscope's CLI sets; ``--blas-threads 0`` keeps OpenBLAS's default), and
convscope's op runs its batch chunks on every core itself (``convscope.ops.threads``); each repeat
times both libraries back to back, so a noisy neighbour slows both, and the table reports the median of
those same-repeat ratios (torch time / our time: above 1 means convscope is faster).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from common import ConvLayer, Paired, main_options, paired, print_against_torch

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


def measure(layer: ConvLayer, repeats: int, rng: np.random.Generator) -> Paired:
    """Ours and torch's forward + backward, timed back to back in each repeat."""
    x, w, b = layer.operands(rng)
    # two warm-up rounds: allocator, BLAS, oneDNN kernels
    return paired(ours_step(layer, x, w, b), torch_step(layer, x, w, b), repeats, warmup=2)


def main() -> None:
    args = main_options(__doc__.splitlines()[0])
    rng = np.random.default_rng(0)
    print_against_torch(((layer, measure(layer, args.repeats, rng)) for layer in LAYERS), args.repeats)


if __name__ == "__main__":
    main()
