"""The transposed convolution's chunks in threads: the same bits on 4 threads as on 1."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from convscope.ops import threads
from convscope.ops.conv_transpose import conv_transpose2d, conv_transpose2d_backward
from convscope.ops.im2col import conv_geometry
from convscope.ops.threads import single_threaded


def test_threads_change_no_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The decoder layer of bench_conv_transpose.py, 4 chunks: forward and all three gradients."""
    monkeypatch.setattr(threads, "available_cores", lambda: 4)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((32, 32, 16, 16)).astype(np.float32)
    w = rng.standard_normal((32, 16, 4, 4)).astype(np.float32)
    b = rng.standard_normal(16).astype(np.float32)
    grad = rng.standard_normal((32, 16, 32, 32)).astype(np.float32)
    frame = conv_geometry((32, 16, 34, 34), (32, 16, 4, 4), 2, 0, 1, 1)  # the convolution it transposes
    assert len(list(frame.batch_chunks())) == 4

    def results() -> list[np.ndarray | None]:
        out = conv_transpose2d(x, w, b, stride=2, padding=1)
        return [out, *conv_transpose2d_backward(grad, x, w, b, stride=2, padding=1)]

    with threadpool_limits(limits=1, user_api="blas"):
        threaded = results()
        with single_threaded():
            alone = results()
    for got, want in zip(threaded, alone, strict=True):
        np.testing.assert_array_equal(got, want)
