"""convscope.trace: every step against torch.nn.functional.conv2d, the loop twin, and the JSON contract."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope.trace import (
    MAX_TAPS,
    convolution_output,
    pad_image,
    trace_convolution,
    trace_convolution_naive,
)

KEYS = {"out", "positions", "padding", "values", "products", "sum"}


def torch_output(
    image: np.ndarray,
    kernel: np.ndarray,
    padding: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """The oracle: PyTorch's conv2d on one image and one kernel, (H_out, W_out)."""
    out = torch.nn.functional.conv2d(
        torch.tensor(image)[None, None],
        torch.tensor(kernel)[None, None],
        stride=stride,
        padding=padding,
        dilation=dilation,
    )
    return out[0, 0].numpy()  # type: ignore[no-any-return]


@st.composite
def settings_that_fit(draw: st.DrawFn) -> dict[str, tuple[int, int]]:
    """Image, kernel, padding, stride and dilation pairs for which the dilated kernel fits."""
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
    smallest = [max(1, s - 2 * p) for s, p in zip(span, padding, strict=True)]
    image = tuple(draw(st.integers(n, n + 7)) for n in smallest)
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return {"image": image, "kernel": kernel, "padding": padding, "stride": stride, "dilation": dilation}


@settings(max_examples=50, deadline=None)
@given(cfg=settings_that_fit(), seed=st.integers(0, 2**32 - 1))
def test_trace_matches_torch_and_its_loop_twin(cfg: dict[str, tuple[int, int]], seed: int) -> None:
    rng = np.random.default_rng(seed)
    image, kernel = rng.standard_normal(cfg["image"]), rng.standard_normal(cfg["kernel"])
    p, s, d = cfg["padding"], cfg["stride"], cfg["dilation"]
    steps = trace_convolution(image, kernel, padding=p, stride=s, dilation=d)
    expected = torch_output(image, kernel, p, s, d)
    oh, ow = expected.shape
    (H, W), (kh, kw) = image.shape, kernel.shape
    padded = pad_image(image, p)

    assert len(steps) == oh * ow
    assert [step["out"] for step in steps] == [[r, c] for r in range(oh) for c in range(ow)]  # row-major
    for step in steps:
        r, c = step["out"]
        assert set(step) == KEYS
        assert step["sum"] == pytest.approx(float(expected[r, c]), rel=1e-12, abs=1e-12)
        taps = [(i, j) for i in range(kh) for j in range(kw)]
        assert step["positions"] == [[r * s[0] + i * d[0], c * s[1] + j * d[1]] for i, j in taps]
        for (pr, pc), flag, value in zip(step["positions"], step["padding"], step["values"], strict=True):
            assert flag == (not (p[0] <= pr < p[0] + H and p[1] <= pc < p[1] + W))
            assert value == padded[pr, pc]
            assert not flag or value == 0.0
        weights = kernel.ravel().tolist()
        assert step["products"] == [v * w for v, w in zip(step["values"], weights, strict=True)]

    assert steps == trace_convolution_naive(image, kernel, padding=p, stride=s, dilation=d)
    np.testing.assert_allclose(convolution_output(image, kernel, p, s, d), expected, rtol=1e-12, atol=1e-12)


def test_digit_sized_trace_and_json_round_trip(rng: np.random.Generator) -> None:
    image = rng.integers(0, 256, (20, 20)).astype(np.uint8)  # integer input, like a digit
    kernel = -np.ones((3, 3))  # negative weights on zero pixels would give -0.0 without care
    steps = trace_convolution(image, kernel, padding=1)
    assert len(steps) == 400
    assert json.loads(json.dumps(steps)) == steps
    for step in steps[:25]:
        assert type(step["sum"]) is float
        assert all(type(v) is float for v in step["values"] + step["products"])
        assert all(type(f) is bool for f in step["padding"])
        assert all(type(x) is int for pos in step["positions"] + [step["out"]] for x in pos)
        assert not any(str(m) == "-0.0" for m in step["products"])
    output = convolution_output(image, kernel, padding=1)
    sums = np.array([step["sum"] for step in steps]).reshape(20, 20)
    np.testing.assert_allclose(sums, output, rtol=1e-14)


