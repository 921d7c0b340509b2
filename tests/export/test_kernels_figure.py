"""The Image kernels figure: the page's own pixels at 2x, side by side, with its legend and settings."""

from __future__ import annotations

import numpy as np

from convscope.data.photos import bundled_photo
from convscope.export.kernels_figure import MARGIN, TITLE, kernels_figure
from convscope.kernels import image_kernel
from convscope.lessons.image_kernels import DIVERGING, Filtering, result_record


def test_the_figure_shows_the_photo_and_the_pages_result_at_twice_their_size() -> None:
    photo = bundled_photo("chelsea")  # (300, 451, 3)
    setting = Filtering(image_kernel("sobel_x", 3), channels="luminance", display="signed")
    figure, record = kernels_figure(photo, setting, "the settings")
    shown, page = result_record(photo, setting)
    assert record == page
    h, w = photo.shape[:2]
    top, left = (MARGIN + TITLE) * 2, MARGIN * 2
    pixels = np.asarray(figure)  # (H, W, 3)
    assert figure.width >= 4 * w
    assert figure.height > 2 * h + 100
    np.testing.assert_array_equal(pixels[top:top + 2 * h:2, left:left + 2 * w:2], photo)
    np.testing.assert_array_equal(pixels[top + 1:top + 2 * h:2, left + 1:left + 2 * w:2], photo)  # 2x2 blocks
    right = left + 2 * w + 16 * 2
    np.testing.assert_array_equal(pixels[top:top + 2 * h:2, right:right + 2 * w:2], shown)
    # The legend under them: the diverging bar's two ends in the page's colours.
    legend = pixels[top + 2 * h + 12 * 2 + 4]
    np.testing.assert_allclose(legend[left + 2], DIVERGING[0], atol=3)  # inside the bar's outline
    np.testing.assert_allclose(legend[left + 2 * 240 - 3], DIVERGING[-1], atol=3)


def test_a_small_picture_still_leaves_room_for_the_legend_and_caption() -> None:
    figure, _ = kernels_figure(np.zeros((8, 8, 3), np.uint8), Filtering(np.ones((3, 3))), "x " * 200)
    assert figure.width == 1024
    assert figure.height > 150
