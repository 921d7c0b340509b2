"""The image kernels page's lesson: rendering, normalising, composition, the border, the catalogue."""

from __future__ import annotations

import numpy as np
import pytest

from convscope import apply_kernel, edge_magnitude
from convscope.errors import SettingError
from convscope.kernels import IMAGE_KERNELS, image_kernel
from convscope.lessons.image_kernels import (
    DIVERGING,
    LUMA,
    Filtering,
    catalogue,
    normalised,
    photos,
    render,
    result_record,
)

PHOTO = np.random.default_rng(3).integers(0, 256, (24, 31, 3)).astype(np.uint8)


def test_the_catalogue_has_every_kernel_the_issue_names_with_weights_per_size() -> None:
    names = {k["name"] for k in catalogue()}
    assert names == {"identity", "box", "gaussian", "sharpen", "unsharp", "outline", "laplacian", "sobel_x",
                     "sobel_y", "prewitt_x", "prewitt_y", "emboss", "motion_blur"}
    for record in catalogue():
        assert len(record["weights"]) == len(record["sizes"])
        for size, grid in zip(record["sizes"], record["weights"], strict=True):
            np.testing.assert_array_equal(grid, image_kernel(record["name"], size))
            assert 1 <= size <= 15


@pytest.mark.parametrize("info", IMAGE_KERNELS, ids=lambda info: info.name)
def test_signed_kernels_are_the_ones_that_give_negatives(info: object) -> None:
    name, diverging = info.name, info.diverging  # type: ignore[attr-defined]
    assert (image_kernel(name) < 0).any() == diverging


def test_unsharp_and_outline_are_what_they_say() -> None:
    unsharp = 2 * image_kernel("identity", 5) - image_kernel("gaussian", 5)
    np.testing.assert_allclose(image_kernel("unsharp", 5), unsharp)
    assert image_kernel("unsharp", 5).sum() == pytest.approx(1.0)
    assert image_kernel("outline").sum() == 0
    np.testing.assert_allclose(image_kernel("motion_blur", 5), np.eye(5) / 5)


def test_photos_are_listed_with_credits() -> None:
    assert [p["name"] for p in photos()] == ["astronaut", "coffee", "chelsea", "rocket"]
    assert all(p["credit"] and p["licence"] for p in photos())


def test_normalising_divides_by_the_sum_and_refuses_what_cannot_be() -> None:
    np.testing.assert_allclose(normalised(np.ones((2, 2))), np.full((2, 2), 0.25))
    with pytest.raises(SettingError, match="weights: are all 0"):
        normalised(np.zeros((3, 3)))
    with pytest.raises(SettingError, match="weights: sum to 0"):
        normalised(image_kernel("sobel_x"))


def test_clamped_rendering_clips_and_counts_what_it_clipped() -> None:
    values = np.array([[[-10.0], [100.4], [300.0], [255.0]]])  # (1, 4, 1)
    pixels, scale = render(values, "clamped")
    np.testing.assert_array_equal(pixels, [[0, 100, 255, 255]])
    assert (scale["below"], scale["above"]) == (0.25, 0.25)


def test_signed_luminance_uses_the_diverging_scale_with_zero_in_the_middle() -> None:
    values = np.array([[[-8.0], [0.0], [8.0], [2.0]]])
    pixels, scale = render(values, "signed")
    assert (scale["low"], scale["high"], scale["kind"]) == (-8.0, 8.0, "signed")
    assert [tuple(p) for p in pixels[0, :3]] == list(DIVERGING)


def test_signed_colour_maps_zero_to_mid_grey_per_channel() -> None:
    values = np.array([[[-4.0, 0.0, 4.0]]])
    pixels, scale = render(values, "signed")
    np.testing.assert_array_equal(pixels, [[[0, 128, 255]]])
    assert scale["stops"][1] == [128, 128, 128]


def test_the_result_is_apply_kernel_in_colour_or_on_luminance() -> None:
    sharpen = image_kernel("sharpen")
    pixels, record = result_record(PHOTO, Filtering(sharpen, padding_mode="reflect"))
    expected = apply_kernel(PHOTO, sharpen, padding_mode="reflect")
    np.testing.assert_array_equal(pixels, np.clip(np.rint(expected), 0, 255))
    assert (record["minimum"], record["maximum"]) == (expected.min(), expected.max())
    grey, record = result_record(PHOTO, Filtering(sharpen, channels="luminance", display="signed"))
    luminance = apply_kernel(PHOTO.astype(float) @ LUMA, sharpen)
    assert grey.shape == (24, 31, 3)  # the diverging scale is in colour
    assert record["maximum"] == pytest.approx(luminance.max())


def test_edge_magnitude_view_uses_the_two_sobels() -> None:
    _, record = result_record(PHOTO, Filtering(np.ones((1, 1)), view="magnitude", display="signed"))
    assert record["maximum"] == pytest.approx(edge_magnitude(PHOTO).max())
    assert record["scale"]["kind"] == "magnitude"


def test_the_border_view_is_zero_away_from_the_border() -> None:
    weights = image_kernel("box", 5)
    setting = Filtering(weights, padding_mode="circular", view="border", display="signed")
    _, record = result_record(PHOTO, setting)
    assert "within 2 pixels of the border" in record["notes"][-1]
    from convscope.lessons.image_kernels import filter_image
    values, _, _ = filter_image(PHOTO, setting)
    np.testing.assert_allclose(values[2:-2, 2:-2], 0, atol=1e-9)
    assert np.abs(values).max() > 1


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_blurring_twice_equals_one_blur_with_the_combined_kernel_away_from_the_border(mode: str) -> None:
    from convscope.lessons.image_kernels import filter_image
    # Sobel first: with reflect padding two symmetric blurs commute with the mirror and agree everywhere.
    first, second = image_kernel("sobel_x", 3), image_kernel("gaussian", 5)
    setting = Filtering(first, padding_mode=mode, view="difference", second=second, display="signed")
    difference, combined, notes = filter_image(PHOTO, setting)
    assert combined is not None
    assert combined.shape == (7, 7)
    np.testing.assert_allclose(difference[3:-3, 3:-3], 0, atol=1e-9)
    if mode == "circular":
        np.testing.assert_allclose(difference, 0, atol=1e-9)
    else:
        assert np.abs(difference).max() > 1e-6
        assert "only within 3 pixels of the border" in notes[-1]


def test_two_symmetric_blurs_agree_everywhere_with_reflect_padding() -> None:
    from convscope.lessons.image_kernels import filter_image
    setting = Filtering(image_kernel("box", 3), padding_mode="reflect", view="difference",
                        second=image_kernel("gaussian", 5))
    np.testing.assert_allclose(filter_image(PHOTO, setting)[0], 0, atol=1e-9)


def test_composition_without_a_second_kernel_is_refused() -> None:
    with pytest.raises(SettingError, match="second: give a second kernel"):
        result_record(PHOTO, Filtering(np.ones((3, 3)), view="once"))
