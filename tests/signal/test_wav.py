"""WAV files the test writes with the standard library's ``wave`` read back exactly; bad files refused."""

from __future__ import annotations

import io
import struct
import wave

import numpy as np
import pytest

from convscope.errors import SettingError
from convscope.signal import read_wav, write_wav

RATE = 8000


def wav_bytes(pcm: bytes, width: int, channels: int, rate: int = RATE) -> bytes:
    """A WAV file holding ``pcm`` (already interleaved, little-endian) as ``wave`` writes it."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(pcm)
    return out.getvalue()


def integers(width: int, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Random samples covering the full range of a ``width``-byte PCM sample, extremes included."""
    low, high = (0, 255) if width == 1 else (-(2 ** (8 * width - 1)), 2 ** (8 * width - 1) - 1)
    values = rng.integers(low, high, shape, endpoint=True)
    values.flat[:2] = (low, high)
    return values


def pcm(values: np.ndarray, width: int) -> bytes:
    """Little-endian PCM bytes of integer samples (24-bit: the low 3 bytes of each int32)."""
    if width == 1:
        return values.astype(np.uint8).tobytes()
    if width == 3:
        return values.astype("<i4").view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    return values.astype("<i2" if width == 2 else "<i4").tobytes()


@pytest.mark.parametrize("width", [1, 2, 3, 4])
@pytest.mark.parametrize("channels", [1, 2])
def test_pcm_files_read_to_floats(width: int, channels: int, rng: np.random.Generator) -> None:
    values = integers(width, (300, channels), rng)  # (n, channels)
    samples, rate = read_wav(wav_bytes(pcm(values, width), width, channels))
    expected = (values - 128) / 128 if width == 1 else values / 2 ** (8 * width - 1)
    assert rate == RATE
    assert samples.shape == ((300,) if channels == 1 else (300, channels))
    np.testing.assert_array_equal(samples, expected[:, 0] if channels == 1 else expected)
    assert samples.min() >= -1
    assert samples.max() <= 1


@pytest.mark.parametrize("shape", [(500,), (500, 2)])
def test_write_then_read_round_trips_to_16_bits(shape: tuple[int, ...], rng: np.random.Generator) -> None:
    x = rng.uniform(-1, 1, shape)
    samples, rate = read_wav(write_wav(x, 44_100))
    assert rate == 44_100
    assert samples.shape == shape
    np.testing.assert_allclose(samples, x, atol=2 / 32768)  # rounding, and 1.0 -> 32767 / 32768
    assert write_wav(x, 44_100) == write_wav(x, 44_100)  # deterministic bytes


def test_write_wav_clips_to_the_unit_interval() -> None:
    samples, _ = read_wav(write_wav(np.array([2.0, -3.0, 0.5]), RATE))
    np.testing.assert_allclose(samples, [32767 / 32768, -32767 / 32768, 16384 / 32768])


def float_wav() -> bytes:
    """A 32-bit float WAV (format 3), which ``wave`` does not read."""
    data = np.zeros(4, dtype="<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, RATE, RATE * 4, 4, 32)
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    body = b"WAVE" + chunks
    return b"RIFF" + struct.pack("<I", len(body)) + body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not audio at all", r"^wav: not a PCM WAV file \(.*\); send an uncompressed \.wav"),
        (b"", "^wav: not a PCM WAV file"),
        (wav_bytes(b"\0\0" * 10, 2, 1)[:30], "^wav: not a PCM WAV file"),
        (float_wav(), "^wav: not a PCM WAV file"),
        (wav_bytes(b"\0" * 6, 2, 3), r"^wav: must be mono or stereo \(got 3 channels\)"),
        (wav_bytes(b"\0\0" * 4, 2, 1, rate=200_000), r"^wav: sample rate must be 1..192,000 Hz"),
        (wav_bytes(b"\x80" * (31 * 1000), 1, 1, rate=1000), r"^wav: must be at most 30 s long \(got 31.0"),
        (wav_bytes(b"", 2, 1), "^wav: holds no samples"),
    ],
)
def test_bad_files_are_refused_naming_the_field(data: bytes, message: str) -> None:
    with pytest.raises(SettingError, match=message):
        read_wav(data)


def test_any_damage_to_a_file_is_refused_with_a_setting_error(rng: np.random.Generator) -> None:
    good = write_wav(np.linspace(-1, 1, 100), RATE)
    damaged = [good[:cut] for cut in range(0, len(good), 3)]
    for _ in range(500):  # a few header bytes changed: chunk sizes, format, rates
        data = bytearray(good)
        data[int(rng.integers(0, 44))] = int(rng.integers(0, 256))
        damaged.append(bytes(data))
    fmt_size_past_the_end = bytearray(good)
    fmt_size_past_the_end[16] = 0xC3
    damaged.append(bytes(fmt_size_past_the_end))
    fields = set()
    for data in damaged:
        try:
            read_wav(data)
        except SettingError as err:  # anything else (RuntimeError, struct.error) fails the test
            fields.add(err.field)
    assert fields == {"wav"}


def test_write_wav_refuses_what_it_cannot_write() -> None:
    with pytest.raises(SettingError, match=r"^samples: must be a finite \(n,\) or \(n, channels\) array"):
        write_wav(np.array([np.nan]), RATE)
    with pytest.raises(ValueError, match="sample_rate must be <= 192000"):
        write_wav(np.zeros(3), 200_000)
