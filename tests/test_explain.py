"""explain_convolution: the JSON contract, the filled-in formula, dropped rows, the nearest valid settings."""

from __future__ import annotations

import itertools
import json
import random

import pytest

from convscope.arithmetic import explain_convolution, output_size, valid_convolution

TOP_KEYS = {
    "valid",
    "fits",
    "divisible",
    "input_size",
    "kernel_size",
    "padding",
    "stride",
    "dilation",
    "effective_kernel_size",
    "output_size",
    "formula",
    "axes",
    "reasons",
    "suggestions",
    "summary",
}
AXIS_KEYS = {
    "axis",
    "input",
    "kernel",
    "effective_kernel",
    "padding",
    "stride",
    "dilation",
    "numerator",
    "exact_output",
    "output",
    "fits",
    "divisible",
    "formula",
    "dropped",
}
SUGGESTION_KEYS = {"kernel_size", "padding", "stride", "dilation", "output_size", "changes", "cost"}
SETTINGS = ("input", "kernel", "padding", "stride", "dilation")


def square_cases():
    """Every small square setting: inputs 1..12, kernels 1..6, padding 0..2, stride 1..4, dilation 1..2."""
    return itertools.product(range(1, 13), range(1, 7), range(3), range(1, 5), range(1, 3))


def covered_by_windows(size: int, kernel: int, padding: int, stride: int, dilation: int) -> set[int]:
    """Padded indices some tap of some window touches, by sliding the window as a framework does."""
    span = dilation * (kernel - 1) + 1
    starts = range(0, size + 2 * padding - span + 1, stride)
    return {start + dilation * tap for start in starts for tap in range(kernel)}


def test_the_dict_has_exactly_the_agreed_keys_and_survives_json() -> None:
    for args in [(20, 3, 0, 2), (7, 3, 0, 2), (3, 5, 0, 1), ((20, 21), (3, 2), (0, 1), (2, 1), (1, 2))]:
        info = explain_convolution(*args)
        assert set(info) == TOP_KEYS
        assert all(set(axis) == AXIS_KEYS for axis in info["axes"])
        assert all(set(s) == SUGGESTION_KEYS for s in info["suggestions"])
        assert json.loads(json.dumps(info)) == info  # plain Python types only


def test_the_formula_is_filled_in_with_the_learners_numbers() -> None:
    info = explain_convolution(20, 3, padding=0, stride=2)
    assert info["formula"] == "O = (W - K + 2P)/S + 1"
    assert [axis["formula"] for axis in info["axes"]] == ["O = (20 - 3 + 2×0)/2 + 1 = 9.5"] * 2
    assert info["axes"][0]["exact_output"] == 9.5
    assert explain_convolution(7, 3, stride=3)["axes"][1]["formula"] == "O = (7 - 3 + 2×0)/3 + 1 ≈ 2.33"


def test_a_dilated_kernel_is_shown_at_its_effective_size() -> None:
    info = explain_convolution(9, 3, stride=2, dilation=3)
    assert "K_eff" in info["formula"]
    assert info["effective_kernel_size"] == [7, 7]
    assert info["axes"][0]["formula"] == "O = (9 - 7 + 2×0)/2 + 1 = 2, with K_eff = 3×(3 - 1) + 1 = 7"
    assert info["valid"]
    assert "dilation 3 (spanning 7×7)" in info["summary"]


def test_valid_settings_have_no_reasons_or_suggestions() -> None:
    info = explain_convolution(7, 3, stride=2)
    assert (info["valid"], info["reasons"], info["suggestions"], info["output_size"]) == (
        True,
        [],
        [],
        [3, 3],
    )
    assert info["summary"].startswith("Valid:")


def test_an_uneven_stride_is_explained_with_what_gets_dropped() -> None:
    info = explain_convolution(20, 3, padding=0, stride=2)
    assert (info["valid"], info["fits"], info["divisible"]) == (False, True, False)
    assert [axis["dropped"] for axis in info["axes"]] == [[19], [19]]
    (reason,) = info["reasons"]  # a square problem is explained once, for rows and columns
    assert "17 is not a multiple of the stride 2" in reason
    assert "ignores the last row and column (padded index 19)" in reason
    assert "no window ever sees it" in reason
    padded = explain_convolution(20, 3, padding=1, stride=2)
    assert "only padding, so no image pixels are lost" in padded["reasons"][0]


def test_a_kernel_that_does_not_fit_is_explained_not_raised() -> None:
    info = explain_convolution(3, 5, padding=0, stride=2)
    assert (info["valid"], info["fits"], info["output_size"]) == (False, False, None)
    assert info["axes"][0]["dropped"] == []
    assert "too big" in info["reasons"][0]
    assert "Add padding of at least 1, use a kernel size of at most 3" in info["reasons"][0]
    assert info["suggestions"][0]["changes"] == ["padding 0 → 1"]


def test_rectangular_problems_are_explained_per_axis() -> None:
    info = explain_convolution((20, 21), 3, stride=2)
    assert [axis["dropped"] for axis in info["axes"]] == [[19], []]
    (reason,) = info["reasons"]
    assert reason.startswith("Along the height:")
    assert info["summary"].endswith("drops the last row.")


def test_dropped_indices_are_those_past_every_window() -> None:
    for size, kernel, padding, stride, dilation in square_cases():
        info = explain_convolution(size, kernel, padding, stride, dilation)
        covered = covered_by_windows(size, kernel, padding, stride, dilation)
        if not covered:  # no window fits: nothing is "dropped", the convolution does not exist
            assert info["axes"][0]["dropped"] == []
            assert not info["fits"]
            continue
        past = [i for i in range(size + 2 * padding) if i > max(covered)]
        assert info["axes"][0]["dropped"] == past
        assert info["valid"] == (past == []) == valid_convolution(size, kernel, padding, stride, dilation)


