"""The ball-drop and flip-and-slide lessons against numpy.convolve / numpy.correlate on the grid."""

from __future__ import annotations

import numpy as np
import pytest

from convscope.errors import SettingError
from convscope.lessons.signals import (
    GRID_POINTS,
    GRID_STEP,
    MAX_BALLS,
    BallDropSetting,
    Slide,
    ball_drop_lesson,
    distributions,
    grid,
    slide_lesson,
)
from convscope.signal import WAVEFORMS, waveform


def test_the_pairs_add_up_to_the_convolution_at_every_total() -> None:
    f, g = np.array([4.0, 3, 2, 1]), np.array([1.0, 2, 3, 2, 1])
    expected = np.convolve(f / f.sum(), g / g.sum())
    for c in range(expected.size):
        lesson = ball_drop_lesson(BallDropSetting(f, g, total=c))
        assert lesson["probability"] == pytest.approx(expected[c])
        assert sum(p["product"] for p in lesson["pairs"]) == pytest.approx(expected[c])
        assert all(p["a"] + p["b"] == c for p in lesson["pairs"])
        assert [p["a"] for p in lesson["pairs"]] == list(range(max(0, c - 4), min(c, 3) + 1))
        np.testing.assert_allclose(lesson["convolution"], expected)
        assert lesson["drop"] is None


def test_the_drop_is_seeded_and_converges() -> None:
    f = np.array(next(d["weights"] for d in distributions() if d["name"] == "article"))
    lesson = ball_drop_lesson(BallDropSetting(f, f, total=3, balls=MAX_BALLS, seed=5))
    drop = lesson["drop"]
    assert drop is not None
    assert sum(drop["counts"]) == MAX_BALLS
    assert drop["distance"] < 0.01
    again = ball_drop_lesson(BallDropSetting(f, f, total=3, balls=MAX_BALLS, seed=5))["drop"]
    assert again == drop
    few = ball_drop_lesson(BallDropSetting(f, f, balls=10, seed=5))["drop"]
    assert few is not None
    assert few["distance"] > 0  # ten balls are a noisy histogram


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (BallDropSetting(np.ones(3), np.ones(2), total=4), r"^total: must be 0..3 for these f and g"),
        (BallDropSetting(np.ones(3), np.ones(2), balls=9), r"^balls: must be 10..100,000 \(got 9\)"),
        (BallDropSetting(np.ones(3), np.ones(2), balls=100_001), "^balls: must be 10..100,000"),
        (BallDropSetting(np.array([1.0, -1.0]), np.ones(2)), r"^f: weights must be >= 0"),
        (BallDropSetting(np.ones(2), np.zeros(2)), "^g: needs at least one weight > 0"),
    ],
)
def test_bad_ball_drops_are_refused(setting: BallDropSetting, message: str) -> None:
    with pytest.raises(SettingError, match=message):
        ball_drop_lesson(setting)


@pytest.mark.parametrize("f", list(WAVEFORMS))
@pytest.mark.parametrize("g", list(WAVEFORMS))
def test_slide_areas_equal_numpy_convolve_on_the_grid(f: str, g: str) -> None:
    lesson = slide_lesson(Slide(f, g, max_frames=241))
    fv, gv = waveform(f, grid()), waveform(g, grid())
    expected = np.convolve(fv, gv) * GRID_STEP
    np.testing.assert_allclose(lesson["result"], expected, atol=1e-12)
    assert len(lesson["frames"]) == 2 * GRID_POINTS - 1
    for k, frame in enumerate(lesson["frames"]):
        assert frame["area"] == pytest.approx(expected[k], abs=1e-12)
        assert sum(frame["product"]) * GRID_STEP == pytest.approx(expected[k], abs=1e-12)
        # The shifted copy is g flipped and moved to t: g(t - tau), i.e. g[k - i] at grid point i.
        i = np.arange(GRID_POINTS)
        inside = (k - i >= 0) & (k - i < GRID_POINTS)
        flipped = np.where(inside, gv[np.clip(k - i, 0, GRID_POINTS - 1)], 0)
        np.testing.assert_array_equal(frame["shifted"], flipped)
        assert frame["t"] == pytest.approx(2 * grid()[0] + k * GRID_STEP)


def test_box_with_box_is_the_triangle_and_commutes() -> None:
    box = slide_lesson(Slide("box", "box"))
    t = np.array(box["t"])
    np.testing.assert_allclose(box["result"], np.clip(1 - np.abs(t - 1), 0, None), atol=2 * GRID_STEP)
    a, b = slide_lesson(Slide("decay", "gaussian")), slide_lesson(Slide("gaussian", "decay"))
    np.testing.assert_allclose(a["result"], b["result"], atol=1e-12)


def test_cross_correlation_drops_the_flip(rng: np.random.Generator) -> None:
    f, g = rng.uniform(0, 1, GRID_POINTS), rng.uniform(0, 1, GRID_POINTS)  # hand-drawn signals
    lesson = slide_lesson(Slide(f, g, flip=False, max_frames=60))
    np.testing.assert_allclose(lesson["result"], np.correlate(f, g, "full") * GRID_STEP, atol=1e-12)
    assert lesson["frame_stride"] == 5
    assert len(lesson["frames"]) == 49
    frame = lesson["frames"][24]  # lag 0: g lies on f unshifted
    assert frame["t"] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(frame["shifted"], g)
    assert frame["area"] == pytest.approx(float(f @ g) * GRID_STEP)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (Slide("sine", "box"), "^f: unknown signal 'sine'; choose one of box"),
        (Slide("box", np.ones(5)), r"^g: a drawn signal must be 121 finite numbers \(got \(5,\)\)"),
        (Slide("box", np.full(GRID_POINTS, np.nan)), "^g: a drawn signal must be 121 finite numbers"),
        (Slide("box", "box", max_frames=0), r"^max_frames: must be 1..241 \(got 0\)"),
    ],
)
def test_bad_slides_are_refused(setting: Slide, message: str) -> None:
    with pytest.raises(SettingError, match=message):
        slide_lesson(setting)


def test_repeating_box_gives_the_triangle_then_a_bell() -> None:
    """box * box * box, slid: the result equals np.convolve three times, smooth and bell-shaped."""
    tau = grid()
    box = waveform("box", tau)
    lesson = slide_lesson(Slide("box", "box", repeat=1))
    assert lesson["repeat"] == 1
    triangle = np.convolve(box, box)[40:40 + GRID_POINTS] * GRID_STEP  # back on the tau grid
    np.testing.assert_allclose(lesson["f"], triangle, atol=1e-12)
    triple = np.convolve(np.convolve(box, box), box) * GRID_STEP**2  # starts at t = -6; the result at -4
    np.testing.assert_allclose(lesson["result"], triple[40:40 + 2 * GRID_POINTS - 1], atol=1e-12)
    result = np.array(lesson["result"])
    assert np.sum(result) * GRID_STEP == pytest.approx(1.0)  # still a probability density
    peak = lesson["t"][int(result.argmax())]
    assert 1.3 <= peak <= 1.6  # the bell's middle, at 1.5 for three unit boxes
    with pytest.raises(SettingError, match=r"^repeat: must be 0..2 \(got 3\)"):
        slide_lesson(Slide("box", "box", repeat=3))
