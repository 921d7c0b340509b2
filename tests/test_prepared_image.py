"""convscope.prepared_image: one image, many kernels, the numbers of apply_kernel (and so of SciPy)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope.errors import SettingError
from convscope.image_kernels import MAX_KERNEL_SIDE, PADDING_MODES, apply_kernel
from convscope.prepared_image import PreparedImage
from tests.test_image_kernels import TOL, scipy_filter

MODES = tuple(PADDING_MODES)
METHODS = ("auto", "direct", "fft")
SIDES = st.integers(1, MAX_KERNEL_SIDE)


@settings(max_examples=40, deadline=None)
@given(
    shape=st.sampled_from([(9, 13), (12, 7, 3), (16, 16, 1), (5, 20, 4)]),
    dtype=st.sampled_from([np.uint8, np.float64]),
    asks=st.lists(st.tuples(SIDES, SIDES, st.sampled_from(MODES), st.booleans(), st.sampled_from(METHODS)),
                  min_size=1, max_size=6),
    seed=st.integers(0, 2**32 - 1),
)
def test_one_prepared_image_filters_like_apply_kernel_whatever_the_order_of_kernels(
    shape: tuple[int, ...], dtype: Any, asks: list[tuple[int, int, str, bool, str]], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    image = (rng.integers(0, 256, shape) if dtype == np.uint8 else rng.standard_normal(shape)).astype(dtype)
    prepared = PreparedImage(image, keep=2)  # fewer kept parts than kinds of ask: eviction is exercised
    for kh, kw, mode, flip, method in asks:
        kernel = rng.standard_normal((kh, kw))
        ours = prepared.apply(kernel, padding_mode=mode, flip=flip, method=method)
        expected = apply_kernel(image, kernel, padding_mode=mode, flip=flip, method=method)
        assert ours.shape == image.shape
        assert ours.dtype == np.float64
        if method == "direct":
            np.testing.assert_array_equal(ours, expected)  # the same code on the same padded array
        else:
            np.testing.assert_allclose(ours, expected, **TOL)
        np.testing.assert_allclose(ours, scipy_filter(image, kernel, mode, flip), **TOL)


def test_the_photo_sized_paths_are_equal_to_apply_kernel_bit_for_bit() -> None:
    photo = np.random.default_rng(3).integers(0, 256, (64, 80, 3)).astype(np.uint8)
    prepared = PreparedImage(photo)
    for side, method in ((3, "direct"), (15, "fft"), (15, "fft")):  # the second 15x15 reuses the spectrum
        kernel = np.random.default_rng(side).standard_normal((side, side))
        np.testing.assert_array_equal(prepared.apply(kernel, padding_mode="reflect", method=method),
                                      apply_kernel(photo, kernel, padding_mode="reflect", method=method))


@pytest.mark.parametrize("shape", [(1, 9, 3), (7, 10, 3), (64, 80, 3), (33, 20)])
def test_with_a_pool_of_threads_the_numbers_are_the_same_bit_for_bit(shape: tuple[int, ...]) -> None:
    image = np.random.default_rng(5).integers(0, 256, shape).astype(np.uint8)
    with ThreadPoolExecutor(2) as pool:
        threaded, alone = PreparedImage(image, pool=pool), PreparedImage(image)
        for side, method, mode in ((3, "direct", "zeros"), (4, "direct", "circular"), (15, "fft", "reflect"),
                                   (15, "fft", "reflect"), (2, "direct", "replicate")):
            kernel = np.random.default_rng(side).standard_normal((side, side))
            ours = threaded.apply(kernel, padding_mode=mode, flip=side == 4, method=method)
            np.testing.assert_array_equal(ours, alone.apply(kernel, padding_mode=mode, flip=side == 4,
                                                            method=method))
        np.testing.assert_array_equal(threaded.apply(np.zeros((3, 3))), np.zeros(shape))  # no tap at all


def test_it_keeps_a_copy_and_a_bounded_number_of_parts() -> None:
    image = np.arange(100.0).reshape(10, 10)
    prepared = PreparedImage(image, keep=1)
    before = prepared.apply(np.ones((3, 3)))
    image[:] = 0  # the caller's array changes; the prepared image does not
    np.testing.assert_array_equal(prepared.apply(np.ones((3, 3))), before)
    alone = prepared.nbytes
    for mode in MODES:
        prepared.apply(np.ones((5, 5)), padding_mode=mode, method="fft")
    assert prepared.nbytes < alone + 2 * (14 * 14 * 8 + 20 * 20 * 16)  # one padded copy, one spectrum
    prepared.forget()
    assert prepared.nbytes == 100 * 8


@pytest.mark.parametrize(
    ("kernel", "options", "message"),
    [
        (np.ones((16, 3)), {}, "kernel: each side must be 1..15"),
        ([[np.nan]], {}, "kernel"),
        (np.ones((3, 3)), {"padding_mode": "mirror"}, "padding_mode: must be one of"),
        (np.ones((3, 3)), {"method": "fast"}, "method: must be one of"),
    ],
)
def test_bad_kernels_and_settings_name_their_field(
    kernel: Any, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(SettingError, match=message):
        PreparedImage(np.zeros((4, 4))).apply(kernel, **options)
