"""The signals page, first half: the ball dropped twice and the same sum as flip-and-slide.

Both build convolution from one dimension, as Colah's "Understanding Convolutions" does: (f * g)(c) is
the chance that two drops add up to c, the sum over a + b = c of f(a) g(b); read with b = c - a, the
same sum flips g, slides it to c and adds up the products. The echo is in `convscope.lessons.echo`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from typing_extensions import TypedDict

from convscope.errors import SettingError
from convscope.signal import DISTRIBUTIONS, WAVEFORMS, convolve, distribution, drop_balls, total_variation
from convscope.signal import waveform as sample_waveform

Array = npt.NDArray[np.float64]

MIN_BALLS, MAX_BALLS = 10, 100_000  # a drop's size: few enough to see noise, enough to see convergence
MAX_WEIGHTS = 32  # distances 0..31 per drop: bars the page can still drag
GRID_START, GRID_STEP, GRID_POINTS = -2.0, 0.05, 121  # tau in [-2, 4]: every shape fits, with margins
MAX_FRAMES = 241  # one frame per result sample at most (2 * GRID_POINTS - 1)
MAX_REPEAT = 2  # box convolved with itself up to 4 times still fits the grid's [-2, 4]


class DistributionRecord(TypedDict):
    """A preset distribution for the ball drop's menu."""

    name: str
    """The value to send as f or g's preset."""
    label: str
    description: str
    """One sentence for the learner."""
    weights: list[float]
    """The probabilities of 0, 1, ... steps (renormalised to sum to 1)."""


class BallPair(TypedDict):
    """One way of reaching the chosen total: a steps, then b steps."""

    a: int
    b: int
    product: float
    """f(a) * g(b): the chance of this way."""


class BallDrop(TypedDict):
    """N simulated two-stage drops next to the exact distribution of the total."""

    balls: int
    seed: int
    counts: list[int]
    """How many balls ended at each total 0..M+N-2."""
    frequencies: list[float]
    """counts / balls."""
    distance: float
    """Total-variation distance between frequencies and f*g (0 = identical, 1 = disjoint)."""


class BallDropLesson(TypedDict):
    """The ball dropped twice: f, g, their convolution, the ways of reaching one total and a simulation."""

    f: list[float]
    """First drop's distribution over 0..M-1 steps (renormalised)."""
    g: list[float]
    """Second drop's distribution over 0..N-1 steps (renormalised)."""
    convolution: list[float]
    """(f*g)(c) for c = 0..M+N-2: the chance of each total."""
    total: int
    """The chosen total c."""
    pairs: list[BallPair]
    """Every (a, b) with a + b = c inside both distributions, a ascending."""
    probability: float
    """(f*g)(c): the sum of the pairs' products."""
    drop: BallDrop | None
    """The simulation, when balls were asked for; null otherwise."""


class SlideFrame(TypedDict):
    """One position t of the slide."""

    t: float
    shifted: list[float]
    """g(t - tau) (convolution) or g(tau - t) (cross-correlation) on the tau grid."""
    product: list[float]
    """f(tau) times shifted, on the tau grid."""
    area: float
    """The product's area: the result at t."""


class SlideLesson(TypedDict):
    """Flip-and-slide on a grid: both signals, the result, and frames of the slide for the player."""

    tau: list[float]
    """The grid the signals live on (GRID_POINTS points from GRID_START, GRID_STEP apart)."""
    f: list[float]
    g: list[float]
    flip: bool
    """True: convolution (g flipped). False: cross-correlation, what CNN layers compute."""
    t: list[float]
    """Where the result is sampled: 2 * GRID_POINTS - 1 positions."""
    result: list[float]
    """(f*g)(t), or the cross-correlation, at each t."""
    frame_stride: int
    """frames[i] is the result's sample i * frame_stride."""
    frames: list[SlideFrame]
    repeat: int
    """How many times g was convolved into the named or drawn f before sliding (f above includes it)."""
    discrete: bool
    """True: f and g are the ball drop's distributions on whole steps (tau, t integers; areas are sums)."""


