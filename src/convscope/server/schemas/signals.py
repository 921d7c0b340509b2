"""The signals page's requests: two distributions, two signals to slide, a sound and its spikes.

Limits live beside the lesson that judges them (``convscope.lessons.signals`` and ``.echo``) and are
named once: these models, their error messages and the docs all read them from there. What only the
lesson can judge (negative or all-zero weights, a total past the end, an unknown sound) is its 400.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from convscope.lessons.drop_slide import MAX_SPACING, MIN_SPACING
from convscope.lessons.echo import MAX_COLUMNS, MAX_IMPULSE_SECONDS, MAX_TAPS, MIN_COLUMNS
from convscope.lessons.signals import (
    GRID_POINTS,
    MAX_BALLS,
    MAX_FRAMES,
    MAX_REPEAT,
    MAX_WEIGHTS,
    MIN_BALLS,
)
from convscope.server.schemas.common import STRICT, FiniteFloat, exactly_one

MAX_SEED = 2**32 - 1
DEFAULT_COLUMNS = 800

# A weight or a value drawn on the grid: the page draws within a few units; the bound keeps every sum
# and product finite (weights of 1e308 overflowed their sum to inf: a 500 found by the fuzz test).
MAX_GRID_VALUE = 1e6
GridValue = Annotated[float, Field(ge=-MAX_GRID_VALUE, le=MAX_GRID_VALUE, allow_inf_nan=False)]
Weights = Annotated[list[GridValue], Field(min_length=1, max_length=MAX_WEIGHTS)]
Delay = Annotated[float, Field(ge=0, le=MAX_IMPULSE_SECONDS, allow_inf_nan=False)]
# [delay, gain]: a list, as JSON has no tuples (strict mode takes no list for a tuple); the lesson
# checks each delay and names the spike (`taps[3]: delay must be >= 0 seconds`).
Tap = Annotated[list[FiniteFloat], Field(min_length=2, max_length=2)]


def _signal_tag(value: Any) -> str | None:
    """Which branch of a signal applies: a waveform name (string) or values drawn on the grid (list)."""
    if isinstance(value, str):
        return "name"
    if isinstance(value, list):
        return "values"
    return None


SignalSpec = Annotated[
    Annotated[str, Tag("name"), Field(min_length=1, max_length=40)]
    | Annotated[list[GridValue], Tag("values"), Field(min_length=GRID_POINTS, max_length=GRID_POINTS)],
    Discriminator(
        _signal_tag,
        custom_error_type="signal_type",
        custom_error_message=f"must be a signal name (string) or a list of {GRID_POINTS} numbers",
    ),
]


class BallDropRequest(BaseModel):
    """Two drops' distributions, the total to explain and, optionally, balls to drop."""

    model_config = ConfigDict(
        **STRICT, json_schema_extra={"examples": [{"f": [4, 3, 2, 1], "g": [1, 2, 1], "total": 3,
                                                   "balls": 1000, "seed": 0}]},
    )

    f: Weights = Field(description=f"First drop: weights of 0..{MAX_WEIGHTS - 1} steps, 0..1e6, not all 0 "
                       "(renormalised to sum to 1).")
    g: Weights = Field(description="Second drop: weights, as for `f`.")
    total: int = Field(0, ge=0, le=2 * MAX_WEIGHTS - 2,
                       description="The total c whose ways a + b = c are listed: 0..len(f) + len(g) - 2.")
    balls: int | None = Field(None, ge=MIN_BALLS, le=MAX_BALLS,
                              description=f"Balls to drop, {MIN_BALLS}..{MAX_BALLS:,}; omit for no drop.")
    seed: int = Field(0, ge=0, le=MAX_SEED, description="Seed of the drop's random generator.")


class SlideRequest(BaseModel):
    """Two signals to flip and slide, by name or drawn on the grid."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [{"f": "box", "g": "box"}]})

    f: SignalSpec = Field(description="box, triangle, decay, gaussian or spikes; or "
                          f"{GRID_POINTS} numbers in [-1e6, 1e6] on the grid (tau = -2, -1.95, ..., 4).")
    g: SignalSpec = Field(description="The signal that is flipped and slid, as for `f`.")
    flip: bool = Field(True, description="false: cross-correlation (g slid unflipped, as CNN layers do).")
    max_frames: int = Field(121, ge=1, le=MAX_FRAMES, description="At most this many frames of the slide.")
    repeat: int = Field(0, ge=0, le=MAX_REPEAT, description="Convolve g into f this many times first "
                        "(box, g box, repeat 1: box * box * box, a bell).")


class DropSlideRequest(BaseModel):
    """The ball drop's two distributions, to flip and slide one whole step at a time."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [{"f": [1, 1, 1, 1, 1, 1],
                                                                         "g": [1, 1, 1, 1, 1, 1]}]})

    f: Weights = Field(description="The ball drop's f: weights of 0, 1, ... steps, >= 0, not all 0.")
    g: Weights = Field(description="The ball drop's g, flipped and slid.")
    flip: bool = Field(True, description="false: cross-correlation (g slid unflipped).")
    max_frames: int = Field(MAX_FRAMES, ge=1, le=MAX_FRAMES, description="At most this many frames.")
    repeat: int = Field(0, ge=0, le=MAX_REPEAT, description="Convolve g into f this many times first "
                        "(the ball dropped 2 + repeat times).")


