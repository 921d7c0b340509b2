"""A one-chunk backward in two halves: which shapes split, both threads work, the bits do not move."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
from threadpoolctl import threadpool_limits
from torch.nn import functional

from convscope.ops import conv_chunks, threads
from convscope.ops.conv import conv2d, conv2d_backward
from convscope.ops.conv_chunks import backward_items
from convscope.ops.im2col import conv_geometry
from convscope.ops.threads import single_threaded
from convscope.ops.workspace import Workspace
from tests.oracle import check_against_torch


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "want"),
    [
        ((64, 6, 14, 14), (16, 6, 5, 5), [(True, False), (False, True)]),  # LeNet conv2, one chunk of 64
        ((32, 6, 14, 14), (16, 6, 5, 5), [(True, True)]),  # a shard's 32 images: too little to split
        ((128, 6, 14, 14), (16, 6, 5, 5), [(True, True)] * 2),  # two chunks: one a thread already
        ((32, 1, 32, 32), (6, 1, 5, 5), [(True, False), (False, True)]),  # a batch-first im2col chunk
    ],
)
def test_which_backwards_split(x_shape: Any, w_shape: Any, want: list[tuple[bool, bool]]) -> None:
    chunks = list(conv_geometry(x_shape, w_shape, 1, 0, 1, 1).batch_chunks())
    assert [halves for _, _, halves in backward_items(chunks, True, True)] == want
    assert {halves for _, _, halves in backward_items(chunks, False, True)} == {(False, True)}


@pytest.mark.parametrize(("batch", "c_in"), [(64, 6), (32, 1)])  # width columns, then im2col columns
def test_the_halves_run_on_two_threads_and_change_no_bit(
    batch: int, c_in: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two threads take one half each; 1 or 4 threads, with a layer's workspace or not: the same bits."""
    monkeypatch.setattr(threads, "available_cores", lambda: 4)
    workers: list[int] = []  # the thread of each half (each reorders grad_output for itself)
    real = conv_chunks._grad_rows

    def watched(*args: Any) -> Any:
        workers.append(threading.get_ident())
        return real(*args)

    monkeypatch.setattr(conv_chunks, "_grad_rows", watched)
    rng = np.random.default_rng(3)
    c_out, size, out = (16, 14, 10) if c_in == 6 else (6, 32, 28)
    x = rng.standard_normal((batch, c_in, size, size)).astype(np.float32)
    w = rng.standard_normal((c_out, c_in, 5, 5)).astype(np.float32)
    b = rng.standard_normal(c_out).astype(np.float32)
    grad = rng.standard_normal((batch, c_out, out, out)).astype(np.float32)
    with threadpool_limits(limits=1, user_api="blas"):
        ws = Workspace()
        kept = (conv2d(x, w, b, workspace=ws), *conv2d_backward(grad, x, w, b, workspace=ws))
        threaded = (conv2d(x, w, b), *conv2d_backward(grad, x, w, b))
        assert len(workers) == 4  # two backwards, two halves each
        assert len(set(workers[:2])) == len(set(workers[2:])) == 2
        with single_threaded():
            alone = (conv2d(x, w, b), *conv2d_backward(grad, x, w, b))
    assert workers[4:] == [threading.get_ident()] * 2  # both halves on the calling thread
    for got, held, want in zip(threaded, kept, alone, strict=True):
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(held, want)


def test_a_split_backward_matches_torch(rng: np.random.Generator) -> None:
    """LeNet's conv2 on 64 images, its backward in two halves on two threads: PyTorch's numbers."""
    inputs = [rng.standard_normal(s) for s in ((64, 6, 14, 14), (16, 6, 5, 5), (16,))]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(threads, "available_cores", lambda: 2)
        check_against_torch(conv2d, conv2d_backward, functional.conv2d, inputs, rng, np.float64)
