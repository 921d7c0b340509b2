"""convscope.kernel_edits: a kernel edited a weight at a time gives the from-scratch numbers to within
rounding (the module's tolerance), after many edits in a row, with normalise and flip, in any thread."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope.image_kernels import PADDING_MODES
from convscope.kernel_edits import TOLERANCE, KernelEdits
from convscope.prepared_image import PreparedImage
from tests.test_image_kernels import scipy_filter

# Weights that put values on x.5 and exact integers (0.5, 1.5), that no float holds exactly (0.1, 1/9),
# zeros (the direct path skips them) and negatives.
TYPED = st.sampled_from([0.5, -0.5, 1.5, 0.1, 1 / 9, 0.0, -1.0, 2.0, 0.15, -3.75])


def bound(scratch: Any) -> float:
    """The module's contract: TOLERANCE of the from-scratch values' size (their largest magnitude)."""
    return TOLERANCE * float(np.abs(scratch).max())


@settings(max_examples=30, deadline=None)
@given(
    shape=st.sampled_from([(9, 13), (12, 7, 3), (16, 16, 1)]),
    side=st.sampled_from([1, 2, 3, 5, 15]),
    mode=st.sampled_from(tuple(PADDING_MODES)),
    flip=st.booleans(),
    normalise=st.booleans(),
    typed=st.lists(st.tuples(st.integers(0, 224), st.integers(0, 224), TYPED), min_size=1, max_size=40),
    seed=st.integers(0, 2**32 - 1),
)
def test_edits_give_the_from_scratch_numbers_to_within_the_tolerance(
    shape: tuple[int, ...], side: int, mode: str, flip: bool, normalise: bool,
    typed: list[tuple[int, int, float]], seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, shape).astype(np.uint8)
    edits = KernelEdits(PreparedImage(image), refresh_after=1000)  # no refresh: the drift of 40 in a row
    weights = np.full((side, side), 1.0)
    for row, column, value in typed:  # one weight per edit, as a user types
        weights[row % side, column % side] = value
        divisor = float(weights.sum()) if normalise else 1.0
        if divisor == 0.0:
            continue  # refused before it gets here (`normalised`)
        ours = edits.apply(weights, divisor=divisor, padding_mode=mode, flip=flip)
        scratch = PreparedImage(image).apply(weights / divisor, padding_mode=mode, flip=flip)
        np.testing.assert_allclose(ours, scratch, rtol=0, atol=bound(scratch))
        oracle = scipy_filter(image, weights / divisor, mode, flip)
        np.testing.assert_allclose(ours, oracle, rtol=0, atol=2 * bound(oracle) + 1e-12)  # FFT's 1e-9 too
        assert not ours.flags.writeable  # kept for the next edit: nobody may write it


def test_drift_after_many_updates_stays_far_below_the_tolerance() -> None:
    rng = np.random.default_rng(5)
    image = rng.integers(0, 256, (64, 64, 3)).astype(np.uint8)
    edits = KernelEdits(PreparedImage(image), refresh_after=10_000)
    weights = np.full((15, 15), 1 / 225)
    edits.apply(weights)
    worst = 0.0
    for n in range(300):
        weights[rng.integers(15), rng.integers(15)] += rng.choice([0.1, 0.15, -0.05, -1 / 3])
        ours = edits.apply(weights)
        assert edits.updates == n + 1
        if n + 1 in (1, 32, 150, 300):  # the direct sums now and then: the time goes to them
            direct = PreparedImage(image).apply(weights, method="direct")
            worst = max(worst, float(np.abs(ours - direct).max()))
    assert worst < bound(ours) / 1000  # measured: ~1e-14 of the values, ~1e-7 allowed


def test_refresh_and_fallbacks_compute_in_full() -> None:
    image = np.random.default_rng(1).integers(0, 256, (8, 9, 3)).astype(np.uint8)
    edits = KernelEdits(PreparedImage(image), refresh_after=3)
    weights = np.ones((3, 3))
    first = edits.apply(weights)
    assert np.shares_memory(edits.apply(weights), first)  # the same kernel: the kept numbers themselves
    counts = []
    for value in (2.0, 3.0, 4.0, 5.0):
        weights[1, 1] = value
        edits.apply(weights)
        counts.append(edits.updates)
    assert counts == [1, 2, 3, 0]  # the 4th in a row is computed in full
    weights[0, :] = 7.0  # 3 changed, a third of 9: still an update
    edits.apply(weights)
    assert edits.updates == 1
    weights[2, :] = [8.0, 9.0, 10.0]  # ... but not 4
    weights[1, 0] = 6.0
    edits.apply(weights)
    assert edits.updates == 0
    for changed in ({"padding_mode": "reflect"}, {"flip": True}):  # anything but weights: in full
        edits.apply(weights)
        weights[1, 1] += 1
        edits.apply(weights, **changed)  # type: ignore[arg-type]
        assert edits.updates == 0
    edits.apply(np.ones((5, 5)))
    assert edits.updates == 0


def test_normalise_keeps_one_typed_weight_one_update() -> None:
    image = np.random.default_rng(3).integers(0, 256, (10, 11)).astype(np.uint8)
    edits = KernelEdits(PreparedImage(image))
    weights = np.ones((15, 15))
    edits.apply(weights, divisor=float(weights.sum()))
    weights[7, 7] = 40.0  # every normalised weight changes; the typed one alone is an update
    ours = edits.apply(weights, divisor=float(weights.sum()), padding_mode="zeros")
    assert edits.updates == 1
    scratch = PreparedImage(image).apply(weights / weights.sum())
    np.testing.assert_allclose(ours, scratch, rtol=0, atol=bound(scratch))


def test_threads_never_see_a_half_updated_result() -> None:
    image = np.random.default_rng(4).integers(0, 256, (96, 80, 3)).astype(np.uint8)
    with ThreadPoolExecutor(2) as pool:
        edits = KernelEdits(PreparedImage(image, pool=pool), pool)
        kernels = [np.full((3, 3), 1 / 9) for _ in range(4)]
        for n, k in enumerate(kernels):
            k[n % 3, 1] = 0.5 + n  # neighbours differ in one or two weights: updates and full ones mixed
        expected = [PreparedImage(image).apply(k) for k in kernels]
        failures: list[int] = []

        def typist(start: int) -> None:
            for n in range(start, start + 24):
                got = edits.apply(kernels[n % 4])
                if not np.allclose(got, expected[n % 4], rtol=0, atol=1e-9):
                    failures.append(n)

        typists = [threading.Thread(target=typist, args=(s,)) for s in (0, 1, 2)]
        for t in typists:
            t.start()
        for t in typists:
            t.join()
    assert failures == []


def test_a_bad_kernel_is_refused_and_the_kept_result_stays() -> None:
    image = np.arange(20.0).reshape(4, 5)
    edits = KernelEdits(PreparedImage(image))
    kept = edits.apply(np.ones((3, 3)))
    with pytest.raises(ValueError, match="kernel"):
        edits.apply([[1.0, float("nan"), 1.0]])
    assert np.shares_memory(edits.apply(np.ones((3, 3))), kept)


def test_a_kernel_cancelled_to_zero_gives_zeros_not_the_rounding_left_over() -> None:
    # Unit by unit a box blur's weights are typed to 0: updates would leave ~1e-14 where the values are
    # 0, and a signed scale, set by the values' largest magnitude, would show that rounding at full
    # contrast. Values under SHRINK of their earlier size are computed in full instead.
    image = np.random.default_rng(6).integers(0, 256, (20, 24, 3)).astype(np.uint8)
    edits = KernelEdits(PreparedImage(image))
    weights = np.full((3, 3), 1 / 9)
    edits.apply(weights)
    for n in range(8):
        weights.flat[n] = 0.0
        edits.apply(weights)
    assert edits.updates == 8
    weights.flat[8] = 0.0
    assert not edits.apply(weights).any()
    assert edits.updates == 0
