"""The picture store: content ids, least recently used dropped first, only the newest kept warm."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope import apply_kernel
from convscope.errors import SettingError
from convscope.kernel_edits import TOLERANCE
from convscope.lessons.image_kernels import LUMA, Filtering, filter_image, result_record
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
    kept = a.edits("rgb")
    assert kept.range_of(kept.apply(np.ones((3, 3)))) is not None  # and the last result
    store.add(PHOTO[::-1])  # newer: a cools down to its pixels
    assert a.prepared("rgb").nbytes == PHOTO.nbytes
    assert a.edits("rgb") is not kept


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


@settings(max_examples=25, deadline=None)
@given(
    side=st.sampled_from([3, 15]),
    channels=st.sampled_from(["rgb", "luminance"]),
    display=st.sampled_from(["clamped", "signed"]),
    normalise=st.booleans(),
    typed=st.lists(st.tuples(st.integers(0, 224), st.integers(0, 224),
                             st.sampled_from([0.5, -0.5, 1.5, 0.1, 0.15, 1 / 9, 0.0, -1.0, 2.25])),
                   min_size=1, max_size=24),
)
def test_typed_weights_give_the_from_scratch_picture_but_at_rounding_steps(
    side: int, channels: Any, display: Any, normalise: bool, typed: list[tuple[int, int, float]]
) -> None:
    # The contract of convscope.kernel_edits, one weight typed per edit as on the page: the bytes are
    # those of the from-scratch values except where one lies within the tolerance of a rounding step.
    store = PictureStore()
    stored = store.get(store.add(PHOTO)["picture"])
    weights = np.full((side, side), 1 / side**2)
    for row, column, value in typed:
        weights[row % side, column % side] = value
        setting = Filtering(weights.copy(), normalise=normalise, channels=channels, display=display)
        if normalise and abs(weights.sum()) < 1e-9 * np.abs(weights).sum():
            continue  # refused (sums to 0): tested with the routes
        rgb, record = stored.result_rgba(setting, alpha=False)
        values = filter_image(PHOTO, setting)[0]  # from scratch, (H, W, C)
        expected, expected_record = result_record(PHOTO, setting)
        expected = np.broadcast_to(expected.reshape(*rgb.shape[:2], -1), rgb.shape)
        tol = TOLERANCE * float(np.abs(values).max())
        assert record.keys() == expected_record.keys()
        for key in ("minimum", "maximum"):
            assert abs(record[key] - expected_record[key]) <= tol  # type: ignore[literal-required]
        assert record["scale"]["kind"] == expected_record["scale"]["kind"]
        for key in ("low", "high", "below", "above"):
            # below/above are shares of the values: they differ by whole values (1/size each), worked out
            # in floats, so half a value's share more absorbs their rounding and lets no value more through
            bound = tol if key in ("low", "high") else np.mean(
                (np.abs(values) <= tol) | (np.abs(values - 255) <= tol)) + 0.5 / values.size
            assert abs(record["scale"][key] - expected_record["scale"][key]) <= bound  # type: ignore[literal-required]
        differ = rgb != expected
        if display == "clamped":  # the step: x.5
            near = np.abs(values - np.floor(values) - 0.5) <= tol
        else:  # v * 255 / limit, or (v / limit + 1) / 2 * 255: the tolerance scaled by 255 / limit
            limit = float(np.abs(values).max()) or 1.0
            magnitude = expected_record["scale"]["kind"] == "magnitude"
            scaled = values * (255 / limit) if magnitude else (values / limit + 1) / 2 * 255
            near = np.abs(scaled - np.floor(scaled) - 0.5) <= 1e-6
        assert (np.abs(rgb.astype(int) - expected) <= 1).all()
        if not (channels == "luminance" and display == "signed"):  # its colours are interpolated
            assert not (differ & ~np.broadcast_to(near, differ.shape)).any()
    # After a picture of the kernel as it stands (the last typed one may have been refused), one more
    # typed weight is an update, not a full computation.
    for _ in range(2):
        if normalise and abs(weights.sum()) < 1e-6:
            return
        stored.result_rgba(Filtering(weights.copy(), normalise=normalise, channels=channels, display=display))
        weights[0, 0] += 0.25
    assert stored.edits(channels).updates > 0