@dataclass(frozen=True, eq=False)
class BallDropSetting:
    """One ball-drop question (weights already checked to be a bounded list of numbers)."""

    f: Array  # (M,) weights of the first drop, renormalised here
    g: Array  # (N,) weights of the second drop
    total: int = 0  # the total c whose ways are listed
    balls: int | None = None  # balls to drop, MIN_BALLS..MAX_BALLS, or None for no simulation
    seed: int = 0


@dataclass(frozen=True, eq=False)
class Slide:
    """One flip-and-slide: two signals by name (`convscope.signal.WAVEFORMS`) or drawn on the grid."""

    f: str | Array  # a waveform name, or (GRID_POINTS,) values on the tau grid
    g: str | Array
    flip: bool = True  # False: cross-correlation
    max_frames: int = 121  # frames are subsampled to at most this many
    repeat: int = 0  # f becomes f * g * ... * g (repeat times) first: box * box * box is a bell


def distributions() -> list[DistributionRecord]:
    """The preset distributions, in menu order.

    Examples
    --------
    >>> [p["name"] for p in distributions()]
    ['uniform', 'triangle', 'geometric', 'two_point', 'article']
    """
    return [
        {"name": p.name, "label": p.label, "description": p.description,
         "weights": distribution(p.weights, p.name).tolist()}
        for p in DISTRIBUTIONS
    ]


def ball_drop_lesson(setting: BallDropSetting) -> BallDropLesson:
    """f, g, f*g, the ways a + b = total with their products and, if asked, N simulated drops.

    Examples
    --------
    >>> lesson = ball_drop_lesson(BallDropSetting(np.ones(6), np.ones(6), total=3))
    >>> [(p["a"], p["b"]) for p in lesson["pairs"]], round(lesson["probability"] * 36)
    ([(0, 3), (1, 2), (2, 1), (3, 0)], 4)
    """
    f, g = distribution(setting.f, "f"), distribution(setting.g, "g")
    exact = convolve(f, g).astype(np.float64, copy=False)  # (M + N - 1,)
    c = setting.total
    if not 0 <= c < exact.size:
        raise SettingError("total", f"must be 0..{exact.size - 1} for these f and g (got {c})")
    a = np.arange(max(0, c - g.size + 1), min(c, f.size - 1) + 1)  # every a with 0 <= c - a < N
    products = f[a] * g[c - a]
    pairs: list[BallPair] = [
        {"a": int(i), "b": int(c - i), "product": float(p)} for i, p in zip(a, products, strict=True)
    ]
    return {
        "f": f.tolist(), "g": g.tolist(), "convolution": exact.tolist(), "total": c, "pairs": pairs,
        "probability": float(products.sum()),
        "drop": None if setting.balls is None else _drop(f, g, exact, setting.balls, setting.seed),
    }


def _drop(f: Array, g: Array, exact: Array, balls: int, seed: int) -> BallDrop:
    """Drop ``balls`` balls with a generator seeded by ``seed``; compare with the exact distribution."""
    if not MIN_BALLS <= balls <= MAX_BALLS:
        raise SettingError("balls", f"must be {MIN_BALLS}..{MAX_BALLS:,} (got {balls:,})")
    counts = drop_balls(f, g, balls, np.random.default_rng(seed))
    frequencies = counts / balls
    return {"balls": balls, "seed": seed, "counts": counts.tolist(), "frequencies": frequencies.tolist(),
            "distance": total_variation(frequencies, exact)}


def grid() -> Array:
    """The tau grid flip-and-slide samples on: (GRID_POINTS,) from GRID_START, GRID_STEP apart."""
    return (GRID_START + GRID_STEP * np.arange(GRID_POINTS)).astype(np.float64)


