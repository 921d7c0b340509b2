"""One large image in blocks of output rows: the same numbers as the loop twin and PyTorch, any settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from convscope.ops import conv_chunks, conv_rows, im2col
from convscope.ops.conv import conv2d, conv2d_backward, conv2d_backward_weight
from convscope.ops.conv_naive import conv2d_backward_naive, conv2d_naive
from convscope.ops.conv_rows import row_blocks
from convscope.ops.im2col import conv_geometry
from tests.ops.test_conv import Case, assert_equals_naive, conv_cases, logged


@contextmanager
def _every_row_a_block() -> Iterator[list[str]]:
    """Every image its own chunk and every output row its own block; yields a log of row-block calls.

    Such chunks would take width columns where they can (`test_conv_kwcols.py` checks those); here
    they take row blocks, so the blocks are checked with every setting. Geometries are kept with their
    chunks (`conv_geometry`): none made before or within may be reused.
    """
    calls: list[str] = []
    im2col._known_geometry.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(im2col, "_COLUMN_BUDGET", 1)
            patch.setattr(conv_rows, "_ROW_BUDGET", 1)
            patch.setattr(conv_chunks, "uses_width_columns", lambda chunk: False)
            for module, name in ((conv_chunks, "forward_rows"), (conv_rows, "weight_rows"),
                                 (conv_rows, "weight_kernel_rows")):  # fmt: skip
                patch.setattr(module, name, partial(logged, getattr(module, name), name, calls))
            yield calls
    finally:
        im2col._known_geometry.cache_clear()


@settings(max_examples=25, deadline=None)
@given(case=conv_cases())
def test_row_blocks_equal_naive(case: Case) -> None:
    """Strides, dilations, groups, uneven "same" padding: rows cut anywhere give the loops' numbers."""
    x, w, b = case.arrays()
    with _every_row_a_block() as calls:
        fast = conv2d(x, w, b, **case.settings)
        grad = np.random.default_rng(case.seed).standard_normal(fast.shape)
        grads = conv2d_backward(grad, x, w, b, **case.settings)
    if fast.shape[2] > 1:  # more than one output row: the row path ran
        assert calls
    assert_equals_naive(case, fast, grad, grads)


@settings(max_examples=25, deadline=None)
@given(case=conv_cases())
def test_a_weight_gradient_alone_equals_naive(case: Case) -> None:
    """One image's weight gradient: kernel-row products (stride 1 along H) or row blocks, as the loops."""
    x, w, b = case.arrays()
    grad = np.random.default_rng(case.seed).standard_normal(conv2d_naive(x, w, b, **case.settings).shape)
    with _every_row_a_block() as calls:
        got = conv2d_backward_weight(grad, x, w, b, **case.settings)
    stride = case.settings["stride"]
    along_h = stride if isinstance(stride, int) else stride[0]
    if grad.shape[2] > 1:  # more than one output row: one image's rows
        assert set(calls) == {"weight_kernel_rows" if along_h == 1 else "weight_rows"}
    want = conv2d_backward_naive(grad, x, w, b, **case.settings)[1:]
    for name, g, expected in zip(("weight", "bias"), got, want, strict=True):
        if expected is None:
            assert g is None
        else:
            np.testing.assert_allclose(g, expected, rtol=1e-12, atol=1e-12, err_msg=name)


def test_a_large_image_splits_into_rows_and_matches_one_block(rng: np.random.Generator) -> None:
    """The real budget: a 32-channel 3x3 layer on a 48x48 image is 3 blocks; one block gives the same."""
    x = rng.standard_normal((2, 32, 48, 48)).astype(np.float32)
    w = rng.standard_normal((8, 32, 3, 3)).astype(np.float32)
    grad = rng.standard_normal((2, 8, 48, 48)).astype(np.float32)
    chunks = list(conv_geometry(x.shape, w.shape, 1, 1, 1, 1).batch_chunks())
    assert [len(row_blocks(chunk) or []) for _, chunk in chunks] == [3, 3]
    blocked = (conv2d(x, w, padding=1), conv2d_backward_weight(grad, x, w, padding=1)[0])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(conv_rows, "_ROW_BUDGET", 2**30)  # one block: the whole-chunk product
        whole = (conv2d(x, w, padding=1), conv2d_backward_weight(grad, x, w, padding=1)[0])
    for got, want in zip(blocked, whole, strict=True):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-4)


def test_small_or_batched_chunks_take_one_product() -> None:
    lenet: Any = conv_geometry((128, 6, 14, 14), (16, 6, 5, 5), 1, 0, 1, 1)
    assert all(row_blocks(chunk) is None for _, chunk in lenet.batch_chunks())
