"""Augmentation: every image moves by its own shift, as the definition (a loop) says; bad input is named."""

from __future__ import annotations

import numpy as np
import pytest

from convscope.augment import random_shift


def _shift_loop(x: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """One image (C, H, W) moved by (dy, dx) with zeros coming in: the definition, as a loop."""
    out = np.zeros_like(x)
    _, h, w = x.shape
    for r in range(h):
        for c in range(w):
            if 0 <= r - dy < h and 0 <= c - dx < w:
                out[:, r, c] = x[:, r - dy, c - dx]
    return out


def test_random_shift_moves_each_image_by_its_own_offset(rng: np.random.Generator) -> None:
    x = rng.random((40, 2, 6, 7))
    shifted = random_shift(x, 2, np.random.default_rng(9))
    seen = set()
    for image, result in zip(x, shifted, strict=True):
        matches = [
            (dy, dx)
            for dy in range(-2, 3)
            for dx in range(-2, 3)
            if np.array_equal(result, _shift_loop(image, dy, dx))
        ]
        assert len(matches) == 1
        seen.add(matches[0])
    assert len(seen) > 10  # offsets vary per image
    np.testing.assert_array_equal(random_shift(x, 0, rng), x)


def test_the_input_is_left_alone(rng: np.random.Generator) -> None:
    x = rng.random((3, 1, 5, 5))
    before = x.copy()
    random_shift(x, 2, rng)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((np.zeros((1, 8, 8)), 1), ValueError, r"x must be 4-D \(N, C, H, W\), got shape \(1, 8, 8\)"),
        ((np.zeros((1, 1, 8, 8)), 9), ValueError, r"max_shift must be <= 8, got 9"),
        ((np.zeros((1, 1, 8, 8)), 10**12), ValueError, r"max_shift must be <= 8"),
        ((np.zeros((1, 1, 8, 8)), -1), ValueError, r"max_shift must be >= 0, got -1"),
        ((np.zeros((1, 1, 8, 8)), True), TypeError, r"max_shift must be an integer, got True"),
        ((np.zeros((1, 1, 8, 8), complex), 1), TypeError, r"x must be real"),
        ((np.full((1, 1, 8, 8), np.nan), 1), ValueError, r"x contains NaN"),
    ],
)
def test_bad_input_is_named(args: tuple[object, int], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        random_shift(*args, np.random.default_rng(0))


def test_rng_must_be_a_generator() -> None:
    with pytest.raises(TypeError, match=r"rng must be a np.random.Generator, got int"):
        random_shift(np.zeros((1, 1, 4, 4)), 1, 0)  # type: ignore[arg-type]
