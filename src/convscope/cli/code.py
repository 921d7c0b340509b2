"""``convscope code``: print a short script that reproduces a view's result with convscope or PyTorch.

    convscope code playground --digit 3 --kernel sobel_x --padding 1
    convscope code playground --kernel box --stride 2 --framework torch > conv.py

The settings are ``convscope render``'s; a kernel that fits nowhere is explained and exits with 2.
"""

from __future__ import annotations

import argparse
from typing import Any

from convscope.cli.playground_args import add_arguments, settings_from
from convscope.export import FRAMEWORKS, playground_code


def add_parser(subparsers: Any) -> None:
    """Register ``code`` on the top-level subparsers."""
    parser = subparsers.add_parser(
        "code", help="print a script reproducing a view's result (NumPy or PyTorch)",
        description="Print a short runnable script that reproduces the view's output for these settings.",
    )
    add_arguments(parser)
    parser.add_argument("--framework", choices=FRAMEWORKS, default="numpy",
                        help="convscope's NumPy engine (default) or torch.nn.functional")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the script; bad settings raise ValueError (exit status 2) after explaining them."""
    settings = settings_from(args)
    # Your own image is loaded from the same .npy you gave, so the script runs where you ran this.
    image_file = str(args.image) if args.image is not None else "convscope_input.npy"
    print(playground_code(settings, args.framework, image_file), end="")
    return 0
