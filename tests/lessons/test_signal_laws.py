"""Commutativity and associativity, both sides against numpy.convolve on the grid."""

from __future__ import annotations

import numpy as np
import pytest

from convscope.errors import SettingError
from convscope.lessons.signal_laws import Laws, laws_lesson
from convscope.lessons.signals import GRID_POINTS, GRID_START, GRID_STEP, grid
from convscope.signal import WAVEFORMS, waveform


@pytest.mark.parametrize(("f", "g", "h"), [("decay", "box", "gaussian"), ("spikes", "triangle", "decay")])
def test_both_sides_equal_numpy_and_each_other(f: str, g: str, h: str) -> None:
    tau = grid()
    a, b, c = (waveform(name, tau) for name in (f, g, h))
    lesson = laws_lesson(Laws(f, g, h))
    commutative, associative = lesson["commutative"], lesson["associative"]
    np.testing.assert_allclose(commutative["left"], np.convolve(a, b) * GRID_STEP, atol=1e-12)
    np.testing.assert_allclose(commutative["right"], np.convolve(b, a) * GRID_STEP, atol=1e-12)
    triple = np.convolve(np.convolve(a, b), c) * GRID_STEP**2
    np.testing.assert_allclose(associative["left"], triple, atol=1e-12)
    np.testing.assert_allclose(associative["right"], triple, atol=1e-12)
    assert commutative["t"][0] == pytest.approx(2 * GRID_START)
    assert associative["t"][0] == pytest.approx(3 * GRID_START)
    assert len(associative["t"]) == 3 * GRID_POINTS - 2
    for check in (commutative, associative):
        left, right = np.array(check["left"]), np.array(check["right"])
        assert check["max_difference"] == np.abs(left - right).max()
        assert check["max_difference"] < 1e-12 * check["peak"] + 1e-15
        assert check["peak"] == np.abs(left).max() > 0


def test_a_drawn_signal_is_used_as_drawn() -> None:
    drawn = np.zeros(GRID_POINTS)
    drawn[50] = 1 / GRID_STEP  # one spike of area 1: convolving with it shifts
    lesson = laws_lesson(Laws(drawn, "box", "box"))
    np.testing.assert_allclose(lesson["commutative"]["left"],
                               np.convolve(drawn, waveform("box", grid())) * GRID_STEP, atol=1e-12)


def test_bad_signals_name_their_field() -> None:
    with pytest.raises(SettingError, match=r"^h: unknown signal 'sine'"):
        laws_lesson(Laws("box", "box", "sine"))
    with pytest.raises(SettingError, match=r"^g: a drawn signal must be 121 finite numbers"):
        laws_lesson(Laws("box", np.ones(3)))
    assert set(WAVEFORMS) >= {"box", "decay"}
