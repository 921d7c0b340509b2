"""convscope.image_kernels against scipy.ndimage (the oracle for same-size filtering with borders)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

import convscope
from convscope.errors import SettingError
from convscope.image_kernels import MAX_KERNEL_SIDE, PADDING_MODES, apply_kernel, apply_twice, edge_magnitude
from tests.split_runs import split_from_one

# PyTorch's padding_mode -> scipy.ndimage's mode (numpy's "reflect" is scipy's "mirror").
SCIPY_MODE = {"zeros": "constant", "reflect": "mirror", "replicate": "nearest", "circular": "wrap"}
DTYPES = (np.uint8, np.float32, np.float64)
TOL = {"rtol": 1e-9, "atol": 1e-9}


def random_image(rng: np.random.Generator, shape: tuple[int, ...], dtype: Any) -> Any:
    """Photo-like values for uint8, signed ones for floats."""
    if dtype == np.uint8:
        return rng.integers(0, 256, shape).astype(np.uint8)
    return rng.standard_normal(shape).astype(dtype)


def scipy_filter(image: Any, kernel: Any, mode: str, flip: bool) -> Any:
    """scipy.ndimage's correlate (or convolve) in float64, each channel on its own."""
    pixels = np.asarray(image, dtype=np.float64)  # scipy would keep uint8 and wrap around
    weights = kernel if pixels.ndim == 2 else kernel[:, :, np.newaxis]  # depth 1: channels stay apart
    filt = ndi.convolve if flip else ndi.correlate
    return filt(pixels, weights, mode=SCIPY_MODE[mode], cval=0.0)


def test_the_padding_table_names_the_four_pytorch_modes() -> None:
    assert tuple(PADDING_MODES) == tuple(SCIPY_MODE)


