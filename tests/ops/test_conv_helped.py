"""A convolution's chunks shared with the helper process give the same bits as on one thread."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from convscope import ops
from convscope.ops import helper
from convscope.ops.helper import FAILURES, FINISHED
from convscope.ops.im2col import conv_geometry
from convscope.ops.threads import single_threaded

pytestmark = pytest.mark.skipif(not helper.usable(), reason="the helper needs Linux's memfd and two cores")

CASES = [
    ((64, 6, 14, 14), (16, 6, 5, 5), {}),  # LeNet's conv2: two width-column chunks of 32
    ((64, 1, 32, 32), (6, 1, 5, 5), {}),  # conv1: two chunks, no threads
    ((256, 6, 14, 14), (16, 6, 5, 5), {}),  # four chunks: two each
    ((64, 3, 64, 64), (6, 3, 5, 5), {"padding": 2}),  # padded, batch-first im2col chunks
    ((128, 4, 32, 32), (8, 2, 3, 3), {"stride": 2, "groups": 2}),  # strided and grouped
    ((64, 8, 16, 16), (8, 8, 3, 3), {"padding": 1, "dilation": 2}),  # dilated
    ((4, 32, 64, 64), (32, 32, 3, 3), {"padding": 1}),  # one large image a chunk (row blocks)
]
SETTINGS = (("stride", 1), ("padding", 0), ("dilation", 1), ("groups", 1))  # conv_geometry's, in order


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("x_shape", "w_shape", "settings"), CASES)
def test_the_helper_gives_the_bits_of_one_thread(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], settings: dict[str, Any], dtype: type,
    rng: np.random.Generator,
) -> None:
    assert helper.wait_until_ready()
    x, w = rng.standard_normal(x_shape).astype(dtype), rng.standard_normal(w_shape).astype(dtype)
    b = rng.standard_normal(w_shape[0]).astype(dtype)
    ctrl = helper._HELPER[0].ctrl
    done, failed = ctrl[FINISHED], ctrl[FAILURES]
    out = ops.conv2d(x, w, b, **settings)
    grad = rng.standard_normal(out.shape).astype(dtype)
    both = ops.conv2d_backward(grad, x, w, b, **settings)
    weight_only = ops.conv2d_backward_weight(grad, x, w, b, **settings)
    input_only = ops.conv2d_backward_input(grad, x, w, b, **settings)
    assert ctrl[FINISHED] > done, "the helper took no part"
    assert ctrl[FAILURES] == failed, "the helper failed its part (and the caller worked it)"
    with single_threaded():
        alone = [ops.conv2d(x, w, b, **settings), *ops.conv2d_backward(grad, x, w, b, **settings),
                 *ops.conv2d_backward_weight(grad, x, w, b, **settings),
                 ops.conv2d_backward_input(grad, x, w, b, **settings)]  # fmt: skip
    for got, want in zip([out, *both, *weight_only, input_only], alone, strict=True):
        assert got.dtype == want.dtype
        assert np.array_equal(got, want)


def test_a_shard_sized_batch_stays_one_chunk_and_here(rng: np.random.Generator) -> None:
    """32 images of LeNet's conv2 (a shard of fit) are one chunk: nothing to share."""
    assert helper.wait_until_ready()
    x = rng.standard_normal((32, 6, 14, 14)).astype(np.float32)
    w = rng.standard_normal((16, 6, 5, 5)).astype(np.float32)
    done = helper._HELPER[0].ctrl[FINISHED]
    ops.conv2d(x, w)
    assert helper._HELPER[0].ctrl[FINISHED] == done


