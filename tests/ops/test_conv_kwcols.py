"""Width columns (one product per output row): PyTorch's and the loops' numbers, and the path is taken."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits
from torch.nn import functional

from convscope.ops import conv_chunks, conv_kwcols, conv_rows, conv_width_rows, im2col, threads
from convscope.ops import workspace as workspace_module
from convscope.ops.conv import conv2d, conv2d_backward, conv2d_backward_input, conv2d_backward_weight
from convscope.ops.conv1d import conv1d, conv1d_backward
from convscope.ops.conv_kwcols import uses_width_columns
from convscope.ops.im2col import conv_geometry
from convscope.ops.threads import single_threaded
from convscope.ops.workspace import Workspace
from tests.ops.test_conv import Case, assert_equals_naive, conv_cases, forward_backward, logged, torch_conv
from tests.oracle import check_against_torch

_PATH = ("forward_width", "forward_width_rows", "weight_width", "input_width", "padded_source")


@contextmanager
def _counting(patch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """Count the width-column path's calls from `conv_chunks`, and the width columns it builds."""
    calls = dict.fromkeys(_PATH, 0)
    for name in _PATH:
        module = conv_kwcols if name == "padded_source" else conv_chunks  # called only to build columns
        real = getattr(module, name)

        def counted(*args: Any, real: Any = real, name: str = name, **kwargs: Any) -> Any:
            calls[name] += 1
            return real(*args, **kwargs)

        patch.setattr(module, name, counted)
    yield calls


_ROWS = ("stride", "dilation")


@contextmanager
def _every_chunk_batch_last() -> Iterator[dict[str, int]]:
    """Every chunk batch-last, however short its batch, so small random cases take width columns."""
    im2col._known_geometry.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as patch, _counting(patch) as calls:
            patch.setattr(im2col, "batch_last_layout", lambda width_out, batch: True)
            yield calls
    finally:
        im2col._known_geometry.cache_clear()


def _adjacent_rows(case: Case) -> Case:
    """The same case with stride and dilation 1 along H: the settings width columns take."""
    pairs = {k: case.settings[k] for k in _ROWS}
    rows = {k: (1, v[1]) if isinstance(v, tuple) else (1, v) for k, v in pairs.items()}
    return replace(case, settings={**case.settings, **rows})


@pytest.mark.parametrize("short_row", [0, 2**20])  # the cells (n, W_out) always, or (W_out, n) always
@settings(max_examples=60, deadline=None)
@given(case=st.one_of(conv_cases(), conv_cases().map(_adjacent_rows)))
def test_width_columns_equal_naive(short_row: int, case: Case) -> None:
    """Strides along W, dilations, groups, uneven "same" padding: the loops' numbers, to rounding."""
    with _every_chunk_batch_last() as calls, pytest.MonkeyPatch.context() as patch:
        patch.setattr(conv_kwcols, "_SHORT_ROW", short_row)
        fast, grad, grads = forward_backward(case)
        taken = uses_width_columns(conv_geometry(case.x_shape, case.weight_shape, **case.settings))
    along_h = [value if isinstance(value, int) else value[0] for value in (case.settings[k] for k in _ROWS)]
    assert taken == (along_h == [1, 1])  # stride and dilation 1 along H: a window's rows are adjacent
    assert (calls["forward_width"] > 0) == taken
    assert_equals_naive(case, fast, grad, grads)


@contextmanager
def _every_image_large() -> Iterator[dict[str, int]]:
    """Every image its own chunk, large enough for row blocks: batch-first chunks of one image."""
    im2col._known_geometry.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as patch, _counting(patch) as calls:
            patch.setattr(im2col, "_COLUMN_BUDGET", 1)
            patch.setattr(conv_rows, "_ROW_BUDGET", 1)
            yield calls
    finally:
        im2col._known_geometry.cache_clear()


