"""convscope.kernels: shapes, sums, the classic 3x3 values, sizes and the JSON catalogue."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from convscope.kernels import KERNELS, kernel, kernel_catalogue
from convscope.signal import convolve2d

NAMES = [info.name for info in KERNELS]
ALL_SIZES = [(info.name, size) for info in KERNELS for size in info.sizes]
# What each kernel sums to, as documented in `kernel`: averages keep brightness, edge detectors give 0
# on flat regions.
SUMS = {"box": 1.0, "gaussian": 1.0, "sobel_x": 0.0, "sobel_y": 0.0, "laplacian": 0.0, "sharpen": 1.0,
        "emboss": 1.0, "identity": 1.0}


def test_catalogue_names_and_order() -> None:
    expected = ["ones", "box", "gaussian", "sharpen", "sobel_x", "sobel_y", "laplacian", "emboss", "identity"]
    assert expected == NAMES


@pytest.mark.parametrize(("name", "size"), ALL_SIZES)
def test_shape_dtype_and_sum(name: str, size: int) -> None:
    k = kernel(name, size)
    assert k.shape == (size, size)
    assert k.dtype == np.float64
    expected_sum = size * size if name == "ones" else SUMS[name]
    assert k.sum() == pytest.approx(expected_sum, abs=1e-12)


def test_classic_3x3_values() -> None:
    np.testing.assert_array_equal(kernel("ones"), np.ones((3, 3)))
    np.testing.assert_array_equal(kernel("box"), np.full((3, 3), 1 / 9))
    np.testing.assert_array_equal(kernel("gaussian"), np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16)
    np.testing.assert_array_equal(kernel("sharpen"), [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    np.testing.assert_array_equal(kernel("sobel_x"), [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    np.testing.assert_array_equal(kernel("sobel_y"), [[-1, -2, -1], [0, 0, 0], [1, 2, 1]])
    np.testing.assert_array_equal(kernel("laplacian"), [[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    np.testing.assert_array_equal(kernel("emboss"), [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])
    np.testing.assert_array_equal(kernel("identity"), [[0, 0, 0], [0, 1, 0], [0, 0, 0]])


@pytest.mark.parametrize("size", [1, 3, 5, 7])
def test_gaussian_is_separable_binomial(size: int) -> None:
    row = np.array([math.comb(size - 1, i) for i in range(size)], dtype=float) / 2 ** (size - 1)
    np.testing.assert_array_equal(kernel("gaussian", size), np.outer(row, row))


def test_larger_sobel_matches_opencv_5x5() -> None:
    # cv2.getDerivKernels(1, 0, 5): derivative [-1, -2, 0, 2, 1], smoothing [1, 4, 6, 4, 1].
    expected = np.outer([1, 4, 6, 4, 1], [-1, -2, 0, 2, 1])
    np.testing.assert_array_equal(kernel("sobel_x", 5), expected)
    np.testing.assert_array_equal(kernel("sobel_y", 5), expected.T)


@pytest.mark.parametrize("size", [3, 5, 7])
def test_sobel_is_a_smoothed_derivative(size: int) -> None:
    # On a ramp that rises by 1 per column, cross-correlating sobel_x gives the same positive constant
    # everywhere in the valid region, and sobel_y gives 0.
    ramp = np.tile(np.arange(12.0), (12, 1))
    sx, sy = kernel("sobel_x", size), kernel("sobel_y", size)
    gx = convolve2d(ramp, sx[::-1, ::-1], mode="valid")  # flipping turns convolution into correlation
    gy = convolve2d(ramp, sy[::-1, ::-1], mode="valid")
    assert gx.min() > 0
    np.testing.assert_allclose(gx, gx[0, 0])
    np.testing.assert_allclose(gy, 0, atol=1e-12)


def test_diverging_means_outputs_can_be_negative(rng: np.random.Generator) -> None:
    image = rng.random((12, 12))  # non-negative, like a digit
    for info in KERNELS:
        for size in info.sizes:
            out = convolve2d(image, kernel(info.name, size), mode="valid")
            if not info.diverging:
                assert out.min() >= 0, info.name
    for info in KERNELS:
        if info.diverging:
            assert kernel(info.name, info.sizes[0]).min() < 0, info.name


def test_catalogue_is_json_ready() -> None:
    catalogue = kernel_catalogue()
    assert json.loads(json.dumps(catalogue)) == catalogue
    assert [entry["name"] for entry in catalogue] == NAMES
    for entry in catalogue:
        assert set(entry) == {"name", "label", "description", "sizes", "diverging"}
        assert isinstance(entry["sizes"], list)
        assert entry["description"].endswith(".")
        assert 3 in entry["sizes"]


def test_kernel_returns_a_fresh_array() -> None:
    k = kernel("sharpen")
    k[1, 1] = 0
    assert kernel("sharpen")[1, 1] == 5


@pytest.mark.parametrize(
    ("name", "size", "error", "match"),
    [
        ("blur", 3, ValueError, "name must be one of 'ones', 'box'"),
        (3, 3, ValueError, "name must be one of"),
        ("gaussian", 4, ValueError, r"kernel 'gaussian' comes in sizes \[1, 3, 5, 7\], got size=4"),
        ("sharpen", 5, ValueError, r"comes in sizes \[3\]"),
        ("sobel_x", 1, ValueError, r"comes in sizes \[3, 5, 7\]"),
        ("box", 0, ValueError, "size must be >= 1"),
        ("box", 2.5, TypeError, "size must be an integer"),
    ],
)
def test_bad_names_and_sizes(name: str, size: int, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        kernel(name, size)
