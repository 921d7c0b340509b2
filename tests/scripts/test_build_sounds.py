"""The bundled sounds are what the script makes: rebuilding gives the committed bytes."""

from __future__ import annotations

from pathlib import Path

from convscope.signal import bundled_sound, read_wav, sound_names
from tests.scripts.load import load_script

build = load_script("build_sounds")


def test_rebuilding_gives_the_committed_bytes(tmp_path: Path) -> None:
    written = build.build(tmp_path)
    assert sorted(written) == sound_names() == ["drum", "melody", "pluck"]
    for name, data in written.items():
        assert (build.OUT / f"{name}.wav").read_bytes() == data, f"{name}.wav differs: run the script"


def test_the_sounds_are_small_mono_and_audible() -> None:
    for name in sound_names():
        samples, rate = bundled_sound(name)
        assert samples.ndim == 1
        assert rate == 22_050
        assert samples.size <= 2 * rate
        assert 0.3 < abs(samples).max() <= 1.0
        assert (build.OUT / f"{name}.wav").stat().st_size < 100_000
        assert read_wav((build.OUT / f"{name}.wav").read_bytes())[0].size == samples.size
