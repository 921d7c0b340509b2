"""A probe, not a feature: what would a second *process* working each op's other half buy at batch 64?

Run: ``.venv/bin/python benchmarks/probe_op_workers.py [--repeats 400] [--batches 64 256]`` (Linux: it forks).

At batch 64 the LeNet step written with the ops runs on one core (RESULTS_perf #152): its ops are too
short for `convscope.ops.threads`, whose hand-off to a sleeping worker thread costs ~80 us on this VM
(a guest without halt polling wakes a vCPU in ~30-60 us), and two threads working one op's halves fight
for the GIL between their NumPy calls. This measures the two ways round that, before anyone builds them:

1. **Hand-off**, one round trip with no work: ``run_blocks`` (a worker thread on a queue); a worker thread
   woken through pthread spinlocks it waits on inside ``ctypes`` (GIL released); a worker process that
   spins on a counter in shared memory.
2. **conv2 at batch 64** (6 -> 16, 5x5 on 14x14), forward and backward, each half of the batch on one
   side: one thread; the two worker threads above; the spinning worker process.
3. **The whole LeNet step**, every conv, pool and ReLU split in two halves between this process and the
   spinning worker, which meet after each op (as ops called one at a time would); the fully connected
   layers and the loss run here alone (`probe_split_step.py`). Every array the worker reads or writes lives
   in one shared mapping, as op results would if `convscope.ops.recycle` handed out shared memory; each
   op's result is copied into it (a cost a real design would not pay). Against the step of
   `bench_lenet_ops.py` in this process, alternating in rounds (the worker parked, blocked on a pipe, while
   the one-process step runs); PyTorch's step is `bench_lenet_ops.py`'s to quote. Since the library has a
   helper process of its own (`convscope.ops.helper`, RESULTS_perf #153, #155), "one process" is the
   library as it runs (with its helper): the prototype then shows what is left to gain; the first run
   (df1a038) was without it.

The halves are checked against the one-process step (the loss and every gradient) before timing.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import threading
from collections.abc import Callable

import numpy as np
from bench_lenet_ops import Timer, operands, ours_step
from common import limit_blas, machine, summary, timings
from probe_split_step import Arena, SplitStep, Stage, check_split

from convscope.ops import trusted_values
from convscope.ops.conv import conv2d, conv2d_backward
from convscope.ops.threads import run_blocks, single_threaded


class SpinningWorker:
    """A forked process that spins on a shared counter, runs the stage it names on the second half.

    ``ctrl``: [posted, finished, stage, start, stop] (the worker's images). x86 keeps stores in order, so
    the stage, its images and its inputs are visible before the count that announces them.
    """

    def __init__(self, arena: Arena, stages: list[Stage]) -> None:
        self.ctrl, self.stages = arena.array((8,), np.int64), stages
        self._wake, self._woken = os.pipe()[::-1]  # it starts parked: blocked on a read, not spinning
        self.pid = os.fork()
        if self.pid == 0:
            self._serve()

    def _serve(self) -> None:
        seen = 0
        os.read(self._woken, 1)
        with trusted_values(), single_threaded(), np.errstate(over="ignore", invalid="ignore"):
            while True:
                while self.ctrl[0] == seen:
                    pass
                seen = int(self.ctrl[0])
                stage = int(self.ctrl[2])
                if stage == -1:
                    os._exit(0)
                if stage == -2:  # `park`
                    self.ctrl[1] = seen
                    os.read(self._woken, 1)
                    continue
                self.stages[stage](slice(int(self.ctrl[3]), int(self.ctrl[4])), 1)
                self.ctrl[1] = seen

    def unpark(self) -> None:
        """Start spinning (from here on it holds a core)."""
        os.write(self._wake, b"x")

    def park(self) -> None:
        """Stop spinning: block on a read until `unpark`."""
        self.ctrl[2] = -2
        self.ctrl[0] += 1
        while self.ctrl[1] != self.ctrl[0]:
            pass

    def run(self, stage: int, batch: int) -> None:
        """Stage ``stage``: the batch's second half there, its first here; returns when both are done."""
        self.ctrl[2:5] = stage, batch // 2, batch
        self.ctrl[0] += 1
        with single_threaded():  # this half alone: neither threads nor the library's own helper
            self.stages[stage](slice(0, batch // 2), 0)
        while self.ctrl[1] != self.ctrl[0]:
            pass

    def stop(self) -> None:
        self.unpark()
        self.ctrl[2] = -1
        self.ctrl[0] += 1
        os.waitpid(self.pid, 0)


class SpinlockThread:
    """A worker thread that waits inside ``ctypes`` on pthread spinlocks, so without the GIL.

    Two "go" locks the caller holds and two "done" locks the worker holds, used in turn, so that neither
    side can take a lock meant for the next round.
    """

    def __init__(self) -> None:
        libc = ctypes.CDLL("libc.so.6")
        self._lock, self._unlock = libc.pthread_spin_lock, libc.pthread_spin_unlock
        self._go, self._done = [ctypes.c_int(0) for _ in range(2)], [ctypes.c_int(0) for _ in range(2)]
        for lock in (*self._go, *self._done):
            libc.pthread_spin_init(ctypes.byref(lock), 0)
        for lock in self._go:
            self._lock(ctypes.byref(lock))
        self._task: list[Callable[[], None] | None] = [lambda: None]
        self._round, started = 0, threading.Event()
        threading.Thread(target=self._serve, args=(started,), daemon=True).start()
        started.wait()

    def _serve(self, started: threading.Event) -> None:
        self._lock(ctypes.byref(self._done[0]))
        started.set()
        i = 0
        with trusted_values(), single_threaded():
            while True:  # spins between tasks until `stop`: a probe's thread, never a library's
                self._lock(ctypes.byref(self._go[i]))
                self._unlock(ctypes.byref(self._go[i]))
                self._lock(ctypes.byref(self._done[1 - i]))
                task = self._task[0]
                if task is None:
                    return
                task()
                self._unlock(ctypes.byref(self._done[i]))
                i = 1 - i

    def stop(self) -> None:
        """End the thread (and its spinning)."""
        self._task[0] = None
        self._unlock(ctypes.byref(self._go[self._round % 2]))

    def run(self, there: Callable[[], None], here: Callable[[], None]) -> None:
        i = self._round % 2
        self._task[0] = there
        self._unlock(ctypes.byref(self._go[i]))
        here()
        self._lock(ctypes.byref(self._done[i]))
        self._unlock(ctypes.byref(self._done[i]))
        self._lock(ctypes.byref(self._go[i]))
        self._round += 1


def median_us(call: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``call`` in microseconds, after a tenth as many untimed calls."""
    return summary(timings(call, repeats, warmup=max(1, repeats // 10)), 1e6).median


def conv2_stages(arena: Arena, batch: int) -> list[Stage]:
    """conv2's forward and backward on one half of a batch, into shared arrays; and a stage doing nothing."""
    rng = np.random.default_rng(0)
    x, grad = arena.array((batch, 6, 14, 14)), arena.array((batch, 16, 10, 10))
    w, b = arena.array((16, 6, 5, 5)), arena.array((16,))
    for array in (x, grad, w, b):
        array[...] = rng.standard_normal(array.shape)
    out, gx = arena.array((batch, 16, 10, 10)), arena.array((batch, 6, 14, 14))
    gw, gb = arena.array((2, 16, 6, 5, 5)), arena.array((2, 16))

    def forward(s: slice, k: int) -> None:
        out[s] = conv2d(x[s], w, b)

    def backward(s: slice, k: int) -> None:
        gx[s], gw[k], gb[k] = conv2d_backward(grad[s], x[s], w, b)

    return [forward, backward, lambda s, k: None]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=400)
    parser.add_argument("--batches", type=int, nargs="+", default=[64, 256])
    args = parser.parse_args()
    limit_blas(1)  # as bench_lenet_ops and convscope's CLI
    for batch in args.batches:
        check_split(batch)
    # Everything the worker touches is made before the fork, and no thread runs yet (a fork copies one).
    arena = Arena()
    stages = conv2_stages(arena, 64)
    steps: dict[int, tuple[int, SplitStep]] = {}
    for batch in args.batches:
        x, y, params = operands(batch)
        steps[batch] = (len(stages), SplitStep(arena, x, y, params))
        stages += steps[batch][1].stages
    worker = SpinningWorker(arena, stages)
    try:
        print(f"machine: {machine()}\n")
        handoffs(worker, stages, args.repeats)
        steps_table(worker, steps, args.repeats)
    finally:
        worker.stop()


def handoffs(worker: SpinningWorker, stages: list[Stage], repeats: int) -> None:
    """The hand-off round trips, and conv2 at batch 64 on one thread, two threads and two processes."""
    spin = SpinlockThread()
    print("| way to the second core | hand-off, no work (us) | conv2 forward (us) | conv2 backward (us) |")
    print("|---|---:|---:|---:|")
    halves = (slice(0, 32), slice(32, 64))

    def blocks(stage: int) -> Callable[[], None]:
        return lambda: run_blocks([0, 1], lambda _, i: stages[stage](halves[i], i))

    def spun(stage: int) -> Callable[[], None]:
        return lambda: spin.run(lambda: stages[stage](halves[1], 1), lambda: stages[stage](halves[0], 0))

    with trusted_values():
        with single_threaded():
            one = [median_us(lambda: stages[0](slice(0, 64), 0), repeats),
                   median_us(lambda: stages[1](slice(0, 64), 0), repeats)]  # fmt: skip
        rows = {
            "none: one thread, the whole batch": [float("nan"), *one],
            "`run_blocks`: a worker thread on a queue": [median_us(blocks(i), repeats) for i in (2, 0, 1)],
            "a worker thread on pthread spinlocks (ctypes)": [median_us(spun(i), repeats) for i in (2, 0, 1)],
        }
        spin.stop()  # only one side spins at a time
        worker.unpark()
        rows["a worker process spinning on shared memory"] = [
            median_us(lambda i=i: worker.run(i, 64), repeats) for i in (2, 0, 1)  # type: ignore[misc]
        ]
    for name, (handoff, forward, backward) in rows.items():
        cell = "—" if np.isnan(handoff) else f"{handoff:.0f}"
        print(f"| {name} | {cell} | {forward:.0f} | {backward:.0f} |")
    print()


def steps_table(worker: SpinningWorker, steps: dict[int, tuple[int, SplitStep]], repeats: int) -> None:
    """The whole step: ours in one process against every split op shared with the worker, alternating."""
    print("| batch | one process (ms) | ops split with a spinning worker process (ms) | one / split |")
    print("|---:|---:|---:|---:|")
    for batch, (first, split) in steps.items():
        x, y, params = operands(batch)
        ours = lambda: ours_step(params, x, y, Timer(False))  # noqa: E731, B023 (used in this iteration)
        shared = lambda: split.step(lambda s: worker.run(first + s, batch))  # noqa: E731, B023
        one, two = [], []
        for _ in range(max(5, repeats // 40)):  # rounds, each a burst of each side
            worker.park()  # the one-process step has both cores (its ops' threads use them at 256)
            one.append(median_us(ours, 20))
            worker.unpark()
            two.append(median_us(shared, 20))
        ratio = np.median([a / b for a, b in zip(one, two, strict=True)])
        print(f"| {batch} | {np.median(one) / 1e3:.2f} | {np.median(two) / 1e3:.2f} | {ratio:.2f} |")
    print()


if __name__ == "__main__":
    main()
