"""Activations: values and gradients against PyTorch, numerical gradients, stability, bad inputs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope.ops import activations, threads
from convscope.ops.activations import (
    leaky_relu,
    leaky_relu_backward,
    log_softmax,
    log_softmax_backward,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    softmax,
    softmax_backward,
    tanh,
    tanh_backward,
)
from tests.oracle import check_against_torch, gradcheck
from tests.split_runs import split_from_one

DTYPES = [np.float64, np.float32]
FEW = settings(max_examples=25, deadline=None)
ELEMENTWISE: list[tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]] = [
    (relu, relu_backward, torch.relu),
    (tanh, tanh_backward, torch.tanh),
    (sigmoid, sigmoid_backward, torch.sigmoid),
]
ALONG_DIM: list[tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]] = [
    (softmax, softmax_backward, torch.softmax),
    (log_softmax, log_softmax_backward, torch.log_softmax),
]

def _leaky(slope: float) -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
    """leaky_relu at one slope, as the (ours, ours_backward, theirs) triple the tests take."""
    return (lambda x: leaky_relu(x, slope), lambda g, x: leaky_relu_backward(g, x, slope),
            lambda t: torch.nn.functional.leaky_relu(t, slope))


ELEMENTWISE += [_leaky(0.01), _leaky(0.2), _leaky(-0.5)]
shapes = st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("ours", "ours_backward", "theirs"), ELEMENTWISE)
@FEW
@given(shape=shapes, seed=st.integers(0, 2**32 - 1), scale=st.sampled_from([1.0, 30.0]))
def test_elementwise_matches_torch(ours: Any, ours_backward: Any, theirs: Any, dtype: Any,
                                   shape: tuple[int, ...], seed: int, scale: float) -> None:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * scale
    x.flat[0] = 0.0  # relu's gradient at exactly 0 is 0 in PyTorch; check we agree
    check_against_torch(ours, ours_backward, theirs, [x], rng, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("ours", "ours_backward", "theirs"), ALONG_DIM)
@FEW
@given(shape=shapes, seed=st.integers(0, 2**32 - 1), data=st.data())
def test_softmaxes_match_torch(ours: Any, ours_backward: Any, theirs: Any, dtype: Any,
                               shape: tuple[int, ...], seed: int, data: Any) -> None:
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    rng = np.random.default_rng(seed)
    check_against_torch(lambda x: ours(x, dim), lambda g, x: ours_backward(g, x, dim),
                        lambda x: theirs(x, dim), [rng.standard_normal(shape) * 5], rng, dtype)


@pytest.mark.parametrize(("ours", "ours_backward", "_"), ELEMENTWISE + ALONG_DIM)
def test_gradcheck(rng: np.random.Generator, ours: Any, ours_backward: Any, _: Any) -> None:
    x = rng.standard_normal((3, 4))
    x[np.abs(x) < 1e-3] = 0.5  # keep relu away from its kink, where the finite difference is meaningless
    gradcheck(ours, ours_backward, [x], rng)


def test_softmax_gradcheck_along_first_axis(rng: np.random.Generator) -> None:
    x = rng.standard_normal((3, 4))
    gradcheck(lambda x: softmax(x, 0), lambda g, x: softmax_backward(g, x, 0), [x], rng)
    gradcheck(lambda x: log_softmax(x, 0), lambda g, x: log_softmax_backward(g, x, 0), [x], rng)


def test_stable_for_huge_inputs() -> None:
    x = np.array([[-1000.0, 0.0, 1000.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
        np.testing.assert_array_equal(sigmoid(x), [[0.0, 0.5, 1.0]])
        np.testing.assert_allclose(softmax(x), [[0.0, 0.0, 1.0]])
        np.testing.assert_allclose(log_softmax(x), [[-2000.0, -1000.0, 0.0]])
        assert np.all(np.isfinite(sigmoid_backward(np.ones((1, 3)), x)))


def test_hand_checkable_values() -> None:
    np.testing.assert_array_equal(relu([[-1.0, 2.0]]), [[0.0, 2.0]])
    np.testing.assert_allclose(softmax([np.log(1.0), np.log(3.0)]), [0.25, 0.75])
    np.testing.assert_allclose(log_softmax([np.log(1.0), np.log(3.0)]), np.log([0.25, 0.75]))
    np.testing.assert_allclose(sigmoid([np.log(3.0)]), [0.75])  # 1 / (1 + 1/3)


@pytest.mark.parametrize("shape", [(), (1,), (3, 0), (2, 3, 4)])
@pytest.mark.parametrize(("forward", "backward"), [(relu, relu_backward), (tanh, tanh_backward)])
def test_elementwise_ops_keep_the_input_shape(forward: Any, backward: Any, shape: tuple[int, ...]) -> None:
    # A 0-D input (a plain number) gives a 0-D result, not a 1-D one: the flat views inside are internal.
    x = np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape)
    assert forward(x).shape == shape
    assert backward(np.ones(shape), x).shape == shape
    assert np.asarray(forward(2.0)).shape == ()


def test_float32_stays_float32() -> None:
    x = np.ones((2, 3), dtype=np.float32)
    g = np.ones((2, 3), dtype=np.float32)
    for f, fb, _ in ELEMENTWISE + ALONG_DIM:
        assert f(x).dtype == np.float32
        assert fb(g, x).dtype == np.float32


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: relu(np.array([1.0, np.nan])), ValueError, r"x contains NaN or infinity"),
    (lambda: sigmoid(np.array([np.inf])), ValueError, r"x contains NaN or infinity"),
    (lambda: tanh("abc"), TypeError, r"x must be an array of numbers"),
    (lambda: softmax(np.zeros((2, 3)), 2), ValueError, r"dim must be <= 1, got 2"),
    (lambda: log_softmax(np.zeros((2, 3)), -3), ValueError, r"dim must be >= -2, got -3"),
    (lambda: softmax(np.zeros((2, 3)), 1.0), TypeError, r"dim must be an integer"),
    (lambda: softmax(np.float64(1.0)), ValueError, r"x must have at least one axis"),
    (lambda: relu_backward(np.ones(2), np.ones(3)), ValueError,
     r"grad_output must have the shape of x \(3,\), got \(2,\)"),
    (lambda: softmax_backward(np.full((1, 2), np.nan), np.ones((1, 2))), ValueError,
     r"grad_output contains NaN"),
])
def test_bad_inputs_are_refused_clearly(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_leaky_relu_refuses_a_slope_that_is_not_a_finite_number() -> None:
    with pytest.raises(ValueError, match="negative_slope must be finite"):
        leaky_relu(np.ones(2), float("nan"))
    with pytest.raises(TypeError, match="negative_slope must be a number"):
        leaky_relu_backward(np.ones(2), np.ones(2), "0.1")


@pytest.mark.parametrize("direction", ["forward", "backward"])
@pytest.mark.parametrize("layout", ["C order", "Fortran order", "strided"])
@pytest.mark.parametrize("on", ["default threads", "one thread"])
def test_relu_in_two_halves_gives_the_same_bits(
    rng: np.random.Generator, direction: str, layout: str, on: str
) -> None:
    # From threads.SPLIT_FROM values ReLU and its backward work two halves of the flat arrays; any
    # layout of x or grad_output must land each value where it belongs.
    whole_x = rng.integers(-2, 3, (4, 3, 10, 12)).astype(np.float32)  # zeros: the x == 0 rule too
    whole_g = rng.standard_normal(whole_x.shape).astype(np.float32)
    x, g = {
        "C order": (whole_x, whole_g),
        "Fortran order": (np.asfortranarray(whole_x), np.asfortranarray(whole_g)),
        "strided": (whole_x[:, :, ::2], whole_g[:, :, 1::2]),
    }[layout]
    expected = np.where(x > 0, g if direction == "backward" else x, np.float32(0))
    threading = threads.single_threaded() if on == "one thread" else contextlib.nullcontext()
    with split_from_one(activations) as runs, threading:
        got = relu_backward(g, x) if direction == "backward" else relu(x)
    assert runs == [2]
    assert got.flags.c_contiguous
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, expected)
