"""ReLU and its gradient in two halves, the second in the helper process: the same bits as the whole."""

from __future__ import annotations

import numpy as np
import pytest

from convscope import ops
from convscope.ops import elementwise_helped, helper
from convscope.ops.helper import FAILURES, FINISHED
from convscope.ops.threads import single_threaded

pytestmark = pytest.mark.skipif(not helper.usable(), reason="the helper needs Linux's memfd and two cores")


def _shared(values: np.ndarray) -> np.ndarray:
    """``values`` copied into an op result (`recycle`'s memory, which the helper shares)."""
    result = ops.relu(np.zeros(values.shape, values.dtype))
    result[...] = values
    return result


@pytest.mark.parametrize(
    "shape",
    [
        (256, 6, 14, 14),  # LeNet's first ReLU at 256 images (pool first)
        (3, 2**17 + 5),  # halves cut on a 64-byte line, not in the middle
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_in_halves_gives_the_bits_of_the_whole(
    shape: tuple[int, ...], dtype: type, rng: np.random.Generator
) -> None:
    assert helper.wait_until_ready()
    ctrl = helper._HELPER[0].ctrl
    x = _shared(np.round(rng.standard_normal(shape), 1).astype(dtype))  # zeros among them: x == 0 -> 0
    grad = _shared(rng.standard_normal(shape).astype(dtype))
    done, failed = ctrl[FINISHED], ctrl[FAILURES]
    out = ops.relu(x)
    back = ops.relu_backward(grad, x)
    assert ctrl[FINISHED] == done + 2, "the helper did not take both second halves"
    assert ctrl[FAILURES] == failed
    assert np.array_equal(out, np.maximum(x, 0))
    assert np.array_equal(back, np.where(x > 0, grad, 0))
    with single_threaded():
        assert np.array_equal(out, ops.relu(x))
        assert np.array_equal(back, ops.relu_backward(grad, x))


def test_arrays_outside_shared_memory_or_small_ones_stay_here(rng: np.random.Generator) -> None:
    """Copying an array to the helper would cost more than its half saves; a small one is not worth it."""
    assert helper.wait_until_ready()
    ctrl = helper._HELPER[0].ctrl
    own = rng.standard_normal((256, 6, 14, 14)).astype(np.float32)  # the caller's own array
    small = _shared(rng.standard_normal(elementwise_helped._MIN_VALUES - 1).astype(np.float32))
    done = ctrl[FINISHED]
    assert np.array_equal(ops.relu(own), np.maximum(own, 0))
    assert np.array_equal(ops.relu_backward(own, own), np.where(own > 0, own, 0))
    assert np.array_equal(ops.relu(small), np.maximum(small, 0))
    assert ctrl[FINISHED] == done


def test_a_relu_or_a_pooling_starts_no_helper(rng: np.random.Generator) -> None:
    """They help only with op results in the helper's memory, so where none runs (a server's lesson on a
    large picture, say) they start none; a convolution does."""
    helper.close_helper()
    picture = rng.standard_normal((2, 3, 256, 256)).astype(np.float32)
    ops.relu_backward(picture, ops.relu(picture))
    ops.max_pool2d_backward(ops.max_pool2d(picture, 2), picture, 2)
    assert not helper._HELPER, "a ReLU or a pooling started a helper process"
    x = rng.standard_normal((64, 6, 14, 14)).astype(np.float32)  # LeNet's conv2 at 64 images
    ops.conv2d(x, rng.standard_normal((16, 6, 5, 5)).astype(np.float32))
    assert helper._HELPER, "the convolution started no helper"
    assert helper.wait_until_ready()
