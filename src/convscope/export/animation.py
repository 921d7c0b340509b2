"""Frames to a file: which steps an animation shows, and writing them as GIF or APNG with Pillow.

Matplotlib's ``FuncAnimation`` takes ``frames`` and ``interval``; here it is ``frames`` (the most frames
to write) and ``fps``. A trace longer than ``frames`` is subsampled evenly, always keeping the first and
the last window, and `AnimationPlan.note` says so, so a caption never claims every window is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from PIL import Image

from convscope.errors import SettingError

Format = Literal["gif", "apng"]
MAX_FRAMES = 2000  # a GIF of more frames is tens of megabytes and no slide needs it
MAX_FPS = 50  # GIF delays are in hundredths of a second; browsers slow anything faster down to 10 fps
MIN_FPS = 0.1  # 10 s a frame; slower is no animation, and 1000 / fps must stay a finite delay in ms
HOLD_LAST_S = 1.5  # the finished output stays on screen before the loop starts again


@dataclass(frozen=True)
class AnimationPlan:
    """The steps to draw (windows computed, in order) and how fast: one frame per entry of ``steps``."""

    steps: tuple[int, ...]
    fps: float
    total: int  # windows in the whole trace

    @property
    def subsampled(self) -> bool:
        """Whether some windows are not shown on a frame of their own."""
        return len(self.steps) < self.total + 1

    @property
    def note(self) -> str:
        """One sentence for a caption or the command line: all windows, or how they were subsampled.

        Examples
        --------
        >>> plan_animation(400, frames=101).note
        'subsampled: 101 frames show 400 windows (about one frame per 4 windows)'
        """
        if not self.subsampled:
            return f"every window: {self.total} windows, {len(self.steps)} frames"
        every = round(self.total / max(1, len(self.steps) - 1))
        return (f"subsampled: {len(self.steps)} frames show {self.total} windows "
                f"(about one frame per {every} windows)")


def plan_animation(total: int, frames: int = 120, fps: float = 10.0) -> AnimationPlan:
    """Which of the ``total + 1`` steps (0 windows .. all) to draw, at most ``frames`` of them.

    Parameters
    ----------
    total : the number of windows in the trace
    frames : the most frames to write, 2..MAX_FRAMES (a longer trace is subsampled evenly)
    fps : frames per second, above 0 and at most MAX_FPS

    Examples
    --------
    >>> plan_animation(4).steps
    (0, 1, 2, 3, 4)
    >>> plan_animation(100, frames=5).steps
    (0, 25, 50, 75, 100)
    """
    if not 2 <= frames <= MAX_FRAMES:
        raise SettingError("frames", f"must be 2..{MAX_FRAMES}, got {frames}")
    if not MIN_FPS <= fps <= MAX_FPS:  # also refuses NaN
        raise SettingError("fps", f"must be {MIN_FPS}..{MAX_FPS}, got {fps}")
    if total + 1 <= frames:
        return AnimationPlan(tuple(range(total + 1)), fps, total)
    # Evenly spaced, first and last kept; rounding can only merge neighbours, never skip the ends.
    steps = sorted({round(i * total / (frames - 1)) for i in range(frames)})
    return AnimationPlan(tuple(steps), fps, total)


def write_animation(frames: Iterable[Image.Image], out: Path | BinaryIO, fmt: Format, fps: float,
                    progress: Callable[[int], None] | None = None) -> int:
    """Write ``frames`` as a looping GIF or APNG at ``fps``; the last frame is held a little longer.

    Returns the number of frames written; ``progress(i)`` is called as frame ``i`` is drawn.

    Examples
    --------
    >>> import io
    >>> squares = [Image.new("RGB", (8, 8), (i * 60, 0, 0)) for i in range(3)]
    >>> buffer = io.BytesIO()
    >>> write_animation(squares, buffer, "gif", fps=5)
    3
    >>> Image.open(buffer).n_frames
    3
    """
    drawn: list[Image.Image] = []
    for i, frame in enumerate(frames):
        drawn.append(frame)
        if progress is not None:
            progress(i + 1)
    if not drawn:
        raise SettingError("frames", "there is nothing to animate")
    if not MIN_FPS <= fps <= MAX_FPS:  # a tiny fps would make an infinite (or absurd) delay
        raise SettingError("fps", f"must be {MIN_FPS}..{MAX_FPS}, got {fps}")
    delay = round(1000 / fps)
    durations = [delay] * (len(drawn) - 1) + [max(delay, round(HOLD_LAST_S * 1000))]
    first, rest = drawn[0], drawn[1:]
    if fmt == "gif":
        # Each frame gets its own adaptive palette: the output's colour scale survives quantisation.
        first.save(out, format="GIF", save_all=True, append_images=rest, duration=durations, loop=0,
                   optimize=False, disposal=1)
    else:
        first.save(out, format="PNG", save_all=True, append_images=rest, duration=durations, loop=0,
                   default_image=False)
    return len(drawn)
