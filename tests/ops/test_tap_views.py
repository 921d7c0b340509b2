"""Every tap's slice as one strided view: the same numbers as slicing tap by tap, and read-only."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings

from convscope.ops.im2col import ConvGeometry, conv_geometry, padded_input
from convscope.ops.tap_views import height_view, tap_view, width_view
from tests.ops.test_conv import Case, conv_cases


def _tap_by_tap(padded: np.ndarray, geom: ConvGeometry) -> np.ndarray:
    """The columns (C, kH, kW, *column_shape) from one slice per tap, as im2col first built them."""
    kh, kw = geom.kernel_size
    taps = [[padded[geom.offset_index(i, j)] for j in range(kw)] for i in range(kh)]
    return np.stack([np.stack(row, axis=1) for row in taps], axis=1)


@settings(max_examples=40, deadline=None)
@given(case=conv_cases())
def test_tap_view_equals_slicing_tap_by_tap(case: Case) -> None:
    """Strides, dilations, groups, uneven padding, batch-first and batch-last, whole or a run of rows."""
    x, w, _ = case.arrays()
    for batch_last in (False, True):
        geom = replace(conv_geometry(x.shape, w.shape, **case.settings), batch_last=batch_last)
        padded = padded_input(x, geom)
        expected = _tap_by_tap(padded, geom)
        np.testing.assert_array_equal(tap_view(padded, geom), expected)
        # two stages, the width view's copy then its rows: the same columns
        np.testing.assert_array_equal(height_view(width_view(padded, geom).copy(), geom), expected)
        oh = geom.output_size[0]
        rows = slice(oh // 3, max(oh // 3 + 1, 2 * oh // 3))
        row_axis = 3 if batch_last else 4  # (C, kH, kW, H_out, W_out, N) or (C, kH, kW, N, H_out, W_out)
        kept = np.take(expected, range(oh)[rows], axis=row_axis)
        np.testing.assert_array_equal(tap_view(padded, geom, rows), kept)


def test_the_views_cannot_be_written() -> None:
    """Windows overlap, so one element is several taps' memory: writing through a view would be wrong."""
    x = np.ones((2, 3, 6, 6), np.float32)
    geom = conv_geometry(x.shape, (4, 3, 3, 3), 1, 1, 1, 1)
    padded = padded_input(x, geom)
    for view in (tap_view(padded, geom), width_view(padded, geom)):
        with pytest.raises(ValueError, match="read-only"):
            view[0] = 2.0
