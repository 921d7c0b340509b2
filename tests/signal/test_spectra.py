"""spectra: the product's inverse is numpy.convolve with zero padding, the circular convolution without."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope.signal.spectra import circular_convolve, spectra

lengths = st.tuples(st.integers(1, 40), st.integers(1, 12))


@settings(max_examples=80, deadline=None)
@given(nk=lengths, seed=st.integers(0, 2**32 - 1))
def test_zero_padded_inverse_is_numpys_linear_convolution(nk: tuple[int, int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    f, g = rng.standard_normal(nk[0]), rng.standard_normal(nk[1])
    s = spectra(f, g)
    expected = np.convolve(f, g)
    assert s.length == f.size + g.size - 1
    assert s.inverse.shape == expected.shape
    np.testing.assert_allclose(s.inverse, expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(s.direct, expected, rtol=1e-12, atol=1e-12)
    assert not s.wrapped.any()
    np.testing.assert_allclose(s.difference, 0, atol=1e-10)


@settings(max_examples=80, deadline=None)
@given(nk=lengths, seed=st.integers(0, 2**32 - 1))
def test_without_padding_the_inverse_is_the_circular_convolution(nk: tuple[int, int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, k = max(nk), min(nk)
    f, g = rng.standard_normal(n), rng.standard_normal(k)
    s = spectra(f, g, zero_pad=False)
    explicit = np.array([sum(g[j] * f[(i - j) % n] for j in range(k)) for i in range(n)])
    np.testing.assert_allclose(circular_convolve(f, g), explicit, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(s.inverse, explicit, rtol=1e-10, atol=1e-10)
    # The linear result's tail past n folds onto the first k - 1 cells and nowhere else.
    linear = np.convolve(f, g)
    folded = linear[:n].copy()
    folded[: k - 1] += linear[n:]
    np.testing.assert_allclose(s.inverse, folded, rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(s.wrapped, np.arange(n) < k - 1)
    np.testing.assert_allclose(s.difference[s.wrapped], linear[n:], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(s.difference[~s.wrapped], 0, atol=1e-10)


def test_it_is_convolution_not_cross_correlation() -> None:
    f, g = np.array([1.0, 2.0, 3.0, 0.0, -1.0]), np.array([1.0, 0.0, -2.0])  # g is not symmetric
    s = spectra(f, g)
    assert not np.allclose(s.inverse, np.correlate(f, g, mode="full"))
    # The playground's cross-correlation is the convolution with the flipped kernel.
    np.testing.assert_allclose(spectra(f, g[::-1]).inverse, np.correlate(f, g, mode="full"), atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(nk=lengths, zero_pad=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_the_product_is_the_pointwise_product_of_the_spectra(nk: tuple[int, int], zero_pad: bool,
                                                             seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, k = max(nk), min(nk)
    f, g = rng.standard_normal(n), rng.standard_normal(k)
    s = spectra(f, g, zero_pad=zero_pad)
    bins = s.length // 2 + 1
    for array in (s.frequencies, s.signal_magnitude, s.kernel_phase, s.product, s.product_phase):
        assert array.shape == (bins,)
    np.testing.assert_allclose(s.signal_magnitude, np.abs(np.fft.fft(f, s.length))[:bins], atol=1e-10)
    np.testing.assert_allclose(s.product_magnitude, s.signal_magnitude * s.kernel_magnitude, atol=1e-10)
    rebuilt = s.signal_magnitude * s.kernel_magnitude * np.exp(1j * (s.signal_phase + s.kernel_phase))
    np.testing.assert_allclose(rebuilt, s.product, atol=1e-9)
    assert np.all(np.abs(s.product_phase) <= np.pi)
    np.testing.assert_allclose(s.frequencies[[0, -1]], [0, (s.length // 2) / s.length])


def test_phase_is_zero_where_there_is_no_magnitude() -> None:
    s = spectra([1.0, -1.0, 1.0, -1.0], [1.0, 1.0], zero_pad=False)  # [1, 1] cancels the Nyquist bin
    assert s.product_magnitude[-1] < 1e-12
    assert s.product_phase[-1] == 0.0
    assert np.all(spectra(np.zeros(4), [1.0]).signal_phase == 0.0)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match=r"kernel of length 5 must not be longer than the signal \(3\)"):
        spectra(np.ones(3), np.ones(5), zero_pad=False)
    with pytest.raises(ValueError, match=r"kernel of length 5 must not be longer"):
        circular_convolve(np.ones(3), np.ones(5))
    with pytest.raises(ValueError, match=r"signal must be 1-D \(n,\)"):
        spectra(np.ones((2, 2)), [1.0])
    with pytest.raises(ValueError, match="kernel must not be empty"):
        spectra([1.0], [])
    with pytest.raises(ValueError, match="NaN or infinity"):
        spectra([1.0, np.nan], [1.0])
