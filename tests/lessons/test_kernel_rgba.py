"""convscope.lessons.kernel_rgba: the page's RGBA bytes are result_record's pixels, byte for byte."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope.lessons.image_kernels import Filtering, result_record
from convscope.lessons.kernel_rgba import result_rgba
from convscope.prepared_image import PreparedImage

# Weights that put values exactly on x.5 (halves of odd sums: round half to even decides), far beyond
# 0..255 (clipping, both ends), exactly 0 (a flat region under an edge kernel) and everything between.
WEIGHTS = st.sampled_from([0.5, -0.5, 1.5, 0.25, -1.0, 2.0, 4.0, 1 / 9, 0.0, -3.75])


@pytest.fixture(scope="module")
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(2) as threads:
        yield threads


def packed(pixels: np.ndarray) -> np.ndarray:
    """result_record's (H, W) or (H, W, 3) pixels as the RGBA the page draws."""
    colour = pixels[:, :, np.newaxis] if pixels.ndim == 2 else pixels
    alpha = np.full((*pixels.shape[:2], 1), 255, np.uint8)
    return np.concatenate([np.broadcast_to(colour, (*pixels.shape[:2], 3)), alpha], axis=2)


@settings(max_examples=60, deadline=None)
@given(
    kernel=st.integers(1, 4).flatmap(lambda k: st.lists(WEIGHTS, min_size=k * k, max_size=k * k)),
    channels=st.sampled_from(["rgb", "luminance"]),
    display=st.sampled_from(["clamped", "signed"]),
    view=st.sampled_from(["result", "magnitude", "border"]),
    flat=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_rgba_is_result_record_packed_for_every_scale(
    pool: ThreadPoolExecutor, kernel: list[float], channels: Any, display: Any, view: Any, flat: bool,
    seed: int,
) -> None:
    side = int(len(kernel) ** 0.5)
    rng = np.random.default_rng(seed)
    # Odd and even values side by side make the 0.5 weights land on halves; a flat photo makes zeros.
    photo = np.full((6, 7, 3), 101, np.uint8) if flat else rng.integers(0, 256, (6, 7, 3)).astype(np.uint8)
    setting = Filtering(np.array(kernel).reshape(side, side), channels=channels, display=display, view=view)
    pixels, expected = result_record(photo, setting)
    rgba, record = result_rgba(photo, setting, PreparedImage(photo, pool=pool), pool)  # threads: same bytes
    if channels == "rgb":  # the prepared luminance is the store's to make; rgb is the photo itself
        np.testing.assert_array_equal(rgba, packed(pixels))
        assert record == expected
    rgba, record = result_rgba(photo, setting)
    np.testing.assert_array_equal(rgba, packed(pixels))
    assert record == expected


def test_halves_round_to_even_and_clipped_shares_are_counted_as_before() -> None:
    photo = np.zeros((2, 4, 3), np.uint8)
    photo[:, :, 0] = [[1, 2, 3, 255]] * 2  # each value's mean with its left neighbour: 1, 1.5, 2.5, 129
    photo[:, :, 1] = 250
    setting = Filtering(np.array([[0.5, 0.5, 0.0]]), padding_mode="replicate")
    rgba, record = result_rgba(photo, setting)
    assert rgba[0, :, 0].tolist() == [1, 2, 2, 129]  # halves to the even neighbour: 1.5 -> 2, 2.5 -> 2
    assert record == result_record(photo, setting)[1]
    boosted = Filtering(np.array([[2.0]]))  # 250 * 2 = 500: clipped above, 1/3 of the values
    rgba, record = result_rgba(photo, boosted)
    assert record["scale"]["above"] == result_record(photo, boosted)[1]["scale"]["above"] > 0
    assert (rgba[:, :, 1] == 255).all()
    assert (rgba[:, :, 3] == 255).all()
