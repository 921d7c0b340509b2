"""The inspector's sum is the pixel's value: equal to apply_kernel (and edge_magnitude) at that pixel."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope import apply_kernel, edge_magnitude
from convscope.errors import SettingError
from convscope.image_kernels import apply_twice, combined_kernel
from convscope.lessons.image_kernels import LUMA, Filtering
from convscope.lessons.kernel_inspector import inspect_pixel

PHOTO = np.random.default_rng(5).integers(0, 256, (13, 17, 3)).astype(np.uint8)


@settings(max_examples=60, deadline=None)
@given(
    kshape=st.tuples(st.integers(1, 15), st.integers(1, 15)),
    mode=st.sampled_from(["zeros", "reflect", "replicate", "circular"]),
    flip=st.booleans(),
    luminance=st.booleans(),
    x=st.integers(0, 16),
    y=st.integers(0, 12),
    seed=st.integers(0, 2**32 - 1),
)
def test_the_sum_of_products_is_the_filtered_pixel(
    kshape: tuple[int, int], mode: str, flip: bool, luminance: bool, x: int, y: int, seed: int
) -> None:
    weights = np.random.default_rng(seed).standard_normal(kshape)
    setting = Filtering(weights, channels="luminance" if luminance else "rgb", padding_mode=mode, flip=flip)
    record = inspect_pixel(PHOTO, setting, x, y)
    image = PHOTO.astype(float) @ LUMA if luminance else PHOTO
    expected = np.atleast_1d(apply_kernel(image, weights, padding_mode=mode, flip=flip)[y, x])
    np.testing.assert_allclose(record["values"], expected, rtol=1e-9, atol=1e-9)
    (term,) = record["terms"]
    for channel, value in zip(term["channels"], expected, strict=True):
        products = np.asarray(channel["patch"]) * np.asarray(term["weights"])
        np.testing.assert_allclose(channel["products"], products)
        assert channel["sum"] == pytest.approx(value)
    assert np.asarray(record["outside"]).shape == kshape


def test_the_patch_marks_the_padding_and_holds_its_values() -> None:
    record = inspect_pixel(PHOTO, Filtering(np.ones((3, 3)), padding_mode="replicate"), x=0, y=0)
    assert (record["top"], record["left"]) == (-1, -1)
    assert record["outside"] == [[True, True, True], [True, False, False], [True, False, False]]
    patch = np.asarray(record["terms"][0]["channels"][0]["patch"])
    assert patch[0, 0] == PHOTO[0, 0, 0]  # replicate: the corner pixel fills the corner of the padding


def test_flip_multiplies_the_kernel_turned_half_a_turn() -> None:
    weights = np.arange(9.0).reshape(3, 3)
    record = inspect_pixel(PHOTO, Filtering(weights, flip=True), x=5, y=5)
    np.testing.assert_array_equal(record["terms"][0]["weights"], weights[::-1, ::-1])


def test_the_magnitude_has_two_terms_and_their_hypot() -> None:
    record = inspect_pixel(PHOTO, Filtering(np.ones((1, 1)), view="magnitude"), x=4, y=7)
    assert [t["label"] for t in record["terms"]] == ["Sobel x (Gx)", "Sobel y (Gy)"]
    np.testing.assert_allclose(record["values"], edge_magnitude(PHOTO)[7, 4])


@pytest.mark.parametrize("flip", [False, True])
@pytest.mark.parametrize("sides", [(3, 3), (2, 4), (5, 2)])
def test_composition_is_inspected_through_the_combined_kernel(flip: bool, sides: tuple[int, int]) -> None:
    rng = np.random.default_rng(sum(sides))
    first, second = rng.standard_normal((sides[0], sides[0])), rng.standard_normal((sides[1], sides[1]))
    setting = Filtering(first, view="once", second=second, flip=flip, padding_mode="circular")
    for x, y in [(8, 6), (0, 0), (16, 12)]:
        record = inspect_pixel(PHOTO, setting, x=x, y=y)
        combined = combined_kernel(first, second)
        np.testing.assert_allclose(record["terms"][0]["weights"], combined[::-1, ::-1] if flip else combined)
        assert record["terms"][0]["label"] == "combined kernel"
        _, once, _ = apply_twice(PHOTO, first, second, padding_mode="circular", flip=flip)
        np.testing.assert_allclose(record["values"], once[y, x], rtol=1e-9, atol=1e-9)


def test_a_pixel_outside_the_picture_is_refused() -> None:
    with pytest.raises(SettingError, match=r"x: must be 0\.\.16"):
        inspect_pixel(PHOTO, Filtering(np.ones((3, 3))), x=17, y=0)
