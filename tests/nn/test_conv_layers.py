"""Conv2d's checked-once path: a layer's repeated calls give the ops' numbers and still refuse bad input."""

from __future__ import annotations

import numpy as np
import pytest

from convscope import ops
from convscope.nn import Conv2d


def _layer(rng: np.random.Generator, **settings: object) -> Conv2d:
    return Conv2d(3, 4, 3, rng=rng, **settings)  # type: ignore[arg-type]


@pytest.mark.parametrize("settings", [{}, {"stride": 2, "padding": 1}, {"groups": 1, "bias": False}])
def test_repeated_calls_match_the_ops_bit_for_bit(
    rng: np.random.Generator, settings: dict[str, object]
) -> None:
    layer = _layer(rng, **settings)
    b = None if layer.bias is None else layer.bias.data
    kwargs = {"stride": layer.stride, "padding": layer.padding}
    # the first call checks, the second takes the kept geometry, the third a new shape, the fourth again
    for shape in [(5, 3, 9, 8), (5, 3, 9, 8), (2, 3, 9, 8), (5, 3, 9, 8)]:
        x = rng.standard_normal(shape).astype(np.float32)
        out = layer.forward(x)
        np.testing.assert_array_equal(out, ops.conv2d(x, layer.weight.data, b, **kwargs))
        grad = rng.standard_normal(out.shape).astype(np.float32)
        grad_x = layer.backward(grad)
        want_x, want_w, want_b = ops.conv2d_backward(grad, x, layer.weight.data, b, **kwargs)
        np.testing.assert_array_equal(grad_x, want_x)
        np.testing.assert_array_equal(layer.weight.grad, want_w)
        layer.backward_parameters(grad)
        np.testing.assert_array_equal(layer.weight.grad, want_w)
        if layer.bias is not None:
            np.testing.assert_array_equal(layer.bias.grad, want_b)


def test_a_checked_shape_still_refuses_nan_inf_and_wrong_gradients(rng: np.random.Generator) -> None:
    layer = _layer(rng)
    x = rng.standard_normal((2, 3, 6, 6)).astype(np.float32)
    out = layer.forward(x)
    layer.forward(x)  # the geometry is kept now
    for bad in (np.nan, np.inf):
        poisoned = x.copy()
        poisoned[1, 2, 3, 4] = bad
        with pytest.raises(ValueError, match="x contains NaN or infinity"):
            layer.forward(poisoned)
    layer.forward(x)
    grad = np.ones_like(out)
    grad[0, 0, 0, 0] = -np.inf
    with pytest.raises(ValueError, match="grad_output contains NaN or infinity"):
        layer.backward(grad)
    with pytest.raises(ValueError, match="grad_output must have the forward output's shape"):
        layer.backward(np.ones((2, 4, 3, 4), np.float32))
    layer.weight.data[0, 0, 0, 0] = np.nan  # a diverged update
    with pytest.raises(ValueError, match="weight contains NaN or infinity"):
        layer.forward(x)


def test_other_dtypes_and_lists_take_the_checked_path(rng: np.random.Generator) -> None:
    layer = _layer(rng)
    x = rng.standard_normal((1, 3, 5, 5))
    layer.forward(x.astype(np.float32))
    out = layer.forward(x)  # float64 into float32 weights: float64 out, as conv2d gives
    assert out.dtype == np.float64
    bias = None if layer.bias is None else layer.bias.data
    np.testing.assert_array_equal(out, ops.conv2d(x, layer.weight.data, bias))
    np.testing.assert_array_equal(layer.forward(x.tolist()), out)
    grad = layer.backward(np.ones(out.shape).tolist())
    assert grad.shape == x.shape


@pytest.mark.parametrize("ties", [False, True])
def test_a_2x2_pool_layer_routes_from_its_forwards_winners_as_the_ops_do(
    rng: np.random.Generator, ties: bool
) -> None:
    """MaxPool2d(2) keeps where each maximum was: the ops' bits, ties to the first, twice if asked."""
    from convscope.nn import MaxPool2d
    from convscope.ops.pool_naive import max_pool2d_backward_naive

    layer = MaxPool2d(2)
    for shape in [(3, 2, 8, 6), (1, 4, 4, 4)]:  # a second shape: the winners follow the last forward
        x = rng.integers(-1, 2, shape) if ties else rng.standard_normal(shape)
        x = x.astype(np.float32)  # small integers: tied maxima in most windows
        out = layer.forward(x)
        np.testing.assert_array_equal(out, ops.max_pool2d(x, 2))
        assert layer._winners is not None  # the pairs path was taken
        grad = rng.standard_normal(out.shape).astype(np.float32)
        want = max_pool2d_backward_naive(grad, x, 2)
        np.testing.assert_array_equal(layer.backward(grad), want)
        np.testing.assert_array_equal(layer.backward(grad), want)  # the winners are not used up
        np.testing.assert_array_equal(ops.max_pool2d_backward(grad, x, 2), want)


def test_a_2x2_pool_layer_refuses_a_gradient_of_the_wrong_shape_or_nan(rng: np.random.Generator) -> None:
    from convscope.nn import MaxPool2d

    layer = MaxPool2d(2)
    out = layer.forward(rng.standard_normal((2, 3, 6, 6)).astype(np.float32))
    with pytest.raises(ValueError, match=r"grad_output must have the output's shape \(2, 3, 3, 3\)"):
        layer.backward(np.zeros((2, 3, 6, 6), np.float32))
    with pytest.raises(ValueError, match="grad_output contains NaN"):
        layer.backward(np.full(out.shape, np.nan, np.float32))
    with pytest.raises(ValueError, match="x contains NaN"):
        layer.forward(np.full((2, 3, 6, 6), np.nan, np.float32))