def test_inputs_in_shared_memory_give_the_same_bits(rng: np.random.Generator) -> None:
    """conv2's input as the step has it (a ReLU's result, in the helper's memory): no copy, same bits."""
    helper.close_helper()  # a fresh helper: earlier tests' blocks may have filled this one's memory
    assert helper.wait_until_ready()
    x = ops.relu(rng.standard_normal((64, 6, 14, 14)).astype(np.float32))
    assert helper._HELPER[0].locate(x) is not None
    w = rng.standard_normal((16, 6, 5, 5)).astype(np.float32)
    out = ops.conv2d(x, w)
    assert helper._HELPER[0].locate(out) is not None
    grad = ops.relu(rng.standard_normal(out.shape).astype(np.float32))
    got = [out, *ops.conv2d_backward(grad, x, w)]
    with single_threaded():
        want = [ops.conv2d(x, w), *ops.conv2d_backward(grad, x, w)]
    for a, b in zip(got, want, strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize(("x_shape", "w_shape"), [CASES[0][:2], CASES[1][:2]])
def test_a_backward_on_other_numbers_in_the_forwards_place_builds_its_own_columns(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], rng: np.random.Generator
) -> None:
    """The helper hands a forward and its backward the same array where their x lies in the same place,
    so that its workspace's columns serve again: only while their bits are x's. A backward on another x
    copied into that place (a caller's own array) or written there (an op result) must not reuse them."""
    assert helper.wait_until_ready()
    w = rng.standard_normal(w_shape).astype(np.float32)
    for shared in (False, True):
        first, other = (rng.standard_normal(x_shape).astype(np.float32) for _ in range(2))
        if shared:  # an op result: the other numbers written over it, in place, below
            first = ops.relu(first)
            assert helper._HELPER[0].locate(first) is not None
        out = ops.conv2d(first, w)
        grad = rng.standard_normal(out.shape).astype(np.float32)
        ops.conv2d_backward(grad, first, w)  # builds and keeps the columns of `first`
        if shared:
            first[...] = other  # the same place, other numbers
            other = first
        helped = ops.conv2d_backward(grad, other, w)
        with single_threaded():
            alone = ops.conv2d_backward(grad, other, w)
        assert np.array_equal(helped[0], alone[0])
        assert np.array_equal(helped[1], alone[1]), "the helper reused columns of other numbers"


