"""Run every benchmark in sequence and write ``benchmarks/RESULTS.md`` from what they print.

Run: ``.venv/bin/python benchmarks/run_all.py [--quick] [--output benchmarks/RESULTS.md]``.

Each script runs in its own process (as its RESULTS_*.md says to run it), with repeat counts chosen so
the whole run takes about ten minutes on a 2-core machine; ``--quick`` uses tiny counts, to check that the
scripts and this file work, not to quote. RESULTS.md gets a header (date, command, machine, commit), a
headline table read off the scripts' own tables (``headline.py``), every script's full output, and links
to the detail and history files. A script that fails is reported as failed and the others still run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from common import limit_blas, machine
from headline import READERS, Row

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@dataclass(frozen=True)
class Bench:
    """One script and the flags it runs with: moderate counts, and ``quick`` ones for a smoke run."""

    script: str
    flags: tuple[str, ...] = ()
    quick: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()  # set for the script and every process it starts (both sides)


# glibc keeps freed memory instead of handing large blocks back to the kernel, so that a process does not
# fault fresh pages in every step. convscope holds its own (`ops/recycle.py`); PyTorch's allocator does not,
# and on this VM a fault costs ~4.5 us, which moves PyTorch's step by up to 2x between runs. Run a second
# time with both sides under it, the PyTorch comparisons read what they would where faults are cheap.
NO_FAULTS = (("MALLOC_MMAP_THRESHOLD_", str(2**30)), ("MALLOC_TRIM_THRESHOLD_", str(2**30)))
NO_FAULTS_LABEL = " [both sides with glibc keeping freed memory: no page faults]"


BENCHES = (
    Bench("bench_api.py", ("--requests", "300", "--warmup", "50"), ("--requests", "5", "--warmup", "2")),
    Bench("bench_trace.py", ("--repeats", "200"), ("--repeats", "10")),
    Bench("bench_network.py", ("--requests", "200", "--warmup", "30"), ("--requests", "5", "--warmup", "2")),
    Bench("bench_network_view.py", ("--strokes", "30"), ("--strokes", "3")),
    # The time to 98.5% (about half a minute each side) runs once, in this script only; the scaling table
    # (batch 16..1024, all cores against one) at four batch sizes: `--scaling 16,32,64,128,256,512,1024`
    # by hand for every power of two.
    Bench(
        "bench_train.py",
        ("--repeats", "9", "--scaling", "16,64,256,1024", "--scaling-repeats", "3"),
        ("--repeats", "1", "--images", "256", "--skip-accuracy", "--scaling", "16,64",
         "--scaling-repeats", "1"),
    ),
    Bench("bench_lenet_ops.py", ("--repeats", "31"), ("--repeats", "2")),
    Bench("bench_conv.py", ("--repeats", "21"), ("--repeats", "2")),
    Bench("bench_conv_transpose.py", ("--repeats", "21"), ("--repeats", "2")),
    Bench(
        "bench_train.py", ("--repeats", "5", "--skip-accuracy"),
        ("--repeats", "1", "--images", "256", "--skip-accuracy"), NO_FAULTS,
    ),
    Bench("bench_lenet_ops.py", ("--repeats", "15", "--torch-order", "model"), ("--repeats", "2"), NO_FAULTS),
    Bench("bench_conv.py", ("--repeats", "11"), ("--repeats", "2"), NO_FAULTS),
    # SciPy's direct 63x63 convolutions take seconds a call on 1024x1024: the most time, fewest repeats.
    Bench("bench_convolve2d.py", ("--size", "1024", "--repeats", "5"), ("--size", "256", "--repeats", "1")),
    Bench("bench_pool.py"),
    Bench("bench_apply_kernel.py", ("--repeats", "21"), ("--repeats", "2")),
    # The image kernels page in chromium: weight edit -> painted picture (its SciPy part repeats the above).
    Bench("bench_image_kernels.py", ("--repeats", "7", "--edits", "15"), ("--repeats", "1", "--edits", "2")),
    Bench("bench_echo.py", ("--repeats", "7"), ("--seconds", "1", "--ir-seconds", "0.2", "--repeats", "1")),
)


@dataclass(frozen=True)
class Ran:
    """One script's command, what it printed, whether it succeeded and how long it took."""

    command: str
    output: str
    ok: bool
    seconds: float