class DropImpulseRequest(BaseModel):
    """The ball drop's g (or f * g) to turn into spikes for the echo."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [{"g": [1, 2, 1], "spacing": 0.1}]})

    g: Weights = Field(description="The ball drop's g: its bars become the spikes.")
    f: Weights | None = Field(None, description="Give f too for spikes from f * g instead of g.")
    spacing: float = Field(0.1, ge=MIN_SPACING, le=MAX_SPACING, allow_inf_nan=False,
                           description=f"Seconds between spikes (one step of the drop), "
                           f"{MIN_SPACING:g}..{MAX_SPACING:g}.")


class LawsRequest(BaseModel):
    """Three signals to check commutativity (f, g) and associativity (f, g, h) with."""

    model_config = ConfigDict(
        **STRICT, json_schema_extra={"examples": [{"f": "decay", "g": "box", "h": "gaussian"}]},
    )

    f: SignalSpec = Field(description="As for the slide's `f`.")
    g: SignalSpec = Field(description="As for the slide's `g`.")
    h: SignalSpec = Field("box", description="The third signal of (f * g) * h = f * (g * h).")


class EchoRequest(BaseModel):
    """A bundled sound and an impulse response: a preset's name or your own spikes."""

    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={"examples": [{"sound": "pluck", "preset": "echo"},
                                        {"sound": "drum", "taps": [[0, 1], [0.25, 0.5]], "columns": 600}],
                           **exactly_one(("preset", "string"), ("taps", "array"))},
    )

    sound: str = Field(min_length=1, max_length=40, description="A name from GET /api/signals/sounds.")
    preset: str | None = Field(None, min_length=1, max_length=40,
                               description="A name from GET /api/signals/impulses; or give `taps`.")
    taps: list[Tap] | None = Field(
        None, min_length=1, max_length=MAX_TAPS,
        description=f"Spikes [delay_seconds, gain], at most {MAX_TAPS}; delays 0..{MAX_IMPULSE_SECONDS:g} s.",
    )
    columns: int = Field(DEFAULT_COLUMNS, ge=MIN_COLUMNS, le=MAX_COLUMNS,
                         description="Width of each envelope, in pixel columns.")

    @model_validator(mode="after")
    def _one_impulse(self) -> EchoRequest:
        one_impulse(self.preset, self.taps)
        return self


class UploadQuery(BaseModel):
    """The impulse response for an uploaded WAV, in the URL: ``?preset=echo`` or ``?delay=0&gain=1&...``."""

    model_config = ConfigDict(extra="forbid")  # not strict: a URL's values arrive as text

    preset: str | None = Field(None, min_length=1, max_length=40, description="An impulse preset's name.")
    delay: list[Delay] = Field([], max_length=MAX_TAPS, description="Each spike's delay in seconds.")
    gain: list[FiniteFloat] = Field([], max_length=MAX_TAPS, description="Each spike's gain, in order.")
    columns: int = Field(DEFAULT_COLUMNS, ge=MIN_COLUMNS, le=MAX_COLUMNS, description="Envelope width.")

    @model_validator(mode="after")
    def _pairs(self) -> UploadQuery:
        if len(self.delay) != len(self.gain):
            counts = f"{len(self.delay)} delays, {len(self.gain)} gains"
            raise ValueError(f"give one `gain` per `delay` (got {counts})")
        one_impulse(self.preset, self.taps)
        return self

    @property
    def taps(self) -> list[tuple[float, float]] | None:
        """The spikes as (delay, gain) pairs; None when none were given."""
        return list(zip(self.delay, self.gain, strict=True)) or None


def one_impulse(preset: str | None, taps: list[list[float]] | list[tuple[float, float]] | None) -> None:
    """Exactly one of a preset's name and a list of spikes."""
    if (preset is None) == (taps is None):
        raise ValueError("give either `preset` (a name from GET /api/signals/impulses) or `taps`, not both")
