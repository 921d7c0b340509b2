"""Named kernels for the playground, each with a sentence saying what it does to a digit.

Kernels are written for cross-correlation, the way the playground and the frameworks slide them: weight
[i, j] multiplies the pixel i rows below and j columns right of the window's top-left corner. So
``sobel_x`` is positive where the image gets brighter to the right.

Examples
--------
>>> kernel("sobel_x")
array([[-1.,  0.,  1.],
       [-2.,  0.,  2.],
       [-1.,  0.,  1.]])
>>> [info.name for info in KERNELS if info.diverging]
['sharpen', 'sobel_x', 'sobel_y', 'laplacian', 'emboss']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from convscope._validate import check_int
from convscope.records import KernelRecord

__all__ = ["IMAGE_KERNELS", "KERNELS", "KernelInfo", "image_kernel", "kernel", "kernel_catalogue"]

Kernel = npt.NDArray[np.float64]

ANY_SIZE = (1, 2, 3, 4, 5, 6, 7)
ODD_SIZES = (1, 3, 5, 7)
DERIVATIVE_SIZES = (3, 5, 7)
# The image page's sizes: a photo is 512 px, so kernels up to apply_kernel's 15 are worth seeing.
IMAGE_ODD = (1, 3, 5, 7, 9, 11, 13, 15)
IMAGE_ANY = tuple(range(1, 16))
IMAGE_DERIVATIVE = (3, 5, 7, 9, 11, 13, 15)


@dataclasses.dataclass(frozen=True)
class KernelInfo:
    """What the playground needs to offer a kernel: its name, words for people, sizes, colour scale."""

    name: str  # the key for `kernel(name)`
    label: str  # short title for a menu
    description: str  # one sentence for a learner: what it does to a digit
    sizes: tuple[int, ...]  # the sizes `kernel(name, size)` accepts
    diverging: bool  # True when outputs can be negative, so a two-sided colour scale is needed


KERNELS: tuple[KernelInfo, ...] = (
    KernelInfo("ones", "All ones", "Adds up every pixel under the window, so the digit comes out thicker and "
               "brighter than the input.", ANY_SIZE, False),
    KernelInfo("box", "Box blur", "Averages the pixels under the window, smearing the strokes evenly in "
               "every direction.", ANY_SIZE, False),
    KernelInfo("gaussian", "Gaussian blur", "A weighted average that trusts the centre most (binomial "
               "weights), softening the strokes more gently than the box blur.", ODD_SIZES, False),
    KernelInfo("sharpen", "Sharpen", "Boosts each pixel against its four neighbours, so stroke edges "
               "stand out more crisply.", (3,), True),
    KernelInfo("sobel_x", "Sobel (left-right edges)", "Responds where brightness changes from left to right: "
               "positive on the left edge of a stroke, negative on its right edge.", DERIVATIVE_SIZES, True),
    KernelInfo("sobel_y", "Sobel (top-bottom edges)", "Responds where brightness changes from top to bottom: "
               "positive on the top edge of a stroke, negative on its bottom edge.", DERIVATIVE_SIZES, True),
    KernelInfo("laplacian", "Laplacian", "Compares each pixel with its four neighbours, lighting up the "
               "outline of the digit and staying near zero in flat areas.", (3,), True),
    KernelInfo("emboss", "Emboss", "Subtracts the upper-left neighbours from the lower-right ones, so the "
               "digit looks raised and lit from one side.", (3,), True),
    KernelInfo("identity", "Identity", "A single 1 at the centre: the output is the input digit, unchanged "
               "(a good check that the sliding works).", ODD_SIZES, False),
)

# The image kernels page's catalogue: the same names where the kernel is the same, described for photos.
IMAGE_KERNELS: tuple[KernelInfo, ...] = (
    KernelInfo("identity", "Identity", "A single 1 at the centre: the photo comes back unchanged.",
               IMAGE_ODD, False),
    KernelInfo("box", "Box blur", "The plain average of the window: every pixel smeared evenly over its "
               "neighbours.", IMAGE_ANY, False),
    KernelInfo("gaussian", "Gaussian blur", "A weighted average that trusts the centre most: a softer, "
               "rounder blur than the box.", IMAGE_ODD, False),
    KernelInfo("sharpen", "Sharpen", "The pixel boosted against its four neighbours: edges get crisper, "
               "noise too.", (3,), True),
    KernelInfo("unsharp", "Unsharp mask", "Twice the photo minus its Gaussian blur: the photographer's "
               "sharpening, which adds back what the blur removed.", IMAGE_ODD[1:], True),
    KernelInfo("outline", "Outline", "Eight times the pixel minus its eight neighbours: flat areas go to "
               "0, every edge lights up.", (3,), True),
    KernelInfo("laplacian", "Laplacian", "The four neighbours minus four times the pixel: the second "
               "derivative, large at edges and fine detail, 0 where the photo is flat.", (3,), True),
    KernelInfo("sobel_x", "Sobel, left-right", "Brightness change from left to right, smoothed down the "
               "column: vertical edges.", IMAGE_DERIVATIVE, True),
    KernelInfo("sobel_y", "Sobel, top-bottom", "Brightness change from top to bottom, smoothed along the "
               "row: horizontal edges.", IMAGE_DERIVATIVE, True),
    KernelInfo("prewitt_x", "Prewitt, left-right", "Like Sobel left-right but with equal weights down "
               "the column.", (3,), True),
    KernelInfo("prewitt_y", "Prewitt, top-bottom", "Like Sobel top-bottom but with equal weights along "
               "the row.", (3,), True),
    KernelInfo("emboss", "Emboss", "Lower-right neighbours minus upper-left ones, plus the pixel: the "
               "photo looks pressed into metal, lit from one side.", (3,), True),
    KernelInfo("motion_blur", "Motion blur", "The average along the diagonal: the smear of a camera "
               "moving while the shutter was open.", IMAGE_ODD[1:], False),
)

_BY_NAME = {info.name: info for info in KERNELS}
_IMAGE_BY_NAME = {info.name: info for info in IMAGE_KERNELS}


def kernel(name: str, size: int = 3) -> Kernel:
    """The named kernel as a (size, size) float64 array.

    Parameters
    ----------
    name : str
        One of the names in `KERNELS` ("ones", "box", "gaussian", "sharpen", "sobel_x", "sobel_y",
        "laplacian", "emboss", "identity").
    size : int
        Side length; each kernel lists the sizes it supports in ``KernelInfo.sizes``.

    Returns
    -------
    (size, size) ndarray of float64
        "box" and "gaussian" sum to 1 (they average); "sobel_x", "sobel_y" and "laplacian" sum to 0 (flat
        regions give 0); "sharpen", "emboss" and "identity" sum to 1; "ones" sums to size**2.

    Examples
    --------
    >>> kernel("gaussian")
    array([[0.0625, 0.125 , 0.0625],
           [0.125 , 0.25  , 0.125 ],
           [0.0625, 0.125 , 0.0625]])
    >>> kernel("box", 2)
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    return _build(_BY_NAME, name, size)


