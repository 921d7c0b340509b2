"""Helpers every benchmark shares: timing, summaries, same-run ratios, the real server, the machine.

The scripts run as ``.venv/bin/python benchmarks/bench_x.py``; Python puts ``benchmarks/`` on the path,
so they import these with ``from common import ...``.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np  # loaded here so that threadpoolctl finds NumPy's BLAS
from threadpoolctl import threadpool_info, threadpool_limits

# Read when the script starts, before its own work loads the machine.
LOAD_AT_START = os.getloadavg()


def timings(call: Callable[[], object], repeats: int, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of each of ``repeats`` calls, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


@dataclass(frozen=True)
class Summary:
    """Median, 90th percentile and minimum of a list of timings, in the unit asked for."""

    median: float
    p90: float
    min: float


def summary(times: list[float], scale: float = 1e3) -> Summary:
    """Median, p90 and minimum of ``times`` multiplied by ``scale`` (seconds -> ms by default).

    The minimum is what a quiet machine gives; the median is what to quote on a shared one.
    """
    ordered = sorted(t * scale for t in times)
    return Summary(statistics.median(ordered), ordered[int(0.9 * (len(ordered) - 1))], ordered[0])


@dataclass(frozen=True)
class Paired:
    """Timings of ours and a peer taken back to back in each repeat, in seconds."""

    ours: list[float]
    peer: list[float]

    @property
    def ratio(self) -> float:
        """Median of the per-repeat ratios peer time / our time: above 1 means ours is faster.

        A noisy neighbour slows both sides of one repeat, so this ratio is steadier than a ratio of medians.
        """
        return statistics.median(p / o for o, p in zip(self.ours, self.peer, strict=True))


def paired(ours: Callable[[], object], peer: Callable[[], object], repeats: int, warmup: int = 2) -> Paired:
    """Time ``ours`` and ``peer`` interleaved: each repeat runs one then the other."""
    for _ in range(warmup):
        ours(), peer()
    pairs = [(timings(ours, 1, 0)[0], timings(peer, 1, 0)[0]) for _ in range(repeats)]
    return Paired([o for o, _ in pairs], [p for _, p in pairs])


def side_worker(call: Callable[[], object]) -> None:
    """The worker end of `paired_processes`: per line ``k`` on stdin, one untimed call, then ``k`` timed.

    Prints the median seconds of the ``k`` calls, one line each time; returns when stdin closes. The
    untimed call warms this side's caches and threads again after the other side's turn.
    """
    for line in sys.stdin:
        call()
        print(statistics.median(timings(call, int(line), warmup=0)), flush=True)


@contextmanager
def side_process(argv: list[str]) -> Iterator[Callable[[int], float]]:
    """``python argv`` as a `side_worker`; yields ``run(k)``: the median seconds of k calls there."""
    pipe = subprocess.PIPE
    process = subprocess.Popen([sys.executable, *argv], stdin=pipe, stdout=pipe, text=True)
    assert process.stdin is not None
    assert process.stdout is not None
    stdin, stdout = process.stdin, process.stdout

    def run(calls: int) -> float:
        stdin.write(f"{calls}\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            raise RuntimeError(f"{' '.join(argv)} ended with exit status {process.wait()}")
        return float(line)

    try:
        yield run
    finally:
        stdin.close()
        process.wait(timeout=60)


def paired_processes(
    ours: list[str], peer: list[str], repeats: int, burst: int = 5, warmup: int = 2
) -> Paired:
    """Time ours and the peer each in its own fresh process (`side_process`), taking turns.

    In each repeat ours runs ``burst`` timed calls (after one untimed), then the peer does: the same
    machine state for both within a repeat, and neither library's threads alive in the other's process
    (PyTorch's OpenMP threads spin after each call and slow whatever runs next in their process). The
    timings are each burst's median.
    """
    with side_process(ours) as mine, side_process(peer) as theirs:
        for _ in range(warmup):
            mine(burst), theirs(burst)
        pairs = [(mine(burst), theirs(burst)) for _ in range(repeats)]
    return Paired([o for o, _ in pairs], [p for _, p in pairs])


@dataclass(frozen=True)
class ConvLayer:
    """One convolution layer to time: input (N, C_in, H, W), C_out square kernels, stride and padding."""

    name: str
    batch: int
    in_channels: int
    out_channels: int
    size: int
    kernel_size: int
    stride: int = 1
    padding: int = 0

    def operands(
        self, rng: np.random.Generator, transposed: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Random float32 x, weight, bias; weight (C_out, C_in, k, k), or (C_in, C_out, k, k) transposed."""
        x = rng.standard_normal((self.batch, self.in_channels, self.size, self.size)).astype(np.float32)
        channels = (self.in_channels, self.out_channels)
        w = rng.standard_normal((*(channels if transposed else channels[::-1]), self.kernel_size,
                                 self.kernel_size)).astype(np.float32)  # fmt: skip
        return x, w, rng.standard_normal(self.out_channels).astype(np.float32)


def main_options(description: str) -> argparse.Namespace:
    """``--repeats`` and ``--blas-threads`` parsed, the thread settings applied, the machine printed.

    ``--worker ours|torch --layer K`` (what `conv_sides` starts) runs one side of layer K as a
    `side_worker`: NumPy's BLAS limited as asked on our side, PyTorch at its default threads on its own.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--repeats", type=int, default=9, help="timed repeats per layer (>= 7)")
    parser.add_argument("--worker", choices=("ours", "torch"), help=argparse.SUPPRESS)
    parser.add_argument("--layer", type=int, default=0, help=argparse.SUPPRESS)
    add_blas_option(parser)
    args = parser.parse_args()
    if args.worker is None:
        limit_blas(args.blas_threads)  # as our side runs, so that the machine line says so
        print(f"machine: {machine()}; PyTorch at its default threads in a process of its own")
    elif args.worker == "ours":
        limit_blas(args.blas_threads)
    return args


def conv_sides(script: str, layer: int, args: argparse.Namespace) -> Paired:
    """Layer ``layer`` of ``script`` timed in two processes, ours and PyTorch's (`paired_processes`)."""
    common = [script, "--layer", str(layer), "--blas-threads", str(args.blas_threads)]
    return paired_processes([*common, "--worker", "ours"], [*common, "--worker", "torch"], args.repeats)


def print_against_torch(rows: Iterable[tuple[ConvLayer, Paired]], repeats: int) -> None:
    """The table of ours against PyTorch that ``headline.py`` reads: medians and same-repeat ratios.

    ``rows`` may be a generator: each row is printed as soon as it is measured.
    """
    print(f"float32, forward + backward, median of {repeats} repeats\n")
    print("| layer | batch | convscope (ms) | PyTorch (ms) | torch / ours |")
    print("|---|---:|---:|---:|---:|")
    for layer, times in rows:
        ours, peer = summary(times.ours).median, summary(times.peer).median
        print(f"| {layer.name} | {layer.batch} | {ours:.2f} | {peer:.2f} | {times.ratio:.2f} |")


@contextmanager
def running_server(timeout: float = 60, env: dict[str, str] | None = None) -> Iterator[str]:
    """``convscope serve --no-browser --port 0`` in a subprocess; yields its base URL, stops it after.

    The real entry point, so the server runs with the settings the CLI applies (one BLAS thread).
    ``env`` adds to (or overrides) this process's environment: another ``PYTHONPATH`` serves other code.
    """
    exe = shutil.which("convscope", path=str(Path(sys.executable).parent)) or "convscope"
    process = subprocess.Popen(
        [exe, "serve", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )  # fmt: skip
    assert process.stdout is not None
    try:
        url = _read_url(process, timeout)
        # Keep reading what the server prints: a full pipe would block it mid-benchmark.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def _read_url(process: subprocess.Popen[str], timeout: float) -> str:
    """The first ``http://host:port`` the server prints, without its trailing slash."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if select.select([process.stdout], [], [], 0.5)[0]:
            match = re.search(r"(http://[\d.]+:\d+)/", process.stdout.readline())
            if match:
                return match[1]
    raise RuntimeError(f"convscope serve printed no URL within {timeout:.0f} s")


def add_blas_option(parser: argparse.ArgumentParser) -> None:
    """``--blas-threads N`` (default 1, the setting convscope's CLI applies; 0 keeps the library default)."""
    parser.add_argument(
        "--blas-threads", type=int, default=1,
        help="threads for NumPy's BLAS (default 1, as `convscope train` and `serve` set; 0: BLAS's default)",
    )  # fmt: skip


def limit_blas(threads: int) -> None:
    """Limit NumPy's BLAS to ``threads`` for the rest of the process (0 leaves it alone).

    OpenBLAS's idle threads spin between products and slow everything else on 2 cores, PyTorch included
    (RESULTS_perf.md); the CLI therefore runs one thread, and so do the benchmarks unless told otherwise.
    """
    if threads:
        threadpool_limits(limits=threads, user_api="blas")


def settle(blas_threads: int, torch_threads: int) -> None:
    """Apply the thread settings (NumPy's BLAS, PyTorch's intra-op pool) and print the machine line."""
    import torch  # late: the scripts that compare no PyTorch should not pay for importing it

    limit_blas(blas_threads)
    torch.set_num_threads(torch_threads)
    print(f"machine: {machine()}")


def machine() -> str:
    """One line: cores, CPU model, load average at start, library versions, BLAS and its threads."""
    blas = [f"{p['internal_api']} {p['version']} ({p.get('architecture') or 'kernel not reported'} kernel), "
            f"threads={p['num_threads']}"
            for p in threadpool_info() if p["user_api"] == "blas"]  # fmt: skip
    parts = [
        f"nproc {len(os.sched_getaffinity(0))}",
        f"CPU {_cpu_model()}",
        "load average at start " + " ".join(f"{v:.2f}" for v in LOAD_AT_START),
        f"Python {sys.version.split()[0]}",
        f"numpy {np.__version__}",
        f"torch {_version('torch')}" + _torch_threads(),
        "NumPy BLAS in this process " + (", ".join(blas) or "none found"),
    ]
    prefixes = ("OPENBLAS_", "OMP_", "MKL_", "MALLOC_")
    env = [f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith(prefixes)]
    return "; ".join(parts + (["environment " + " ".join(env)] if env else []))


def _cpu_model() -> str:
    """The first ``model name`` in /proc/cpuinfo."""
    try:
        with open("/proc/cpuinfo") as f:
            return next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?")
    except OSError:
        return "?"


def _version(package: str) -> str:
    """An installed distribution's version without importing it."""
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _torch_threads() -> str:
    """``, N threads`` when the script has imported torch (its thread count is then known)."""
    torch = sys.modules.get("torch")
    return f", {torch.get_num_threads()} threads" if torch is not None else ""