def slide_lesson(setting: Slide) -> SlideLesson:
    """Flip g, slide it across f, and record each position's product and its area.

    The areas are the result: ``result[k] = GRID_STEP * sum_i f[i] h[k - i]`` with h = g (convolution,
    equal to ``np.convolve(f, g) * GRID_STEP``) or g reversed (cross-correlation).

    Examples
    --------
    >>> lesson = slide_lesson(Slide("box", "box"))
    >>> len(lesson["t"]), round(max(lesson["result"]), 6)          # box * box: a triangle of height 1
    (241, 1.0)
    >>> frame = lesson["frames"][10]
    >>> frame["area"] == lesson["result"][10 * lesson["frame_stride"]]
    True
    """
    tau = grid()
    f, g = on_grid(setting.f, "f", tau), on_grid(setting.g, "g", tau)
    if not 0 <= setting.repeat <= MAX_REPEAT:
        raise SettingError("repeat", f"must be 0..{MAX_REPEAT} (got {setting.repeat})")
    for _ in range(setting.repeat):
        f = back_on_grid(convolve(f, g).astype(np.float64, copy=False) * GRID_STEP)
    h = g if setting.flip else g[::-1]  # cross-correlation is convolution with the reversed signal
    result = convolve(f, h).astype(np.float64, copy=False) * GRID_STEP  # (2K - 1,): a Riemann sum
    k = np.arange(result.size)
    # Convolution: t = tau + (t - tau) starts at twice the grid's start. Cross-correlation: t is g's lag.
    t = 2 * GRID_START + GRID_STEP * k if setting.flip else GRID_STEP * (k - (GRID_POINTS - 1))
    if not 1 <= setting.max_frames <= MAX_FRAMES:
        raise SettingError("max_frames", f"must be 1..{MAX_FRAMES} (got {setting.max_frames})")
    stride = math.ceil(result.size / setting.max_frames)
    shifted = shifted_rows(h, k[::stride], h.size)  # (frames, K): h[k - i] on the grid
    product = f * shifted  # (frames, K)
    frames: list[SlideFrame] = [
        {"t": float(t[j]), "shifted": s.tolist(), "product": p.tolist(), "area": float(result[j])}
        for j, s, p in zip(k[::stride], shifted, product, strict=True)
    ]
    return {"tau": tau.tolist(), "f": f.tolist(), "g": g.tolist(), "flip": setting.flip, "t": t.tolist(),
            "result": result.tolist(), "frame_stride": stride, "frames": frames, "repeat": setting.repeat,
            "discrete": False}


def back_on_grid(result: Array) -> Array:
    """A convolution of two grid signals ((2K - 1,), on t = 2 GRID_START + k GRID_STEP) read on the grid.

    Its sample at tau lies ``-GRID_START / GRID_STEP`` places in; what falls outside [-2, 4] is dropped,
    which loses nothing for the signals the page offers (their repeated convolutions end by 4).

    Examples
    --------
    >>> tau = grid()
    >>> box = sample_waveform("box", tau)
    >>> triangle = back_on_grid(convolve(box, box) * GRID_STEP)
    >>> round(float(triangle.max()), 6), round(float(tau[triangle.argmax()]), 2)  # 20 samples of [0, 1)
    (1.0, 0.95)
    """
    offset = round(-GRID_START / GRID_STEP)  # 40: t = -4 + 0.05 k equals tau = -2 + 0.05 i at k = i + 40
    out: Array = result[offset:offset + GRID_POINTS]
    return out


def on_grid(spec: str | Array, name: str, tau: Array) -> Array:
    """A signal on the tau grid: a named waveform sampled there, or drawn values (checked; errors name it)."""
    if isinstance(spec, str):
        if spec not in WAVEFORMS:
            raise SettingError(name, f"unknown signal {spec!r}; choose one of {', '.join(WAVEFORMS)}")
        return sample_waveform(spec, tau)
    values = np.asarray(spec, dtype=np.float64)
    if values.shape != tau.shape or not np.isfinite(values).all():
        raise SettingError(name, f"a drawn signal must be {tau.size} finite numbers (got {values.shape})")
    return values


def shifted_rows(h: Array, positions: npt.NDArray[np.int_], width: int) -> Array:
    """h[k - i] for each position k (rows) and index i in 0..width - 1 (columns), zero outside h."""
    index = positions[:, None] - np.arange(width)[None, :]  # (frames, width)
    inside = (index >= 0) & (index < h.size)
    out: Array = np.where(inside, h[np.clip(index, 0, h.size - 1)], 0.0)
    return out
