"""The ball drop's f and g carried into flip-and-slide and into the echo, against NumPy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from convscope.errors import SettingError
from convscope.lessons.drop_slide import DropSlide, drop_impulse, drop_slide_lesson
from convscope.lessons.signals import BallDropSetting, ball_drop_lesson
from convscope.signal import echo

F, G = np.array([4.0, 3, 2, 1]), np.array([1.0, 2, 3, 2, 1])


def test_the_slide_at_each_whole_total_is_the_ball_drops_convolution() -> None:
    lesson = drop_slide_lesson(DropSlide(F, G))
    expected = np.convolve(F / F.sum(), G / G.sum())
    np.testing.assert_allclose(lesson["result"], expected, atol=1e-15)
    assert lesson["t"] == list(range(expected.size))
    for c, frame in enumerate(lesson["frames"]):
        drop = ball_drop_lesson(BallDropSetting(F, G, total=c))
        assert frame["t"] == c
        assert frame["area"] == pytest.approx(drop["probability"], abs=1e-15)
        assert sum(frame["product"]) == pytest.approx(frame["area"], abs=1e-15)
        # The lit pairs of the ball drop are exactly where the product is non-zero, with the same values.
        lit = {round(tau): p for tau, p in zip(lesson["tau"], frame["product"], strict=True) if p != 0}
        assert lit == pytest.approx({pair["a"]: pair["product"] for pair in drop["pairs"]})


def test_g_is_flipped_and_shifted_on_whole_steps() -> None:
    lesson = drop_slide_lesson(DropSlide(F, G))
    g = G / G.sum()
    tau = np.array(lesson["tau"])
    assert tau[0] == -(G.size - 1)
    assert tau[-1] == F.size + G.size - 2
    np.testing.assert_allclose(np.array(lesson["f"])[(tau >= 0) & (tau < F.size)], F / F.sum())
    frame = lesson["frames"][2]  # t = 2: g(2 - tau) sits on tau = 2, 1, ..., 2 - (N - 1)
    shifted = np.array(frame["shifted"])
    np.testing.assert_allclose(shifted[(tau <= 2) & (tau > 2 - G.size)], g[::-1])
    assert not shifted[(tau > 2) | (tau <= 2 - G.size)].any()


def test_without_the_flip_it_is_cross_correlation_and_repeat_drops_again() -> None:
    f, g = F / F.sum(), G / G.sum()
    lesson = drop_slide_lesson(DropSlide(F, G, flip=False))
    np.testing.assert_allclose(lesson["result"], np.correlate(f, g, "full"), atol=1e-15)
    assert lesson["t"][0] == -(G.size - 1)
    three = drop_slide_lesson(DropSlide(F, G, repeat=1))
    np.testing.assert_allclose(three["result"], np.convolve(np.convolve(f, g), g), atol=1e-15)
    assert sum(three["result"]) == pytest.approx(1.0)  # still a distribution: the ball dropped 3 times
    few = drop_slide_lesson(DropSlide(F, G, repeat=2, max_frames=10))
    assert len(few["frames"]) <= 10
    assert few["frames"][1]["area"] == few["result"][few["frame_stride"]]


def test_the_echo_from_g_is_the_sound_convolved_with_g_spread_out() -> None:
    rate, spacing = 1000, 0.02  # 20 samples per step
    spikes = drop_impulse(G, spacing)
    assert spikes["source"] == "g"
    np.testing.assert_allclose([gain for _, gain in spikes["taps"]], G / G.sum())
    assert [delay for delay, _ in spikes["taps"]] == pytest.approx([k * spacing for k in range(G.size)])
    sound = np.random.default_rng(0).uniform(-1, 1, 300)
    spread = np.zeros(20 * (G.size - 1) + 1)
    spread[::20] = G / G.sum()  # g's bars, one step = 20 samples apart
    np.testing.assert_allclose(echo(sound, rate, [(d, w) for d, w in spikes["taps"]]),
                               np.convolve(sound, spread), atol=1e-12)
    both = drop_impulse(G, spacing, f=F)
    assert both["source"] == "f*g"
    np.testing.assert_allclose(both["weights"], ball_drop_lesson(BallDropSetting(F, G))["convolution"])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: drop_slide_lesson(DropSlide(np.array([1.0, -1]), G)), r"^f: weights must be >= 0"),
        (lambda: drop_slide_lesson(DropSlide(F, np.zeros(3))), "^g: needs at least one weight > 0"),
        (lambda: drop_slide_lesson(DropSlide(F, G, repeat=3)), r"^repeat: must be 0..2 \(got 3\)"),
        (lambda: drop_slide_lesson(DropSlide(F, G, max_frames=0)), r"^max_frames: must be 1..241"),
        (lambda: drop_impulse(G, 0.5), r"^spacing: must be 0.001..0.4 seconds \(got 0.5\)"),
        (lambda: drop_impulse(G, float("nan")), "^spacing: must be"),
    ],
)
def test_bad_settings_name_the_field(call: Callable[[], object], message: str) -> None:
    with pytest.raises(SettingError, match=message):
        call()
