"""`convscope.ops.trusted_values`: a loop that checks its own edges lets the ops skip their NaN reads."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from convscope import ops

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 3, 8, 8))
W = RNG.standard_normal((4, 3, 3, 3))


def test_inside_the_ops_take_nan_through_as_pytorch_does_and_outside_they_refuse_it() -> None:
    x = X.copy()
    x[0, 0, 0, 0] = np.nan
    with ops.trusted_values(), np.errstate(invalid="ignore"):
        out = ops.conv2d(x, W)
        pooled = ops.max_pool2d(ops.relu(out), 2)
        grad_x, grad_w, _ = ops.conv2d_backward(np.ones_like(out), x, W)
    assert np.isnan(out[0, :, 0, 0]).all()  # every window that reads the NaN holds NaN
    assert np.isfinite(out[1]).all()  # the other image is untouched by it
    assert pooled.shape == (2, 4, 3, 3)
    assert np.isnan(grad_w[:, 0, 0, 0]).all()  # the corner is read by each kernel's top-left tap only
    assert np.count_nonzero(np.isnan(grad_w)) == 4
    assert np.isfinite(grad_x).all()  # the input gradient reads only grad_output and W
    with pytest.raises(ValueError, match="x contains NaN or infinity"):
        ops.conv2d(x, W)


def test_inside_a_wrong_shape_or_type_is_still_refused_and_the_numbers_are_the_same() -> None:
    with ops.trusted_values():
        with pytest.raises(ValueError, match=r"x must be 4-D \(N, C, H, W\)"):
            ops.max_pool2d(X[0], 2)
        with pytest.raises(TypeError):
            ops.relu("1.0")
        trusted = ops.conv2d_backward(np.ones((2, 4, 6, 6)), X, W)
    for ours, checked in zip(trusted, ops.conv2d_backward(np.ones((2, 4, 6, 6)), X, W), strict=True):
        np.testing.assert_array_equal(ours, checked)


def test_it_holds_on_the_calling_thread_only() -> None:
    nan = np.full((1, 4), np.nan)
    refused: list[ValueError] = []

    def elsewhere() -> None:
        try:
            ops.relu(nan)
        except ValueError as error:
            refused.append(error)

    with ops.trusted_values():
        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
        assert np.isnan(ops.relu(nan)).all()
    assert len(refused) == 1