def run(bench: Bench, quick: bool) -> Ran:
    """Run one script from the repository root and capture its output."""
    flags = bench.quick if quick else bench.flags
    path = f"benchmarks/{bench.script}"
    command = " ".join([*(f"{name}={value}" for name, value in bench.env), ".venv/bin/python", path, *flags])
    print(f"running: {command}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    env = {**os.environ, **dict(bench.env)}
    done = subprocess.run([sys.executable, path, *flags], cwd=ROOT, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    output = done.stdout.rstrip()
    if done.returncode:
        tail = indent(done.stderr[-3000:])
        output += f"\n\nexit status {done.returncode}; the end of its stderr:\n\n{tail}"
    return Ran(command, output, done.returncode == 0, seconds)


def headline_rows(bench: Bench, ran: Ran) -> list[Row]:
    """The script's headline rows, or one row saying why there are none."""
    if not ran.ok:
        return [(f"`{bench.script}`", "failed (see its output below)", "—", "—", "—")]
    try:
        rows = READERS[bench.script](ran.output)
        return [(r[0] + NO_FAULTS_LABEL, r[1], r[2], r[3], r[4]) for r in rows] if bench.env else rows
    except (LookupError, ValueError) as err:  # a table changed shape: say so rather than guess
        return [(f"`{bench.script}`", f"could not read its table: {err}", "—", "—", "—")]


def title(bench: Bench) -> str:
    """The script's section title in RESULTS.md: its name, and what its environment changes."""
    return bench.script + (" (both sides with glibc keeping freed memory)" if bench.env else "")


def indent(text: str) -> str:
    """Text as a markdown code block (four spaces)."""
    return "\n".join(f"    {line}" for line in text.splitlines())


def as_markdown(output: str) -> str:
    """A script's output with blank lines between its printed lines (tables aside), so each one renders."""
    lines: list[str] = []
    for line in output.splitlines():
        if lines and lines[-1].strip() and line.strip() and not (line[0] == lines[-1][0] == "|"):
            lines.append("")
        lines.append(line)
    return "\n".join(lines)


def git_commit() -> str:
    """HEAD's short hash, and whether the working tree had uncommitted changes to tracked files."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + (" (working tree with uncommitted changes)" if dirty else "")


def report(command: str, started: str, total: float, runs: list[tuple[Bench, Ran]]) -> str:
    """The whole RESULTS.md."""
    rows = [r for bench, ran in runs for r in headline_rows(bench, ran)]
    details = sorted(HERE.glob("RESULTS_*.md"))
    parts = [
        "# convscope benchmarks",
        f"Written by `{command}` on {started} (the run took {total:.0f} s), at commit {git_commit()}.\n\n"
        f"Machine: {machine()}.\n\n"
        "Every number below is from this run. Medians; the machine is shared, so compare ratios, which "
        "pair ours and the peer in the same repeat. Against PyTorch (training, the LeNet step, the conv "
        "layers) each side runs in a process of its own, taking turns, PyTorch at its default threads, "
        "so neither library's idle threads spin while the other works; the other scripts interleave both "
        "in one process. Ratio = peer time / our time (for throughput: ours / peer): above 1 means "
        "convscope is faster. NumPy's BLAS runs on one thread, as convscope's CLI sets it, except in "
        "`fit`'s throughput, which runs as a library user calls it.",
        "## Headline",
        "| measured | convscope | peer | ratio | target |\n|---|---:|---:|---:|---|\n"
        + "\n".join("| " + " | ".join(r) + " |" for r in rows),
        "## Full output of each script",
        *(f"### {title(bench)}\n\n`{ran.command}` ({ran.seconds:.0f} s)\n\n{as_markdown(ran.output)}"
          for bench, ran in runs),
        "## Detail and history\n\nWhat each benchmark found while the code was being written, older runs, "
        "and the settings tried:\n\n" + "\n".join(f"- [{p.name}]({p.name})" for p in details),
    ]  # fmt: skip
    return "\n\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny repeat counts: a smoke run, not to quote")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    limit_blas(1)  # what each script sets by default, so that the header's machine() line says it
    command = " ".join([".venv/bin/python benchmarks/run_all.py", *sys.argv[1:]])
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    start = time.perf_counter()
    runs = [(bench, run(bench, args.quick)) for bench in BENCHES]
    args.output.write_text(report(command, started, time.perf_counter() - start, runs))
    print(f"wrote {args.output} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    sys.exit(0 if all(ran.ok for _, ran in runs) else 1)


if __name__ == "__main__":
    main()
