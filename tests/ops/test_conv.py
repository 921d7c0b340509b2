"""conv2d / conv1d: PyTorch is the oracle for values and gradients; the naive loops must agree too."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pytest
import scipy.signal
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional

from convscope.ops import conv_chunks
from convscope.ops.conv import (
    conv2d,
    conv2d_backward,
    conv2d_backward_input,
    conv2d_backward_weight,
    flip_kernel,
)
from convscope.ops.conv1d import conv1d, conv1d_backward
from convscope.ops.conv_naive import (
    conv1d_backward_naive,
    conv1d_naive,
    conv2d_backward_naive,
    conv2d_naive,
)
from convscope.ops.im2col import conv_geometry
from tests.oracle import check_against_torch, gradcheck


@dataclass(frozen=True)
class Case:
    """One random convolution: array shapes plus the settings, in PyTorch's terms."""

    x_shape: tuple[int, ...]
    weight_shape: tuple[int, ...]
    bias: bool
    settings: dict[str, Any]
    seed: int

    def arrays(self) -> list[np.ndarray | None]:
        rng = np.random.default_rng(self.seed)
        bias = rng.standard_normal(self.weight_shape[0]) if self.bias else None
        return [rng.standard_normal(self.x_shape), rng.standard_normal(self.weight_shape), bias]


@st.composite
def conv_cases(draw: st.DrawFn, ndim: int = 2) -> Case:
    """Random shapes, groups, strides, paddings (int, pair, "same", "valid") and dilations that fit."""
    pair = st.tuples(st.integers(1, 3), st.integers(1, 3)) if ndim == 2 else st.tuples(st.integers(1, 3))
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))
    kernel = draw(st.tuples(*[st.integers(1, 4)] * ndim))
    dilation = draw(pair)
    kinds = ["int", "pair", "same", "valid"] if ndim == 2 else ["int", "same", "valid"]
    padding: Any = draw(st.sampled_from(kinds))
    stride = (1,) * ndim if padding == "same" else draw(pair)
    if padding == "int":
        padding = draw(st.integers(0, 2))
    elif padding == "pair":
        padding = draw(st.tuples(st.integers(0, 2), st.integers(0, 2)))
    if isinstance(padding, str):
        pads = (0,) * ndim
    else:
        pads = (padding,) * ndim if isinstance(padding, int) else padding
    # smallest size the dilated kernel fits in once padded (padding "same" always fits), plus some slack
    size = tuple(
        max(1, d * (k - 1) + 1 - 2 * p) + draw(st.integers(0, 5))
        for k, d, p in zip(kernel, dilation, pads, strict=True)
    )
    one = (lambda t: t[0]) if ndim == 1 else (lambda t: t)  # conv1d takes plain ints
    settings = {"stride": one(stride), "padding": padding, "dilation": one(dilation), "groups": groups}
    x_shape, weight_shape = (draw(st.integers(1, 3)), c_in, *size), (c_out, c_in // groups, *kernel)
    return Case(x_shape, weight_shape, draw(st.booleans()), settings, draw(st.integers(0, 2**32 - 1)))


def logged(real: Any, name: str, log: list[str], *args: Any, **kwargs: Any) -> Any:
    """``real(*args, **kwargs)``, its ``name`` appended to ``log`` first: which path a call took."""
    log.append(name)
    return real(*args, **kwargs)


def forward_backward(case: Case) -> tuple[np.ndarray, np.ndarray, tuple[Any, ...]]:
    """conv2d of the case, a random grad_output for it, and conv2d_backward of that grad."""
    x, w, b = case.arrays()
    fast = conv2d(x, w, b, **case.settings)
    grad = np.random.default_rng(case.seed).standard_normal(fast.shape)
    return fast, grad, conv2d_backward(grad, x, w, b, **case.settings)


def assert_equals_naive(case: Case, fast: np.ndarray, grad: np.ndarray, grads: Sequence[Any]) -> None:
    """``fast`` (conv2d) and ``grads`` (conv2d_backward of ``grad``) of the case equal the loop twin's."""
    x, w, b = case.arrays()
    np.testing.assert_allclose(fast, conv2d_naive(x, w, b, **case.settings), rtol=1e-12, atol=1e-12)
    naive = conv2d_backward_naive(grad, x, w, b, **case.settings)
    for name, got, want in zip(("x", "weight", "bias"), grads, naive, strict=True):
        if want is None:
            assert got is None
        else:
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg=name)


