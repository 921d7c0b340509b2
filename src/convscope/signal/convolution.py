"""True convolution of 1-D signals and 2-D images, the way a mathematician writes it.

(f * g)(c) = sum_a f(a) g(c - a): the kernel is flipped, unlike the cross-correlation that deep learning
frameworks call "convolution" (see `convscope.trace`). Modes follow SciPy: "full" keeps every overlap,
"same" keeps the centre with the size of the first input, "valid" keeps the positions where one input lies
wholly inside the other.

Two methods compute the same numbers. "direct" adds one shifted, scaled copy of the larger input per
element of the smaller one (one array operation per offset, never a loop over output positions; large
outputs in cache-sized bands, two halves on two cores);
"fft" multiplies real FFTs padded to 5-smooth lengths. "auto" picks the cheaper by a cost model whose
constants were measured on a 2-core AMD EPYC (``benchmarks/bench_convolve2d.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import as_array
from convscope.ops import recycle
from convscope.ops.threads import halves, run_blocks

__all__ = ["choose_method", "convolve", "convolve2d", "next_fast_length"]

Array = npt.NDArray[np.floating[Any]]

MODES = ("full", "same", "valid")
METHODS = ("auto", "direct", "fft")

# Cost model, in seconds (calibrated by benchmarks/bench_convolve2d.py --calibrate on this project's machine):
# direct ~ offsets * (DIRECT_OVERHEAD + DIRECT_PER_ELEMENT * output elements),
# fft    ~ FFT_OVERHEAD + FFT_PER_ELEMENT * N * log2(N) for the padded FFT size N.
DIRECT_OVERHEAD = 2.5e-6
DIRECT_PER_ELEMENT = 0.6e-9
FFT_OVERHEAD = 3e-5
FFT_PER_ELEMENT = 1.2e-9
BAND_ELEMENTS = 2**17  # float64 values of the output in one band of the direct method (1 MiB)


def convolve(f: Any, g: Any, mode: str = "full", method: str = "auto") -> Array:
    """Discrete convolution of two 1-D sequences, (f * g)(c) = sum_a f(a) g(c - a).

    Read f and g as probability distributions: drop a ball, it lands a steps away with probability f(a);
    drop it again from there and it moves b more with probability g(b). The chance it ends c steps from
    the start is the sum over every way a + b = c, which is exactly the convolution.

    Parameters
    ----------
    f : (M,) array_like
        First sequence (its length sets the output length in "same" mode).
    g : (N,) array_like
        Second sequence.
    mode : {"full", "same", "valid"}
        "full": length M + N - 1. "same": length M, centred on the full result as
        ``scipy.signal.convolve`` does (``numpy.convolve`` instead returns max(M, N) values; the two agree
        when M >= N). "valid": length max(M, N) - min(M, N) + 1, the positions of complete overlap.
    method : {"auto", "direct", "fft"}
        How to compute it; "auto" picks the faster for these lengths.

    Returns
    -------
    (L,) ndarray
        float64, or float32 when both inputs are float32.

    Examples
    --------
    Two fair dice: the total of two throws has the triangular distribution on 2..12.

    >>> die = np.full(6, 1 / 6)                    # faces 1..6
    >>> total = convolve(die, die)                 # totals 2..12
    >>> np.round(total * 36).astype(int).tolist()
    [1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1]
    >>> round(float(total.sum()), 12)
    1.0
    """
    a = _as_signal(f, "f", 1, "(M,)")
    b = _as_signal(g, "g", 1, "(N,)")
    return _convolve(a, b, mode, method)


def convolve2d(image: Any, kernel: Any, mode: str = "full", method: str = "auto") -> Array:
    """True 2-D convolution of one image with one kernel (the kernel is flipped), as in SciPy.

    Parameters
    ----------
    image : (H, W) array_like
    kernel : (kH, kW) array_like
        Any size, also larger than the image.
    mode : {"full", "same", "valid"}
        "full": (H + kH - 1, W + kW - 1). "same": (H, W), the centre of the full result, placed exactly as
        ``scipy.signal.convolve2d`` places it (start at ((kH - 1) // 2, (kW - 1) // 2)).
        "valid": (|H - kH| + 1, |W - kW| + 1); needs one input at least as large as the other on both
        axes, the rule of ``scipy.signal.convolve2d`` and ``numpy.convolve``.
    method : {"auto", "direct", "fft"}
        "direct" sums shifted slices, "fft" multiplies real FFTs; "auto" picks the cheaper.

    Returns
    -------
    ndarray
        float64, or float32 when both inputs are float32.

    Examples
    --------
    >>> image = np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    >>> kernel = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> convolve2d(image, kernel, mode="same")     # a single bright pixel stamps the kernel
    array([[0., 0., 0.],
           [0., 1., 2.],
           [0., 3., 4.]])
    """
    a = _as_signal(image, "image", 2, "(H, W)")
    b = _as_signal(kernel, "kernel", 2, "(kH, kW)")
    return _convolve(a, b, mode, method)


def next_fast_length(n: int) -> int:
    """Smallest 5-smooth number (2^i 3^j 5^k) that is >= n: a length the FFT handles quickly.

    Examples
    --------
    >>> [next_fast_length(n) for n in (1, 7, 97, 1025)]
    [1, 8, 100, 1080]
    """
    if n <= 6:
        return max(n, 1)
    best: int = 2 ** math.ceil(math.log2(n))
    power5 = 1
    while power5 < best:
        power35 = power5
        while power35 < best:
            # Fill with the smallest power of two that reaches n.
            candidate: int = power35 * 2 ** max(0, math.ceil(math.log2(n / power35)))
            best = min(best, candidate)
            power35 *= 3
        power5 *= 5
    return best


def _as_signal(x: Any, name: str, ndim: int, layout: str) -> Array:
    """Checked input: the right rank, finite, not empty."""
    arr = as_array(x, name, ndim, layout=layout)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    return arr


def _convolve(a: Array, b: Array, mode: str, method: str) -> Array:
    """Shared body of `convolve` and `convolve2d` for checked inputs of equal rank."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}, got {method!r}")
    start, shape = _output_window(a.shape, b.shape, mode)
    dtype = np.result_type(a.dtype, b.dtype, np.float32)
    if method == "auto":
        method = choose_method(a.shape, b.shape, shape)
    out = _direct(a, b, start, shape) if method == "direct" else _fft(a, b, start, shape)
    return out.astype(dtype, copy=False)


def _output_window(
    a_shape: tuple[int, ...], b_shape: tuple[int, ...], mode: str
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Start and shape of the requested output inside the full convolution."""
    full = tuple(m + n - 1 for m, n in zip(a_shape, b_shape, strict=True))
    if mode == "full":
        shape = full
    elif mode == "same":
        shape = a_shape
    else:
        a_holds_b = all(m >= n for m, n in zip(a_shape, b_shape, strict=True))
        b_holds_a = all(n >= m for m, n in zip(a_shape, b_shape, strict=True))
        if not (a_holds_b or b_holds_a):
            raise ValueError(
                f"mode='valid' needs one input at least as large as the other on every axis "
                f"(as numpy and scipy require), got shapes {a_shape} and {b_shape}"
            )
        shape = tuple(abs(m - n) + 1 for m, n in zip(a_shape, b_shape, strict=True))
    # Centre the window in the full result the way scipy's `_centered` does.
    start = tuple((f - s) // 2 for f, s in zip(full, shape, strict=True))
    return start, shape


def choose_method(a_shape: tuple[int, ...], b_shape: tuple[int, ...], out_shape: tuple[int, ...]) -> str:
    """'direct' or 'fft', whichever the calibrated cost model says is cheaper for these shapes.

    Examples
    --------
    >>> choose_method((1024, 1024), (3, 3), (1024, 1024))
    'direct'
    >>> choose_method((1024, 1024), (63, 63), (1024, 1024))
    'fft'
    """
    offsets = min(math.prod(a_shape), math.prod(b_shape))
    direct = offsets * (DIRECT_OVERHEAD + DIRECT_PER_ELEMENT * math.prod(out_shape))
    n = math.prod(next_fast_length(m + k - 1) for m, k in zip(a_shape, b_shape, strict=True))
    fft = FFT_OVERHEAD + FFT_PER_ELEMENT * n * math.log2(max(n, 2))
    return "direct" if direct <= fft else "fft"


def _direct(a: Array, b: Array, start: tuple[int, ...], shape: tuple[int, ...]) -> Array:
    """Window of the full convolution: one shifted, scaled copy of the larger input per offset.

    The output's first axis is worked in bands of about `BAND_ELEMENTS` values, so the kernel's passes
    find each band still in cache, and in two halves, one a thread (`convscope.ops.threads`), once the
    multiply-adds reach ``SPLIT_FROM``. Every output value adds its offsets in the same order however it
    is cut, so the bits do not depend on the bands or the threads.
    """
    if b.size > a.size:  # convolution commutes: loop over the smaller input's elements
        a, b = b, a
    # out[y] = sum_k b[k] * a[start + y - k]; pad a with zeros so every shifted slice is in bounds.
    pad = [(n - 1, n - 1) for n in b.shape]
    padded = np.pad(a.astype(np.float64, copy=False), pad)
    # Memory the process holds: a fresh 8 MB result is faulted in page by page, by both threads at once.
    out = recycle.empty(shape, np.float64)
    taps = [(k, float(w)) for k, w in np.ndenumerate(b) if w != 0.0]  # skip zero weights
    if not taps:
        out.fill(0.0)
        return out
    band = max(1, BAND_ELEMENTS // max(1, math.prod(shape[1:])))  # rows of the first axis in a band

    def work(part: Sequence[slice], index: int) -> None:
        for rows in part:
            for top in range(rows.start, rows.stop, band):
                _shifted_sum(padded, taps, start, b.shape, out, slice(top, min(top + band, rows.stop)))

    run_blocks(halves(shape[0], out.size * len(taps)), work)
    return out


def _shifted_sum(
    padded: Array, taps: list[tuple[tuple[int, ...], float]], start: tuple[int, ...],
    b_shape: tuple[int, ...], out: Array, rows: slice,
) -> None:
    """Write out[rows] as the sum over taps (k, weight) of weight * a[start + y - k] (``padded`` a)."""
    target = out[rows]
    scratch = np.empty_like(target)
    lengths = (rows.stop - rows.start, *out.shape[1:])
    first = (start[0] + rows.start, *start[1:])  # where out[rows] starts in the full convolution
    for n, (k, weight) in enumerate(taps):
        # Padded index of a[start + y - k] is start + y - k + (m - 1), m the length of b on that axis.
        window = tuple(
            slice(s + m - 1 - i, s + m - 1 - i + length)
            for s, m, i, length in zip(first, b_shape, k, lengths, strict=True)
        )
        # The first term is written straight into the output: one pass over memory fewer.
        np.multiply(padded[window], weight, out=scratch if n else target)
        if n:
            target += scratch


def _fft(a: Array, b: Array, start: tuple[int, ...], shape: tuple[int, ...]) -> Array:
    """Window of the full convolution by real FFTs zero-padded to 5-smooth lengths."""
    full = [m + n - 1 for m, n in zip(a.shape, b.shape, strict=True)]
    fast = [next_fast_length(n) for n in full]
    axes = tuple(range(a.ndim))
    spectrum = np.fft.rfftn(a, fast, axes=axes) * np.fft.rfftn(b, fast, axes=axes)
    out = np.fft.irfftn(spectrum, fast, axes=axes)
    window = tuple(slice(s, s + m) for s, m in zip(start, shape, strict=True))
    return np.ascontiguousarray(out[window], dtype=np.float64)
