"""The convolution theorem, shown: multiply two spectra pointwise and the inverse FFT is the convolution.

This is *true* convolution, ``(f * g)(c) = sum_a f(a) g(c - a)``, the kernel flipped, as `convolve` and
``numpy.convolve`` compute it, because that is what the theorem states: ``DFT(f * g) = DFT(f) · DFT(g)``.
The playground instead slides the kernel unflipped (cross-correlation, what deep learning calls
convolution); its spectrum is ``DFT(f) · conj(DFT(g))`` for real g, the same as convolving with the
flipped kernel, so flip the kernel before calling `spectra` to see the playground's numbers.

The DFT of length L treats both sequences as periodic, so the product's inverse is the *circular*
convolution of length L: the linear result's tail past L wraps around and adds onto its start. Padding
both with zeros to ``L = n + k - 1`` leaves no tail to wrap, and the inverse is the linear convolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope.signal.convolution import _as_signal, convolve

__all__ = ["Spectra", "circular_convolve", "spectra"]

Array = npt.NDArray[np.floating[Any]]
ComplexArray = npt.NDArray[np.complex128]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Spectra:
    """A signal, a kernel, their spectra, the product and its inverse, beside the direct convolution.

    Spectra are one-sided (``numpy.fft.rfft``): ``L // 2 + 1`` bins at `frequencies` cycles per sample.
    """

    length: int  # L, the DFT length: n + k - 1 with zero padding, n without
    zero_pad: bool
    frequencies: Array  # (L//2 + 1,) cycles per sample, 0 to 0.5
    signal_magnitude: Array  # (L//2 + 1,) |DFT(signal)|, the signal zero-padded to L
    signal_phase: Array  # (L//2 + 1,) radians in (-pi, pi]; 0 where the magnitude is (numerically) 0
    kernel_magnitude: Array  # (L//2 + 1,) |DFT(kernel)|, the kernel zero-padded to L
    kernel_phase: Array  # (L//2 + 1,)
    product: ComplexArray  # (L//2 + 1,) DFT(signal) · DFT(kernel), pointwise
    product_magnitude: Array  # (L//2 + 1,) the product of the two magnitudes
    product_phase: Array  # (L//2 + 1,) the sum of the two phases, wrapped to (-pi, pi]
    inverse: Array  # (L,) the product's inverse DFT: linear convolution, or circular without zero padding
    direct: Array  # (n + k - 1,) the linear convolution computed directly (`convolve`, method="direct")
    wrapped: BoolArray  # (L,) cells the wrapped-around tail adds onto: the first k - 1 without padding
    difference: Array  # (L,) inverse - direct[:L]: zero with padding, the folded-in tail without


def spectra(signal: Any, kernel: Any, *, zero_pad: bool = True) -> Spectra:
    """Convolve a 1-D signal with a kernel through the FFT, keeping every step for the page to draw.

    Parameters
    ----------
    signal : (n,) array_like
    kernel : (k,) array_like
        Convolved as is (true convolution: the kernel is flipped as it slides); ``k <= n`` when
        ``zero_pad`` is False.
    zero_pad : bool, default True
        Pad both to ``L = n + k - 1`` so the inverse is the linear convolution; without, ``L = n`` and
        the inverse is the circular convolution (`circular_convolve`).

    Returns
    -------
    Spectra
        float64 throughout (the FFT's precision).

    Examples
    --------
    >>> s = spectra([1.0, 2.0, 3.0, 4.0], [1.0, 1.0])
    >>> s.length, np.round(s.inverse, 12).tolist(), s.direct.tolist()
    (5, [1.0, 3.0, 5.0, 7.0, 4.0], [1.0, 3.0, 5.0, 7.0, 4.0])
    >>> w = spectra([1.0, 2.0, 3.0, 4.0], [1.0, 1.0], zero_pad=False)  # the 4 wraps onto the first cell
    >>> np.round(w.inverse, 12).tolist(), w.wrapped.tolist(), np.round(w.difference, 12).tolist()
    ([5.0, 3.0, 5.0, 7.0], [True, False, False, False], [4.0, 0.0, 0.0, 0.0])
    """
    f = _as_signal(signal, "signal", 1, "(n,)").astype(np.float64)
    g = _as_signal(kernel, "kernel", 1, "(k,)").astype(np.float64)
    n, k = f.size, g.size
    if not zero_pad and k > n:
        raise ValueError(f"kernel of length {k} must not be longer than the signal ({n}) without zero "
                         "padding: the circular convolution has the signal's length")
    length = n + k - 1 if zero_pad else n
    f_hat, g_hat = np.fft.rfft(f, length), np.fft.rfft(g, length)  # each (L//2 + 1,), zero-padded to L
    product = f_hat * g_hat
    inverse = np.fft.irfft(product, length)  # (L,)
    direct = convolve(f, g, method="direct")  # (n + k - 1,)
    return Spectra(
        length=length, zero_pad=zero_pad, frequencies=np.fft.rfftfreq(length),
        signal_magnitude=np.abs(f_hat), signal_phase=_phase(f_hat),
        kernel_magnitude=np.abs(g_hat), kernel_phase=_phase(g_hat),
        product=product, product_magnitude=np.abs(product), product_phase=_phase(product),
        inverse=inverse, direct=direct,
        wrapped=np.arange(length) < (0 if zero_pad else k - 1),
        difference=inverse - direct[:length],
    )


def circular_convolve(signal: Any, kernel: Any) -> Array:
    """Circular convolution by its definition, ``out[i] = sum_j kernel[j] signal[(i - j) mod n]``.

    The kernel is zero-padded to the signal's length n (``k <= n``); no FFT, the oracle `spectra` is
    checked against.

    Examples
    --------
    >>> circular_convolve([1.0, 2.0, 3.0, 4.0], [1.0, 1.0])  # out[0] = 1 + 4: the end wraps round
    array([5., 3., 5., 7.])
    """
    f = _as_signal(signal, "signal", 1, "(n,)").astype(np.float64)
    g = _as_signal(kernel, "kernel", 1, "(k,)").astype(np.float64)
    if g.size > f.size:
        raise ValueError(f"kernel of length {g.size} must not be longer than the signal ({f.size})")
    out = np.zeros_like(f)
    for j, weight in enumerate(g):  # one rolled copy of the signal per kernel tap
        out += weight * np.roll(f, j)
    return out


def _phase(spectrum: ComplexArray) -> Array:
    """The angle of each bin, 0 where the magnitude is rounding noise (its angle would be arbitrary)."""
    magnitude = np.abs(spectrum)
    tiny = magnitude <= 1e-12 * max(float(magnitude.max()), np.finfo(np.float64).tiny)
    return np.where(tiny, 0.0, np.angle(spectrum))