def torch_conv(fn: Any, settings: dict[str, Any]) -> Any:
    """fn(x, weight, bias) with the settings bound, for check_against_torch."""

    def call(x: Any, w: Any, b: Any) -> Any:
        with warnings.catch_warnings():
            # PyTorch warns that "same" with an even kernel copies the input: a speed note, not an error.
            warnings.filterwarnings("ignore", "Using padding='same'", UserWarning)
            return fn(x, w, b, **settings)

    return call


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@settings(max_examples=40, deadline=None)
@given(case=conv_cases())
def test_conv2d_matches_torch(case: Case, dtype: Any) -> None:
    ours, backward = partial(conv2d, **case.settings), partial(conv2d_backward, **case.settings)
    rng = np.random.default_rng(case.seed)
    theirs = torch_conv(functional.conv2d, case.settings)
    check_against_torch(ours, backward, theirs, case.arrays(), rng, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_batch_last_layout_matches_torch(dtype: Any, rng: np.random.Generator) -> None:
    # A long batch of short output rows takes the (..., H_out, W_out, N) column layout.
    settings = {"stride": (2, 1), "padding": (1, 0), "dilation": (1, 2), "groups": 2}
    x, w, b = rng.standard_normal((17, 4, 9, 7)), rng.standard_normal((6, 2, 3, 2)), rng.standard_normal(6)
    assert conv_geometry(x.shape, w.shape, **settings).batch_last
    ours, backward = partial(conv2d, **settings), partial(conv2d_backward, **settings)
    check_against_torch(ours, backward, torch_conv(functional.conv2d, settings), [x, w, b], rng, dtype)


@settings(max_examples=30, deadline=None)
@given(case=conv_cases())
def test_backward_parts_match_torch_grad(case: Case) -> None:
    # conv2d_backward_input / _weight are torch.nn.grad.conv2d_input / conv2d_weight, and the two
    # halves of conv2d_backward.
    x, w, b = case.arrays()
    s = case.settings
    grad = np.random.default_rng(case.seed).standard_normal(conv2d(x, w, b, **s).shape)
    grad_x, grad_w, grad_b = conv2d_backward(grad, x, w, b, **s)
    part_w, part_b = conv2d_backward_weight(grad, x, w, b, **s)
    np.testing.assert_array_equal(conv2d_backward_input(grad, x, w, b, **s), grad_x)
    np.testing.assert_array_equal(part_w, grad_w)
    assert (part_b is None) == (b is None)
    if b is not None:
        np.testing.assert_array_equal(part_b, grad_b)
    if s["padding"] == "same":  # torch.nn.grad takes numeric padding only
        return
    t = {**s, "padding": 0 if s["padding"] == "valid" else s["padding"]}
    gt = torch.from_numpy(grad)
    their_x = torch.nn.grad.conv2d_input(x.shape, torch.from_numpy(w), gt, **t)
    their_w = torch.nn.grad.conv2d_weight(torch.from_numpy(x), w.shape, gt, **t)
    np.testing.assert_allclose(grad_x, their_x.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(grad_w, their_w.numpy(), rtol=1e-10, atol=1e-10)


def test_backward_parts_reject_what_conv2d_backward_rejects() -> None:
    x, w = np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 2, 2))
    for part in (conv2d_backward_input, conv2d_backward_weight):
        with pytest.raises(ValueError, match="grad_output must have the forward output's shape"):
            part(np.zeros((1, 1, 2, 2)), x, w)
        with pytest.raises(ValueError, match="bias must have one value per output channel"):
            part(np.zeros((1, 1, 3, 3)), x, w, np.zeros(2))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_backward_parts_keep_the_dtype(dtype: Any, rng: np.random.Generator) -> None:
    x, w = rng.standard_normal((2, 3, 6, 6)).astype(dtype), rng.standard_normal((4, 3, 3, 3)).astype(dtype)
    grad = rng.standard_normal((2, 4, 4, 4)).astype(dtype)
    grad_w, grad_b = conv2d_backward_weight(grad, x, w, np.zeros(4, dtype))
    assert conv2d_backward_input(grad, x, w).dtype == grad_w.dtype == dtype
    assert grad_b is not None
    assert grad_b.dtype == dtype


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "padding"),
    [
        ((150, 6, 14, 14), (16, 6, 5, 5), 0),  # LeNet's conv2: chunks of 69, 69, 12 images (short rows:
        # batch-last, then batch-first for the last, shorter chunk)
        ((2, 32, 64, 64), (8, 32, 3, 3), 1),  # 4.7M numbers of columns per image: one image per chunk
    ],
)
def test_batch_chunks_match_torch(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], padding: int, rng: np.random.Generator
) -> None:
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    geom = conv_geometry(x.shape, w.shape, 1, padding, 1, 1)
    chunks = list(geom.batch_chunks())
    assert len(chunks) > 1
    assert [c.batch for _, c in chunks] == [s.stop - s.start for s, _ in chunks]
    assert sum(c.batch for _, c in chunks) == x_shape[0]
    ours, backward = partial(conv2d, padding=padding), partial(conv2d_backward, padding=padding)
    theirs = torch_conv(functional.conv2d, {"padding": padding})
    check_against_torch(ours, backward, theirs, [x, w, b], rng, np.float64)  # float32 sums 15,000 terms


