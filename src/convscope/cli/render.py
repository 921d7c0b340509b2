"""``convscope render``: a view exported without a browser, as a PNG figure or a GIF/APNG animation.

    convscope render playground --digit 3 --kernel sobel_x --padding 1 --out conv.gif
    convscope render playground --kernel box --stride 2 --out slide.png      # the 2x figure for slides
    convscope render slide --f box --g triangle --out flip.gif               # the 1-D flip-and-slide
    convscope render pool --digit 3 --kernel-size 2 --stride 2 --out pool.gif  # max pooling's windows

The format follows ``--out``'s suffix (.png, .gif, .apng). Long animations are subsampled to
``--frames`` frames, and the command says so; a progress bar goes to stderr while frames are drawn.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from convscope.cli.playground_args import add_arguments, settings_from
from convscope.export import ExportFormat, render_playground
from convscope.export.pool import render_pool
from convscope.export.slide import render_slide
from convscope.lessons.signals import Slide

FORMATS: dict[str, ExportFormat] = {".png": "png", ".gif": "gif", ".apng": "apng"}
BAR_WIDTH = 30
LONG = 30  # frames: a shorter animation is written before a bar would be read


def add_parser(subparsers: Any) -> None:
    """Register ``render`` on the top-level subparsers."""
    parser = subparsers.add_parser(
        "render", help="export a view as a PNG figure or a GIF/APNG animation",
        description="Draw a view from the same lesson the page draws, without a browser.",
    )
    add_arguments(parser, ("playground", "slide", "pool"))
    slide = parser.add_argument_group("slide (the 1-D flip-and-slide)")
    slide.add_argument("--f", default="box", help="f's waveform: box, triangle, decay, gaussian, spikes")
    slide.add_argument("--g", default="triangle", help="g's waveform (default triangle)")
    slide.add_argument("--correlate", action="store_true", help="cross-correlation (g not flipped)")
    parser.add_argument("--out", type=Path, required=True, help="the file to write: .png, .gif or .apng")
    parser.add_argument("--fps", type=float, default=10.0, help="animation frames per second (default 10)")
    parser.add_argument("--frames", type=int, default=120,
                        help="the most animation frames; longer traces are subsampled (default 120)")
    parser.add_argument("--scale", type=int, choices=(1, 2, 3, 4),
                        help="pixels per page pixel (default: 2 for a figure, 1 for an animation)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the file; bad settings raise ValueError (exit status 2) after explaining them."""
    fmt = FORMATS.get(args.out.suffix.lower())
    if fmt is None:
        raise ValueError(f"--out must end in .png, .gif or .apng, got {args.out.name!r}")
    bar = None if args.quiet else ProgressBar(sys.stderr)
    progress = None if bar is None else bar.update
    if args.view == "slide":
        if fmt == "png":
            raise ValueError("--out: the slide is an animation; write a .gif or .apng")
        setting = Slide(args.f, args.g, flip=not args.correlate, max_frames=args.frames)
        note = render_slide(setting, args.out, fmt, fps=args.fps, scale=args.scale or 1, progress=progress)
    elif args.view == "pool":
        if fmt == "png":
            raise ValueError("--out: pooling is an animation; write a .gif or .apng")
        image = settings_from(args).image_array()
        note = render_pool(image, args.out, fmt, args.kernel_size or 2, args.stride, args.padding, args.fps,
                           args.frames)
    else:
        note = render_playground(settings_from(args), args.out, fmt, fps=args.fps, max_frames=args.frames,
                                 scale=args.scale, progress=progress)
    if bar is not None:
        bar.close()
    print(f"wrote {args.out} ({note})")
    return 0


class ProgressBar:
    """``[#####.....] 40/120 frames`` on one line of ``stream``, redrawn in place."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.drawn = False
        self.filled = -1

    def update(self, done: int, total: int) -> None:
        """Redraw for ``done`` of ``total`` frames, when the bar grows (a log keeps BAR_WIDTH lines)."""
        filled = BAR_WIDTH * done // max(1, total)
        if total < LONG or filled == self.filled:
            return
        self.filled = filled
        self.stream.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} frames")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """End the bar's line."""
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
