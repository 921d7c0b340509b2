"""The flip-and-slide signals: unit area, the names the page offers, a checked grid."""

from __future__ import annotations

import numpy as np
import pytest

from convscope.errors import SettingError
from convscope.signal import WAVEFORMS, waveform


@pytest.mark.parametrize("kind", list(WAVEFORMS))
def test_every_waveform_has_unit_area(kind: str) -> None:
    t = np.arange(-3, 6, 0.01)
    assert waveform(kind, t).sum() * 0.01 == pytest.approx(1.0, abs=0.02)


def test_box_convolved_with_box_is_the_triangle() -> None:
    dt = 0.01
    t = np.arange(0, 3, dt)
    box = waveform("box", t)
    np.testing.assert_allclose(np.convolve(box, box)[: t.size] * dt, waveform("triangle", t), atol=2 * dt)


def test_bad_kind_and_grid_are_refused() -> None:
    with pytest.raises(SettingError, match=r"^kind: unknown signal 'sine'; choose one of box, triangle"):
        waveform("sine", np.arange(3.0))
    with pytest.raises(SettingError, match=r"^t: must be an increasing, evenly spaced"):
        waveform("box", np.array([0.0, 1.0, 3.0]))
