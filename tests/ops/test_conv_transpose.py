"""conv_transpose2d / conv_transpose1d: PyTorch is the oracle for values and gradients; the scatter loops
and the transposed matrix must agree too."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch.nn import functional

from convscope.matrix import convolution_matrix
from convscope.ops import (
    conv2d,
    conv_transpose1d,
    conv_transpose1d_backward,
    conv_transpose1d_backward_naive,
    conv_transpose1d_naive,
    conv_transpose2d,
    conv_transpose2d_backward,
    conv_transpose2d_backward_naive,
    conv_transpose2d_naive,
)
from tests.oracle import check_against_torch, gradcheck


@dataclass(frozen=True)
class Case:
    """One random transposed convolution: array shapes plus the settings, in PyTorch's terms."""

    x_shape: tuple[int, ...]
    weight_shape: tuple[int, ...]
    bias: bool
    settings: dict[str, Any]
    seed: int

    def arrays(self) -> list[np.ndarray | None]:
        rng = np.random.default_rng(self.seed)
        bias = rng.standard_normal(self.weight_shape[1] * self.settings["groups"]) if self.bias else None
        return [rng.standard_normal(self.x_shape), rng.standard_normal(self.weight_shape), bias]


@st.composite
def transpose_cases(draw: st.DrawFn, ndim: int = 2, groups: int = 3) -> Case:
    """Random shapes, groups, strides, paddings, output paddings and dilations whose output is not empty."""
    per_axis = st.tuples(*[st.integers(1, 3)] * ndim)
    g = draw(st.integers(1, groups))
    c_in, c_out = g * draw(st.integers(1, 3)), g * draw(st.integers(1, 3))
    kernel, stride, dilation = draw(per_axis), draw(per_axis), draw(per_axis)
    size = draw(st.tuples(*[st.integers(1, 5)] * ndim))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(ndim))
    # PyTorch allows output_padding below the stride or below the dilation
    extra = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True))
    out = [(n - 1) * s - 2 * p + d * (k - 1) + e + 1
           for n, s, p, d, k, e in zip(size, stride, padding, dilation, kernel, extra, strict=True)]
    assume(min(out) >= 1)
    one = (lambda t: t[0]) if ndim == 1 else (lambda t: t)  # conv_transpose1d takes plain ints
    named = {"stride": stride, "padding": padding, "output_padding": extra, "dilation": dilation}
    s = {key: one(value) for key, value in named.items()} | {"groups": g}
    x_shape, weight_shape = (draw(st.integers(1, 3)), c_in, *size), (c_in, c_out // g, *kernel)
    return Case(x_shape, weight_shape, draw(st.booleans()), s, draw(st.integers(0, 2**32 - 1)))


def torch_op(fn: Any, s: dict[str, Any]) -> Any:
    """fn(x, weight, bias) with the settings bound, for check_against_torch."""
    return lambda x, w, b: fn(x, w, b, **s)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@settings(max_examples=40, deadline=None)
@given(case=transpose_cases())
def test_conv_transpose2d_matches_torch(case: Case, dtype: Any) -> None:
    ours = partial(conv_transpose2d, **case.settings)
    backward = partial(conv_transpose2d_backward, **case.settings)
    theirs = torch_op(functional.conv_transpose2d, case.settings)
    check_against_torch(ours, backward, theirs, case.arrays(), np.random.default_rng(case.seed), dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@settings(max_examples=30, deadline=None)
@given(case=transpose_cases(ndim=1))
def test_conv_transpose1d_matches_torch(case: Case, dtype: Any) -> None:
    ours = partial(conv_transpose1d, **case.settings)
    backward = partial(conv_transpose1d_backward, **case.settings)
    theirs = torch_op(functional.conv_transpose1d, case.settings)
    check_against_torch(ours, backward, theirs, case.arrays(), np.random.default_rng(case.seed), dtype)


def test_decoder_layer_matches_torch(rng: np.random.Generator) -> None:
    # The benchmark's layer, smaller batch: 32 -> 16 channels, kernel 4, stride 2, padding 1 (16 -> 32).
    x, w = rng.standard_normal((3, 32, 16, 16)), rng.standard_normal((32, 16, 4, 4))
    b = rng.standard_normal(16)
    s = {"stride": 2, "padding": 1}
    ours, backward = partial(conv_transpose2d, **s), partial(conv_transpose2d_backward, **s)
    check_against_torch(ours, backward, torch_op(functional.conv_transpose2d, s), [x, w, b], rng)


@settings(max_examples=25, deadline=None)
@given(case=transpose_cases())
def test_conv_transpose2d_equals_scatter_loops(case: Case) -> None:
    _assert_fast_equals_naive(case, (conv_transpose2d, conv_transpose2d_backward),
                              (conv_transpose2d_naive, conv_transpose2d_backward_naive))


@settings(max_examples=15, deadline=None)
@given(case=transpose_cases(ndim=1))
def test_conv_transpose1d_equals_scatter_loops(case: Case) -> None:
    _assert_fast_equals_naive(case, (conv_transpose1d, conv_transpose1d_backward),
                              (conv_transpose1d_naive, conv_transpose1d_backward_naive))


def _assert_fast_equals_naive(case: Case, fast_ops: tuple[Any, Any], naive_ops: tuple[Any, Any]) -> None:
    x, w, b = case.arrays()
    fast = fast_ops[0](x, w, b, **case.settings)
    np.testing.assert_allclose(fast, naive_ops[0](x, w, b, **case.settings), rtol=1e-12, atol=1e-12)
    grad = np.random.default_rng(case.seed).standard_normal(fast.shape)
    pairs = zip(fast_ops[1](grad, x, w, b, **case.settings), naive_ops[1](grad, x, w, b, **case.settings),
                strict=True)
    for name, (f, n) in zip(("x", "weight", "bias"), pairs, strict=True):
        if b is None and name == "bias":
            assert f is None
            assert n is None
        else:
            np.testing.assert_allclose(f, n, rtol=1e-12, atol=1e-12, err_msg=name)


@settings(max_examples=40, deadline=None)
@given(case=transpose_cases(groups=1))
def test_conv_transpose2d_is_the_transposed_matrix(case: Case) -> None:
    # One channel: the output is M.T @ x.ravel(), M the matrix of the convolution from the output's shape.
    x, w, _ = case.arrays()
    x, w = x[:1, :1], w[:1, :1]  # (1, 1, H, W), (1, 1, kH, kW)
    s = case.settings
    # output_padding past the stride: the convolution from the output would have more rows than x has
    assume(all(e < step for e, step in zip(s["output_padding"], s["stride"], strict=True)))
    out = conv_transpose2d(x, w, **s)[0, 0]
    geometry = {key: s[key] for key in ("stride", "padding", "dilation")}
    m = convolution_matrix(w[0, 0], out.shape, **geometry)  # (H_out*W_out, H*W): out -> x
    assert m.shape == (x[0, 0].size, out.size)
    np.testing.assert_allclose(out, (m.T @ x[0, 0].ravel()).reshape(out.shape), rtol=1e-12, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(case=transpose_cases())
def test_conv_transpose2d_is_the_adjoint_of_conv2d(case: Case) -> None:
    # <conv2d(y, w), x> == <y, conv_transpose2d(x, w)> for every y of the transposed output's shape.
    x, w, _ = case.arrays()
    s = case.settings
    y = np.random.default_rng(case.seed + 1).standard_normal(conv_transpose2d(x, w, **s).shape)
    conv = conv2d(y, w, stride=s["stride"], padding=s["padding"], dilation=s["dilation"], groups=s["groups"])
    h, wd = x.shape[2:]
    # output_padding past the stride adds outputs conv2d sees but the transposed op never reaches
    assert conv.shape[2] >= h
    assert conv.shape[3] >= wd
    np.testing.assert_allclose(np.sum(conv[:, :, :h, :wd] * x), np.sum(y * conv_transpose2d(x, w, **s)),
                               rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    "s",
    [
        {},
        {"stride": 2, "padding": 1, "output_padding": 1},
        {"stride": (1, 2), "padding": (1, 0), "dilation": (2, 1), "groups": 2},
        {"stride": 1, "dilation": 3, "output_padding": 2, "padding": 2},  # output_padding past the stride
    ],
)
def test_conv_transpose2d_backward_matches_numerical_gradient(
    s: dict[str, Any], rng: np.random.Generator
) -> None:
    x = rng.standard_normal((2, 2, 3, 4))
    groups = s.get("groups", 1)
    w = rng.standard_normal((2, 3 if groups == 1 else 1, 2, 3))  # (C_in, C_out/groups, kH, kW)
    b = rng.standard_normal(w.shape[1] * groups)
    gradcheck(partial(conv_transpose2d, **s), partial(conv_transpose2d_backward, **s), [x, w, b], rng)


def test_conv_transpose1d_backward_matches_numerical_gradient(rng: np.random.Generator) -> None:
    s = {"stride": 2, "padding": 1, "output_padding": 1, "dilation": 2}
    x, w, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 2, 3)), rng.standard_normal(2)
    gradcheck(partial(conv_transpose1d, **s), partial(conv_transpose1d_backward, **s), [x, w, b], rng)


def test_worked_example_by_hand() -> None:
    # Kernel 3, stride 2: neighbouring copies overlap on one cell, the checkerboard's cause.
    out = conv_transpose1d(np.array([[[1.0, 10.0, 100.0]]]), np.array([[[1.0, 2.0, 3.0]]]), stride=2)
    np.testing.assert_array_equal(out[0, 0], [1, 2, 3 + 10, 20, 30 + 100, 200, 300])
    cropped = conv_transpose1d(np.array([[[1.0, 10.0, 100.0]]]), np.array([[[1.0, 2.0, 3.0]]]), stride=2,
                               padding=1, output_padding=1)
    np.testing.assert_array_equal(cropped[0, 0], [2, 13, 20, 130, 200, 300])  # one cell cropped, one added


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype: Any, rng: np.random.Generator) -> None:
    x, w, b = (rng.standard_normal(s).astype(dtype) for s in ((2, 3, 4, 4), (3, 2, 3, 3), (2,)))
    out = conv_transpose2d(x, w, b, stride=2)
    grads = conv_transpose2d_backward(np.ones_like(out), x, w, b, stride=2)
    assert out.dtype == dtype
    assert all(g is not None and g.dtype == dtype for g in grads)
    assert conv_transpose1d(x[:, :, 0], w[:, :, 0], b).dtype == dtype