@pytest.mark.parametrize("spread_up_to", [0, 2**30])
def test_the_bias_spread_or_broadcast_matches_torch(
    spread_up_to: int, rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both ways of adding the bias (`conv_chunks.bias_rows`): a large output keeps the broadcast."""
    monkeypatch.setattr(conv_chunks, "_SPREAD_BIAS", spread_up_to)
    x, w, b = rng.standard_normal((3, 2, 9, 11)), rng.standard_normal((4, 2, 3, 3)), rng.standard_normal(4)
    geom = conv_geometry(x.shape, w.shape, 1, 1, 1, 1)
    assert conv_chunks.bias_rows(b, geom).shape == ((4, 1) if spread_up_to == 0 else (4, 99))
    expected = functional.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), padding=1)
    np.testing.assert_allclose(conv2d(x, w, b, padding=1), expected.numpy(), rtol=1e-12, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(case=conv_cases(ndim=1))
def test_conv1d_matches_torch(case: Case) -> None:
    ours, backward = partial(conv1d, **case.settings), partial(conv1d_backward, **case.settings)
    rng = np.random.default_rng(case.seed)
    check_against_torch(ours, backward, torch_conv(functional.conv1d, case.settings), case.arrays(), rng)


@settings(max_examples=25, deadline=None)
@given(case=conv_cases())
def test_conv2d_equals_naive(case: Case) -> None:
    x, w, b = case.arrays()
    fast = conv2d(x, w, b, **case.settings)
    np.testing.assert_allclose(fast, conv2d_naive(x, w, b, **case.settings), rtol=1e-12, atol=1e-12)
    grad = np.random.default_rng(case.seed).standard_normal(fast.shape)
    for name, f, n in zip(("x", "weight", "bias"), conv2d_backward(grad, x, w, b, **case.settings),
                          conv2d_backward_naive(grad, x, w, b, **case.settings), strict=True):
        if b is None and name == "bias":
            assert f is None
            assert n is None
        else:
            np.testing.assert_allclose(f, n, rtol=1e-12, atol=1e-12, err_msg=name)


@settings(max_examples=15, deadline=None)
@given(case=conv_cases(ndim=1))
def test_conv1d_equals_naive(case: Case) -> None:
    x, w, b = case.arrays()
    fast = conv1d(x, w, b, **case.settings)
    np.testing.assert_allclose(fast, conv1d_naive(x, w, b, **case.settings), rtol=1e-12, atol=1e-12)
    grad = np.random.default_rng(case.seed).standard_normal(fast.shape)
    fast_grads = conv1d_backward(grad, x, w, b, **case.settings)
    naive_grads = conv1d_backward_naive(grad, x, w, b, **case.settings)
    for f, n in zip(fast_grads[:2], naive_grads[:2], strict=True):
        np.testing.assert_allclose(f, n, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"stride": 2, "padding": 1},
        {"stride": (1, 2), "padding": (2, 0), "dilation": (2, 1), "groups": 2},
        {"padding": "same", "dilation": 2},  # 2x3 kernel: uneven "same" padding on the height
    ],
)
def test_conv2d_backward_matches_numerical_gradient(
    settings: dict[str, Any], rng: np.random.Generator
) -> None:
    x = rng.standard_normal((2, 2, 5, 4))
    w = rng.standard_normal((2, 2 // settings.get("groups", 1), 2, 3))
    b = rng.standard_normal(2)
    gradcheck(partial(conv2d, **settings), partial(conv2d_backward, **settings), [x, w, b], rng)


def test_conv1d_backward_matches_numerical_gradient(rng: np.random.Generator) -> None:
    settings = {"stride": 2, "padding": 1, "dilation": 2}
    x, w, b = rng.standard_normal((2, 3, 9)), rng.standard_normal((2, 3, 3)), rng.standard_normal(2)
    gradcheck(partial(conv1d, **settings), partial(conv1d_backward, **settings), [x, w, b], rng)


def test_worked_example_by_hand() -> None:
    # Each output is the top-left pixel of its 2x2 window minus the bottom-right one, plus the bias.
    x = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0], [2.0, 0.0, 1.0]])[None, None]  # (1, 1, 3, 3)
    w = np.array([[1.0, 0.0], [0.0, -1.0]])[None, None]  # (1, 1, 2, 2)
    out = conv2d(x, w, bias=np.array([0.5]))
    np.testing.assert_array_equal(out[0, 0], [[1 - 1 + 0.5, 2 - 3 + 0.5], [0 - 0 + 0.5, 1 - 1 + 0.5]])
    # With every output gradient 1: each tap's gradient sums the four pixels it touched.
    grad_x, grad_w, grad_b = conv2d_backward(np.ones((1, 1, 2, 2)), x, w, bias=np.array([0.5]))
    taps_saw = [[1 + 2 + 0 + 1, 2 + 0 + 1 + 3], [0 + 1 + 2 + 0, 1 + 3 + 0 + 1]]
    np.testing.assert_array_equal(grad_w[0, 0], taps_saw)
    np.testing.assert_array_equal(grad_x[0, 0], [[1, 1, 0], [1, 0, -1], [0, -1, -1]])
    np.testing.assert_array_equal(grad_b, [4.0])


def test_flip_kernel_gives_true_convolution(rng: np.random.Generator) -> None:
    image, kernel = rng.standard_normal((6, 7)), rng.standard_normal((3, 2))
    ours = conv2d(image[None, None], flip_kernel(kernel[None, None]))[0, 0]
    np.testing.assert_allclose(ours, scipy.signal.convolve2d(image, kernel, mode="valid"), rtol=1e-12)
    signal, taps = rng.standard_normal(9), rng.standard_normal(4)
    ours_1d = conv1d(signal[None, None], flip_kernel(taps[None, None]))[0, 0]
    np.testing.assert_allclose(ours_1d, np.convolve(signal, taps, mode="valid"), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype: Any, rng: np.random.Generator) -> None:
    x, w, b = (rng.standard_normal(s).astype(dtype) for s in ((2, 3, 6, 6), (4, 3, 3, 3), (4,)))
    out = conv2d(x, w, b, padding=1)
    grads = conv2d_backward(np.ones_like(out), x, w, b, padding=1)
    assert out.dtype == dtype
    assert all(g is not None and g.dtype == dtype for g in grads)
    assert conv1d(x[:, :, 0], w[:, :, 0], b).dtype == dtype


def test_integer_input_computes_in_float64() -> None:
    assert conv2d(np.ones((1, 1, 3, 3), dtype=int), np.ones((1, 1, 2, 2), dtype=int)).dtype == np.float64


X, W = np.ones((2, 4, 6, 6)), np.ones((3, 4, 3, 3))


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((np.ones((4, 6, 6)), W), {}, ValueError, r"x must be 4-D \(N, C_in, H, W\), got shape \(4, 6, 6\)"),
        ((X, np.ones((3, 4, 3))), {}, ValueError, r"weight must be 4-D \(C_out, C_in/groups, kH, kW\)"),
        ((X, np.ones((3, 2, 3, 3))), {}, ValueError, r"weight has 2 input channels per group but x has C_in"),
        ((X, W), {"groups": 3}, ValueError, r"groups=3 must divide x's channels C_in=4"),
        ((X, np.ones((3, 2, 3, 3))), {"groups": 2}, ValueError, r"groups=2 must divide weight's output ch"),
        ((X, W), {"groups": 0}, ValueError, r"groups must be >= 1, got 0"),
        ((X, W), {"stride": 0}, ValueError, r"stride must be >= 1, got 0"),
        ((X, W), {"stride": 1.5}, TypeError, r"stride must be an integer, got 1.5"),
        ((X, W), {"dilation": (1, 0)}, ValueError, r"dilation\[1\] must be >= 1, got 0"),
        ((X, W), {"padding": -1}, ValueError, r"padding must be >= 0, got -1"),
        ((X, W), {"padding": "full"}, ValueError, r"padding must be an int, a pair \(h, w\), 'valid' or"),
        ((X, W), {"padding": "same", "stride": 2}, ValueError, r"padding='same' needs stride 1"),
        ((X, np.ones((3, 4, 7, 3))), {}, ValueError, r"kernel_size 7 does not fit .* the height"),
        ((X, W), {"dilation": 4}, ValueError, r"the kernel spans 9 \(dilation 4: 4×\(3 - 1\) \+ 1 = 9\)"),
        ((X, W), {"dilation": (1, 4)}, ValueError, r"along the width: the padded input is 6 \+ 2×0 = 6"),
        ((np.ones((2, 4, 0, 6)), W), {}, ValueError, r"x must have no empty axis"),
        ((np.full((2, 4, 6, 6), np.nan), W), {}, ValueError, r"x contains NaN or infinity"),
        ((X, np.full((3, 4, 3, 3), np.inf)), {}, ValueError, r"weight contains NaN or infinity"),
        ((X, W, np.ones(4)), {}, ValueError, r"bias must have one value per output channel, C_out=3"),
        ((X, "kernel"), {}, TypeError, r"weight must be an array of numbers"),
    ],
)
def test_conv2d_rejects_bad_input(
    args: tuple[Any, ...], kwargs: dict[str, Any], error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        conv2d(*args, **kwargs)
    with pytest.raises(error, match=message):
        conv2d_naive(*args, **kwargs)


def test_backward_rejects_grad_output_of_the_wrong_shape() -> None:
    with pytest.raises(ValueError, match=r"grad_output must have the forward output's shape \(2, 3, 4, 4\)"):
        conv2d_backward(np.ones((2, 3, 5, 5)), X, W)
    with pytest.raises(ValueError, match=r"grad_output must be 3-D \(N, C_out, L_out\)"):
        conv1d_backward(np.ones((2, 3, 4, 4)), X[:, :, 0], W[:, :, 0])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"stride": (1, 2)}, TypeError, r"stride must be an integer"),
        ({"padding": "same", "stride": 2}, ValueError, r"needs stride 1 \(as in PyTorch\), got stride 2;"),
        ({"padding": -2}, ValueError, r"padding must be >= 0, got -2"),
        ({"padding": (1, 1)}, TypeError, r"padding must be an integer"),
        ({"padding": "full"}, ValueError, r"padding must be an int, 'valid' or 'same', got 'full'"),
        ({"dilation": 4}, ValueError, r"kernel_size 3 does not fit the input along the length: .* spans 9"),
    ],
)
def test_conv1d_rejects_bad_settings(kwargs: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        conv1d(X[:, :, 0], W[:, :, 0], **kwargs)


def test_conv1d_rejects_images() -> None:
    with pytest.raises(ValueError, match=r"x must be 3-D \(N, C_in, L\)"):
        conv1d(X, W)



def test_a_known_geometry_still_refuses_a_bool_setting(rng: np.random.Generator) -> None:
    """Geometries are kept by settings; (1, True) equals (1, 1) but is refused every time, as before."""
    x, w = rng.standard_normal((1, 1, 6, 6)), rng.standard_normal((1, 1, 3, 3))
    first = conv_geometry(x.shape, w.shape, (1, 1), 1, 1, 1)
    assert conv_geometry(x.shape, w.shape, (1, 1), 1, 1, 1) is first  # kept: chunks and taps worked out once
    conv2d(x, w, stride=(1, 1))
    for stride in ((1, True), True):
        with pytest.raises(TypeError, match="stride"):
            conv2d(x, w, stride=stride)
    assert conv2d(x, w, stride=np.int64(2)).shape == (1, 1, 2, 2)  # not kept, still accepted
