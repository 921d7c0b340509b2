from __future__ import annotations

import threading

import numpy as np
import pytest

from convscope._validate import (
    DOT_FROM,
    SUM_FROM,
    all_finite,
    all_finite_together,
    as_array,
    as_pair,
    check_int,
    trusted_values,
)
from convscope.ops.conv import conv2d


def test_as_pair_accepts_int_and_pairs() -> None:
    assert as_pair(3, "k") == (3, 3)
    assert as_pair((2, 5), "k") == (2, 5)
    assert as_pair([np.int64(1), 4], "k") == (1, 4)


@pytest.mark.parametrize(
    ("value", "error", "words"),
    [
        (2.5, TypeError, "k must be an integer"),
        (True, TypeError, "k must be an integer"),
        ("3", TypeError, "k must be an integer"),
        (-1, ValueError, "k must be >= 0"),
        ((1, 2, 3), ValueError, "pair"),
        ((1, -2), ValueError, r"k\[1\] must be >= 0"),
    ],
)
def test_as_pair_refuses_with_the_argument_named(value: object, error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        as_pair(value, "k", minimum=0)


def test_check_int_maximum() -> None:
    with pytest.raises(ValueError, match="stride must be <= 4, got 5"):
        check_int(5, "stride", 1, 4)


def test_as_array_checks_rank_and_finiteness() -> None:
    assert as_array([[1, 2], [3, 4]], "x", 2).dtype == np.float64
    assert as_array(np.zeros(3, np.float32), "x", 1).dtype == np.float32
    with pytest.raises(ValueError, match=r"x must be 4-D \(N, C, H, W\), got shape \(2, 2\)"):
        as_array(np.zeros((2, 2)), "x", 4, layout="(N, C, H, W)")
    with pytest.raises(ValueError, match="NaN"):
        as_array([1.0, float("nan")], "x")
    with pytest.raises(TypeError, match="numbers"):
        as_array(["a"], "x")
    with pytest.raises(ValueError, match="rectangular"):
        as_array([[1, 2], [3]], "x")
    with pytest.raises(TypeError):
        as_array(None, "x")


def test_trusted_values_hold_on_this_thread_and_inside_the_block_only() -> None:
    """Inside, a NaN passes (the caller checks the edges); another thread, and after the block, refuse it."""
    nan = np.array([1.0, np.nan])
    elsewhere: list[BaseException] = []

    def other_thread() -> None:
        try:
            as_array(nan, "x")
        except ValueError as error:
            elsewhere.append(error)

    with trusted_values():
        with trusted_values():
            pass
        assert as_array(nan, "x") is nan  # still trusted after the nested block ended
        with pytest.raises(ValueError, match="x must be 2-D"):
            as_array(nan, "x", 2)  # ranks (and types, shapes) are still checked
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert len(elsewhere) == 1
    with pytest.raises(ValueError, match="x contains NaN or infinity"):
        as_array(nan, "x")


@pytest.mark.parametrize("size", [4, DOT_FROM, SUM_FROM], ids=["value by value", "dot", "from the sum"])
def test_all_finite_is_exact_where_the_sum_overflows(size: int) -> None:
    big = np.full(size, np.finfo(np.float32).max, dtype=np.float32)
    assert all_finite(big)  # its dot product with itself overflows: checked value by value, no warning
    assert all_finite(np.full(2 * size, np.finfo(np.float32).max, dtype=np.float32)[::2])  # strided
    for bad in (np.inf, -np.inf, np.nan):
        odd = np.ones(size)
        odd[size // 2] = bad
        assert not all_finite(odd)
    pair = np.ones(size)
    pair[:2] = np.inf, -np.inf  # the sum is NaN
    assert not all_finite(pair)
    assert all_finite(np.zeros((2, 0)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("contiguous", [True, False], ids=["contiguous (BLAS dot)", "strided"])
def test_all_finite_finds_one_bad_value_wherever_it_sits(dtype: type, contiguous: bool) -> None:
    # BLAS kernels work in blocks of 4-32 values and a tail: lengths around those block sizes past
    # DOT_FROM, a bad value in each of the first and last 33 places, so a value a vectorised loop or
    # its remainder skipped would be caught here.
    for n in (DOT_FROM + k for k in (0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33)):
        whole = np.ones(2 * n, dtype)
        a = whole[:n] if contiguous else whole[::2]
        assert all_finite(a)
        for pos in [*range(33), n // 2, *range(n - 33, n)]:
            for bad in (np.nan, np.inf, -np.inf):
                a[pos] = bad
                assert not all_finite(a), (n, pos, bad)
            a[pos] = 1


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_all_finite_together_finds_one_bad_value_in_any_array(dtype: type) -> None:
    # A network's parameters and input: small and large, contiguous and strided (judged alone)
    whole = np.ones(2 * 50, dtype)
    arrays = [np.ones((6, 1, 5, 5), dtype), np.ones(DOT_FROM + 3, dtype), whole[::2], np.ones((4, 0), dtype)]
    assert all_finite_together(arrays)
    assert all_finite_together([])
    for a in arrays[:3]:
        flat = a.reshape(-1) if a.flags.c_contiguous else a
        for pos in (0, flat.size // 2, flat.size - 1):
            for bad in (np.nan, np.inf, -np.inf):
                flat[pos] = bad
                assert not all_finite_together(arrays), (a.shape, pos, bad)
                flat[pos] = 1


def test_all_finite_together_is_exact_where_the_total_overflows() -> None:
    # Each dot product overflows float32 (and the float64 total), yet every value is finite
    big = [np.full(4, np.finfo(np.float32).max, np.float32), np.full(3, 1e300), np.ones(5, np.float32)]
    assert all_finite_together(big)
    big[1][2] = np.nan
    assert not all_finite_together(big)


def test_an_op_refuses_nan_in_a_large_array_too(rng: np.random.Generator) -> None:
    # From SUM_FROM values on the check is a sum first: one NaN anywhere still names the array.
    x = rng.standard_normal((1, 1, 1, SUM_FROM)).astype(np.float32)
    x[0, 0, 0, SUM_FROM // 3] = np.nan
    with pytest.raises(ValueError, match=r"^x contains NaN or infinity"):
        conv2d(x, np.ones((1, 1, 1, 3), np.float32))