def test_stride_that_does_not_tile_uses_the_floor_rule(rng: np.random.Generator) -> None:
    image = rng.standard_normal((20, 20))
    steps = trace_convolution(image, np.ones((3, 3)), stride=2)  # (20 - 3)/2 + 1 = 9.5 -> 9
    assert steps[-1]["out"] == [8, 8]
    assert len(steps) == 81
    assert max(pr for step in steps for pr, _ in step["positions"]) == 18  # row 19 is dropped


def test_dilation_spreads_the_taps() -> None:
    steps = trace_convolution(np.zeros((5, 5)), np.ones((2, 2)), dilation=(2, 3))
    assert steps[0]["positions"] == [[0, 0], [0, 3], [2, 0], [2, 3]]
    assert [step["out"] for step in steps] == [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]]


def test_pad_image() -> None:
    padded = pad_image([[1, 2], [3, 4]], 1)
    assert padded.shape == (4, 4)
    assert padded.dtype == np.float64
    np.testing.assert_array_equal(padded[1:3, 1:3], [[1, 2], [3, 4]])
    assert padded.sum() == 10
    np.testing.assert_array_equal(pad_image([[5]], (0, 2)), [[0, 0, 5, 0, 0]])


@pytest.mark.parametrize(
    ("image", "kernel", "kwargs", "error", "match"),
    [
        (np.ones((4, 4)), np.ones((5, 5)), {}, ValueError, "kernel_size 5 does not fit the input"),
        (np.ones((4, 4)), np.ones((3, 3)), {"dilation": 2}, ValueError, "does not fit"),
        (np.ones(4), np.ones((2, 2)), {}, ValueError, r"image must be 2-D \(H, W\)"),
        (np.ones((4, 4)), np.ones((1, 2, 2)), {}, ValueError, r"kernel must be 2-D \(kH, kW\)"),
        (np.ones((4, 0)), np.ones((1, 1)), {}, ValueError, "image must not be empty"),
        (np.full((4, 4), np.nan), np.ones((2, 2)), {}, ValueError, "image contains NaN"),
        (np.ones((4, 4)), np.ones((2, 2)), {"padding": -1}, ValueError, "padding must be >= 0"),
        (np.ones((4, 4)), np.ones((2, 2)), {"stride": 0}, ValueError, "stride must be >= 1"),
        (np.ones((4, 4)), np.ones((2, 2)), {"dilation": 0}, ValueError, "dilation must be >= 1"),
        (np.ones((4, 4)), np.ones((2, 2)), {"stride": 1.5}, TypeError, "stride must be an integer"),
        (np.ones((4, 4)), np.ones((2, 2)), {"padding": (1, 2, 3)}, ValueError, "padding must be an int or"),
    ],
)
def test_bad_input(
    image: np.ndarray, kernel: np.ndarray, kwargs: dict[str, object], error: type, match: str
) -> None:
    for f in (trace_convolution, trace_convolution_naive, convolution_output):
        with pytest.raises(error, match=match):
            f(image, kernel, **kwargs)


@pytest.mark.parametrize("trace", [trace_convolution, trace_convolution_naive])
def test_a_trace_too_large_to_hold_is_refused_before_it_is_built(trace: Any) -> None:
    # 998 x 998 windows of 9 taps: ~9 million taps, gigabytes of Python objects.
    with pytest.raises(ValueError, match=r"the trace would record 8,964,036 taps .* at most 2,097,152"):
        trace(np.ones((1000, 1000)), np.ones((3, 3)))
    # the playground's largest (64x64 image, 15x15 kernel, padding 16) stays allowed
    assert MAX_TAPS >= 82 * 82 * 15 * 15


def test_padding_that_would_allocate_gigabytes_is_refused() -> None:
    with pytest.raises(
        ValueError, match=r"padding \(1000000, 1000000\) makes a 2000002×2000002 padded image"
    ):
        pad_image(np.ones((2, 2)), 10**6)
    assert pad_image(np.ones((2, 2)), 2000).shape == (4002, 4002)
