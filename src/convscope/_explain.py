"""The sentences and per-axis numbers behind ``arithmetic.explain_convolution``."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Literal

from convscope._suggest import nearest_valid
from convscope.geometry import AxisWindow, Window
from convscope.records import AxisExplanation, Explanation

Pair = tuple[int, int]
FORMULA = "O = (W - K + 2P)/S + 1"
DILATED_FORMULA = "O = (W - K_eff + 2P)/S + 1, with K_eff = D(K - 1) + 1"
# singular, plural and the far edge, per axis; "both" speaks for a square problem's two identical axes.
NOUNS = {
    "height": ("row", "rows", "bottom"),
    "width": ("column", "columns", "right"),
    "both": ("row and column", "rows and columns", "bottom and right"),
}


def _value(numerator: int, stride: int) -> str:
    """``= 9.5`` or ``≈ 2.33``: the exact output, as a learner would write it."""
    value = Fraction(numerator, stride) + 1
    rest = value.denominator
    for factor in (2, 5):
        while rest % factor == 0:
            rest //= factor
    if rest == 1:  # a terminating decimal: write it exactly
        return f"= {value.numerator}" if value.denominator == 1 else f"= {float(value):g}"
    return f"≈ {float(value):.2f}"


def _formula(axis: AxisWindow) -> str:
    """The formula with the user's numbers, and K_eff spelled out when the kernel is dilated."""
    k, s, d, span = axis.kernel_size, axis.stride, axis.dilation, axis.span
    text = f"O = ({axis.size} - {span} + 2×{axis.padding[0]})/{s} + 1 {_value(axis.slack, s)}"
    if d > 1:
        text += f", with K_eff = {d}×({k} - 1) + 1 = {span}"
    return text


def _axis_dict(name: Literal["height", "width"], axis: AxisWindow) -> AxisExplanation:
    """Numbers, filled-in formula and dropped padded indices for one axis (its padding is symmetric)."""
    return {
        "axis": name,
        "input": axis.size,
        "kernel": axis.kernel_size,
        "effective_kernel": axis.span,
        "padding": axis.padding[0],
        "stride": axis.stride,
        "dilation": axis.dilation,
        "numerator": axis.slack,
        "exact_output": axis.slack / axis.stride + 1,
        "output": axis.output_size if axis.fits else None,
        "fits": axis.fits,
        "divisible": axis.slack % axis.stride == 0,
        "formula": _formula(axis),
        "dropped": list(axis.dropped),
    }


def _misfit_reason(axis: AxisWindow, nouns: tuple[str, str, str]) -> str:
    """Why no window fits, and the smallest fixes."""
    size, pad, span = axis.size, axis.padding[0], axis.span
    dilated = ""
    if axis.dilation > 1:
        dilated = f" (dilation {axis.dilation} spreads its {axis.kernel_size} taps over {span})"
    return (
        f"The kernel is too big: it spans {span} {nouns[1]}{dilated} but the padded input has only "
        f"{size} + 2×{pad} = {axis.padded_size}, so not even one window fits. Add padding of at least "
        f"{axis.least_padding_to_fit()}, use a kernel size of at most {axis.largest_kernel_to_fit()}, "
        "or use a larger input."
    )


def _floor_reason(axis: AxisExplanation, nouns: tuple[str, str, str]) -> str:
    """Why the windows do not tile the input, and what a framework that floors throws away."""
    n, stride, dropped = axis["numerator"], axis["stride"], axis["dropped"]
    count = len(dropped)
    last = f"last {nouns[0]}" if count == 1 else f"last {count} {nouns[1]}"
    where = "index " + str(dropped[0]) if count == 1 else "indices " + ", ".join(map(str, dropped))
    image = sum(1 for i in dropped if i < axis["padding"] + axis["input"])
    they = "it is" if count == 1 else "they are"
    if image == 0:
        lost = f"{they} only padding, so no image pixels are lost"
    elif image == count:
        lost = f"{they} part of the image, and no window ever sees {'it' if count == 1 else 'them'}"
    else:
        lost = f"{image} of them are part of the image, and no window ever sees those"
    made = (
        f"a {axis['output']}×{axis['output']} output"
        if nouns is NOUNS["both"]
        else (f"{axis['output']} output {nouns[1]}")
    )
    edges = "s" if nouns is NOUNS["both"] else ""
    return (
        f"{axis['input']} - {axis['effective_kernel']} + 2×{axis['padding']} = {n} is not a multiple of "
        f"the stride {stride}, so the output size {n}/{stride} + 1 {_value(n, stride)} is not a whole "
        f"number: the windows cannot end exactly at the {nouns[2]} edge{edges}. A framework that floors "
        f"(PyTorch, or TensorFlow's 'VALID') makes {made} and silently ignores the {last} "
        f"(padded {where}): {lost}."
    )