def image_kernel(name: str, size: int = 3) -> Kernel:
    """A kernel of the image page's catalogue (`IMAGE_KERNELS`) as a (size, size) float64 array.

    Examples
    --------
    >>> image_kernel("prewitt_x")
    array([[-1.,  0.,  1.],
           [-1.,  0.,  1.],
           [-1.,  0.,  1.]])
    >>> image_kernel("motion_blur").round(3)
    array([[0.333, 0.   , 0.   ],
           [0.   , 0.333, 0.   ],
           [0.   , 0.   , 0.333]])
    """
    return _build(_IMAGE_BY_NAME, name, size)


def _build(catalogue: dict[str, KernelInfo], name: str, size: int) -> Kernel:
    """Kernel ``name`` of ``catalogue`` at ``size``, or a ValueError naming the choices or the sizes."""
    if not isinstance(name, str) or name not in catalogue:
        raise ValueError(f"name must be one of {', '.join(map(repr, catalogue))}, got {name!r}")
    k = check_int(size, "size", minimum=1)
    if k not in catalogue[name].sizes:
        raise ValueError(f"kernel {name!r} comes in sizes {list(catalogue[name].sizes)}, got size={k}")
    return _BUILDERS[name](k)


def kernel_catalogue() -> list[KernelRecord]:
    """Every kernel's `KernelInfo` as JSON-ready dicts, in menu order (served by ``GET /api/kernels``).

    Examples
    --------
    >>> kernel_catalogue()[0]["name"], kernel_catalogue()[0]["sizes"]
    ('ones', [1, 2, 3, 4, 5, 6, 7])
    """
    return [
        {"name": i.name, "label": i.label, "description": i.description, "sizes": list(i.sizes),
         "diverging": i.diverging}
        for i in KERNELS
    ]


def _binomial(n: int) -> Kernel:
    """Row n - 1 of Pascal's triangle: the n-tap binomial smoothing filter, unnormalised."""
    row = np.ones(1)
    for _ in range(n - 1):
        row = np.convolve(row, [1.0, 1.0])
    return row


def _gaussian(k: int) -> Kernel:
    """Outer product of binomial rows; the sum is 4**(k-1), a power of two, so normalising is exact."""
    row = _binomial(k)
    total = float(row.sum()) ** 2
    return np.outer(row, row) / total


def _sobel_x(k: int) -> Kernel:
    """Binomial smoothing down the rows times a smoothed central difference across (OpenCV's Sobel)."""
    # k = 3: smooth [1, 2, 1], derivative [-1, 0, 1]; k = 5: [1, 4, 6, 4, 1] and [-1, -2, 0, 2, 1].
    derivative = np.convolve(_binomial(k - 2), [1.0, 0.0, -1.0])[::-1]
    return np.outer(_binomial(k), derivative)


def _identity(k: int) -> Kernel:
    """Zeros with a 1 in the centre."""
    out = np.zeros((k, k))
    out[k // 2, k // 2] = 1.0
    return out


def _fixed(rows: list[list[float]]) -> Callable[[int], Kernel]:
    """Builder for a kernel that exists in one size only."""
    return lambda _k: np.array(rows, dtype=np.float64)


_BUILDERS: dict[str, Callable[[int], Kernel]] = {
    "ones": lambda k: np.ones((k, k)),
    "box": lambda k: np.full((k, k), 1.0 / (k * k)),
    "gaussian": _gaussian,
    "sharpen": _fixed([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "sobel_x": _sobel_x,
    "sobel_y": lambda k: _sobel_x(k).T.copy(),
    "laplacian": _fixed([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
    "emboss": _fixed([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
    "identity": _identity,
    # Image page only (IMAGE_KERNELS):
    "unsharp": lambda k: 2.0 * _identity(k) - _gaussian(k),
    "outline": _fixed([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
    "prewitt_x": _fixed([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]),
    "prewitt_y": _fixed([[-1, -1, -1], [0, 0, 0], [1, 1, 1]]),
    "motion_blur": lambda k: np.eye(k) / k,
}