X, W = np.ones((2, 4, 3, 3)), np.ones((4, 3, 2, 2))


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((np.ones((4, 3, 3)), W), {}, ValueError, r"x must be 4-D \(N, C_in, H, W\), got shape \(4, 3, 3\)"),
        ((X, np.ones((4, 3, 2))), {}, ValueError, r"weight must be 4-D \(C_in, C_out/groups, kH, kW\)"),
        ((X, np.ones((3, 3, 2, 2))), {}, ValueError,
         r"weight must be \(C_in, C_out/groups, kH, kW\) with C_in=4, x's channels; got shape \(3, 3,"),
        ((X, W), {"groups": 3}, ValueError, r"groups=3 must divide x's channels C_in=4"),
        ((X, W), {"groups": 0}, ValueError, r"groups must be >= 1, got 0"),
        ((X, W), {"stride": 0}, ValueError, r"stride must be >= 1, got 0"),
        ((X, W), {"stride": 1.5}, TypeError, r"stride must be an integer, got 1.5"),
        ((X, W), {"dilation": (1, 0)}, ValueError, r"dilation\[1\] must be >= 1, got 0"),
        ((X, W), {"padding": -1}, ValueError, r"padding must be >= 0, got -1"),
        ((X, W), {"padding": "same"}, TypeError, r"padding must be an integer, got 'same'"),
        ((X, W), {"output_padding": -1}, ValueError, r"output_padding must be >= 0, got -1"),
        ((X, W), {"stride": 2, "output_padding": 2}, ValueError,
         r"output_padding 2 along the height must be smaller than the stride \(2\) or the dilation \(1\)"),
        ((X, W), {"stride": (1, 2), "output_padding": (0, 2), "dilation": (1, 2)}, ValueError,
         r"output_padding 2 along the width must be smaller than the stride \(2\) or the dilation \(2\)"),
        ((X, W), {"padding": 3}, ValueError,
         r"padding 3 crops away the whole output along the height: .* = -2; use padding <= 1"),
        ((np.ones((2, 4, 0, 3)), W), {}, ValueError, r"x must have no empty axis \(N, C_in, H, W\)"),
        ((X, np.ones((4, 0, 2, 2))), {}, ValueError, r"weight must have no empty axis"),
        ((np.full((2, 4, 3, 3), np.nan), W), {}, ValueError, r"x contains NaN or infinity"),
        ((X, W, np.ones(4)), {}, ValueError, r"bias must have one value per output channel, C_out=3"),
        ((X, W, np.ones(3)), {"groups": 2}, ValueError, r"bias must have one value per output .*C_out=6"),
        ((X, "kernel"), {}, TypeError, r"weight must be an array of numbers"),
    ],
)
def test_conv_transpose2d_rejects_bad_input(
    args: tuple[Any, ...], kwargs: dict[str, Any], error: type, message: str
) -> None:
    for op in (conv_transpose2d, conv_transpose2d_naive):
        with pytest.raises(error, match=message):
            op(*args, **kwargs)
    for backward in (conv_transpose2d_backward, conv_transpose2d_backward_naive):
        with pytest.raises(error, match=message):
            backward(np.ones((2, 3, 4, 4)), *args, **kwargs)


