"""An echo on a real-length sound: convscope.signal.echo / convolve against scipy.signal.fftconvolve.

Usage::

    .venv/bin/python benchmarks/bench_echo.py                 # 10 s at 44.1 kHz, a 2 s impulse response
    .venv/bin/python benchmarks/bench_echo.py --repeats 3     # quicker

Each case convolves a 10 s, 44,100 Hz sound (441,000 samples) with a 2 s impulse response (88,201
samples) in "full" mode; ours and SciPy's are timed back to back in each repeat (`common.paired`), and
the outputs are checked equal first (1e-6 relative). ratio = SciPy time / ours, per repeat, median: above
1 means convscope is faster; the goal is >= 0.9.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.signal
from common import add_blas_option, limit_blas, machine, paired, summary

from convscope.signal import convolve, echo, impulse_response

RATE = 44_100
Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class Case:
    """One comparison: what it is, our call, SciPy's call."""

    name: str
    ours: Callable[[], Array]
    peer: Callable[[], Array]


def cases(seconds: float, ir_seconds: float, rng: np.random.Generator) -> list[Case]:
    """The article's echo (two spikes), a dense room (decaying noise), and the echo in stereo."""
    sound = rng.uniform(-0.5, 0.5, int(seconds * RATE))  # (n,)
    stereo = rng.uniform(-0.5, 0.5, (int(seconds * RATE), 2))  # (n, 2)
    two = [(0.0, 1.0), (ir_seconds, 0.5)]  # the article's echo, its second spike ir_seconds later
    h_two = impulse_response(two, RATE)
    k = np.arange(int(ir_seconds * RATE) + 1)
    room = rng.standard_normal(k.size) * np.exp(-k / (0.3 * RATE))  # every sample a reflection
    room_taps = np.stack([k / RATE, room], axis=1)  # (K, 2): [delay_seconds, gain] per sample
    return [
        Case("echo, 2 spikes (mono)", lambda: echo(sound, RATE, two),
             lambda: scipy.signal.fftconvolve(sound, h_two)),
        Case("echo, 2 spikes (stereo)", lambda: echo(stereo, RATE, two),
             lambda: scipy.signal.fftconvolve(stereo, h_two[:, None], axes=0)),
        Case("convolve, dense room (mono)", lambda: convolve(sound, room),
             lambda: scipy.signal.fftconvolve(sound, room)),
        Case("echo, dense room (88,201 taps as an array)", lambda: echo(sound, RATE, room_taps),
             lambda: scipy.signal.fftconvolve(sound, room)),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the sound")
    parser.add_argument("--ir-seconds", type=float, default=2.0, help="length of the impulse response")
    parser.add_argument("--repeats", type=int, default=7)
    add_blas_option(parser)
    args = parser.parse_args()
    limit_blas(args.blas_threads)
    print(f"machine: {machine()}\n")
    print(f"{args.seconds:g} s at {RATE:,} Hz, impulse response {args.ir_seconds:g} s, "
          f"median of {args.repeats} paired repeats\n")
    print("| case | convscope (ms) | scipy.signal.fftconvolve (ms) | ratio (SciPy / ours) |")
    print("|---|---:|---:|---:|")
    for case in cases(args.seconds, args.ir_seconds, np.random.default_rng(0)):
        ours, peer = case.ours(), case.peer()
        np.testing.assert_allclose(ours, peer, rtol=1e-6, atol=1e-6 * np.abs(peer).max(), err_msg=case.name)
        times = paired(case.ours, case.peer, args.repeats, warmup=1)
        mine, theirs = summary(times.ours).median, summary(times.peer).median
        print(f"| {case.name} | {mine:.1f} | {theirs:.1f} | {times.ratio:.2f} |")


if __name__ == "__main__":
    main()
