"""``convscope size``: the output size of a convolution and why, or the receptive fields of a stack.

    convscope size --input 20 --kernel 3 --stride 2          # is it valid? what gets dropped? what fixes it?
    convscope size --input 32 --layers conv5,pool2,conv5,pool2   # a table of sizes and receptive fields

Sizes are ``28`` or ``28x32`` (height x width). ``--json`` prints the dict the playground draws. A kernel
that does not fit is explained and then exits with status 2; a setting that fits but does not tile the
input (a framework floors it) is explained and exits with 0.
"""

from __future__ import annotations

import argparse
import json
import re
import textwrap
from typing import Any

from convscope.arithmetic import explain_convolution, output_size
from convscope.receptive import receptive_field
from convscope.records import Explanation, LayerField

_SIZE = re.compile(r"(\d+)(?:x(\d+))?")


def add_parser(subparsers: Any) -> None:
    """Register ``size`` on the top-level subparsers."""
    parser = subparsers.add_parser(
        "size",
        help="output size, validity and receptive fields",
        description="Explain a convolution's output size (or a stack's receptive fields).",
        epilog="Sizes are N or HxW, e.g. 28 or 28x32. Layers: conv<k>[s<stride>][p<pad>][d<dil>] or "
        "pool<k>[s<stride>][p<pad>], comma-separated.",
    )
    parser.add_argument("--input", help="input size, e.g. 20 or 28x32")
    parser.add_argument("--kernel", help="kernel size")
    parser.add_argument("--padding", default="0", help="zeros added on each side (default 0)")
    parser.add_argument("--stride", default="1", help="step between windows (default 1)")
    parser.add_argument("--dilation", default="1", help="spacing between kernel taps (default 1: none)")
    parser.add_argument("--layers", help="a stack such as conv5,pool2,conv5,pool2 (replaces --kernel)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=run)


def parse_size(text: str, name: str) -> int | tuple[int, int]:
    """``"28"`` -> 28, ``"28x32"`` -> (28, 32); anything else is a ValueError naming the option."""
    match = _SIZE.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(f"--{name} must be a whole number such as 28 or a pair such as 28x32, got {text!r}")
    if match[2] is None:
        return int(match[1])
    return (int(match[1]), int(match[2]))


def run(args: argparse.Namespace) -> int:
    """Print the explanation or the receptive-field table; bad input raises ValueError (exit status 2)."""
    if args.layers is not None:
        if args.kernel is not None:
            raise ValueError("give either --kernel (one convolution) or --layers (a stack), not both")
        size = None if args.input is None else parse_size(args.input, "input")
        rows = receptive_field(args.layers, input_size=size)
        print(json.dumps(rows, indent=2, ensure_ascii=False) if args.json else _table(rows, size))
        return 0
    if args.input is None or args.kernel is None:
        raise ValueError("give --input and --kernel (e.g. --input 20 --kernel 3), or --layers")
    names = ("input", "kernel", "padding", "stride", "dilation")
    values = [parse_size(getattr(args, name), name) for name in names]
    info = explain_convolution(*values)
    print(json.dumps(info, indent=2, ensure_ascii=False) if args.json else explanation_text(info))
    if not info["fits"]:
        output_size(*values)  # raises the ValueError naming the numbers: exit status 2, after the explanation
    return 0


def _dims(pair: list[int]) -> str:
    """``9x9``."""
    return f"{pair[0]}x{pair[1]}"


def explanation_text(info: Explanation) -> str:
    """The explanation as readable plain text (``convscope render`` and ``code`` print it too)."""
    out = info["output_size"]
    lines = [
        f"Output size: {_dims(out) if out else 'none (the kernel does not fit)'}",
        textwrap.fill(info["summary"], 100),
        "",
    ]
    lines.append(f"Formula: {info['formula']}")
    lines += [f"  {axis['axis']:>6}: {axis['formula']}" for axis in info["axes"]]
    if info["reasons"]:
        lines += ["", "Why it is invalid:"]
        lines += [
            textwrap.fill(reason, 100, initial_indent="  - ", subsequent_indent="    ")
            for reason in info["reasons"]
        ]
    dropped = [a for a in info["axes"] if a["dropped"]]
    if dropped:
        lines += ["", "Dropped by a framework that floors (padded coordinates):"]
        lines += [f"  {a['axis']:>6}: {', '.join(map(str, a['dropped']))}" for a in dropped]
    if info["suggestions"]:
        lines += ["", "Nearest valid settings:"]
        for number, s in enumerate(info["suggestions"], start=1):
            lines.append(f"  {number}. {'; '.join(s['changes']):<40} -> output {_dims(s['output_size'])}")
    return "\n".join(lines)


def _table(rows: list[LayerField], size: int | tuple[int, int] | None) -> str:
    """Receptive fields as an aligned text table, starting from the input."""

    def cell(pair: list[Any]) -> str:
        shown = [f"{v:g}" if isinstance(v, float) else str(v) for v in pair]
        return shown[0] if shown[0] == shown[1] else "x".join(shown)

    header = ("layer", "output", "receptive field", "jump", "start")
    first = "-" if size is None else cell(list(size) if isinstance(size, tuple) else [size, size])
    table = [header, ("input", first, "1", "1", "0")]
    for row in rows:
        out = "-" if row["output_size"] is None else cell(row["output_size"])
        table.append((row["layer"], out, cell(row["receptive_field"]), cell(row["jump"]), cell(row["start"])))
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True)))
        for line in table
    )