def _reasons(axes: list[AxisExplanation], win: Window, square: bool) -> list[str]:
    """Plain sentences for every axis that breaks the rule; one set for a square problem."""
    reasons = []
    for axis, along in list(zip(axes, win.axes, strict=True))[: 1 if square else 2]:
        nouns = NOUNS["both" if square else axis["axis"]]
        prefix = "" if square else f"Along the {axis['axis']}: "
        if not axis["fits"]:
            reasons.append(prefix + _misfit_reason(along, nouns))
        elif not axis["divisible"]:
            reasons.append(prefix + _floor_reason(axis, nouns))
    return reasons


def _dims(pair: Sequence[int] | None) -> str:
    """``7×7``."""
    assert pair is not None  # only called where the kernel fits, so there is an output size
    return f"{pair[0]}×{pair[1]}"


def _one(pair: Sequence[int]) -> str:
    """``2`` when both axes agree, else ``(1, 2)``."""
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def _dropped_phrase(axes: list[AxisExplanation]) -> str:
    """``the last row and column`` / ``the last 2 rows``: what flooring drops, for the summary."""
    counts = [len(a["dropped"]) for a in axes]
    if counts[0] == counts[1]:
        nouns = NOUNS["both"]
        return f"the last {nouns[0]}" if counts[0] == 1 else f"the last {counts[0]} {nouns[1]}"
    parts = [
        NOUNS[a["axis"]][0] if c == 1 else f"{c} {NOUNS[a['axis']][1]}"
        for a, c in zip(axes, counts, strict=True)
        if c
    ]
    return "the last " + " and ".join(parts)


def _summary(info: Explanation, axes: list[AxisExplanation], dil: Pair) -> str:
    """One sentence for the page."""
    kernel = f"{_dims(info['kernel_size'])} kernel"
    dilated = any(d > 1 for d in dil)
    if dilated:
        kernel += f" with dilation {_one(dil)} (spanning {_dims(info['effective_kernel_size'])})"
    if info["valid"]:
        joint = ", " if dilated else " with "
        return (
            f"Valid: a {kernel}{joint}stride {_one(info['stride'])} and padding {_one(info['padding'])} "
            f"turns the {_dims(info['input_size'])} input into a {_dims(info['output_size'])} output."
        )
    if not info["fits"]:
        return (
            f"Invalid: the {kernel} does not fit the {_dims(info['input_size'])} input with padding "
            f"{_one(info['padding'])}; add padding or use a smaller kernel."
        )
    broken = next(a for a in axes if not a["divisible"])
    return (
        f"Invalid: {broken['formula'].split(', with')[0]} is not a whole number; a framework that floors "
        f"gives {_dims(info['output_size'])} and drops {_dropped_phrase(axes)}."
    )


def explain_axes(win: Window) -> Explanation:
    """The ``explain_convolution`` dict for a checked 2-D window, padded evenly (see its docstring)."""
    axes = [_axis_dict("height", win.axes[0]), _axis_dict("width", win.axes[1])]
    square = win.axes[0] == win.axes[1]  # every setting the same on both axes
    fits = all(a["fits"] for a in axes)
    dil = (win.axes[0].dilation, win.axes[1].dilation)
    info: Explanation = {
        "valid": win.tiles,
        "fits": fits,
        "divisible": all(a["divisible"] for a in axes),
        "input_size": list(win.input_size),
        "kernel_size": list(win.kernel_size),
        "padding": [a["padding"] for a in axes],
        "stride": list(win.stride),
        "dilation": list(dil),
        "effective_kernel_size": list(win.span),
        "output_size": list(win.output_size) if fits else None,
        "formula": DILATED_FORMULA if any(d > 1 for d in dil) else FORMULA,
        "axes": axes,
        "reasons": _reasons(axes, win, square),
        "suggestions": [] if win.tiles else nearest_valid(win.axes[:1] if square else win.axes),
        "summary": "",  # written below, from the rest
    }
    info["summary"] = _summary(info, axes, dil)
    return info