@pytest.mark.parametrize("short_row", [0, 2**20])
@pytest.mark.parametrize("block", [1, 300])  # a block of width columns a row, or a few rows
@settings(max_examples=30, deadline=None)
@given(case=conv_cases().map(_adjacent_rows))
def test_one_large_image_takes_width_columns(short_row: int, block: int, case: Case) -> None:
    """A batch-first chunk of one image: width columns a block of rows at a time, built straight from x
    with the padding's zeros around them (`conv_width_rows`); the loops' numbers."""
    with _every_image_large() as calls, pytest.MonkeyPatch.context() as patch:
        patch.setattr(conv_kwcols, "_SHORT_ROW", short_row)
        patch.setattr(conv_width_rows, "_BLOCK", block)
        fast, grad, grads = forward_backward(case)
        chunks = list(conv_geometry(case.x_shape, case.weight_shape, **case.settings).batch_chunks())
    assert all(chunk.batch == 1 and not chunk.batch_last for _, chunk in chunks)
    if fast.shape[2] > 1:  # more than one output row: row blocks, so width columns
        assert calls["forward_width_rows"] >= len(chunks)  # the forward's (a flipped-conv backward's too)
        assert calls["forward_width"] == 0
    assert_equals_naive(case, fast, grad, grads)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_width_columns_a_block_of_rows_at_a_time_give_the_whole_images_bits(dtype: Any) -> None:
    """The 32->32 layer's one-image chunks: each output row is the product the whole image's width
    columns give (`conv_kwcols.forward_width`), the same numbers in the same order, so the same bits."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 32, 64, 64)).astype(dtype)
    w, b = rng.standard_normal((32, 32, 3, 3)).astype(dtype), rng.standard_normal(32).astype(dtype)
    geom = conv_geometry(x.shape, w.shape, 1, 1, 1, 1)
    assert [len(conv_width_rows.width_row_blocks(chunk)) for _, chunk in geom.batch_chunks()] == [4, 4]
    with pytest.MonkeyPatch.context() as patch, _counting(patch) as calls, single_threaded():  # no helper
        blocks = conv2d(x, w, b, padding=1)
        def whole_image(x: Any, kernels: Any, out: Any, image: int, chunk: Any, scratch: Any) -> None:
            conv_chunks.forward_width(x, kernels, out, image, slice(image, image + 1), chunk, scratch)

        patch.setattr(conv_chunks, "forward_width_rows", whole_image)  # the whole image's columns instead
        whole = conv2d(x, w, b, padding=1)
    assert calls["forward_width"] == 2
    assert np.array_equal(blocks, whole)


def test_an_image_too_large_for_kw_copies_keeps_row_blocks(rng: np.random.Generator) -> None:
    """Past `kw_copies_fit`'s limit one image takes row blocks, as before: bounded scratch, same numbers."""
    x, w, b = (rng.standard_normal(s) for s in ((1, 32, 64, 64), (32, 32, 3, 3), (32,)))
    grad = rng.standard_normal((1, 32, 64, 64))
    within = (conv2d(x, w, b, padding=1), *conv2d_backward_weight(grad, x, w, b, padding=1))
    rows: list[str] = []
    with pytest.MonkeyPatch.context() as patch, _counting(patch) as calls:
        patch.setattr(conv_rows, "_KW_COPIES_MOST", 400_000)  # this image's copies hold 405,504 numbers
        for module, name in ((conv_chunks, "forward_rows"), (conv_rows, "weight_rows"),
                             (conv_rows, "weight_kernel_rows")):  # fmt: skip
            patch.setattr(module, name, partial(logged, getattr(module, name), name, rows))
        beyond = (conv2d(x, w, b, padding=1), *conv2d_backward_weight(grad, x, w, b, padding=1))
    assert calls["forward_width"] == 0
    assert rows == ["forward_rows", "weight_rows"]
    for got, want in zip(beyond, within, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize(
    ("x_shape", "w_shape", "settings"),
    [
        ((16, 6, 14, 14), (16, 6, 5, 5), {}),  # LeNet's conv2 at a 16-image shard: one chunk
        ((20, 4, 9, 11), (6, 2, 3, 2), {"padding": (1, 2), "dilation": (1, 2), "groups": 2}),
        ((24, 3, 8, 12), (6, 1, 2, 3), {"stride": (1, 2), "padding": (0, 1), "groups": 3}),  # depthwise
        ((18, 2, 7, 7), (4, 2, 3, 4), {"padding": "same", "dilation": (1, 2)}),  # "same": uneven along W
    ],
)
def test_width_columns_match_torch(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], settings: dict[str, Any], bias: bool, dtype: Any,
    rng: np.random.Generator,
) -> None:
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[0]) if bias else None
    every = {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, **settings}
    geom = conv_geometry(x_shape, w_shape, **every)
    assert all(uses_width_columns(chunk) for _, chunk in geom.batch_chunks())
    ours, backward = partial(conv2d, **settings), partial(conv2d_backward, **settings)
    with pytest.MonkeyPatch.context() as patch, _counting(patch) as calls:
        check_against_torch(ours, backward, torch_conv(functional.conv2d, settings), [x, w, b], rng, dtype)
    assert calls["forward_width"] == calls["weight_width"] == calls["input_width"] == 1


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "chunks"),
    [
        ((16, 6, 14, 14), (16, 6, 5, 5), [16]),  # LeNet's conv2 on a 16-image shard: one chunk
        ((32, 6, 14, 14), (16, 6, 5, 5), [32]),  # and on a 32-image shard
        ((64, 6, 14, 14), (16, 6, 5, 5), [32, 32]),  # halves for the helper process
        ((128, 6, 14, 14), (16, 6, 5, 5), [64, 64]),
        ((128, 1, 32, 32), (6, 1, 5, 5), [32] * 4),  # conv1: rows 28 wide, batch-last since #128
    ],
)
def test_lenet_convs_take_width_columns(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], chunks: list[int], rng: np.random.Generator
) -> None:
    """LeNet's conv1 and conv2 at one and several chunks: width columns for every chunk."""
    geom = conv_geometry(x_shape, w_shape, 1, 0, 1, 1)
    assert [chunk.batch for _, chunk in geom.batch_chunks()] == chunks
    width = [uses_width_columns(chunk) for _, chunk in geom.batch_chunks()]
    assert all(width)
    x, w, b = (rng.standard_normal(s) for s in (x_shape, w_shape, w_shape[:1]))
    with pytest.MonkeyPatch.context() as patch, _counting(patch) as calls, single_threaded():
        ours, backward = conv2d, conv2d_backward
        check_against_torch(ours, backward, functional.conv2d, [x, w, b], rng, np.float64)
    assert calls["forward_width"] == calls["weight_width"] == calls["input_width"] == sum(width)