def test_every_suggestion_is_valid_new_and_sorted() -> None:
    for size, kernel, padding, stride, dilation in square_cases():
        info = explain_convolution(size, kernel, padding, stride, dilation)
        suggestions = info["suggestions"]
        assert (suggestions == []) == info["valid"]
        assert len(suggestions) <= 8
        ranks = [s["cost"] for s in suggestions]
        seen = set()
        for s, rank in zip(suggestions, ranks, strict=True):
            setting = (tuple(s["kernel_size"]), tuple(s["padding"]), tuple(s["stride"]))
            assert setting not in seen
            assert setting != ((kernel,) * 2, (padding,) * 2, (stride,) * 2)
            seen.add(setting)
            assert s["dilation"] == [dilation, dilation]  # dilation is kept
            assert all(v[0] == v[1] for v in setting)  # a square problem stays square
            assert valid_convolution(size, s["kernel_size"], s["padding"], s["stride"], dilation)
            assert output_size(size, s["kernel_size"], s["padding"], s["stride"], dilation) == tuple(
                s["output_size"]
            )
            original = (kernel, padding, stride)
            changed = sum(a[0] != b for a, b in zip(setting, original, strict=True))
            assert len(s["changes"]) == changed
            # each absolute change, plus 2 for every setting changed after the first
            distance = sum(abs(a[0] - b) for a, b in zip(setting, original, strict=True))
            assert rank == distance + 2 * (changed - 1)
        assert ranks == sorted(ranks)


def test_rectangular_suggestions_are_valid_and_change_something(rng) -> None:
    for _ in range(30):
        args = [
            tuple(int(v) for v in rng.integers(lo, hi, 2))
            for lo, hi in ((3, 25), (1, 7), (0, 3), (1, 5), (1, 3))
        ]
        info = explain_convolution(*args)
        for s in info["suggestions"]:
            assert valid_convolution(args[0], s["kernel_size"], s["padding"], s["stride"], s["dilation"])
            assert [s["kernel_size"], s["padding"], s["stride"]] != [list(a) for a in args[1:4]]


def test_the_nearest_fixes_come_first() -> None:
    changes = [s["changes"] for s in explain_convolution(20, 3, padding=0, stride=2)["suggestions"]]
    # padding cannot help (2P is even, 17 is odd); one-step changes of stride or kernel can
    assert changes[:3] == [["stride 2 → 1"], ["kernel size 3 → 2"], ["kernel size 3 → 4"]]
    assert explain_convolution(7, 3, stride=3)["suggestions"][0]["changes"] == ["padding 0 → 1"]


def test_a_big_single_change_does_not_outrank_two_small_ones() -> None:
    # 20, kernel 3, stride 2: padding alone cannot help (2P is even, 17 is odd)
    changes = [s["changes"] for s in explain_convolution(20, 3, padding=0, stride=2)["suggestions"]]
    two = ["padding 0 → 2", "stride 2 → 3"]  # (20 - 3 + 4)/3 + 1 = 8, cost 2 + 1 + 2
    assert two in changes
    assert ["kernel size 3 → 12"] not in changes  # cost 9: learners get the nudges instead
    assert changes.index(two) < changes.index(["kernel size 3 → 10"])


def test_no_suggestion_makes_a_change_it_does_not_need() -> None:
    for args in list(square_cases())[::7]:
        for s in explain_convolution(*args)["suggestions"]:
            size, kernel, padding, stride, dilation = args
            new = {"kernel_size": s["kernel_size"][0], "padding": s["padding"][0], "stride": s["stride"][0]}
            old = {"kernel_size": kernel, "padding": padding, "stride": stride}
            if len(s["changes"]) > 1:
                for name in new:
                    undone = {**new, name: old[name]}
                    if undone != new:
                        assert not valid_convolution(size, dilation=dilation, **undone), (args, s["changes"])


@pytest.mark.parametrize(
    "args", [(20, 3, 0, 2, 65_536), (65_536, 15, 0, 65_535, 65_536), (20, 65_536, 65_536, 7, 65_536)]
)
def test_the_largest_settings_are_explained_at_once(args) -> None:
    # the padding search is arithmetic, not a scan up to K_eff (which a dilation of 65,536 makes huge)
    info = explain_convolution(*args)
    assert len(info["suggestions"]) <= 8
    for s in info["suggestions"]:
        assert valid_convolution(args[0], s["kernel_size"], s["padding"], s["stride"], s["dilation"])


@pytest.mark.parametrize("name", ["input_size", "kernel_size", "padding", "stride", "dilation"])
def test_explain_refuses_sizes_past_its_bound(name) -> None:
    settings = {"input_size": 20, "kernel_size": 3, "padding": 0, "stride": 1, "dilation": 1, name: 65_537}
    with pytest.raises(ValueError, match=f"{name} must be <= 65536, got 65537"):
        explain_convolution(**settings)


def test_suggestions_are_deterministic() -> None:
    cases = list(square_cases())
    random.Random(0).shuffle(cases)
    for args in cases[:50]:
        assert explain_convolution(*args) == explain_convolution(*args)


@pytest.mark.parametrize(("args", "words"), [((20, 3, -1), "padding must be >= 0"), ((20, 0), "kernel_size")])
def test_explain_still_refuses_impossible_settings(args, words) -> None:
    with pytest.raises(ValueError, match=words):
        explain_convolution(*args)