def test_a_backward_with_a_flipped_input_gradient_is_one_helper_task(rng: np.random.Generator) -> None:
    """The 32->32 layer's input gradient is the flipped conv of grad_output, worked chunk by chunk with the
    weight gradient (`conv_chunks._turned`): one task, grad_output shared once, the bits of one thread."""
    assert helper.wait_until_ready()
    x = rng.standard_normal(CASES[-1][0]).astype(np.float32)
    w = rng.standard_normal(CASES[-1][1]).astype(np.float32)
    grad = rng.standard_normal(x.shape).astype(np.float32)  # 32 -> 32 channels, padding 1: x's shape
    ctrl = helper._HELPER[0].ctrl
    done, failed = ctrl[FINISHED], ctrl[FAILURES]
    got = ops.conv2d_backward(grad, x, w, padding=1)
    assert ctrl[FINISHED] == done + 1, "the flipped conv went to the helper as a task of its own"
    assert ctrl[FAILURES] == failed
    with single_threaded():
        alone = ops.conv2d_backward(grad, x, w, padding=1)
    for a, b in zip(got, alone, strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("image", [0, 3])  # the first image is this thread's, the last the helper's
def test_a_nan_found_chunk_by_chunk_raises_as_an_up_front_check(image: int, rng: np.random.Generator) -> None:
    """conv2d and conv2d_backward read x's and grad_output's values a chunk at a time, on whichever side
    works the chunk (`convscope._validate.check_chunk`); a NaN in either half must give the error an
    up-front check gave, x's before grad_output's, and change neither array."""
    assert helper.wait_until_ready()
    shape, w_shape = CASES[-1][:2]
    x, grad = (rng.standard_normal(shape).astype(np.float32) for _ in range(2))
    w = rng.standard_normal(w_shape).astype(np.float32)
    bad_x, bad_grad = x.copy(), grad.copy()
    bad_x[image, 5, 7, 9], bad_grad[image, 1, 2, 3] = np.nan, np.inf
    kept = bad_x.copy()
    with pytest.raises(ValueError, match=r"^x contains NaN or infinity; every value must be a finite number"):
        ops.conv2d(bad_x, w, padding=1)
    with pytest.raises(ValueError, match=r"^x contains NaN or infinity"):
        ops.conv2d_backward(bad_grad, bad_x, w, padding=1)  # both bad: x's error, as x is checked first
    with pytest.raises(ValueError, match=r"^grad_output contains NaN or infinity"):
        ops.conv2d_backward(bad_grad, x, w, padding=1)
    with single_threaded(), pytest.raises(ValueError, match=r"^grad_output contains NaN or infinity"):
        ops.conv2d_backward(bad_grad, x, w, padding=1)  # no helper: this thread meets it itself
    assert np.array_equal(bad_x, kept, equal_nan=True)
    with ops.trusted_values():  # no check: the NaN flows into the results, as in PyTorch
        assert np.isnan(ops.conv2d(bad_x, w, padding=1)[image]).any()
    good = ops.conv2d(x, w, padding=1)  # and the helper still takes its part
    with single_threaded():
        assert np.array_equal(good, ops.conv2d(x, w, padding=1))


def test_a_grad_output_finite_until_cast_to_float32_still_gives_gradients(rng: np.random.Generator) -> None:
    """As before chunk-by-chunk checks: grad_output is checked as given (float64, finite), then cast to
    x's float32, where 1e300 becomes infinity; the backward runs and the infinity flows on."""
    shape, w_shape = CASES[-1][:2]
    x = rng.standard_normal(shape).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    grad = rng.standard_normal(shape)
    grad[2, 0, 0, 0] = 1e300
    with pytest.warns(RuntimeWarning, match="overflow encountered in cast"):  # NumPy's, as before
        grad_x, grad_w, _ = ops.conv2d_backward(grad, x, w, padding=1)
    assert grad_x.dtype == np.float32
    assert not np.isfinite(grad_w).all()


@pytest.mark.parametrize(
    ("case", "cell", "late"),
    [
        (CASES[-1], (3, 5, 7, 9), True),  # every cell meets a window: the weight gradient is checked after
        (CASES[0], (40, 2, 13, 13), True),  # LeNet's conv2, batch-last chunks: the same
        (CASES[4], (100, 3, 31, 31), False),  # stride 2: row and column 31 meet no window; x checked first
    ],
)
def test_a_nan_is_found_whether_the_inputs_or_the_weight_gradient_are_checked(
    case: tuple[Any, ...], cell: tuple[int, ...], late: bool, rng: np.random.Generator
) -> None:
    """Where every cell meets a window, a chunk's weight gradient is checked instead of its x and
    grad_output (a NaN in either reaches it); elsewhere, as the cell that no window reads here, the inputs
    are. Either way the caller gets the up-front check's error, x's first."""
    shape, w_shape, settings = case
    assert helper.wait_until_ready()
    assert conv_geometry(shape, w_shape, *(settings.get(k, d) for k, d in SETTINGS)).links_every_cell == late
    x, w = rng.standard_normal(shape).astype(np.float32), rng.standard_normal(w_shape).astype(np.float32)
    grad = rng.standard_normal(ops.conv2d(x, w, **settings).shape).astype(np.float32)
    bad_x, bad_grad = x.copy(), grad.copy()
    bad_x[cell] = np.nan
    bad_grad[cell[0], 1, -1, -1] = -np.inf
    with pytest.raises(ValueError, match=r"^x contains NaN or infinity"):
        ops.conv2d_backward(bad_grad, bad_x, w, **settings)
    with pytest.raises(ValueError, match=r"^x contains NaN or infinity"):
        ops.conv2d_backward_weight(grad, bad_x, w, **settings)
    for backward in (ops.conv2d_backward, ops.conv2d_backward_weight):
        with pytest.raises(ValueError, match=r"^grad_output contains NaN or infinity"):
            backward(bad_grad, x, w, **settings)


def test_finite_inputs_whose_weight_gradient_overflows_still_give_it(rng: np.random.Generator) -> None:
    """Checked late, a weight gradient that overflows float32 on finite inputs is found non-finite; the
    inputs then check out, and the gradients are worked again unchecked, as before: NumPy's warning and
    the very numbers of an unchecked call, infinities and all."""
    shape, w_shape = CASES[-1][:2]
    x, grad = ((rng.random(shape) * 1e20).astype(np.float32) for _ in range(2))  # positive: +inf, no NaN
    w = rng.standard_normal(w_shape).astype(np.float32)
    with pytest.warns(RuntimeWarning, match="overflow encountered in matmul"):
        got = ops.conv2d_backward(grad, x, w, padding=1)
    with ops.trusted_values(), pytest.warns(RuntimeWarning, match="overflow encountered in matmul"):
        want = ops.conv2d_backward(grad, x, w, padding=1)
    assert not np.isfinite(got[1]).all()
    assert got[2] is want[2] is None  # no bias
    for a, b in zip(got[:2], want[:2], strict=True):
        assert np.array_equal(a, b, equal_nan=True)
