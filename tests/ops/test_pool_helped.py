"""Max pooling in two halves, the second in the helper process: the same bits as the whole batch."""

from __future__ import annotations

import numpy as np
import pytest

from convscope import ops
from convscope.ops import helper
from convscope.ops.helper import FAILURES, FINISHED
from convscope.ops.threads import single_threaded

pytestmark = pytest.mark.skipif(not helper.usable(), reason="the helper needs Linux's memfd and two cores")


@pytest.mark.parametrize(
    ("shape", "settings"),
    [
        ((64, 6, 28, 28), {"kernel_size": 2}),  # LeNet's pool1 at 64 images: 2x2 pairs
        ((128, 16, 10, 10), {"kernel_size": 2}),  # pool2 at 128 images (at 64, only its backward halved)
        ((64, 8, 27, 27), {"kernel_size": 3, "stride": 2, "padding": 1}),  # overlapping, padded
        ((128, 4, 20, 20), {"kernel_size": 2, "dilation": 2}),
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pooling_in_halves_gives_the_bits_of_the_whole(
    shape: tuple[int, ...], settings: dict[str, int], dtype: type, rng: np.random.Generator
) -> None:
    assert helper.wait_until_ready()
    ctrl = helper._HELPER[0].ctrl
    # Ties, as conv1 makes on MNIST's blank background: many windows share their maximum.
    x = ops.relu(np.round(rng.standard_normal(shape), 1).astype(dtype))  # a result: in shared memory
    done, failed = ctrl[FINISHED], ctrl[FAILURES]
    out = ops.max_pool2d(x, **settings)
    grad = rng.standard_normal(out.shape).astype(dtype)
    back = ops.max_pool2d_backward(grad, x, **settings)
    assert ctrl[FINISHED] == done + 2, "the helper did not take both halves"
    assert ctrl[FAILURES] == failed
    with single_threaded():
        assert np.array_equal(out, ops.max_pool2d(x, **settings))
        assert np.array_equal(back, ops.max_pool2d_backward(grad, x, **settings))


def test_an_input_outside_shared_memory_is_pooled_here_alone(rng: np.random.Generator) -> None:
    """Copying it to the helper would cost more than its half saves."""
    assert helper.wait_until_ready()
    ctrl = helper._HELPER[0].ctrl
    x = rng.standard_normal((64, 6, 28, 28)).astype(np.float32)  # the caller's own array
    done = ctrl[FINISHED]
    out = ops.max_pool2d(x, 2)
    assert ctrl[FINISHED] == done
    with single_threaded():
        assert np.array_equal(out, ops.max_pool2d(x, 2))
