"""The bundled MNIST digits: the first 10,000 training images, shipped inside the package.

The arrays come from ``mnist_10k.npz`` (see ``NOTICE.md`` beside it for provenance, licences and how
to rebuild it). They are loaded once, on first use, and handed out read-only so no caller can change
what the next caller sees.
"""

from __future__ import annotations

import functools
import importlib.resources
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from convscope._validate import check_int

__all__ = ["Digits", "count", "digit", "load_digits"]

_BUNDLE = "mnist_10k.npz"


@dataclass(frozen=True, eq=False)
class Digits:
    """Images of handwritten digits with their labels.

    Attributes
    ----------
    images : (N, H, W) uint8
        0 is background, 255 full ink (white digit on black, as MNIST stores it).
    labels : (N,) uint8
        The digit shown in each image.
    """

    images: npt.NDArray[np.uint8]
    labels: npt.NDArray[np.uint8]

    def __post_init__(self) -> None:
        if self.images.ndim != 3 or self.labels.ndim != 1 or len(self.images) != len(self.labels):
            raise ValueError(
                f"images must be (N, H, W) and labels (N,), got {self.images.shape} and {self.labels.shape}"
            )

    def __len__(self) -> int:
        return len(self.labels)


@functools.cache
def load_digits() -> Digits:
    """Return the bundled digits: the first 10,000 MNIST training images, grouped by class.

    The file is read on the first call only; later calls return the same object. Its arrays are
    read-only (copy one to change it).

    Returns
    -------
    Digits
        ``images`` (10000, 28, 28) uint8 and ``labels`` (10000,) uint8, all 0s first, then all 1s, ...

    Examples
    --------
    >>> digits = load_digits()
    >>> digits.images.shape, digits.labels.shape
    ((10000, 28, 28), (10000,))
    >>> int(digits.labels[0]), int(digits.labels[-1])
    (0, 9)
    >>> digits.images.flags.writeable
    False
    """
    resource = importlib.resources.files(__package__) / _BUNDLE
    with resource.open("rb") as file, np.load(file, allow_pickle=False) as archive:
        images, labels = archive["images"], archive["labels"]
    images.flags.writeable = False
    labels.flags.writeable = False
    return Digits(images=images, labels=labels)


def count(number: int) -> int:
    """Return how many bundled images show the digit ``number``.

    Parameters
    ----------
    number : int
        The digit, 0-9.

    Examples
    --------
    >>> count(0), count(1)
    (1001, 1127)
    >>> sum(count(n) for n in range(10))
    10000
    """
    return len(_positions(number))


def digit(number: int, index: int = 0) -> npt.NDArray[np.uint8]:
    """Return the ``index``-th bundled image of the digit ``number``.

    Parameters
    ----------
    number : int
        The digit, 0-9.
    index : int, default 0
        Which image of that digit, from 0 to ``count(number) - 1``, in the bundle's order.

    Returns
    -------
    (28, 28) uint8
        A fresh, writable copy: 0 background, 255 full ink.

    Examples
    --------
    >>> image = digit(7, index=3)
    >>> image.shape, image.dtype
    ((28, 28), dtype('uint8'))
    >>> digit(7, index=count(7))
    Traceback (most recent call last):
        ...
    ValueError: index must be between 0 and 1069 for the digit 7 (1070 images), got 1070
    """
    positions = _positions(number)
    index = check_int(index, "index")
    if not 0 <= index < len(positions):
        raise ValueError(
            f"index must be between 0 and {len(positions) - 1} for the digit {number} "
            f"({len(positions)} images), got {index}"
        )
    image: npt.NDArray[np.uint8] = load_digits().images[positions[index]].copy()  # (28, 28)
    return image


def _positions(number: int) -> npt.NDArray[np.intp]:
    """Positions in the bundle of every image of ``number``, after checking it is a digit 0-9."""
    number = check_int(number, "number")
    if not 0 <= number <= 9:
        raise ValueError(f"number must be a digit from 0 to 9, got {number}")
    return np.flatnonzero(load_digits().labels == number)
