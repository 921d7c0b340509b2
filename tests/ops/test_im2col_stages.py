"""im2col / col2im in two stages: the same columns as tap by tap, the same sums, and taken where meant."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from convscope.ops import im2col_stages
from convscope.ops.im2col import col2im, conv_geometry, im2col
from convscope.ops.im2col_stages import in_two_stages
from convscope.ops.workspace import Workspace
from tests.ops.test_conv import Case, conv_cases


def _tap_by_tap(patch: pytest.MonkeyPatch) -> None:
    """Neither im2col nor col2im in two stages: the one-copy-per-tap loops."""
    patch.setattr("convscope.ops.im2col.in_two_stages", lambda geom, scatter=False: False)


@settings(max_examples=40, deadline=None)
@given(case=conv_cases())
def test_two_stages_equal_tap_by_tap(case: Case) -> None:
    """Strides, dilations, groups, uneven padding, batch-first and batch-last: the same numbers."""
    x, w, _ = case.arrays()
    rng = np.random.default_rng(case.seed)
    for batch_last in (False, True):
        geom = replace(conv_geometry(x.shape, w.shape, **case.settings), batch_last=batch_last)
        with pytest.MonkeyPatch.context() as patch:
            # every geometry with kH, kW > 1 in two stages, whatever its stride: still the same numbers
            patch.setattr("convscope.ops.im2col.in_two_stages", lambda geom, scatter=False: True)
            staged = im2col(x, geom, Workspace()).copy()
            grad_cols = rng.standard_normal(staged.shape)
            scattered = col2im(grad_cols, geom, Workspace()).copy()
            _tap_by_tap(patch)
            np.testing.assert_array_equal(staged, im2col(x, geom))  # copies: bit for bit
            # the same terms added in another order: equal to rounding
            np.testing.assert_allclose(scattered, col2im(grad_cols, geom), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "padding", "columns", "scatter"),
    [
        ((32, 1, 32, 32), (6, 1, 5, 5), 0, True, True),  # LeNet's conv1: W_out = 28
        ((8, 6, 14, 14), (16, 6, 5, 5), 0, True, True),  # conv2 on a short batch: batch-first
        ((1, 32, 64, 64), (32, 32, 3, 3), 1, False, True),  # long rows: tap by tap is as fast
        ((8, 4, 9, 9), (4, 4, 1, 3), 0, False, False),  # one kernel row: nothing to stage
    ],
)
def test_which_geometries_take_two_stages(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], padding: int, columns: bool, scatter: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    geom = conv_geometry(x_shape, w_shape, 1, padding, 1, 1)
    assert (in_two_stages(geom), in_two_stages(geom, scatter=True)) == (columns, scatter)
    calls: list[str] = []
    for name in ("fill_columns", "scatter_columns"):
        real: Any = getattr(im2col_stages, name)
        monkeypatch.setattr(
            f"convscope.ops.im2col.{name}", lambda *a, real=real, name=name: calls.append(name) or real(*a)
        )
    x = np.random.default_rng(0).standard_normal(x_shape)
    cols = im2col(x, geom)
    col2im(cols, geom)
    assert calls == ["fill_columns"] * columns + ["scatter_columns"] * scatter