def test_backward_rejects_grad_output_of_the_wrong_shape() -> None:
    for backward in (conv_transpose2d_backward, conv_transpose2d_backward_naive):
        with pytest.raises(ValueError, match=r"must have the forward output's shape \(2, 3, 4, 4\)"):
            backward(np.ones((2, 3, 3, 3)), X, W)
    for backward_1d in (conv_transpose1d_backward, conv_transpose1d_backward_naive):
        with pytest.raises(ValueError, match=r"grad_output must be 3-D \(N, C_out, L_out\)"):
            backward_1d(np.ones((2, 3, 4, 4)), X[:, :, 0], W[:, :, 0])
        with pytest.raises(ValueError, match=r"grad_output must have the forward output's shape \(2, 3, 4\)"):
            backward_1d(np.ones((2, 3, 5)), X[:, :, 0], W[:, :, 0])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"stride": (1, 2)}, TypeError, r"stride must be an integer"),
        ({"stride": 2, "output_padding": 3}, ValueError, r"output_padding 3 along the length must be"),
        ({"padding": 3}, ValueError, r"crops away the whole output along the length"),
        ({"groups": 3}, ValueError, r"groups=3 must divide x's channels C_in=4"),
    ],
)
def test_conv_transpose1d_rejects_bad_settings(kwargs: dict[str, Any], error: type, message: str) -> None:
    for op in (conv_transpose1d, conv_transpose1d_naive):
        with pytest.raises(error, match=message):
            op(X[:, :, 0], W[:, :, 0], **kwargs)


def test_conv_transpose1d_rejects_images() -> None:
    with pytest.raises(ValueError, match=r"x must be 3-D \(N, C_in, L\)"):
        conv_transpose1d(X, W)
    with pytest.raises(ValueError, match=r"weight must be 3-D \(C_in, C_out/groups, K\)"):
        conv_transpose1d(X[:, :, 0], W)
