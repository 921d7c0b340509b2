"""``GET /api/digits/{number}``: real MNIST digits to convolve, bundled or from the user's IDX files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
from fastapi import APIRouter, Query
from fastapi import Path as PathParam

from convscope.data import Digits, crop_digit, load_digits, load_idx_dir
from convscope.server.errors import field_error
from convscope.server.schemas import DigitResponse, ErrorResponse

MNIST_SIDE = 28


@dataclass(frozen=True, eq=False)
class DigitSource:
    """Where digits come from: the bundled subset (``digits=None``, loaded on first use) or IDX files."""

    digits: Digits | None = None
    origin: str = "bundled MNIST subset"

    @classmethod
    def from_config(cls, mnist_dir: Path | None) -> DigitSource:
        """The bundled digits, or every split found in ``mnist_dir`` (train first, then test)."""
        if mnist_dir is None:
            return cls()
        splits = load_idx_dir(mnist_dir)
        images = np.concatenate([s.images for s in splits.values()])  # (N, H, W)
        labels = np.concatenate([s.labels for s in splits.values()])  # (N,)
        if images.shape[1:] != (MNIST_SIDE, MNIST_SIDE):
            raise ValueError(f"{mnist_dir}: images must be 28x28 MNIST digits, got {images.shape[1:]}")
        return cls(Digits(images=images, labels=labels), origin=f"IDX files in {mnist_dir}")

    def positions(self, number: int) -> npt.NDArray[np.intp]:
        """Where the examples of ``number`` are, in the source's order."""
        digits = self.digits if self.digits is not None else load_digits()
        return np.flatnonzero(digits.labels == number)

    def original(self, number: int, index: int) -> npt.NDArray[np.uint8]:
        """The ``index``-th (28, 28) uint8 example of ``number``; a 400 naming ``index`` if out of range."""
        positions = self.positions(number)
        if not 0 <= index < len(positions):
            allowed = f"must be 0..{len(positions) - 1}" if len(positions) else "cannot be chosen"
            raise field_error(
                "index", f"the {self.origin} has {len(positions)} examples of digit {number}, so index "
                f"{allowed} (got {index})"
            )
        digits = self.digits if self.digits is not None else load_digits()
        image: npt.NDArray[np.uint8] = digits.images[positions[index]]
        return image

    def crop(self, number: int, index: int) -> npt.NDArray[np.float64]:
        """The example's 20x20 box as floats in [0, 1]: the image the playground convolves."""
        return _unit(crop_digit(self.original(number, index)))


def _unit(image: Any) -> npt.NDArray[np.float64]:
    """uint8 ink 0..255 as floats in [0, 1]."""
    return np.asarray(image, dtype=np.float64) / 255.0


def digits_router(source: DigitSource) -> APIRouter:
    """The digits route, reading from ``source``."""
    router = APIRouter(tags=["digits"])

    @router.get(
        "/api/digits/{number}",
        response_model=DigitResponse,
        responses={400: {"model": ErrorResponse, "description": "`index` is past the last example."}},
    )
    def get_digit(
        number: Annotated[int, PathParam(ge=0, le=9, description="The digit class, 0..9.")],
        index: Annotated[int, Query(ge=0, description="Which example of that class (0..count-1).")] = 0,
    ) -> dict[str, Any]:
        """One real MNIST digit: its 20x20 box (what the playground convolves) and the full 28x28 image."""
        original = source.original(number, index)
        return {
            "number": number,
            "index": index,
            "count": len(source.positions(number)),
            "image": _unit(crop_digit(original)).tolist(),
            "original": _unit(original).tolist(),
        }

    return router
