"""The short sounds bundled with convscope (``data/sounds/*.wav``, made by ``scripts/build_sounds.py``).

Synthesised, not recorded: a plucked string, a drum hit and a short melody, mono, 22,050 Hz, at most
2 s each, so the echo lesson works offline and the files stay small.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import numpy.typing as npt

from convscope.errors import SettingError
from convscope.signal.wav import read_wav

__all__ = ["bundled_sound", "bundled_wav", "sound_names"]

_PACKAGE = "convscope.data"
_FOLDER = "sounds"


def sound_names() -> list[str]:
    """Names of the bundled sounds, sorted.

    Examples
    --------
    >>> sound_names()
    ['drum', 'melody', 'pluck']
    """
    folder = resources.files(_PACKAGE) / _FOLDER
    return sorted(p.name[: -len(".wav")] for p in folder.iterdir() if p.name.endswith(".wav"))


def bundled_sound(name: str) -> tuple[npt.NDArray[np.float64], int]:
    """Samples (n,) in [-1, 1] and sample rate of a bundled sound; a `SettingError` on ``sound`` if unknown.

    Examples
    --------
    >>> samples, rate = bundled_sound("pluck")
    >>> samples.ndim, rate, samples.size <= 2 * rate
    (1, 22050, True)
    """
    return read_wav(bundled_wav(name), "sound")


def bundled_wav(name: str, field: str = "sound") -> bytes:
    """The WAV file of a bundled sound, as it is stored; a `SettingError` on ``field`` if unknown.

    Examples
    --------
    >>> bundled_wav("drum")[:4]
    b'RIFF'
    """
    names = sound_names()
    if name not in names:
        raise SettingError(field, f"unknown sound {name!r}; choose one of {', '.join(names)}")
    return (resources.files(_PACKAGE) / _FOLDER / f"{name}.wav").read_bytes()
