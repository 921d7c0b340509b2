"""The sentences and per-axis numbers behind ``arithmetic.explain_convolution``."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from convscope import _axis
from convscope._suggest import AxisProblem, nearest_valid

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


def _formula(size: int, kernel: int, padding: int, stride: int, dilation: int) -> str:
    """The formula with the user's numbers, and K_eff spelled out when the kernel is dilated."""
    span = _axis.effective_kernel(kernel, dilation)
    n = _axis.numerator(size, kernel, padding, dilation)
    text = f"O = ({size} - {span} + 2×{padding})/{stride} + 1 {_value(n, stride)}"
    if dilation > 1:
        text += f", with K_eff = {dilation}×({kernel} - 1) + 1 = {span}"
    return text


def _axis_dict(name: str, size: int, kernel: int, padding: int, stride: int, dilation: int) -> dict[str, Any]:
    """Numbers, filled-in formula and dropped padded indices for one axis."""
    n = _axis.numerator(size, kernel, padding, dilation)
    span = _axis.effective_kernel(kernel, dilation)
    return {
        "axis": name,
        "input": size,
        "kernel": kernel,
        "effective_kernel": span,
        "padding": padding,
        "stride": stride,
        "dilation": dilation,
        "numerator": n,
        "exact_output": n / stride + 1,
        "output": _axis.floor_output(size, kernel, padding, stride, dilation),
        "fits": n >= 0,
        "divisible": n % stride == 0,
        "formula": _formula(size, kernel, padding, stride, dilation),
        "dropped": _axis.dropped(size, kernel, padding, stride, dilation),
    }


def _misfit_reason(axis: dict[str, Any], nouns: tuple[str, str, str]) -> str:
    """Why no window fits, and the smallest fixes."""
    size, pad, span = axis["input"], axis["padding"], axis["effective_kernel"]
    dilated = ""
    if axis["dilation"] > 1:
        dilated = f" (dilation {axis['dilation']} spreads its {axis['kernel']} taps over {span})"
    need = -(-(span - size) // 2)  # ceil: padding goes on both sides
    largest = (size + 2 * pad - 1) // axis["dilation"] + 1
    return (
        f"The kernel is too big: it spans {span} {nouns[1]}{dilated} but the padded input has only "
        f"{size} + 2×{pad} = {size + 2 * pad}, so not even one window fits. Add padding of at least {need}, "
        f"use a kernel size of at most {largest}, or use a larger input."
    )


def _floor_reason(axis: dict[str, Any], nouns: tuple[str, str, str]) -> str:
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


def _reasons(axes: list[dict[str, Any]], square: bool) -> list[str]:
    """Plain sentences for every axis that breaks the rule; one set for a square problem."""
    reasons = []
    for axis in axes[:1] if square else axes:
        nouns = NOUNS["both" if square else axis["axis"]]
        prefix = "" if square else f"Along the {axis['axis']}: "
        if not axis["fits"]:
            reasons.append(prefix + _misfit_reason(axis, nouns))
        elif not axis["divisible"]:
            reasons.append(prefix + _floor_reason(axis, nouns))
    return reasons


def _dims(pair: Pair | list[int]) -> str:
    """``7×7``."""
    return f"{pair[0]}×{pair[1]}"


def _one(pair: Pair) -> str:
    """``2`` when both axes agree, else ``(1, 2)``."""
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def _dropped_phrase(axes: list[dict[str, Any]]) -> str:
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


def _summary(info: dict[str, Any], axes: list[dict[str, Any]], dil: Pair) -> str:
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


def explain_axes(size: Pair, kernel: Pair, pad: Pair, step: Pair, dil: Pair) -> dict[str, Any]:
    """The ``explain_convolution`` dict for checked settings (see its docstring)."""
    names = ("height", "width")
    axes = [_axis_dict(names[i], size[i], kernel[i], pad[i], step[i], dil[i]) for i in range(2)]
    square = all(p[0] == p[1] for p in (size, kernel, pad, step, dil))
    fits = all(a["fits"] for a in axes)
    valid = all(a["fits"] and a["divisible"] for a in axes)
    problems = [AxisProblem(size[i], kernel[i], pad[i], step[i], dil[i]) for i in range(1 if square else 2)]
    info: dict[str, Any] = {
        "valid": valid,
        "fits": fits,
        "divisible": all(a["divisible"] for a in axes),
        "input_size": list(size),
        "kernel_size": list(kernel),
        "padding": list(pad),
        "stride": list(step),
        "dilation": list(dil),
        "effective_kernel_size": [a["effective_kernel"] for a in axes],
        "output_size": [a["output"] for a in axes] if fits else None,
        "formula": DILATED_FORMULA if any(d > 1 for d in dil) else FORMULA,
        "axes": axes,
        "reasons": _reasons(axes, square),
        "suggestions": [] if valid else nearest_valid(problems),
    }
    info["summary"] = _summary(info, axes, dil)
    return info
