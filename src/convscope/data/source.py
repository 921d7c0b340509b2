"""Where the app's digits come from: the bundled MNIST subset, or a person's own IDX files.

A `DigitSource` is what every lesson that shows a digit reads from; the server builds one from
``convscope serve --mnist-dir`` and hands it to the lessons. Asking for an example that is not there is a
`convscope.errors.SettingError` naming ``index``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from convscope.data.idx import load_idx_dir
from convscope.data.images import crop_digit
from convscope.data.mnist import Digits, load_digits
from convscope.errors import SettingError

MNIST_SIDE = 28


@dataclass(frozen=True, eq=False)
class DigitSource:
    """The bundled subset (``digits=None``, loaded on first use) or digits read from IDX files.

    Examples
    --------
    >>> source = DigitSource()
    >>> source.crop(3, 0).shape, source.count(3) > 100
    ((20, 20), True)
    >>> try:
    ...     source.original(3, 10**6)
    ... except SettingError as error:
    ...     print(error.field, error.kind)
    index invalid
    """

    digits: Digits | None = None
    origin: str = "bundled MNIST subset"

    @classmethod
    def from_dir(cls, mnist_dir: Path | None) -> DigitSource:
        """The bundled digits (``None``), or every split found in ``mnist_dir`` (train first, then test)."""
        if mnist_dir is None:
            return cls()
        splits = load_idx_dir(mnist_dir)
        images = np.concatenate([s.images for s in splits.values()])  # (N, H, W)
        labels = np.concatenate([s.labels for s in splits.values()])  # (N,)
        if images.shape[1:] != (MNIST_SIDE, MNIST_SIDE):
            raise ValueError(f"{mnist_dir}: images must be 28x28 MNIST digits, got {images.shape[1:]}")
        return cls(Digits(images=images, labels=labels), origin=f"IDX files in {mnist_dir}")

    def _all(self) -> Digits:
        return self.digits if self.digits is not None else load_digits()

    def positions(self, number: int) -> npt.NDArray[np.intp]:
        """Where the examples of ``number`` are, in the source's order."""
        return np.flatnonzero(self._all().labels == number)

    def count(self, number: int) -> int:
        """How many examples of ``number`` there are (valid indices: 0..count-1)."""
        return len(self.positions(number))

    def original(self, number: int, index: int) -> npt.NDArray[np.uint8]:
        """The ``index``-th (28, 28) uint8 example of ``number``; a `SettingError` if out of range."""
        positions = self.positions(number)
        if not 0 <= index < len(positions):
            allowed = f"must be 0..{len(positions) - 1}" if len(positions) else "cannot be chosen"
            raise SettingError(
                "index", f"the {self.origin} has {len(positions)} examples of digit {number}, so index "
                f"{allowed} (got {index})"
            )
        image: npt.NDArray[np.uint8] = self._all().images[positions[index]]
        return image

    def crop(self, number: int, index: int) -> npt.NDArray[np.float64]:
        """The example's 20x20 box as floats in [0, 1]: the image the playground convolves."""
        return as_unit(crop_digit(self.original(number, index)))


def as_unit(image: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """uint8 ink 0..255 as floats in [0, 1]."""
    return np.asarray(image, dtype=np.float64) / 255.0
