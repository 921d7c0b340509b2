"""Signals in one dimension: convolution, the ball dropped twice, spike trains and echoes, WAV files.

One concept per module: `convolution` (true convolution of 1-D and 2-D arrays, direct or by FFT),
`distributions` (discrete probability distributions and the two-stage ball drop), `waveforms` (signals
sampled on a grid for flip-and-slide), `echo` (impulse responses made of spikes and the echoed sound),
`wav` (PCM WAV bytes in and out through the standard library's ``wave``), `spectra` (the convolution
theorem step by step: spectra, their product, its inverse, and the wrap-around without zero padding),
`timing` (direct against FFT convolution, measured: the crossover and the n·k and n·log n fits).

Examples
--------
>>> from convscope.signal import convolve, distribution
>>> f = distribution([1, 1], "f")                      # a fair coin: 0 or 1 step
>>> convolve(f, f).tolist()                             # two throws: 0, 1 or 2 steps
[0.25, 0.5, 0.25]
"""

from __future__ import annotations

from convscope.signal.convolution import choose_method, convolve, convolve2d, next_fast_length
from convscope.signal.distributions import (
    DISTRIBUTIONS,
    DistributionPreset,
    distribution,
    drop_balls,
    preset,
    total_variation,
)
from convscope.signal.echo import echo, impulse_response
from convscope.signal.sounds import bundled_sound, bundled_wav, sound_names
from convscope.signal.spectra import Spectra, circular_convolve, spectra
from convscope.signal.timing import DEFAULT_SIZES, Timings, time_direct_vs_fft
from convscope.signal.wav import MAX_SAMPLE_RATE, MAX_SECONDS, read_wav, write_wav
from convscope.signal.waveforms import WAVEFORMS, grid_step, waveform

__all__ = [
    "DEFAULT_SIZES",
    "DISTRIBUTIONS",
    "MAX_SAMPLE_RATE",
    "MAX_SECONDS",
    "WAVEFORMS",
    "DistributionPreset",
    "Spectra",
    "Timings",
    "bundled_sound",
    "bundled_wav",
    "choose_method",
    "circular_convolve",
    "convolve",
    "convolve2d",
    "distribution",
    "drop_balls",
    "echo",
    "grid_step",
    "impulse_response",
    "next_fast_length",
    "preset",
    "read_wav",
    "sound_names",
    "spectra",
    "time_direct_vs_fft",
    "total_variation",
    "waveform",
    "write_wav",
]
