"""Training LeNet: convscope (NumPy) against PyTorch CPU, same model, same data, in the same run.

Run: ``.venv/bin/python benchmarks/bench_train.py [--repeats 5] [--images 1024] [--skip-accuracy]``
``[--blas-threads 1]``.

1. Training throughput (images/s) at batch 64 and 256: each repeat trains both libraries for one pass
   over the same ``--images`` digits (Adam, cross-entropy, no augmentation), back to back; medians, and
   the median of the same-repeat ratios ours / torch (above 1: convscope is faster).
2. One digit through the network keeping every layer's activation (what the network view asks for).
3. Time to 98.5% held-out accuracy with the shipped recipe (``TrainConfig()``), evaluated each epoch.

PyTorch gets ``torch.set_num_threads(2)``; NumPy's BLAS gets one thread, as ``convscope train`` sets
(``--blas-threads N`` to change it, 0 for OpenBLAS's default; printed with the results).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np
import torch
from common import Paired, add_blas_option, settle, summary, timings
from torch import nn

from convscope.data import load_digits, train_test_split
from convscope.nn import Sequential, lenet, prepare_input
from convscope.train import Progress, TrainConfig, fit, random_shift, scheduled_lr

TARGET = 0.985


def torch_lenet(model: Sequential) -> nn.Sequential:
    """PyTorch's LeNet (logits out) holding a copy of ``model``'s parameters."""
    theirs = nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 100), nn.ReLU(), nn.Linear(100, 10),
    )  # fmt: skip
    with torch.no_grad():
        for p, t in zip(model.parameters().values(), theirs.parameters(), strict=True):
            t.copy_(torch.tensor(p.data))
    return theirs


def torch_epoch(
    net: nn.Sequential,
    opt: torch.optim.Optimizer,
    config: TrainConfig,
    x: np.ndarray,
    y: np.ndarray,
    rng: np.random.Generator,
    step0: int,
    total: int,
) -> None:
    """One pass like ``fit``'s: shuffle, (augment), cosine lr, Adam step on F.cross_entropy."""
    order = rng.permutation(len(x))
    for b, start in enumerate(range(0, len(x), config.batch_size)):
        idx = order[start : start + config.batch_size]
        xb = random_shift(x[idx], config.augment, rng) if config.augment else x[idx]
        opt.param_groups[0]["lr"] = scheduled_lr(config, step0 + b, total)
        loss = nn.functional.cross_entropy(net(torch.from_numpy(xb)), torch.from_numpy(y[idx]))
        opt.zero_grad()
        loss.backward()
        opt.step()


def throughput(batch: int, x: np.ndarray, y: np.ndarray, repeats: int) -> tuple[float, float, float]:
    """(ours, torch, median ratio ours/torch) images/s for one pass over x at this batch size."""
    config = TrainConfig(epochs=1, batch_size=batch, augment=0, lr_schedule="constant")
    ours_times, torch_times = [], []
    for r in range(repeats + 1):  # the first repeat warms up both and is dropped
        model = lenet(rng=np.random.default_rng(r))
        net = torch_lenet(model)
        opt = torch.optim.Adam(net.parameters(), lr=config.lr)
        start = time.perf_counter()
        fit(model, config, x, y, rng=np.random.default_rng(r))
        ours = time.perf_counter() - start
        start = time.perf_counter()
        torch_epoch(net, opt, config, x, y, np.random.default_rng(r), 0, 1)
        theirs = time.perf_counter() - start
        if r:
            ours_times.append(ours)
            torch_times.append(theirs)
    times = Paired(ours_times, torch_times)
    return len(x) / summary(times.ours, 1).median, len(x) / summary(times.peer, 1).median, times.ratio


def inference(image: np.ndarray, repeats: int = 200) -> tuple[float, float]:
    """Median microseconds for one digit through every layer, keeping each activation: (ours, torch)."""
    model = lenet(rng=np.random.default_rng(0))
    layers = [*torch_lenet(model), nn.Softmax(dim=1)]

    def theirs() -> list[torch.Tensor]:
        with torch.no_grad():
            h, acts = torch.from_numpy(prepare_input(image)), []
            for layer in layers:
                h = layer(h)
                acts.append(h)
        return acts

    return (_median_us(lambda: model.activations(prepare_input(image)), repeats), _median_us(theirs, repeats))


def _median_us(f: Callable[[], object], repeats: int) -> float:
    """Median wall time of f() in microseconds, after 5 warm-up calls."""
    return summary(timings(f, repeats, warmup=5), scale=1e6).median


def time_to_target(data: tuple[np.ndarray, ...]) -> tuple[tuple[int, float] | None, tuple[int, float] | None]:
    """(epoch, seconds) at which each library first reaches 98.5% held-out accuracy (None if never)."""
    x, y, tx, ty = data
    config = TrainConfig()
    model = lenet(rng=np.random.default_rng(0))
    net = torch_lenet(model)
    ours: list[tuple[int, float]] = []
    start = time.perf_counter()

    def note(p: Progress) -> None:
        if p.kind == "epoch" and p.val_accuracy is not None and p.val_accuracy >= TARGET and not ours:
            ours.append((p.epoch, time.perf_counter() - start))

    fit(model, config, x, y, tx, ty, callback=note, should_stop=lambda: bool(ours))
    opt, rng = torch.optim.Adam(net.parameters(), lr=config.lr), np.random.default_rng(config.seed)
    batches, start = -(-len(x) // config.batch_size), time.perf_counter()
    for epoch in range(1, config.epochs + 1):
        torch_epoch(net, opt, config, x, y, rng, (epoch - 1) * batches, config.epochs * batches)
        with torch.no_grad():
            accuracy = float((net(torch.from_numpy(tx)).argmax(1).numpy() == ty).mean())
        if accuracy >= TARGET:
            return (ours[0] if ours else None), (epoch, time.perf_counter() - start)
    return (ours[0] if ours else None), None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--images", type=int, default=1024, help="digits per timed training pass")
    parser.add_argument("--skip-accuracy", action="store_true", help="skip the time-to-98.5%% runs")
    add_blas_option(parser)
    args = parser.parse_args()
    settle(args.blas_threads, torch_threads=2)
    digits = load_digits()
    train_idx, test_idx = train_test_split()
    x, y = prepare_input(digits.images[train_idx]), digits.labels[train_idx].astype(np.int64)
    tx, ty = prepare_input(digits.images[test_idx]), digits.labels[test_idx].astype(np.int64)
    print("| batch | convscope (images/s) | PyTorch (images/s) | ours / torch |\n|---:|---:|---:|---:|")
    subset = np.random.default_rng(0).permutation(len(x))[: args.images]
    for batch in (64, 256):
        ours, theirs, ratio = throughput(batch, x[subset], y[subset], args.repeats)
        print(f"| {batch} | {ours:,.0f} | {theirs:,.0f} | {ratio:.2f} |", flush=True)
    ours_us, torch_us = inference(digits.images[test_idx[0]])
    print(f"\none digit, every activation: convscope {ours_us:,.0f} µs, PyTorch {torch_us:,.0f} µs")
    if not args.skip_accuracy:
        ours_t, torch_t = time_to_target((x, y, tx, ty))
        for name, result in (("convscope", ours_t), ("PyTorch", torch_t)):
            text = "not reached" if result is None else f"epoch {result[0]}, {result[1]:.1f} s"
            print(f"time to {TARGET:.1%} held-out accuracy, {name}: {text}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
