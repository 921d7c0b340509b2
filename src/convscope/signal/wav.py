"""WAV bytes in and out through the standard library's ``wave`` (uncompressed PCM only).

``wave`` parses the RIFF container and refuses what it cannot read; this module only turns PCM frames
into floats and back. Limits (named once here): at most `MAX_SECONDS` of sound and `MAX_SAMPLE_RATE`
samples per second, one or two channels, 8-, 16-, 24- or 32-bit integer samples.
"""

from __future__ import annotations

import io
import wave
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import check_int
from convscope.errors import SettingError

__all__ = ["MAX_CHANNELS", "MAX_SAMPLE_RATE", "MAX_SECONDS", "read_wav", "write_wav"]

Array = npt.NDArray[np.float64]

MAX_SECONDS = 30.0
MAX_SAMPLE_RATE = 192_000
MAX_CHANNELS = 2
_WIDTHS = (1, 2, 3, 4)  # bytes per sample: 8-, 16-, 24-, 32-bit PCM


def read_wav(data: bytes, field: str = "wav") -> tuple[Array, int]:
    """Samples and sample rate of a PCM WAV file's bytes.

    Parameters
    ----------
    data : bytes
        A whole WAV file: PCM, 8/16/24/32-bit, mono or stereo, at most 30 s and 192,000 Hz.
    field : the name errors give the input (a form field, an argument)

    Returns
    -------
    samples : (n,) for mono or (n, 2) for stereo, float64 in [-1, 1]
        8-bit WAV is unsigned (128 is silence); the wider ones are signed, little-endian.
    sample_rate : int

    Raises
    ------
    SettingError
        Naming ``field``: not a WAV file, compressed or float samples, too many channels, too long,
        sample rate too high, or no samples at all.

    Examples
    --------
    >>> samples, rate = read_wav(write_wav(np.array([0.0, 0.5, -0.25]), 8000))
    >>> samples.tolist(), rate
    ([0.0, 0.5, -0.25], 8000)
    """
    try:
        with wave.open(io.BytesIO(data), "rb") as reader:
            channels, width, rate = reader.getnchannels(), reader.getsampwidth(), reader.getframerate()
            _check_format(channels, width, rate, reader.getnframes(), field)
            frames = reader.readframes(reader.getnframes())
    # wave raises a bare RuntimeError when a chunk's declared size runs past the end of the data.
    except (wave.Error, EOFError, RuntimeError) as err:
        reason = str(err) or "a chunk runs past the end of the file"
        raise SettingError(field, f"not a PCM WAV file ({reason}); send an uncompressed .wav") from None
    n = len(frames) // (width * channels)
    if n == 0:
        raise SettingError(field, "holds no samples; send a WAV with at least one frame")
    samples = _to_float(frames[: n * width * channels], width)  # (n * channels,) interleaved
    return (samples if channels == 1 else samples.reshape(n, channels)), rate  # (n, channels)


def write_wav(samples: Any, sample_rate: int) -> bytes:
    """A 16-bit PCM WAV file of ``samples``; values outside [-1, 1] are clipped to it.

    Parameters
    ----------
    samples : (n,) or (n, channels) array_like
        Mono or channels-last, finite. Clipped to [-1, 1] (an echo can exceed it), then rounded to
        16 bits: 1.0 is written as 32767 and -1.0 as -32767.
    sample_rate : int
        1..192,000 samples per second.

    Returns
    -------
    bytes
        The whole file; the same samples always give the same bytes.

    Examples
    --------
    >>> data = write_wav(np.zeros((10, 2)), 22050)
    >>> data[:4], data[8:12], len(data)
    (b'RIFF', b'WAVE', 84)
    """
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim not in (1, 2) or x.size == 0 or not np.isfinite(x).all():
        raise SettingError("samples", f"must be a finite (n,) or (n, channels) array (got shape {x.shape})")
    rate = check_int(sample_rate, "sample_rate", minimum=1, maximum=MAX_SAMPLE_RATE)
    pcm = np.rint(np.clip(x, -1.0, 1.0) * 32767).astype("<i2")  # (n[, channels])
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1 if x.ndim == 1 else x.shape[1])
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm.tobytes())
    return out.getvalue()


def _check_format(channels: int, width: int, rate: int, frames: int, field: str) -> None:
    """Refuse what the page cannot play or the server should not hold, naming the limit."""
    if not 1 <= channels <= MAX_CHANNELS:
        raise SettingError(field, f"must be mono or stereo (got {channels} channels)")
    if width not in _WIDTHS:
        raise SettingError(field, f"must have 8-, 16-, 24- or 32-bit samples (got {8 * width}-bit)")
    if not 1 <= rate <= MAX_SAMPLE_RATE:
        raise SettingError(field, f"sample rate must be 1..{MAX_SAMPLE_RATE:,} Hz (got {rate:,} Hz)")
    if frames > MAX_SECONDS * rate:
        raise SettingError(field, f"must be at most {MAX_SECONDS:g} s long (got {frames / rate:.1f} s)")


def _to_float(frames: bytes, width: int) -> Array:
    """Interleaved PCM bytes as floats in [-1, 1]."""
    if width == 1:  # 8-bit WAV is unsigned, centred on 128
        return (np.frombuffer(frames, dtype=np.uint8).astype(np.float64) - 128.0) / 128.0
    if width == 3:  # no 24-bit dtype: place the 3 bytes in the top of an int32 (sign included), shift down
        triples = np.frombuffer(frames, dtype=np.uint8).reshape(-1, 3)  # (n * channels, 3)
        padded = np.zeros((triples.shape[0], 4), dtype=np.uint8)
        padded[:, 1:] = triples
        values = padded.view("<i4")[:, 0] >> 8
        return values.astype(np.float64) / float(2**23)
    dtype = "<i2" if width == 2 else "<i4"
    return np.frombuffer(frames, dtype=dtype).astype(np.float64) / float(2 ** (8 * width - 1))
