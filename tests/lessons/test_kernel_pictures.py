"""The picture store: content ids, least recently used dropped first, only the newest kept warm."""

from __future__ import annotations

import numpy as np
import pytest

from convscope import apply_kernel
from convscope.errors import SettingError
from convscope.lessons.image_kernels import LUMA, Filtering, result_record
from convscope.lessons.kernel_pictures import PictureStore, picture_id

PHOTO = np.random.default_rng(2).integers(0, 256, (12, 16, 3)).astype(np.uint8)


def test_ids_name_the_content() -> None:
    assert picture_id(PHOTO) == picture_id(PHOTO.copy())
    assert picture_id(PHOTO) != picture_id(PHOTO[::-1])
    assert picture_id(PHOTO[:, :8]) != picture_id(PHOTO[:, 8:])


def test_the_least_recently_used_is_dropped_and_a_resent_picture_comes_back() -> None:
    store = PictureStore(limit=2)
    first, second = store.add(PHOTO)["picture"], store.add(PHOTO[::-1])["picture"]
    store.get(first)  # first becomes the newer
    store.add(PHOTO[:, ::-1])
    assert len(store) == 2
    with pytest.raises(SettingError, match=r"picture: .* is not kept") as refused:
        store.get(second)
    assert refused.value.kind == "missing"  # answered 404 over HTTP
    assert store.get(first).pixels.shape == (12, 16, 3)
    assert store.add(PHOTO[::-1])["picture"] == second


def test_only_the_newest_keep_their_prepared_parts() -> None:
    store = PictureStore(limit=4, warm=1)
    a = store.get(store.add(PHOTO)["picture"])
    a.result(Filtering(np.ones((3, 3))))
    warm = a.prepared("rgb").nbytes
    assert warm > PHOTO.nbytes * 8  # the padded float64 copy is kept
    store.add(PHOTO[::-1])  # newer: a cools down to its pixels
    assert a.prepared("rgb").nbytes == PHOTO.nbytes


@pytest.mark.parametrize("channels", ["rgb", "luminance"])
def test_a_stored_result_is_the_lesson_result(channels: str) -> None:
    store = PictureStore()
    stored = store.get(store.add(PHOTO)["picture"])
    for weights in (np.arange(9.0).reshape(3, 3) - 4, np.full((15, 15), 1 / 225)):
        setting = Filtering(weights, channels=channels, padding_mode="circular", display="signed")  # type: ignore[arg-type]
        pixels, record = stored.result(setting)
        expected_pixels, expected_record = result_record(PHOTO, setting)
        np.testing.assert_array_equal(pixels, expected_pixels)
        assert record == expected_record
    source = PHOTO.astype(float) @ LUMA if channels == "luminance" else PHOTO
    values = stored.prepared(channels).apply(np.ones((2, 3)), flip=True)
    np.testing.assert_array_equal(values, apply_kernel(source, np.ones((2, 3)), flip=True))
