"""The fixed stratified split: sizes, disjointness, coverage, per-class shares, and no hidden state."""

from __future__ import annotations

import numpy as np
import pytest

from convscope.data import load_digits, train_test_split


def test_bundled_split_sizes_and_coverage() -> None:
    train, test = train_test_split()
    assert len(train) == 8000
    assert len(test) == 2000
    assert np.intersect1d(train, test).size == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(10_000))
    assert np.all(np.diff(train) > 0)
    assert np.all(np.diff(test) > 0)


def test_bundled_split_is_80_20_within_every_class() -> None:
    labels = load_digits().labels
    _, test = train_test_split()
    per_class_test = np.bincount(labels[test], minlength=10)
    per_class = np.bincount(labels, minlength=10)
    # Largest-remainder apportionment: every class within one sample of exactly 20%.
    assert np.all(np.abs(per_class_test - 0.2 * per_class) < 1)


def test_test_samples_are_spread_through_each_class() -> None:
    labels = load_digits().labels
    _, test = train_test_split()
    for number in range(10):
        positions = np.flatnonzero(labels == number)
        rank_in_class = np.searchsorted(positions, test[labels[test] == number])
        gaps = np.diff(rank_in_class)
        assert set(gaps.tolist()) <= {4, 5, 6}  # one in about every five, never bunched


def test_identical_across_calls_and_owned_by_the_caller() -> None:
    first = train_test_split()
    second = train_test_split()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    second[0][:] = 0  # the caller owns its arrays: changing them leaves the next call alone
    np.testing.assert_array_equal(train_test_split()[0], first[0])


def test_small_hand_checked_split() -> None:
    # 7 of class 3 and 3 of class 8, 30% held out = 3: quotas 2.1 and 0.9 -> 2 + 1.
    labels = [3, 3, 8, 3, 3, 8, 3, 3, 8, 3]
    train, test = train_test_split(labels, test_fraction=0.3)
    # Class 3 sits at 0, 1, 3, 4, 6, 7, 9; taking 2 of 7 picks ranks 7 // 4 = 1 and 21 // 4 = 5.
    # Class 8 sits at 2, 5, 8; taking 1 of 3 picks rank 3 // 2 = 1.
    np.testing.assert_array_equal(test, [1, 5, 7])
    np.testing.assert_array_equal(train, [0, 2, 3, 4, 6, 8, 9])


@pytest.mark.parametrize("fraction", [0.05, 0.2, 0.5, 0.9])
def test_any_fraction_gives_the_rounded_total(rng: np.random.Generator, fraction: float) -> None:
    labels = rng.integers(0, 7, size=513)
    train, test = train_test_split(labels, test_fraction=fraction)
    assert len(test) == round(513 * fraction)
    assert len(train) + len(test) == 513
    counts, held = np.bincount(labels, minlength=7), np.bincount(labels[test], minlength=7)
    assert np.all(np.abs(held - counts * len(test) / 513) < 1)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"test_fraction": 0.0}, ValueError, "test_fraction must be strictly between 0 and 1, got 0.0"),
        ({"test_fraction": 1}, ValueError, "strictly between 0 and 1, got 1"),
        ({"test_fraction": "0.2"}, TypeError, "test_fraction must be a number"),
        ({"labels": [[0, 1]]}, ValueError, r"labels must be 1-D \(N,\), got shape \(1, 2\)"),
        ({"labels": [0.5, 1.0]}, TypeError, "labels must be integers, got dtype float64"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        train_test_split(**kwargs)  # type: ignore[arg-type]
