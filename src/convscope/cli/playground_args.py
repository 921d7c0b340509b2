"""The playground's settings as command-line flags, shared by ``convscope render`` and ``convscope code``.

Converted once into `convscope.export.PlaygroundSettings`; settings whose kernel fits nowhere print the
explanation ``convscope size`` prints, then exit with status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from convscope.arithmetic import explain_convolution, output_size
from convscope.cli.size import explanation_text
from convscope.export import PlaygroundSettings, as_matrix

VIEWS = ("playground",)


def add_arguments(parser: argparse.ArgumentParser, views: tuple[str, ...] = VIEWS) -> None:
    """The view to export and the playground's settings, as the playground's URL names them."""
    parser.add_argument("view", choices=views, help="which page to export")
    parser.add_argument("--digit", type=int, default=3, help="MNIST digit class 0..9 (default 3)")
    parser.add_argument("--index", type=int, default=0, help="which example of that digit (default 0)")
    parser.add_argument("--image", type=Path, help="your own (H, W) image as a .npy file, instead of --digit")
    parser.add_argument("--kernel", default="ones",
                        help="a kernel name (ones, box, gaussian, sharpen, sobel_x, ...) or a matrix "
                        "written row by row: '1,0;0,-1' (default ones)")
    parser.add_argument("--kernel-size", type=int, help="a named kernel's side (default 3)")
    parser.add_argument("--padding", type=int, default=0, help="zeros added on each side (default 0)")
    parser.add_argument("--stride", type=int, default=1, help="step between windows (default 1)")
    parser.add_argument("--dilation", type=int, default=1,
                        help="spacing between kernel taps (default 1: none)")


def settings_from(args: argparse.Namespace) -> PlaygroundSettings:
    """The checked settings; a kernel that fits nowhere is explained on stderr and raises ValueError."""
    image = None if args.image is None else as_matrix(_load(args.image))
    kernel: Any = args.kernel
    if any(ch in kernel for ch in ",;") or _is_number(kernel):
        kernel = as_matrix(_parse_matrix(kernel))
    settings = PlaygroundSettings(args.digit, args.index, kernel, args.kernel_size, args.padding, args.stride,
                                  args.dilation, image)
    weights, shape = settings.weights(), settings.image_array().shape
    values = (shape, weights.shape, settings.padding, settings.stride, settings.dilation)
    info = explain_convolution(*values)
    if not info["fits"]:
        print(explanation_text(info), file=sys.stderr)
        output_size(*values)  # the ValueError naming the numbers: exit status 2, after the explanation
    return settings


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_matrix(text: str) -> list[list[float]]:
    """``'1,0;0,-1'`` -> [[1, 0], [0, -1]]; a ValueError naming --kernel otherwise."""
    try:
        rows = [[float(v) for v in row.split(",")] for row in text.split(";")]
    except ValueError:
        raise ValueError(
            f"--kernel must be a name or rows of numbers such as '1,0;0,-1', got {text!r}") from None
    if len({len(row) for row in rows}) != 1:
        raise ValueError(f"--kernel's rows must all have the same length, got {text!r}")
    return rows


def _load(path: Path) -> np.ndarray[Any, np.dtype[np.float64]]:
    """A 2-D finite array from a .npy file (a ValueError naming --image otherwise)."""
    if path.suffix.lower() != ".npy":
        raise ValueError(f"--image must be a .npy file holding an (H, W) array, got {path}")
    try:
        array = np.load(path, allow_pickle=False)
    except OSError as err:
        raise ValueError(f"--image: cannot read {path}: {err}") from None
    if array.ndim != 2 or not np.issubdtype(array.dtype, np.number) or not np.isfinite(array).all():
        raise ValueError(f"--image must hold a 2-D array of finite numbers, got {array.dtype} {array.shape}")
    return np.asarray(array, dtype=np.float64)
