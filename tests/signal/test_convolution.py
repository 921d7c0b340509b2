"""convscope.signal against numpy.convolve and scipy.signal (the oracles for true convolution)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope.signal import choose_method, convolve, convolve2d, next_fast_length
from tests.split_runs import split_from_one

MODES = ("full", "same", "valid")
METHODS = ("auto", "direct", "fft")
TOL = {"rtol": 1e-10, "atol": 1e-10}

lengths = st.integers(min_value=1, max_value=40)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


@settings(max_examples=40, deadline=None)
@given(m=lengths, n=lengths, seed=seeds)
def test_convolve_matches_scipy_and_numpy(m: int, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    f, g = rng.standard_normal(m), rng.standard_normal(n)
    for mode in MODES:
        expected = scipy.signal.convolve(f, g, mode=mode, method="direct")
        for method in METHODS:
            got = convolve(f, g, mode=mode, method=method)
            np.testing.assert_allclose(got, expected, **TOL, err_msg=f"{mode=} {method=}")
            # numpy's "same" has max(m, n) values; it agrees with scipy's (length m) when m >= n.
            if mode != "same" or m >= n:
                np.testing.assert_allclose(got, np.convolve(f, g, mode=mode), **TOL, err_msg=f"{mode=}")


def test_two_dice_give_the_triangular_distribution() -> None:
    die = np.full(6, 1 / 6)
    total = convolve(die, die)  # P(total = 2..12)
    assert total.shape == (11,)
    assert total.sum() == pytest.approx(1.0, abs=1e-12)
    ways = np.minimum(np.arange(1, 12), np.arange(11, 0, -1))  # 1, 2, ..., 6, ..., 2, 1 ways out of 36
    np.testing.assert_allclose(total, ways / 36, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 24), st.integers(1, 24)),
    kshape=st.tuples(st.integers(1, 30), st.integers(1, 30)),
    seed=seeds,
)
def test_convolve2d_matches_scipy(shape: tuple[int, int], kshape: tuple[int, int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    image, kernel = rng.standard_normal(shape), rng.standard_normal(kshape)
    modes = list(MODES)
    fits = all(a >= b for a, b in zip(shape, kshape, strict=True))
    holds = all(b >= a for a, b in zip(shape, kshape, strict=True))
    if not (fits or holds):
        modes.remove("valid")  # scipy refuses it too; tested below
    for mode in modes:
        expected = scipy.signal.convolve2d(image, kernel, mode=mode)
        for method in METHODS:
            got = convolve2d(image, kernel, mode=mode, method=method)
            np.testing.assert_allclose(got, expected, **TOL, err_msg=f"{mode=} {method=}")


@pytest.mark.parametrize(("shape", "kshape"), [((3, 4), (9, 11)), ((2, 2), (7, 3)), ((5, 1), (1, 8))])
@pytest.mark.parametrize("mode", MODES)
def test_kernel_larger_than_image(
    shape: tuple[int, int], kshape: tuple[int, int], mode: str, rng: np.random.Generator
) -> None:
    image, kernel = rng.standard_normal(shape), rng.standard_normal(kshape)
    if mode == "valid" and shape == (5, 1):
        with pytest.raises(ValueError, match="at least as large"):
            convolve2d(image, kernel, mode=mode)
        return
    expected = scipy.signal.convolve2d(image, kernel, mode=mode)
    for method in ("direct", "fft"):
        np.testing.assert_allclose(convolve2d(image, kernel, mode, method), expected, **TOL)


@pytest.mark.parametrize(
    ("shape", "kshape"), [((64, 80), (15, 9)), ((200, 130), (31, 31)), ((7, 300), (7, 5))]
)
def test_direct_equals_fft(shape: tuple[int, int], kshape: tuple[int, int], rng: np.random.Generator) -> None:
    image, kernel = rng.standard_normal(shape), rng.standard_normal(kshape)
    for mode in MODES:
        direct = convolve2d(image, kernel, mode, "direct")
        fft = convolve2d(image, kernel, mode, "fft")
        # FFT rounding grows with the size of the sums, so scale the tolerance by it.
        scale = np.abs(image).max() * np.abs(kernel).sum()
        np.testing.assert_allclose(fft, direct, rtol=0, atol=1e-13 * scale)


@pytest.mark.parametrize(
    ("a_shape", "b_shape", "mode"),
    [((301, 40), (3, 5), "same"), ((7, 9), (4, 2), "full"), ((4, 50), (3, 3), "valid"),
     ((5001,), (7,), "full")],
)
def test_direct_in_bands_and_halves_gives_the_same_bits(
    monkeypatch: pytest.MonkeyPatch, rng: np.random.Generator, a_shape: tuple[int, ...],
    b_shape: tuple[int, ...], mode: str,
) -> None:
    # The output's first axis goes in bands, and from threads.SPLIT_FROM multiply-adds in two halves,
    # one a thread: each value sums its offsets in the same order, so the bits cannot change.
    from convscope.ops import threads
    from convscope.signal import convolution

    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    b.flat[1] = 0.0  # a zero weight is skipped
    whole = convolve2d if len(a_shape) == 2 else convolve
    with threads.single_threaded():
        alone = whole(a, b, mode=mode, method="direct")
    monkeypatch.setattr(convolution, "BAND_ELEMENTS", 64)  # several bands in each half
    with split_from_one(convolution) as runs:
        got = whole(a, b, mode=mode, method="direct")
    assert runs == [min(2, alone.shape[0])]
    np.testing.assert_array_equal(got, alone)
    np.testing.assert_allclose(got, scipy.signal.convolve(a, b, mode=mode, method="direct"), atol=1e-12)


def test_dtype_follows_inputs(rng: np.random.Generator) -> None:
    a32 = rng.standard_normal((6, 6)).astype(np.float32)
    b32 = rng.standard_normal((3, 3)).astype(np.float32)
    for method in ("direct", "fft"):
        assert convolve2d(a32, b32, method=method).dtype == np.float32
        assert convolve2d(a32, b32.astype(np.float64), method=method).dtype == np.float64
    assert convolve([1, 2, 3], [0, 1]).dtype == np.float64  # integers become float64
    np.testing.assert_array_equal(convolve([1, 2, 3], [0, 1]), [0, 1, 2, 3])


def test_next_fast_length_is_the_smallest_5_smooth_length() -> None:
    def smooth(n: int) -> bool:
        for p in (2, 3, 5):
            while n % p == 0:
                n //= p
        return n == 1

    for n in range(1, 2000):
        fast = next_fast_length(n)
        assert fast >= n
        assert smooth(fast)
        assert not any(smooth(m) for m in range(n, fast))


def test_auto_picks_direct_for_small_kernels_and_fft_for_large() -> None:
    assert choose_method((1024, 1024), (3, 3), (1026, 1026)) == "direct"
    assert choose_method((1024, 1024), (15, 15), (1024, 1024)) == "fft"
    assert choose_method((100_000,), (300,), (100_000,)) == "fft"
    assert choose_method((20, 20), (3, 3), (20, 20)) == "direct"


@pytest.mark.parametrize(
    ("f", "g", "kwargs", "error", "match"),
    [
        ([[1.0, 2.0]], [1.0], {}, ValueError, r"f must be 1-D \(M,\), got shape \(1, 2\)"),
        ([1.0], 3.0, {}, ValueError, r"g must be 1-D"),
        ([], [1.0], {}, ValueError, "f must not be empty"),
        ([1.0, np.nan], [1.0], {}, ValueError, "f contains NaN"),
        ([1.0], [1.0], {"mode": "circular"}, ValueError, "mode must be one of 'full', 'same', 'valid'"),
        ([1.0], [1.0], {"method": "winograd"}, ValueError, "method must be one of 'auto', 'direct', 'fft'"),
        (["a"], [1.0], {}, TypeError, "f must hold numbers"),
    ],
)
def test_convolve_rejects_bad_input(
    f: object, g: object, kwargs: dict[str, str], error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        convolve(f, g, **kwargs)


@pytest.mark.parametrize(
    ("image", "kernel", "kwargs", "match"),
    [
        (np.ones(4), np.ones((2, 2)), {}, r"image must be 2-D \(H, W\), got shape \(4,\)"),
        (np.ones((4, 4)), np.ones((1, 2, 2)), {}, r"kernel must be 2-D \(kH, kW\)"),
        (np.ones((0, 4)), np.ones((2, 2)), {}, "image must not be empty"),
        (np.ones((4, 4)), np.full((2, 2), np.inf), {}, "kernel contains NaN or infinity"),
        (np.ones((3, 5)), np.ones((5, 3)), {"mode": "valid"}, "one input at least as large as the other"),
        (np.ones((3, 5)), np.ones((2, 2)), {"mode": "SAME"}, "mode must be one of"),
    ],
)
def test_convolve2d_rejects_bad_input(
    image: np.ndarray, kernel: np.ndarray, kwargs: dict[str, str], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        convolve2d(image, kernel, **kwargs)
