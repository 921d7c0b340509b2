"""Distributions and the ball dropped twice: the histogram converges to numpy.convolve(f, g)."""

from __future__ import annotations

import numpy as np
import pytest

from convscope.errors import SettingError
from convscope.signal import DISTRIBUTIONS, distribution, drop_balls, preset, total_variation


@pytest.mark.parametrize("f_name", [p.name for p in DISTRIBUTIONS])
@pytest.mark.parametrize("g_name", [p.name for p in DISTRIBUTIONS])
def test_drop_balls_converges_to_the_convolution(f_name: str, g_name: str) -> None:
    f, g = preset(f_name), preset(g_name)
    counts = drop_balls(f, g, 100_000, np.random.default_rng(1))
    assert counts.shape == (f.size + g.size - 1,)
    assert counts.sum() == 100_000
    assert total_variation(counts / 100_000, np.convolve(f, g)) < 0.01


def test_drop_balls_is_reproducible_and_seed_dependent() -> None:
    f, g = preset("geometric"), preset("triangle")
    a = drop_balls(f, g, 5000, np.random.default_rng(7))
    np.testing.assert_array_equal(a, drop_balls(f, g, 5000, np.random.default_rng(7)))
    assert not np.array_equal(a, drop_balls(f, g, 5000, np.random.default_rng(8)))


def test_impossible_totals_get_no_balls() -> None:
    # two-point * two-point: totals 0, 3, 6 only
    counts = drop_balls([1, 0, 0, 1], [1, 0, 0, 1], 2000, np.random.default_rng(0))
    assert set(np.flatnonzero(counts)) == {0, 3, 6}
    assert drop_balls([1], [1], 0, np.random.default_rng(0)).tolist() == [0]


def test_distribution_renormalises() -> None:
    np.testing.assert_allclose(distribution([2, 6], "f"), [0.25, 0.75])
    for p in DISTRIBUTIONS:
        assert preset(p.name).sum() == pytest.approx(1.0)
        assert p.label
        assert p.description


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([1, -0.5], r"^f: weights must be >= 0 \(f\[1\] is -0.5\)"),
        ([1, np.nan], r"^f: weights must be finite numbers \(f\[1\] is not\)"),
        ([0, 0, 0], r"^f: needs at least one weight > 0 \(all are zero\)"),
        ([], r"^f: must be a non-empty 1-D list"),
        ([[1, 2]], r"^f: must be a non-empty 1-D list"),
        (["x"], r"^f: must be a 1-D list of numbers"),
    ],
)
def test_bad_distributions_are_refused_naming_the_argument(weights: object, message: str) -> None:
    with pytest.raises(SettingError, match=message):
        distribution(weights, "f")
    with pytest.raises(SettingError, match=message.replace("^f:", "^g:").replace(r"f\[", r"g\[")):
        drop_balls([1], weights, 10, np.random.default_rng(0))


def test_bad_n_rng_and_preset_are_refused() -> None:
    with pytest.raises(ValueError, match="n must be >= 0"):
        drop_balls([1], [1], -1, np.random.default_rng(0))
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        drop_balls([1], [1], 1, 0)  # type: ignore[arg-type]
    with pytest.raises(SettingError, match=r"^preset: unknown preset 'dice'; choose one of uniform"):
        preset("dice")
    with pytest.raises(ValueError, match="same shape"):
        total_variation([1.0], [0.5, 0.5])
