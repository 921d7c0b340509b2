"""The three readings of a transposed convolution equal ops.conv_transpose2d and torch, and each other."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch.nn import functional

from convscope.ops import conv_transpose2d
from convscope.transposed_readings import (
    by_matrix,
    by_scatter,
    by_zero_insertion,
    overlap_counts,
    transposed_readings,
    zero_inserted,
)

Case = tuple[tuple[int, int], tuple[int, int], dict[str, Any], int]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """An input and kernel shape and settings (PyTorch's rules) whose output is not empty."""
    pair = st.tuples(st.integers(1, 4), st.integers(1, 4))
    size, kernel, stride, dilation = draw(pair), draw(pair), draw(pair), draw(pair)
    padding = draw(st.tuples(st.integers(0, 3), st.integers(0, 3)))
    # PyTorch allows output_padding below the stride or below the dilation
    extra = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True))
    out = [(n - 1) * s - 2 * p + d * (k - 1) + e + 1
           for n, s, p, d, k, e in zip(size, stride, padding, dilation, kernel, extra, strict=True)]
    assume(min(out) >= 1)
    s = {"stride": stride, "padding": padding, "output_padding": extra, "dilation": dilation}
    return size, kernel, s, draw(st.integers(0, 2**32 - 1))


@settings(max_examples=150, deadline=None)
@given(case=cases())
def test_every_reading_equals_conv_transpose2d_and_torch(case: Case) -> None:
    size, kernel_shape, s, seed = case
    rng = np.random.default_rng(seed)
    x, kernel = rng.standard_normal(size), rng.standard_normal(kernel_shape)
    r = transposed_readings(x, kernel, **s)
    ours = conv_transpose2d(x[None, None], kernel[None, None], **s)[0, 0]
    x_t, kernel_t = torch.from_numpy(x[None, None]), torch.from_numpy(kernel[None, None])  # (1, 1, ., .)
    theirs = functional.conv_transpose2d(x_t, kernel_t, **s)[0, 0].numpy()
    np.testing.assert_array_equal(r.output, ours)
    for reading in (r.by_matrix, r.by_scatter, r.by_zero_insertion):
        assert reading.shape == ours.shape
        np.testing.assert_allclose(reading, ours, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(reading, theirs, rtol=1e-10, atol=1e-10)
    assert r.matrix.shape == (ours.size, x.size)
    assert r.zero_inserted.shape == tuple(o + d * (k - 1) for o, d, k in
                                          zip(ours.shape, s["dilation"], kernel_shape, strict=True))


@settings(max_examples=60, deadline=None)
@given(case=cases())
def test_overlap_counts_are_the_scatter_of_ones_and_sum_to_the_taps_kept(case: Case) -> None:
    size, kernel_shape, s, _ = case
    counts = overlap_counts(size, kernel_shape, **s)
    ones = functional.conv_transpose2d(torch.ones(1, 1, *size, dtype=torch.float64),
                                       torch.ones(1, 1, *kernel_shape, dtype=torch.float64), **s)
    np.testing.assert_array_equal(counts, ones[0, 0].numpy())
    assert counts.dtype == np.int64
    assert counts.sum() <= np.prod(size) * np.prod(kernel_shape)  # cropping only removes taps
    np.testing.assert_array_equal(transposed_readings(np.ones(size), np.ones(kernel_shape), **s).overlap,
                                  counts)


@pytest.mark.parametrize(("kernel", "stride", "even"), [(3, 2, False), (4, 2, True), (2, 2, True),
                                                        (5, 3, False), (6, 3, True)])
def test_checkerboard_when_the_kernel_is_not_a_multiple_of_the_stride(kernel: int, stride: int,
                                                                      even: bool) -> None:
    # Away from the borders a kernel that is a multiple of the stride covers every cell equally often.
    counts = overlap_counts((6, 6), (kernel, kernel), stride=stride)
    inside = counts[kernel:-kernel, kernel:-kernel]
    assert (len(np.unique(inside)) == 1) is even
    if not even:
        np.testing.assert_array_equal(inside, inside.T)  # the same pattern on both axes


def test_the_worked_example_of_each_reading() -> None:
    x, kernel = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 10.0], [100.0, 1000.0]])
    s = {"stride": 2, "padding": 0}
    expected = np.array([[1, 10, 2, 20], [100, 1000, 200, 2000], [3, 30, 4, 40], [300, 3000, 400, 4000.0]])
    for reading in (by_matrix, by_scatter, by_zero_insertion):
        np.testing.assert_array_equal(reading(x, kernel, **s), expected)
    np.testing.assert_array_equal(zero_inserted(x, (2, 2), **s),
                                  [[0, 0, 0, 0, 0], [0, 1, 0, 2, 0], [0, 0, 0, 0, 0], [0, 3, 0, 4, 0],
                                   [0, 0, 0, 0, 0]])


def test_padding_past_the_kernels_reach_crops_the_zero_inserted_grid() -> None:
    # D(k - 1) - P = 2 - 3 < 0: reading (c) crops one cell from each side instead of padding.
    grid = zero_inserted(np.arange(1.0, 6.0)[None], (1, 3), stride=(1, 3), padding=(0, 3))
    np.testing.assert_array_equal(grid, [[0, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0]])


def test_float32_stays_float32() -> None:
    r = transposed_readings(np.ones((2, 2), np.float32), np.ones((3, 3), np.float32), stride=2)
    grids = (r.output, r.by_matrix, r.by_scatter, r.by_zero_insertion, r.zero_inserted)
    assert {a.dtype for a in grids} == {np.dtype(np.float32)}


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"output_padding": 2, "stride": 2}, ValueError, "output_padding 2 along the height must be smaller"),
        ({"padding": 5}, ValueError, "padding 5 crops away the whole output"),
        ({"stride": 0}, ValueError, "stride"),
        ({"groups": 2}, TypeError, r"unknown settings \['groups'\]"),
    ],
)
def test_bad_settings_are_refused_with_the_ops_messages(kwargs: dict[str, Any], error: type,
                                                        message: str) -> None:
    for fn in (by_matrix, by_scatter, by_zero_insertion):
        with pytest.raises(error, match=message):
            fn(np.ones((2, 2)), np.ones((3, 3)), **kwargs)


def test_shapes_must_be_two_dimensional() -> None:
    with pytest.raises(ValueError, match=r"x must be 2-D \(H, W\)"):
        transposed_readings(np.ones((1, 2, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"kernel must be 2-D \(kH, kW\)"):
        transposed_readings(np.ones((2, 2)), np.ones(3))
