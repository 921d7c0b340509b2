"""Training LeNet: convscope (NumPy) against PyTorch CPU, same model, same data, in the same run.

Run: ``.venv/bin/python benchmarks/bench_train.py [--repeats 5] [--images 1024] [--skip-accuracy]``
``[--blas-threads 1] [--scaling 16,64,256,1024] [--scaling-repeats 3]``.

1. Training throughput (images/s) at batch 64 and 256: each repeat trains, each in its own fresh process
   and one after the other, convscope's ``fit`` (default shards: every core), PyTorch and ``fit`` with
   one shard, for one pass over the same ``--images`` digits (Adam, cross-entropy, no augmentation) after
   a warm-up pass; no thread settings (as a library user runs them); medians, and the median of the
   same-repeat ratios ours / torch (above 1: convscope is faster).
2. One digit through the network keeping every layer's activation (what the network view asks for).
3. Time to 98.5% held-out accuracy with the shipped recipe (``TrainConfig()``), evaluated each epoch, for
   ``--target-seeds`` seeds, each side of each seed in its own fresh process (``train_target.py``).
4. With ``--scaling``: throughput at each of those batch sizes on all cores and on one (``fit`` with one
   shard and one BLAS thread; PyTorch with ``torch.set_num_threads(1)``), each side in its own fresh
   process per repeat, alternating; at least ``4 * batch`` digits per pass.

For part 2 PyTorch gets ``torch.set_num_threads(2)``, for part 3 its default threads; NumPy's BLAS one
thread in both, as ``convscope train`` sets (``--blas-threads N`` to change it, 0 for OpenBLAS's default).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np
import torch
from common import Paired, add_blas_option, settle, summary, timings
from threadpoolctl import threadpool_limits
from torch import nn
from train_target import report, time_to_target

from convscope.data import load_digits, train_test_split
from convscope.nn import Sequential, lenet, prepare_input
from convscope.ops.threads import available_cores
from convscope.train import TrainConfig, fit, random_shift, scheduled_lr


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


SIDES = ("ours", "torch", "ours1")  # convscope as fit defaults (all cores), PyTorch, convscope on 1 shard


def throughput(batch: int, images: int, repeats: int, baseline: str | None = None) -> dict[str, float]:
    """Images/s per side for one pass over ``images`` digits, and same-repeat median ratios ours / torch.

    Every timing runs in a fresh process (``--worker``), the sides alternating within each repeat, so
    neither library's threads are alive while the other one runs; nothing is tuned (no BLAS limit set,
    PyTorch at its default threads), as a library user calls ``fit``. With ``baseline`` (the ``src`` of
    another checkout) a fourth side, ``"base"``, runs ``fit`` from there.
    """
    sides = [*SIDES, *(["base"] if baseline else [])]
    seconds: dict[str, list[float]] = {side: [] for side in sides}
    for r in range(repeats):
        for side in sides:
            args = ["--batch", str(batch), "--images", str(images), "--seed", str(r)]
            args += ["--worker", "ours" if side == "base" else side]
            env = {**os.environ, "PYTHONPATH": baseline} if side == "base" and baseline else None
            run = [sys.executable, __file__, *args]
            out = subprocess.run(run, capture_output=True, text=True, check=True, env=env)
            seconds[side].append(float(out.stdout.split()[-1]))
    rates = {side: images / statistics.median(t) for side, t in seconds.items()}
    rates["ratio"] = Paired(seconds["ours"], seconds["torch"]).ratio
    rates["ratio1"] = Paired(seconds["ours1"], seconds["torch"]).ratio
    if baseline:
        rates["ratio_base"] = Paired(seconds["ours"], seconds["base"]).ratio
    return rates


def worker(side: str, batch: int, images: int, seed: int, warmup: int | None = None) -> float:
    """Seconds for one timed pass of ``side`` over the digits, after an untimed warm-up pass.

    ``warmup``: digits in the warm-up pass (default all ``images``). The ``*_1core`` sides run on one
    core: ``fit`` with one shard and one BLAS thread, PyTorch with one intra-op thread.
    """
    digits = load_digits()
    train_idx, _ = train_test_split()
    subset = np.random.default_rng(0).permutation(len(train_idx))[:images]
    x, y = prepare_input(digits.images[train_idx[subset]]), digits.labels[train_idx[subset]].astype(np.int64)
    config = TrainConfig(epochs=1, batch_size=batch, augment=0, lr_schedule="constant")
    model, n = lenet(rng=np.random.default_rng(seed)), warmup or images
    if side.startswith("torch"):
        if side == "torch_1core":
            torch.set_num_threads(1)
        net = torch_lenet(model)
        opt = torch.optim.Adam(net.parameters(), lr=config.lr)
        torch_epoch(net, opt, config, x[:n], y[:n], np.random.default_rng(seed), 0, 1)
        gc.collect()  # no full collection pending: see below
        start = time.perf_counter()
        torch_epoch(net, opt, config, x, y, np.random.default_rng(seed), 0, 1)
        return time.perf_counter() - start
    shards = 1 if side in ("ours1", "ours_1core") else None
    if side == "ours_1core":
        threadpool_limits(limits=1, user_api="blas")
    fit(model, config, x[:n], y[:n], rng=np.random.default_rng(seed), shards=shards)
    # A timed pass is 50-100 ms; with PyTorch imported (both sides import it) a full garbage collection
    # takes ~45 ms, and where one falls is fixed by the process's allocations, so it fell in every
    # repeat's pass or in none: ours at batch 64 read 0.104 s against 0.056 after an unrelated import moved
    # it (RESULTS_perf #153). Collecting first, on both sides, leaves none due in the pass.
    gc.collect()
    start = time.perf_counter()
    fit(model, config, x, y, rng=np.random.default_rng(seed), shards=shards)
    return time.perf_counter() - start


SCALING_SIDES = ("ours", "ours_1core", "torch", "torch_1core")


def scaling(batches: list[int], images: int, repeats: int) -> str:
    """The scaling table: images/s per batch size, all cores against one, ours against PyTorch.

    Each repeat runs each side once in a fresh process that times every batch size in turn (so a side's
    threads never overlap another's), the sides alternating; medians over repeats.
    """
    seconds: dict[tuple[str, int], list[float]] = {(s, b): [] for s in SCALING_SIDES for b in batches}
    sizes = {b: min(8000, max(images, 4 * b)) for b in batches}
    for r in range(repeats):
        for side in SCALING_SIDES:
            run = [sys.executable, __file__, "--scaling-worker", side, "--seed", str(r)]
            run += ["--scaling", ",".join(map(str, batches)), "--images", str(images)]
            out = subprocess.run(run, capture_output=True, text=True, check=True).stdout.split()
            for b, t in zip(batches, out[-len(batches) :], strict=True):
                seconds[side, b].append(float(t))
    rate = {key: sizes[key[1]] / statistics.median(t) for key, t in seconds.items()}
    lines = [
        f"\nscaling: {available_cores()} cores available; 1 core = fit with 1 shard and 1 BLAS thread, "
        "torch.set_num_threads(1); each side in its own fresh process, alternating",
        "| batch | convscope all cores | convscope 1 core | convscope all / 1 | PyTorch all cores "
        "| PyTorch 1 core | PyTorch all / 1 | ours / torch, all cores | ours / torch, 1 core |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for b in batches:
        ours, ours1, theirs, theirs1 = (rate[s, b] for s in SCALING_SIDES)
        pair_all = Paired(seconds["ours", b], seconds["torch", b]).ratio
        pair_one = Paired(seconds["ours_1core", b], seconds["torch_1core", b]).ratio
        lines.append(
            f"| {b} | {ours:,.0f} | {ours1:,.0f} | {ours / ours1:.2f} | {theirs:,.0f} | {theirs1:,.0f} "
            f"| {theirs / theirs1:.2f} | {pair_all:.2f} | {pair_one:.2f} |"
        )
    return "\n".join(lines)


def scaling_worker(side: str, batches: list[int], images: int, seed: int) -> str:
    """Seconds per timed pass at each batch size, one process, one side: one line of numbers."""
    return " ".join(
        f"{worker(side, b, min(8000, max(images, 4 * b)), seed, warmup=2 * b):.6f}" for b in batches
    )


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--images", type=int, default=1024, help="digits per timed training pass")
    parser.add_argument("--skip-accuracy", action="store_true", help="skip the time-to-98.5%% runs")
    parser.add_argument("--target-seeds", type=int, default=8, help="seeds for the time to 98.5%%")
    parser.add_argument("--worker", choices=SIDES, help=argparse.SUPPRESS)  # one timing, in a fresh process
    parser.add_argument("--batch", type=int, default=64, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--baseline-src", help="also time fit from this src folder (another checkout)")
    parser.add_argument("--scaling", help="also the scaling table at these batch sizes (e.g. 16,64,256,1024)")
    parser.add_argument("--scaling-repeats", type=int, default=3, help="repeats of the scaling table")
    parser.add_argument("--scaling-worker", choices=SCALING_SIDES, help=argparse.SUPPRESS)
    add_blas_option(parser)
    args = parser.parse_args()
    batches = [int(b) for b in args.scaling.split(",")] if args.scaling else []
    if args.worker:
        print(worker(args.worker, args.batch, args.images, args.seed))
        return
    if args.scaling_worker:
        print(scaling_worker(args.scaling_worker, batches, args.images, args.seed))
        return
    print("throughput: each side in its own fresh process, alternating; no BLAS limit, torch default threads")
    print(
        "| batch | convscope (images/s) | PyTorch (images/s) | ours / torch | convscope 1 shard (images/s) "
        "| 1 shard / torch |\n|---:|---:|---:|---:|---:|---:|"
    )
    notes: list[str] = []
    for batch in (64, 256):
        rates = throughput(batch, args.images, args.repeats, args.baseline_src)
        print(
            f"| {batch} | {rates['ours']:,.0f} | {rates['torch']:,.0f} | {rates['ratio']:.2f} "
            f"| {rates['ours1']:,.0f} | {rates['ratio1']:.2f} |",
            flush=True,
        )
        if args.baseline_src:  # printed after the table, which must stay one block
            notes.append(f"batch {batch}, baseline {args.baseline_src}: {rates['base']:,.0f} images/s, "
                         f"ours / baseline {rates['ratio_base']:.2f}")  # fmt: skip
    print("\n".join(notes))
    settle(args.blas_threads, torch_threads=2)
    digits = load_digits()
    _, test_idx = train_test_split()
    ours_us, torch_us = inference(digits.images[test_idx[0]])
    print(f"\none digit, every activation: convscope {ours_us:,.0f} µs, PyTorch {torch_us:,.0f} µs")
    if not args.skip_accuracy:
        seeds = list(range(args.target_seeds))
        print("\n" + report(time_to_target(seeds, args.blas_threads), seeds), flush=True)
    if batches:
        print(scaling(batches, args.images, args.scaling_repeats), flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