@settings(max_examples=60, deadline=None)
@given(
    height=st.integers(1, 20),
    width=st.integers(1, 20),
    channels=st.sampled_from([None, 1, 3, 4]),
    kshape=st.tuples(st.integers(1, MAX_KERNEL_SIDE), st.integers(1, MAX_KERNEL_SIDE)),
    dtype=st.sampled_from(DTYPES),
    mode=st.sampled_from(tuple(SCIPY_MODE)),
    flip=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_apply_kernel_matches_scipy_ndimage(
    height: int,
    width: int,
    channels: int | None,
    kshape: tuple[int, int],
    dtype: Any,
    mode: str,
    flip: bool,
    seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    shape = (height, width) if channels is None else (height, width, channels)
    image, kernel = random_image(rng, shape, dtype), rng.standard_normal(kshape)
    expected = scipy_filter(image, kernel, mode, flip)
    for method in ("auto", "direct", "fft"):
        got = apply_kernel(image, kernel, padding_mode=mode, flip=flip, method=method)
        assert got.shape == shape
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, expected, **TOL, err_msg=f"{method=}")


@pytest.mark.parametrize("mode", tuple(SCIPY_MODE))
@pytest.mark.parametrize("flip", [False, True])
@pytest.mark.parametrize("ksize", [(2, 2), (4, 6), (15, 15), (1, 14)])
def test_even_and_large_kernels_on_a_colour_photo(mode: str, flip: bool, ksize: tuple[int, int]) -> None:
    rng = np.random.default_rng(9)
    image = random_image(rng, (37, 41, 3), np.uint8)
    kernel = rng.standard_normal(ksize)
    expected = scipy_filter(image, kernel, mode, flip)
    direct = apply_kernel(image, kernel, padding_mode=mode, flip=flip, method="direct")
    fft = apply_kernel(image, kernel, padding_mode=mode, flip=flip, method="fft")
    np.testing.assert_allclose(direct, expected, **TOL)
    np.testing.assert_allclose(fft, expected, **TOL)


def test_direct_bands_cover_images_taller_than_one_band() -> None:
    # 512 x 512 x 3 is split into bands of rows; a seam error would show on the band edges.
    rng = np.random.default_rng(2)
    image = random_image(rng, (300, 512, 3), np.uint8)
    kernel = rng.standard_normal((5, 3))
    got = apply_kernel(image, kernel, padding_mode="reflect", method="direct")
    np.testing.assert_allclose(got, scipy_filter(image, kernel, "reflect", False), **TOL)


@pytest.mark.parametrize(("height", "ksize"), [(301, (5, 3)), (7, (3, 3)), (2, (4, 2)), (1, (1, 3))])
def test_direct_in_two_halves_of_rows_gives_the_same_bits(height: int, ksize: tuple[int, int]) -> None:
    # From threads.SPLIT_FROM multiply-adds the rows go in two halves, one a thread; each half reads its
    # rows plus kH - 1 of the padded image, and every element sums its taps in the same order.
    from convscope import image_kernels
    from convscope.ops import threads

    rng = np.random.default_rng(5)
    image = random_image(rng, (height, 37, 3), np.uint8)
    kernel = rng.standard_normal(ksize)
    mode = "reflect" if height > 3 else "zeros"  # reflect needs more rows than it pads
    with threads.single_threaded():
        alone = apply_kernel(image, kernel, padding_mode=mode, method="direct")
    with split_from_one(image_kernels) as runs:
        got = apply_kernel(image, kernel, padding_mode=mode, method="direct")
    assert runs == [min(2, height)]
    np.testing.assert_array_equal(got, alone)
    again = apply_kernel(image, kernel, padding_mode=mode, method="direct")
    assert not np.shares_memory(got, again)  # the result held by the caller is never handed out again


def test_auto_takes_the_fft_path_for_large_kernels(monkeypatch: pytest.MonkeyPatch) -> None:
    from convscope import image_kernels

    taken: list[str] = []
    monkeypatch.setattr(image_kernels, "_fft", lambda *a: taken.append("fft") or np.zeros((64, 64, 3)))
    monkeypatch.setattr(image_kernels, "_direct", lambda *a: taken.append("direct") or np.zeros((64, 64, 3)))
    image = np.zeros((64, 64, 3))
    apply_kernel(image, np.ones((3, 3)))
    apply_kernel(image, np.ones((15, 15)))
    assert taken == ["direct", "fft"]


def test_the_kernel_centre_for_an_even_side_is_below_right_of_the_middle() -> None:
    image = np.zeros((4, 4))
    image[1, 1] = 1.0
    kernel = np.array([[1.0, 2.0], [3.0, 4.0]])  # centre (1, 1): the 4
    got = apply_kernel(image, kernel)
    # out[y, x] = sum k[i, j] * image[y + i - 1, x + j - 1]: the pixel is stamped turned round,
    # with the centre weight on it.
    np.testing.assert_array_equal(got[1:3, 1:3], [[4.0, 3.0], [2.0, 1.0]])
    np.testing.assert_array_equal(apply_kernel(image, kernel, flip=True)[0:2, 0:2], kernel)


def test_padding_modes_differ_only_at_the_border() -> None:
    image = np.arange(30.0).reshape(5, 6)
    box = np.full((3, 3), 1 / 9)
    results = {mode: apply_kernel(image, box, padding_mode=mode) for mode in SCIPY_MODE}
    for mode, result in results.items():
        np.testing.assert_allclose(result[1:-1, 1:-1], results["zeros"][1:-1, 1:-1], err_msg=mode)
    corners = {mode: result[0, 0] for mode, result in results.items()}
    assert len(set(np.round(list(corners.values()), 9))) == 4  # four different borders


@pytest.mark.parametrize("mode", tuple(SCIPY_MODE))
@pytest.mark.parametrize("shape", [(23, 17), (23, 17, 3)])
def test_edge_magnitude_is_the_hypot_of_scipy_sobels(mode: str, shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(5)
    image = random_image(rng, shape, np.uint8).astype(np.float64)
    # ndimage.sobel(axis=1) differentiates along columns with [-1, 0, 1] and smooths rows with [1, 2, 1]:
    # exactly a correlation with our "sobel_x"; axis=0 is "sobel_y". Signs vanish in the magnitude anyway.
    # On a colour image ndimage.sobel would also smooth across the channel axis: one channel at a time.
    planes = image[:, :, np.newaxis] if image.ndim == 2 else image
    gx, gy = (
        np.stack(
            [ndi.sobel(p, axis=axis, mode=SCIPY_MODE[mode]) for p in np.moveaxis(planes, -1, 0)], -1
        ).reshape(image.shape)
        for axis in (1, 0)
    )
    np.testing.assert_allclose(apply_kernel(image, convscope.kernel("sobel_x"), padding_mode=mode), gx, **TOL)
    np.testing.assert_allclose(apply_kernel(image, convscope.kernel("sobel_y"), padding_mode=mode), gy, **TOL)
    np.testing.assert_allclose(edge_magnitude(image, padding_mode=mode), np.hypot(gx, gy), **TOL)


def test_exported_from_the_package() -> None:
    assert convscope.apply_kernel is apply_kernel
    assert convscope.edge_magnitude is edge_magnitude


@pytest.mark.parametrize(
    ("image", "kernel", "options", "message"),
    [
        (np.zeros((4, 4)), np.ones((16, 3)), {}, "kernel: each side must be 1..15, got shape (16, 3)"),
        (np.zeros((4, 4)), np.ones((3, 3, 1)), {}, "kernel: must be 2-D (kH, kW), got shape (3, 3, 1)"),
        (np.zeros((4, 4)), np.ones((0, 3)), {}, "kernel: must not be empty, got shape (0, 3)"),
        (np.zeros((4, 4)), [[1.0, np.nan]], {}, "kernel: contains NaN or infinity"),
        (np.zeros((2, 2, 2, 2)), np.ones((3, 3)), {}, "image: must be 2-D or 3-D (H, W) or (H, W, C)"),
        (np.zeros((2, 2, 2, 2), np.uint8), np.ones((3, 3)), {}, "image: must be 2-D or 3-D"),
        (np.zeros((0, 5)), np.ones((3, 3)), {}, "image: must not be empty, got shape (0, 5)"),
        (np.zeros((4, 5, 0), np.uint8), np.ones((3, 3)), {}, "image: must not be empty"),
        (np.array([[1.0, np.inf]]), np.ones((3, 3)), {}, "image: contains NaN or infinity"),
        (
            np.zeros((4, 4)),
            np.ones((3, 3)),
            {"padding_mode": "same"},
            "padding_mode: must be one of 'zeros', 'reflect', 'replicate', 'circular', got 'same'",
        ),
        (
            np.zeros((4, 4)),
            np.ones((3, 3)),
            {"method": "fast"},
            "method: must be one of 'auto', 'direct', 'fft'",
        ),
    ],
)
def test_bad_arguments_are_refused_with_the_argument_named(
    image: Any, kernel: Any, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(SettingError) as caught:
        apply_kernel(image, kernel, **options)
    assert str(caught.value).startswith(message)
    assert caught.value.field == message.split(":")[0]


def test_complex_input_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="image must be real"):
        apply_kernel(np.zeros((3, 3), complex), np.ones((3, 3)))


def test_edge_magnitude_refuses_an_unknown_mode() -> None:
    with pytest.raises(SettingError, match="padding_mode: must be one of"):
        edge_magnitude(np.zeros((3, 3)), padding_mode="mirror")


@pytest.mark.parametrize("method", ["direct", "fft"])
def test_an_all_zero_kernel_gives_zeros_and_other_integer_dtypes_work(method: str) -> None:
    image = np.arange(-20, 20, dtype=np.int16).reshape(5, 8)
    np.testing.assert_array_equal(apply_kernel(image, np.zeros((3, 4)), method=method), np.zeros((5, 8)))
    kernel = np.arange(6.0).reshape(2, 3)
    expected = scipy_filter(image, kernel, "circular", True)
    got = apply_kernel(image, kernel, padding_mode="circular", flip=True, method=method)
    np.testing.assert_allclose(got, expected, **TOL)
    mask = image > 0
    expected = scipy_filter(mask, kernel, "zeros", False)
    np.testing.assert_allclose(apply_kernel(mask, kernel, method=method), expected, **TOL)


@pytest.mark.parametrize("flip", [False, True])
@pytest.mark.parametrize(
    "shapes", [((3, 3), (5, 5)), ((1, 7), (3, 1)), ((15, 15), (15, 15)), ((2, 2), (2, 2)), ((4, 3), (2, 6))]
)
def test_apply_twice_equals_one_pass_with_the_combined_kernel_under_circular_padding(
    flip: bool, shapes: tuple[tuple[int, int], tuple[int, int]]
) -> None:
    import scipy.signal

    rng = np.random.default_rng(11)
    image = rng.integers(0, 256, (40, 45, 3)).astype(np.uint8)
    first, second = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    twice, once, combined = apply_twice(image, first, second, padding_mode="circular", flip=flip)
    np.testing.assert_allclose(combined, scipy.signal.convolve2d(first, second, mode="full"), atol=1e-12)
    np.testing.assert_allclose(twice, once, rtol=1e-9, atol=1e-7)
    expected = apply_kernel(apply_kernel(image, first, padding_mode="circular", flip=flip), second,
                            padding_mode="circular", flip=flip)
    np.testing.assert_allclose(twice, expected)


def test_apply_twice_names_the_kernel_it_refuses() -> None:
    with pytest.raises(SettingError, match=r"second: each side must be 1\.\.15"):
        apply_twice(np.ones((4, 4)), np.ones((3, 3)), np.ones((16, 3)))