def test_the_parts_alone_match_the_whole(rng: np.random.Generator) -> None:
    """The input-only and weight-only backward take the same path and give the same numbers."""
    x, w = rng.standard_normal((32, 6, 14, 14)), rng.standard_normal((16, 6, 5, 5))
    b, grad = rng.standard_normal(16), rng.standard_normal((32, 16, 10, 10))
    grad_x, grad_w, grad_b = conv2d_backward(grad, x, w, b)
    with pytest.MonkeyPatch.context() as patch, _counting(patch) as calls:
        only_x = conv2d_backward_input(grad, x, w, b)
        only_w, only_b = conv2d_backward_weight(grad, x, w, b)
    assert calls["input_width"] == calls["weight_width"] == 1
    np.testing.assert_array_equal(only_x, grad_x)
    np.testing.assert_array_equal(only_w, grad_w)
    assert only_b is not None
    np.testing.assert_array_equal(only_b, grad_b)


@pytest.mark.parametrize("batch", [32, 128, 150])
def test_threads_change_no_bit(batch: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """1 or 4 threads, with or without a layer's workspace: the same bits (BLAS on one thread)."""
    monkeypatch.setattr(threads, "available_cores", lambda: 4)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((batch, 6, 14, 14)).astype(np.float32)
    w, b = rng.standard_normal((16, 6, 5, 5)).astype(np.float32), rng.standard_normal(16).astype(np.float32)
    grad = rng.standard_normal((batch, 16, 10, 10)).astype(np.float32)
    with threadpool_limits(limits=1, user_api="blas"):
        threaded = (conv2d(x, w, b), *conv2d_backward(grad, x, w, b))
        ws = Workspace()
        kept = (conv2d(x, w, b, workspace=ws), *conv2d_backward(grad, x, w, b, workspace=ws))
        with single_threaded():
            alone = (conv2d(x, w, b), *conv2d_backward(grad, x, w, b))
    for got, held, want in zip(threaded, kept, alone, strict=True):
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(held, want)


def test_columns_are_reused_only_for_unchanged_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The backward reuses the forward's width columns, unless the input changed in place in between."""
    monkeypatch.setattr(workspace_module, "_PER_THREAD", threading.local())  # a fresh thread scratch
    rng = np.random.default_rng(4)
    x = rng.standard_normal((32, 6, 14, 14)).astype(np.float32)
    w = rng.standard_normal((16, 6, 5, 5)).astype(np.float32)
    grad = rng.standard_normal((32, 16, 10, 10)).astype(np.float32)
    with _counting(monkeypatch) as calls, single_threaded():
        conv2d(x, w)
        first = conv2d_backward_weight(grad, x, w)[0]
        built = calls["padded_source"]
        x[0, 0, 0, 0] = -x[0, 0, 0, 0]  # one number changed in place
        changed = conv2d_backward_weight(grad, x, w)[0]
    assert built == 1  # the forward's columns served the weight gradient
    assert calls["padded_source"] == 2  # rebuilt
    np.testing.assert_array_equal(changed, conv2d_backward_weight(grad, x.copy(), w)[0])
    assert not np.array_equal(changed, first)


def test_a_backward_on_one_thread_reuses_every_chunks_columns(rng: np.random.Generator) -> None:
    """conv2 at 128 images is 2 chunks: the backward, walking them last first, rebuilds neither."""
    x = rng.standard_normal((128, 6, 14, 14)).astype(np.float32)
    w, b = rng.standard_normal((16, 6, 5, 5)).astype(np.float32), rng.standard_normal(16).astype(np.float32)
    grad = rng.standard_normal((128, 16, 10, 10)).astype(np.float32)
    ws = Workspace()
    with threadpool_limits(limits=1, user_api="blas"), single_threaded():
        with pytest.MonkeyPatch.context() as patch, _counting(patch) as calls:
            conv2d(x, w, b, workspace=ws)
            grads = conv2d_backward(grad, x, w, b, workspace=ws)
        fresh = conv2d_backward(grad, x, w, b)
    assert calls["padded_source"] == 2  # the forward's two builds, none in the backward
    for got, want in zip(grads, fresh, strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_conv1d_on_a_long_batch_takes_width_columns(dtype: Any, rng: np.random.Generator) -> None:
    """A 1-D convolution is a 2-D one a pixel tall (kH = 1): short outputs on a long batch go batch-last."""
    x, w, b = rng.standard_normal((40, 3, 12)), rng.standard_normal((5, 3, 4)), rng.standard_normal(5)
    settings = {"stride": 2, "padding": 1, "dilation": 2}
    ours, backward = partial(conv1d, **settings), partial(conv1d_backward, **settings)
    with pytest.MonkeyPatch.context() as patch, _counting(patch) as calls:
        check_against_torch(ours, backward, torch_conv(functional.conv1d, settings), [x, w, b], rng, dtype)
    assert calls["forward_width"] == calls["weight_width"] == calls["input_width"] == 1


@pytest.mark.parametrize(
    ("m", "k", "n", "cap"), [(16, 150, 640, 2**20), (3, 2, 7, 12), (2, 2, 5, 1), (4, 4, 0, 1)]
)
def test_products_in_pieces_equal_the_whole(
    m: int, k: int, n: int, cap: int, rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pieces of N, even or not, cover N once in order, and give the whole product's numbers."""
    monkeypatch.setattr(conv_kwcols, "_PIECE_PRODUCT", cap)
    pieces = conv_kwcols.product_pieces(m, k, n)
    assert [i for cut in pieces for i in range(n)[cut]] == list(range(n))
    assert len(pieces) == max(1, min(n, -(-m * k * n // cap)))
    a, b = rng.integers(-9, 9, (2, 1, m, k)).astype(float), rng.integers(-9, 9, (2, 3, k, n)).astype(float)
    out = np.full((2, 3, m, n), np.nan)
    conv_kwcols.matmul_pieces(a, b, out)
    np.testing.assert_array_equal(out, a @ b)  # small integers: exact either way


@settings(max_examples=30, deadline=None)
@given(case=conv_cases().map(_adjacent_rows))
def test_width_columns_in_one_column_pieces_equal_naive(case: Case) -> None:
    """Every product in pieces one column wide (forward, input gradient): the loops' numbers still."""
    with _every_chunk_batch_last() as calls, pytest.MonkeyPatch.context() as patch:
        patch.setattr(conv_kwcols, "_PIECE_PRODUCT", 1)
        fast, grad, grads = forward_backward(case)
    assert calls["forward_width"] > 0
    assert_equals_naive(case, fast, grad, grads)
