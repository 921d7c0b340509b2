"""The "Matrix & FFT" page, second part: convolution through the FFT, and what goes wrong without padding.

The convolution theorem (`convscope.signal.spectra`): the DFT of f * g is DFT(f) · DFT(g), so multiply
the two spectra pointwise and invert. The DFT treats both as periodic: unless both are zero-padded to
n + k - 1, the result's tail wraps round onto its start (circular convolution), and the page shows the
wrong numbers beside the right ones. This is true convolution (the kernel flipped), as the theorem
states it; the timing of direct against FFT convolution is `convscope.lessons.timing`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from typing_extensions import TypedDict

from convscope.errors import SettingError
from convscope.signal.spectra import spectra

MIN_SIGNAL, MAX_SIGNAL = 2, 64  # samples the page can draw as bars
MAX_KERNEL = 16
MAX_VALUE = 1e6  # |value| bound: far beyond a drawn bar, and the spectra's products stay finite
DEFAULT_SIGNAL = (0.0, 0.0, 1.0, 2.0, 3.0, 2.0, 1.0, 0.0, 0.0, 4.0, 4.0, 0.0, 0.0, 1.0, 0.0, 2.0)
DEFAULT_KERNEL = (1.0, 2.0, 1.0)


@dataclass(frozen=True)
class FftSetting:
    """A signal, a kernel, and whether both are zero-padded to n + k - 1 before the DFT."""

    signal: tuple[float, ...] = DEFAULT_SIGNAL
    kernel: tuple[float, ...] = DEFAULT_KERNEL
    zero_pad: bool = True


class FftLesson(TypedDict):
    """Every step of convolution by FFT, beside the direct result and, without padding, where they differ."""

    signal: list[float]
    """f, (n,)."""
    kernel: list[float]
    """g, (k,)."""
    zero_pad: bool
    length: int
    """L, the DFT length: n + k - 1 with zero padding, n without."""
    frequencies: list[float]
    """(L//2 + 1,) cycles per sample, 0 to 0.5 (one-sided spectra: the signals are real)."""
    signal_magnitude: list[float]
    signal_phase: list[float]
    """Radians in (-pi, pi]; 0 where the magnitude is rounding noise."""
    kernel_magnitude: list[float]
    kernel_phase: list[float]
    product_magnitude: list[float]
    """|DFT(f) · DFT(g)|: the two magnitudes multiplied."""
    product_phase: list[float]
    """The two phases added, wrapped to (-pi, pi]."""
    inverse: list[float]
    """(L,) the product's inverse DFT: f * g with zero padding, the circular convolution without."""
    direct: list[float]
    """(n + k - 1,) f * g summed directly: the right answer."""
    wrapped: list[bool]
    """(L,) the cells the wrapped-around tail lands on: the first k - 1 without padding, none with."""
    difference: list[float]
    """(L,) inverse - direct[:L]: rounding noise with padding, the folded-in tail without."""
    max_difference: float
    """The largest |difference|."""


def fft_lesson(setting: FftSetting) -> FftLesson:
    """The FFT view of one signal and kernel; a `SettingError` names a signal or kernel that cannot be used.

    Examples
    --------
    >>> lesson = fft_lesson(FftSetting((1.0, 2.0, 3.0, 4.0), (1.0, 1.0), zero_pad=False))
    >>> [round(v, 9) for v in lesson["inverse"]], lesson["direct"], lesson["wrapped"]
    ([5.0, 3.0, 5.0, 7.0], [1.0, 3.0, 5.0, 7.0, 4.0], [True, False, False, False])
    """
    f, g = _check(setting)
    s = spectra(f, g, zero_pad=setting.zero_pad)
    return FftLesson(
        signal=f.tolist(), kernel=g.tolist(), zero_pad=s.zero_pad, length=s.length,
        frequencies=s.frequencies.tolist(),
        signal_magnitude=s.signal_magnitude.tolist(), signal_phase=s.signal_phase.tolist(),
        kernel_magnitude=s.kernel_magnitude.tolist(), kernel_phase=s.kernel_phase.tolist(),
        product_magnitude=s.product_magnitude.tolist(), product_phase=s.product_phase.tolist(),
        inverse=s.inverse.tolist(), direct=s.direct.tolist(), wrapped=s.wrapped.tolist(),
        difference=s.difference.tolist(), max_difference=float(np.abs(s.difference).max()),
    )


def _check(setting: FftSetting) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The signal and kernel as float64 arrays, or a `SettingError` saying which is out of range."""
    f, g = np.asarray(setting.signal, dtype=np.float64), np.asarray(setting.kernel, dtype=np.float64)
    if not MIN_SIGNAL <= f.size <= MAX_SIGNAL:
        raise SettingError("signal", f"must have {MIN_SIGNAL}..{MAX_SIGNAL} values (got {f.size})")
    if not 1 <= g.size <= MAX_KERNEL:
        raise SettingError("kernel", f"must have 1..{MAX_KERNEL} values (got {g.size})")
    for name, values in (("signal", f), ("kernel", g)):
        if not np.isfinite(values).all():
            raise SettingError(name, "every value must be a finite number")
        if np.abs(values).max() > MAX_VALUE:
            raise SettingError(name, f"every value must be within -{MAX_VALUE:g}..{MAX_VALUE:g}")
    if not setting.zero_pad and g.size > f.size:
        raise SettingError("kernel", f"must be at most as long as the signal ({f.size} values) without zero "
                           f"padding: the circular convolution has the signal's length (got {g.size})")
    return f, g
