"""Digit preprocessing: cropping, the MNIST pipeline checked against MNIST itself, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from convscope.data import crop_digit, digit, load_digits, to_mnist
from convscope.data.images import _area_weights, _resize_area


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    index = np.arange(image.shape[0])
    mass = image.sum()
    return float(image.sum(axis=1) @ index / mass), float(image.sum(axis=0) @ index / mass)


def ink_extent(image: np.ndarray) -> tuple[int, int]:
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


def upscale(image: np.ndarray, factor: int) -> np.ndarray:
    """A drawing of the digit at ``factor`` times the size, each pixel a factor x factor block."""
    return np.kron(image, np.ones((factor, factor), dtype=image.dtype))


# ---------------------------------------------------------------- crop_digit


@pytest.mark.parametrize(("number", "index"), [(0, 0), (1, 7), (4, 100), (7, 3), (8, 50)])
def test_crop_digit_keeps_all_of_an_mnist_digits_ink(number: int, index: int) -> None:
    image = digit(number, index)
    crop = crop_digit(image)
    assert crop.shape == (20, 20)
    assert crop.dtype == np.uint8
    assert int(crop.sum()) == int(image.sum())


def test_crop_digit_centres_the_window_on_the_ink_and_clamps() -> None:
    image = np.zeros((28, 28), np.uint8)
    image[2:6, 3:5] = 9  # ink near the top-left corner: the window can't centre on it
    crop = crop_digit(image, size=10)
    np.testing.assert_array_equal(crop, image[0:10, 0:10])
    image = np.zeros((28, 28), np.uint8)
    image[10:14, 12:14] = 9
    np.testing.assert_array_equal(crop_digit(image, size=8), image[8:16, 9:17])


def test_crop_digit_cuts_oversized_ink_evenly() -> None:
    image = np.zeros((28, 28))
    image[2:25, 5:8] = 1.0  # 23 rows of ink, 3 more than fit: 2 cut above, 1 below
    crop = crop_digit(image)
    np.testing.assert_array_equal(crop, image[4:24, 0:20])
    assert crop.sum() == 20 * 3


def test_crop_digit_of_a_blank_image_is_the_centre() -> None:
    image = np.zeros((28, 28), np.uint8)
    assert crop_digit(image).shape == (20, 20)


def test_crop_digit_errors() -> None:
    with pytest.raises(ValueError, match=r"size must be <= 28, got 29"):
        crop_digit(np.zeros((28, 28)), size=29)
    with pytest.raises(ValueError, match=r"image28 must be 2-D \(H, W\)"):
        crop_digit(np.zeros((1, 28, 28)))
    with pytest.raises(TypeError, match="size must be an integer"):
        crop_digit(np.zeros((28, 28)), size=2.5)  # type: ignore[arg-type]


# ---------------------------------------------------------------- to_mnist on MNIST itself


def test_to_mnist_reproduces_mnist_from_its_own_digits() -> None:
    """MNIST's digits are already the output of this pipeline, so it must give them back unchanged.

    The two exceptions in the bundle are digits whose ink is 19 pixels tall, which MNIST left at 19
    (and which touch the bottom edge); we scale them to 20.
    """
    digits = load_digits()
    reproduced = [np.array_equal(np.round(to_mnist(im).centred * 255), im) for im in digits.images]
    assert sum(reproduced) >= 9998


@pytest.mark.parametrize("number", range(10))
def test_to_mnist_centres_real_digits(number: int) -> None:
    for index in range(0, 200, 20):
        steps = to_mnist(digit(number, index))
        assert not steps.empty
        assert max(ink_extent(steps.centred)) <= 20
        row, col = centre_of_mass(steps.centred)
        assert abs(row - 14) <= 0.5
        assert abs(col - 14) <= 0.5


def test_stages_shapes_and_ranges() -> None:
    steps = to_mnist(digit(5, 3))
    assert steps.drawing.shape == (28, 28)
    top, bottom, left, right = steps.box
    assert steps.cropped.shape == (bottom - top, right - left)
    assert max(steps.fitted.shape) == 20
    assert steps.centred.shape == (28, 28)
    assert steps.padded.shape == (32, 32)
    np.testing.assert_array_equal(steps.padded[2:30, 2:30], steps.centred)
    assert steps.padded[[0, 1, 30, 31]].sum() == 0
    row, col = steps.offset
    np.testing.assert_array_equal(
        steps.centred[row : row + steps.fitted.shape[0], col : col + steps.fitted.shape[1]], steps.fitted
    )
    for stage in (steps.drawing, steps.cropped, steps.fitted, steps.centred, steps.padded):
        assert stage.dtype == np.float64
        assert stage.min() >= 0.0
        assert stage.max() <= 1.0


# ---------------------------------------------------------------- to_mnist on drawings


@pytest.mark.parametrize("factor", [1, 5, 10])
def test_a_big_drawing_of_a_digit_gives_mnists_image_back(factor: int) -> None:
    """Area averaging undoes block upscaling exactly, so size does not matter."""
    image = digit(2, 11)
    steps = to_mnist(upscale(image, factor))
    np.testing.assert_allclose(steps.centred * 255, image, atol=1e-9)


def test_position_on_the_canvas_does_not_matter(rng: np.random.Generator) -> None:
    drawing = upscale(digit(3, 4), 10).astype(np.float64) / 255  # (280, 280)
    reference = to_mnist(drawing).centred
    for _ in range(5):
        canvas = np.zeros((400, 500))
        top, left = rng.integers(0, 120), rng.integers(0, 220)
        canvas[top : top + 280, left : left + 280] = drawing
        np.testing.assert_allclose(to_mnist(canvas).centred, reference, atol=1e-12)


def test_nearby_sizes_give_nearly_the_same_digit() -> None:
    image = digit(6, 9)
    at_7, at_10 = to_mnist(upscale(image, 7)).centred, to_mnist(upscale(image, 10)).centred
    assert np.abs(at_7 - at_10).mean() < 0.02


def test_wide_drawing_keeps_its_aspect_ratio() -> None:
    canvas = np.zeros((100, 300))
    canvas[40:60, 20:280] = 1.0  # a horizontal bar, 20 x 260
    steps = to_mnist(canvas)
    assert steps.box == (40, 60, 20, 280)
    assert steps.fitted.shape == (2, 20)  # round(20 * 20 / 260) = 2
    row, col = centre_of_mass(steps.centred)
    assert abs(row - 14) <= 0.5
    assert abs(col - 14) <= 0.5


def test_a_single_cell_of_a_small_grid_is_ink() -> None:
    grid = np.zeros((20, 20))
    grid[3, 4] = 1.0
    steps = to_mnist(grid)
    assert not steps.empty
    assert steps.fitted.shape == (20, 20)
    np.testing.assert_allclose(steps.fitted, 1.0)  # one cell blown up to fill the box: the user's own choice


@pytest.mark.parametrize(
    "canvas", [np.zeros((280, 280)), np.zeros((28, 28), np.uint8), np.full((280, 280), 1e-6)]
)
def test_blank_drawings_are_reported_not_guessed(canvas: np.ndarray) -> None:
    steps = to_mnist(canvas)
    assert steps.empty
    assert steps.box is None
    assert steps.cropped.shape == (0, 0)
    assert steps.centred.shape == (28, 28)
    assert steps.padded.shape == (32, 32)
    assert steps.centred.sum() == 0
    with pytest.raises(ValueError, match="the drawing is blank"):
        to_mnist(canvas, require_ink=True)


def test_a_stray_dot_on_a_big_canvas_is_empty() -> None:
    canvas = np.zeros((280, 280))
    canvas[100:103, 50:53] = 1.0  # 9 pixels of ink, under 0.001 * 280 * 280 = 78.4
    assert to_mnist(canvas).empty
    assert not to_mnist(canvas, min_ink=0.0001).empty


def test_threshold_ignores_faint_smudges() -> None:
    canvas = np.zeros((100, 100))
    canvas[20:80, 45:55] = 1.0
    canvas[95, 0] = 0.05  # a faint smudge far away
    assert to_mnist(canvas).box == (20, 96, 0, 55)
    assert to_mnist(canvas, threshold=0.1).box == (20, 80, 45, 55)


def test_input_scales() -> None:
    image = digit(0)
    from_uint8 = to_mnist(image).centred
    np.testing.assert_allclose(to_mnist(image.astype(np.int64)).centred, from_uint8)
    np.testing.assert_allclose(to_mnist(image / 255.0).centred, from_uint8)
    np.testing.assert_allclose(to_mnist((image / 255.0).tolist()).centred, from_uint8)
    np.testing.assert_allclose(to_mnist(image > 0).drawing, (image > 0).astype(float))


@pytest.mark.parametrize(
    ("image", "error", "message"),
    [
        (np.full((28, 28), np.nan), ValueError, "image contains NaN"),
        (np.zeros((1, 28, 28)), ValueError, r"image must be 2-D \(H, W\), got shape \(1, 28, 28\)"),
        (np.zeros(28), ValueError, "image must be 2-D"),
        (np.full((4, 4), -0.5), ValueError, "image must not be negative"),
        (np.full((4, 4), 2.0), ValueError, r"floating-point images must lie in \[0, 1\], got maximum 2"),
        (np.full((4, 4), 300), ValueError, "integer images are read as 0-255, got maximum 300"),
        (np.zeros((1025, 10)), ValueError, r"between 1 and 1024 pixels, got shape \(1025, 10\)"),
        (np.zeros((0, 10)), ValueError, r"between 1 and 1024 pixels, got shape \(0, 10\)"),
        ("drawing", TypeError, "image must be an array of numbers"),
    ],
)
def test_bad_drawings_get_clear_errors(image: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        to_mnist(image)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "value"), [("threshold", 1.0), ("threshold", -0.1), ("min_ink", 2)])
def test_bad_settings(name: str, value: float) -> None:
    with pytest.raises(ValueError, match=rf"{name} must be in \[0, 1\), got {value}"):
        to_mnist(np.ones((4, 4)), **{name: value})
    with pytest.raises(TypeError, match=f"{name} must be a number"):
        to_mnist(np.ones((4, 4)), **{name: "0.5"})


# ---------------------------------------------------------------- area averaging


def test_area_weights_rows_are_averages() -> None:
    for n_in, n_out in [(280, 20), (20, 20), (7, 20), (23, 20), (1, 5)]:
        weights = _area_weights(n_in, n_out)
        assert weights.shape == (n_out, n_in)
        np.testing.assert_allclose(weights.sum(axis=1), 1.0)
        assert weights.min() >= 0


def test_resize_area_matches_block_means_and_keeps_mean(rng: np.random.Generator) -> None:
    image = rng.uniform(size=(60, 40))
    expected = image.reshape(20, 3, 10, 4).mean(axis=(1, 3))  # (20, 3, 10, 4): 3x4 blocks
    np.testing.assert_allclose(_resize_area(image, (20, 10)), expected)
    odd = _resize_area(image, (17, 13))
    np.testing.assert_allclose(odd.mean(), image.mean())
