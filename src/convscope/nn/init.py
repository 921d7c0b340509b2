"""Parameter initialisation: where a network's weights start before training.

We use PyTorch's default for ``nn.Conv2d`` and ``nn.Linear`` so that a model built here starts from the
same distribution as the PyTorch model it is compared with. PyTorch draws weights from
``kaiming_uniform_(w, a=sqrt(5))``, which works out to U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and biases
from the same range. ``he_normal`` (He et al., 2015: N(0, 2/fan_in)) is the alternative a ReLU network
is often started from; both take the random generator as an argument (no global seed).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import check_int

FloatArray = npt.NDArray[np.floating[Any]]
# 2**26 values (256 MB of float32) per array: a thousand times LeNet's largest layer, and far from the
# terabytes a typo such as Linear(10**6, 10**6) would ask for before failing inside NumPy.
MAX_PARAMETERS = 2**26


def _check_draw(shape: tuple[int, ...], rng: Any) -> None:
    """A TypeError for a non-Generator ``rng``, a ValueError for a parameter array too large to hold."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a np.random.Generator (np.random.default_rng(seed)), got {rng!r}")
    if math.prod(shape) > MAX_PARAMETERS:
        raise ValueError(
            f"a parameter of shape {shape} holds {math.prod(shape):,} values; at most {MAX_PARAMETERS:,} "
            "are allowed: use fewer channels or features"
        )


def fan_in(shape: tuple[int, ...]) -> int:
    """The number of inputs feeding one output unit: ``in`` for (out, in), ``C_in*kH*kW`` for a kernel.

    Examples
    --------
    >>> fan_in((6, 1, 5, 5))
    25
    >>> fan_in((120, 400))
    400
    """
    if len(shape) < 2:
        raise ValueError(f"shape must have at least 2 dimensions (out, in, ...), got {shape}")
    return math.prod(shape[1:])


def kaiming_uniform(
    shape: tuple[int, ...], rng: np.random.Generator, dtype: npt.DTypeLike = np.float32
) -> FloatArray:
    """Weights from U(-b, b) with b = 1/sqrt(fan_in): PyTorch's default ``kaiming_uniform_(a=sqrt(5))``.

    The gain for a = sqrt(5) is sqrt(2/(1+5)) = sqrt(1/3), and b = gain*sqrt(3/fan_in) = 1/sqrt(fan_in).

    Parameters
    ----------
    shape : (out, in) or (C_out, C_in/groups, kH, kW)
    rng : the random generator to draw from
    dtype : dtype of the result

    Examples
    --------
    >>> w = kaiming_uniform((6, 1, 5, 5), np.random.default_rng(0))
    >>> w.shape, bool(np.abs(w).max() <= 1 / 5)
    ((6, 1, 5, 5), True)
    """
    _check_draw(shape, rng)
    bound = 1.0 / math.sqrt(fan_in(shape))
    return rng.uniform(-bound, bound, size=shape).astype(dtype)


def uniform_bias(
    out_features: int, fan: int, rng: np.random.Generator, dtype: npt.DTypeLike = np.float32
) -> FloatArray:
    """Biases from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as PyTorch initialises ``bias``.

    Examples
    --------
    >>> uniform_bias(3, 4, np.random.default_rng(0)).shape
    (3,)
    """
    _check_draw((check_int(out_features, "out_features", minimum=1),), rng)
    bound = 1.0 / math.sqrt(check_int(fan, "fan_in", minimum=1))
    return rng.uniform(-bound, bound, size=(out_features,)).astype(dtype)


def he_normal(
    shape: tuple[int, ...], rng: np.random.Generator, dtype: npt.DTypeLike = np.float32
) -> FloatArray:
    """Weights from N(0, 2/fan_in) (He et al., 2015): keeps a ReLU network's activations at unit scale.

    Examples
    --------
    >>> w = he_normal((100, 400), np.random.default_rng(0))
    >>> round(float(w.std() * np.sqrt(400 / 2)), 1)
    1.0
    """
    _check_draw(shape, rng)
    return (rng.standard_normal(size=shape) * math.sqrt(2.0 / fan_in(shape))).astype(dtype)


INITIALISERS = {"kaiming_uniform": kaiming_uniform, "he_normal": he_normal}
