"""The Layers page's filter banks: named filters (a kernel on chosen channels) or PyTorch-style random ones.

A named filter puts one kernel from `convscope.kernels` on some of the input's channels and zeros on
the others: "Sobel x · all channels" sums the horizontal edges of red, green and blue; "Box blur · red"
blurs only the red slice. That makes the depth of a filter visible: each slice says what the filter does
with one input channel. A random bank is drawn as ``torch.nn.Conv2d`` initialises one (U(-b, b),
b = 1/sqrt(C*k*k), for the weights and the biases) from the seeded generator it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from convscope.errors import SettingError
from convscope.kernels import KERNELS, kernel
from convscope.nn.init import kaiming_uniform, uniform_bias

Array = npt.NDArray[np.float64]
ALL = "all channels"
# The kernels a named bank draws on, most telling first ("ones" only brightens; left out).
_ORDER = ("sobel_x", "box", "sobel_y", "laplacian", "sharpen", "emboss", "gaussian", "identity")
_LABELS = {info.name: info.label for info in KERNELS}
_SIZES = {info.name: info.sizes for info in KERNELS}


@dataclass(frozen=True, eq=False)
class FilterBank:
    """F filters as deep as the input, their biases and a label each."""

    weights: Array  # (F, C, k, k)
    bias: Array  # (F,)
    labels: tuple[str, ...]


def named_recipes(channel_names: tuple[str, ...], kernel_size: int) -> list[tuple[str, str]]:
    """The named filters available at this size, in bank order: (kernel name, channels it reads).

    For a colour input: a Sobel edge filter on all channels, then a box blur on each colour alone (the
    depth made visible at once), then every other kernel on all channels, then each kernel on each colour.

    Examples
    --------
    >>> named_recipes(("red", "green", "blue"), 3)[:4]
    [('sobel_x', 'all channels'), ('box', 'red'), ('box', 'green'), ('box', 'blue')]
    >>> named_recipes(("ink",), 2)
    [('box', 'all channels')]
    """
    kernels = [name for name in _ORDER if kernel_size in _SIZES[name]]
    colours = list(channel_names) if len(channel_names) > 1 else []
    first = [(kernels[0], ALL), *(("box", c) for c in colours if "box" in kernels)][: 1 + len(colours)]
    rest = [(k, ALL) for k in kernels] + [(k, c) for k in kernels for c in colours]
    return first + [recipe for recipe in rest if recipe not in first]


def named_bank(channel_names: tuple[str, ...], kernel_size: int, filters: int) -> FilterBank:
    """The first ``filters`` named filters for this input and size, with zero biases.

    Raises
    ------
    SettingError
        ``filters`` when fewer named filters exist at this kernel size (say how many, or: use random).

    Examples
    --------
    >>> bank = named_bank(("red", "green", "blue"), 3, 2)
    >>> bank.weights.shape, bank.labels
    ((2, 3, 3, 3), ('Sobel (left-right edges) · all channels', 'Box blur · red'))
    >>> bank.weights[1, 1].sum(), bank.weights[1, 0].sum()  # the red blur's green slice is empty
    (np.float64(0.0), np.float64(1.0))
    """
    recipes = named_recipes(channel_names, kernel_size)
    if filters > len(recipes):
        n, depth = len(recipes), f"a {len(channel_names)}-channel input"
        raise SettingError("filters", f"there are {n} named filters of size {kernel_size} for {depth}, so "
                           f'choose 1..{n} filters, another kernel_size, or init "random"')
    weights = np.zeros((filters, len(channel_names), kernel_size, kernel_size))  # (F, C, k, k)
    labels = []
    for f, (name, reads) in enumerate(recipes[:filters]):
        for c, channel in enumerate(channel_names):
            if reads in (ALL, channel):
                weights[f, c] = kernel(name, kernel_size)
        labels.append(f"{_LABELS[name]} · {reads}")
    return FilterBank(weights, np.zeros(filters), tuple(labels))


def random_bank(channels: int, kernel_size: int, filters: int, rng: np.random.Generator) -> FilterBank:
    """``filters`` random filters, drawn as ``torch.nn.Conv2d(channels, filters, kernel_size)`` draws them.

    Examples
    --------
    >>> bank = random_bank(3, 3, 4, np.random.default_rng(0))
    >>> bank.weights.shape, bool(np.abs(bank.weights).max() <= 1 / np.sqrt(27)), bank.labels[0]
    ((4, 3, 3, 3), True, 'Random filter 1')
    """
    shape = (filters, channels, kernel_size, kernel_size)
    weights = kaiming_uniform(shape, rng, np.float64).astype(np.float64)
    bias = uniform_bias(filters, channels * kernel_size * kernel_size, rng, np.float64).astype(np.float64)
    return FilterBank(weights, bias, tuple(f"Random filter {f + 1}" for f in range(filters)))
