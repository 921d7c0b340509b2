"""convolution_matrix and weight_index_matrix: SciPy is the 1-D oracle, our conv2d and torch the 2-D ones."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.linalg
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional

import convscope
from convscope.matrix import convolution_matrix, weight_index_matrix
from convscope.ops import conv1d, conv2d


@settings(max_examples=50, deadline=None)
@given(k=st.integers(1, 6), extra=st.integers(0, 8), seed=st.integers(0, 2**32 - 1))
def test_1d_is_scipys_matrix_of_the_flipped_kernel(k: int, extra: int, seed: int) -> None:
    # SciPy's matrix is true convolution, ours cross-correlation: the same matrix once the kernel flips.
    kernel, n = np.random.default_rng(seed).standard_normal(k), k + extra
    np.testing.assert_array_equal(convolution_matrix(kernel[::-1], (n,)),
                                  scipy.linalg.convolution_matrix(kernel, n, mode="valid"))
    np.testing.assert_array_equal(convolution_matrix(kernel[::-1], (n,), padding=k - 1),
                                  scipy.linalg.convolution_matrix(kernel, n, mode="full"))


@st.composite
def settings_2d(draw: st.DrawFn) -> tuple[tuple[int, int], tuple[int, int], dict[str, Any], int]:
    """A kernel shape, an input shape it fits once padded, and stride/padding/dilation pairs."""
    pair = st.tuples(st.integers(1, 3), st.integers(1, 3))
    kernel, stride, dilation = draw(pair), draw(pair), draw(pair)
    padding = draw(st.tuples(st.integers(0, 2), st.integers(0, 2)))
    size = tuple(max(1, d * (k - 1) + 1 - 2 * p) + draw(st.integers(0, 5))
                 for k, d, p in zip(kernel, dilation, padding, strict=True))
    s = {"stride": stride, "padding": padding, "dilation": dilation}
    return kernel, (size[0], size[1]), s, draw(st.integers(0, 2**32 - 1))


@settings(max_examples=60, deadline=None)
@given(case=settings_2d())
def test_2d_times_the_image_is_conv2d_and_torch(case: tuple[Any, ...]) -> None:
    kernel_shape, shape, s, seed = case
    rng = np.random.default_rng(seed)
    kernel, image = rng.standard_normal(kernel_shape), rng.standard_normal(shape)
    m = convolution_matrix(kernel, shape, **s)
    ours = conv2d(image[None, None], kernel[None, None], **s)[0, 0]
    theirs = functional.conv2d(torch.from_numpy(image[None, None]), torch.from_numpy(kernel[None, None]), **s)
    assert m.shape == (ours.size, image.size)
    np.testing.assert_allclose(m @ image.ravel(), ours.ravel(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(m @ image.ravel(), theirs.numpy().ravel(), rtol=1e-10, atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(k=st.integers(1, 4), n=st.integers(1, 12), stride=st.integers(1, 3), dilation=st.integers(1, 3),
       padding=st.integers(0, 3), seed=st.integers(0, 2**32 - 1))
def test_1d_times_the_signal_is_conv1d(
    k: int, n: int, stride: int, dilation: int, padding: int, seed: int
) -> None:
    if n + 2 * padding < dilation * (k - 1) + 1:
        with pytest.raises(ValueError, match="does not fit the input along the length"):
            convolution_matrix(np.ones(k), (n,), stride=stride, padding=padding, dilation=dilation)
        return
    rng = np.random.default_rng(seed)
    kernel, signal = rng.standard_normal(k), rng.standard_normal(n)
    m = convolution_matrix(kernel, (n,), stride=stride, padding=padding, dilation=dilation)
    ours = conv1d(signal[None, None], kernel[None, None], stride=stride, padding=padding, dilation=dilation)
    np.testing.assert_allclose(m @ signal, ours[0, 0], rtol=1e-12, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(case=settings_2d())
def test_the_index_names_each_entrys_weight(case: tuple[Any, ...]) -> None:
    kernel_shape, shape, s, seed = case
    kernel = np.random.default_rng(seed).standard_normal(kernel_shape)
    index = weight_index_matrix(kernel_shape, shape, **s)
    m = convolution_matrix(kernel, shape, **s)
    np.testing.assert_array_equal(m[index >= 0], kernel.ravel()[index[index >= 0]])
    assert not np.any(m[index < 0])
    assert index.min() >= -1
    assert index.max() < kernel.size
    # Each row holds each weight at most once: the taps of one window read distinct pixels.
    for row in index:
        used = row[row >= 0]
        assert len(set(used.tolist())) == used.size


def test_stride_1_matrix_is_toeplitz_and_shares_its_weights(rng: np.random.Generator) -> None:
    kernel = rng.standard_normal(3)
    m = convolution_matrix(kernel, (7,))
    for d in range(-m.shape[0] + 1, m.shape[1]):
        assert len(set(np.diagonal(m, d).tolist())) == 1  # constant along every diagonal
    index = weight_index_matrix((3, 3), (6, 6), padding=1)
    assert len(set(index[index >= 0].tolist())) == 9  # 9 weights shared by a (36 x 36) matrix
    assert index.shape == (36, 36)
    # Padding's taps have no column: corner output (0, 0) sees only the 4 weights over the image.
    assert sorted(index[0][index[0] >= 0].tolist()) == [4, 5, 7, 8]


def test_worked_example_by_hand() -> None:
    # A 2x2 kernel on a 3x3 image: four windows, each row the kernel laid over its window's pixels.
    m = convolution_matrix([[1.0, 2.0], [3.0, 4.0]], (3, 3))
    np.testing.assert_array_equal(m, [
        [1, 2, 0, 3, 4, 0, 0, 0, 0],
        [0, 1, 2, 0, 3, 4, 0, 0, 0],
        [0, 0, 0, 1, 2, 0, 3, 4, 0],
        [0, 0, 0, 0, 1, 2, 0, 3, 4],
    ])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_the_kernels(dtype: Any) -> None:
    assert convolution_matrix(np.ones((2, 2), dtype), (3, 3)).dtype == dtype
    assert convolution_matrix(np.ones(2, dtype=int), (3,)).dtype == np.float64


def test_exported_from_the_package() -> None:
    assert convscope.convolution_matrix is convolution_matrix
    assert convscope.weight_index_matrix is weight_index_matrix


@pytest.mark.parametrize(
    ("kernel", "shape", "kwargs", "error", "message"),
    [
        (np.ones(3), (4, 4), {}, ValueError,
         r"the kernel must have one axis per input axis: input_shape \(4, 4\) needs a 2-D kernel, got kernel "
         r"shape \(3,\)"),
        (np.ones((3, 3)), 5, {}, ValueError, r"input_shape must be \(n,\) or \(H, W\), got 5"),
        (np.ones((3, 3)), (4, 4, 4), {}, ValueError, r"input_shape must be \(n,\) or \(H, W\), got \(4, 4"),
        (np.ones((2, 2, 2)), (4, 4), {}, ValueError, r"kernel must be 1-D or 2-D \(K,\) or \(kH, kW\)"),
        (np.ones((3, 3)), (0, 4), {}, ValueError, r"input_size\[0\] must be >= 1, got 0"),
        (np.ones((3, 3)), (2, 4), {}, ValueError, r"kernel_size 3 does not fit the input along the height"),
        (np.ones(3), (4,), {"dilation": 2}, ValueError, r"kernel spans 5 \(dilation 2: 2×\(3 - 1\) \+ 1 = 5"),
        (np.ones((3, 3)), (4, 4), {"stride": 0}, ValueError, r"stride must be >= 1, got 0"),
        (np.ones((3, 3)), (4, 4), {"padding": -1}, ValueError, r"padding must be >= 0, got -1"),
        (np.ones(3), (4,), {"stride": (1, 2)}, TypeError, r"stride must be an integer"),
        (np.full(3, np.nan), (4,), {}, ValueError, r"kernel contains NaN or infinity"),
        ("box", (4,), {}, TypeError, r"kernel must be an array of numbers"),
    ],
)
def test_rejects_bad_input(
    kernel: Any, shape: Any, kwargs: dict[str, Any], error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        convolution_matrix(kernel, shape, **kwargs)
    if not isinstance(kernel, str) and np.ndim(kernel) in (1, 2) and np.all(np.isfinite(kernel)):
        with pytest.raises(error, match=message):
            weight_index_matrix(np.shape(kernel), shape, **kwargs)


def test_weight_index_matrix_checks_the_kernel_size() -> None:
    with pytest.raises(ValueError, match=r"kernel_size must be >= 1, got 0"):
        weight_index_matrix(0, (4,))
    with pytest.raises(ValueError, match=r"needs a 1-D kernel, got kernel shape \(3, 3\)"):
        weight_index_matrix((3, 3), (4,))
