"""Image kernels on whole pictures: blur, sharpen, edges, on grey or colour images of any size.

`apply_kernel` slides one small kernel (1..15 pixels a side) over an ``(H, W)`` or ``(H, W, C)`` image and
returns an image of the same shape: the "same" output of the playground's cross-correlation, with the
border filled the way PyTorch's ``padding_mode`` names it. Each colour channel is filtered on its own.
`edge_magnitude` combines the two Sobel kernels into sqrt(Gx² + Gy²).

Two methods give the same numbers. "direct" adds one shifted, scaled copy of the padded image per kernel
weight (all channels at once; a large image's rows in two halves, one a core); "fft" pads the image
the same way and hands each channel to `convscope.signal.convolve2d` with method "fft". "auto" asks the
signal module's calibrated cost model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from convscope._validate import as_array
from convscope.errors import SettingError
from convscope.kernels import kernel as named_kernel
from convscope.ops import recycle
from convscope.ops.threads import halves, run_blocks
from convscope.signal.convolution import choose_method, convolve2d

__all__ = [
    "MAX_KERNEL_SIDE", "PADDING_MODES", "apply_kernel", "apply_twice", "combined_kernel", "edge_magnitude",
    "kernel_anchor",
]

Array = npt.NDArray[np.float64]
PaddingMode = Literal["constant", "reflect", "edge", "wrap"]

# The page's painter and typed grid stop here; beyond it a "kernel" is a second image, not a filter.
MAX_KERNEL_SIDE = 15

# PyTorch's padding_mode -> numpy.pad's mode. SciPy's ndimage names the same borders differently:
# zeros = "constant" (cval 0), reflect = "mirror" (d c b | a b c d | c b a), replicate = "nearest",
# circular = "wrap".
PADDING_MODES: dict[str, PaddingMode] = {
    "zeros": "constant",
    "reflect": "reflect",
    "replicate": "edge",
    "circular": "wrap",
}
METHODS = ("auto", "direct", "fft")
BAND_ELEMENTS = 2**17  # float64 elements in one band of the direct method


def apply_kernel(
    image: Any, kernel: Any, *, padding_mode: str = "zeros", flip: bool = False, method: str = "auto"
) -> Array:
    """Filter an image with a kernel, keeping its size: cross-correlation by default, like the playground.

    ``out[y, x, c] = sum_{i, j} kernel[i, j] * padded[y + i - kH // 2, x + j - kW // 2, c]``: the kernel's
    centre is the element ``(kH // 2, kW // 2)``, so for an even side it sits just below and right of the
    middle. That is SciPy's ``origin=0``, so the result equals ``scipy.ndimage.correlate`` (and, with
    ``flip=True``, ``scipy.ndimage.convolve``) with the mode named below.

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        Any real dtype (uint8 photos too); every value finite. Each of the C channels is filtered alone.
    kernel : (kH, kW) array_like
        1..15 per side, even sides allowed; every value finite.
    padding_mode : {"zeros", "reflect", "replicate", "circular"}
        PyTorch's names for the border. In ``scipy.ndimage`` terms: "constant" with cval 0, "mirror"
        (numpy.pad's "reflect": the edge pixel is not repeated), "nearest" and "wrap".
    flip : bool
        True gives true convolution: the kernel is turned half a turn first (SciPy's ``convolve``,
        whose centre for an even side is the flipped kernel's ``(kH - 1 - kH // 2, ...)``).
    method : {"auto", "direct", "fft"}
        How to compute it; "auto" picks the faster for these sizes.

    Returns
    -------
    (H, W) or (H, W, C) ndarray of float64
        Signed values: a Sobel or Laplacian gives negatives, nothing is clamped to 0..255.

    See Also
    --------
    edge_magnitude : sqrt(Gx² + Gy²) from the two Sobel kernels.
    convscope.signal.convolve2d : true convolution with "full", "same" and "valid" sizes.

    Examples
    --------
    >>> image = np.zeros((3, 3)); image[1, 1] = 1.0          # one bright pixel
    >>> kernel = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    >>> apply_kernel(image, kernel)                          # correlation stamps the kernel turned round
    array([[9., 8., 7.],
           [6., 5., 4.],
           [3., 2., 1.]])
    >>> apply_kernel(image, kernel, flip=True)               # convolution stamps it as written
    array([[1., 2., 3.],
           [4., 5., 6.],
           [7., 8., 9.]])
    >>> rgb = np.ones((4, 5, 3), dtype=np.uint8)
    >>> apply_kernel(rgb, np.ones((3, 3)), padding_mode="replicate").shape   # (H, W, C)
    (4, 5, 3)
    """
    pixels = _checked_array(image, "image", (2, 3), "(H, W) or (H, W, C)")
    weights = _checked_kernel(kernel)
    mode = _checked_choice(padding_mode, "padding_mode", tuple(PADDING_MODES))
    how = _checked_choice(method, "method", METHODS)
    stack = pixels[:, :, np.newaxis] if pixels.ndim == 2 else pixels  # (H, W, C)
    out = _correlate(stack, weights, PADDING_MODES[mode], bool(flip), how)
    return out.reshape(pixels.shape)  # (H, W) back for a grey image


def apply_twice(
    image: Any, first: Any, second: Any, *, padding_mode: str = "zeros", flip: bool = False
) -> tuple[Array, Array, Array]:
    """Filter with ``first`` then ``second``, and once with the kernel they make together.

    Filtering is associative: correlating with ``first`` and then ``second`` is correlating once with
    their full convolution ``combined`` (size kH1 + kH2 - 1), and the same holds for true convolution
    (``flip=True``). With "circular" padding the two results are equal everywhere; with the other modes
    they differ within ``combined``'s half-width of the border, because the second pass pads the first
    pass's output instead of seeing the pixels beyond the edge.

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        As for `apply_kernel`.
    first, second : (kH, kW) array_like
        1..15 per side each.
    padding_mode, flip
        As for `apply_kernel`, used by all three filterings.

    Returns
    -------
    twice : ndarray, the image's shape
        ``apply_kernel(apply_kernel(image, first), second)``.
    once : ndarray, the image's shape
        The image filtered once by ``combined``.
    combined : (kH1 + kH2 - 1, kW1 + kW2 - 1) ndarray
        The full 2-D convolution of ``first`` and ``second``.

    Examples
    --------
    >>> image = np.arange(36.0).reshape(6, 6)
    >>> box = np.full((3, 3), 1 / 9)
    >>> twice, once, combined = apply_twice(image, box, box, padding_mode="circular")
    >>> combined.shape, bool(np.allclose(twice, once))
    ((5, 5), True)
    """
    kernels = [_checked_kernel(k, name) for k, name in ((first, "first"), (second, "second"))]
    combined = combined_kernel(*kernels)
    twice = apply_kernel(apply_kernel(image, kernels[0], padding_mode=padding_mode, flip=flip),
                         kernels[1], padding_mode=padding_mode, flip=flip)
    pixels = _checked_array(image, "image", (2, 3), "(H, W) or (H, W, C)")
    stack = pixels[:, :, np.newaxis] if pixels.ndim == 2 else pixels  # (H, W, C)
    # The centres add up; for an even side that is not the combined kernel's own middle.
    before = [a + b for a, b in zip(*(kernel_anchor(k.shape, bool(flip)) for k in kernels), strict=True)]
    once = _correlate(stack, combined, PADDING_MODES[padding_mode], bool(flip), "auto", before)
    return twice, once.reshape(pixels.shape), combined


def combined_kernel(first: Any, second: Any) -> Array:
    """The one kernel that filters like ``first`` then ``second``: their (kH1 + kH2 - 1, kW1 + kW2 - 1)
    full convolution, summed tap by tap (both kernels 1..15 per side).

    Examples
    --------
    >>> combined_kernel(np.ones((1, 2)), np.ones((1, 2)))
    array([[1., 2., 1.]])
    """
    a, b = _checked_kernel(first, "first"), _checked_kernel(second, "second")
    out = np.zeros((a.shape[0] + b.shape[0] - 1, a.shape[1] + b.shape[1] - 1))
    for (i, j), weight in np.ndenumerate(a):
        out[i : i + b.shape[0], j : j + b.shape[1]] += weight * b
    return out


def edge_magnitude(image: Any, padding_mode: str = "zeros") -> Array:
    """Edge strength sqrt(Gx² + Gy²), Gx and Gy being the image filtered by "sobel_x" and "sobel_y".

    Parameters
    ----------
    image : (H, W) or (H, W, C) array_like
        As for `apply_kernel`; each channel gets its own magnitude.
    padding_mode : {"zeros", "reflect", "replicate", "circular"}
        The border, as for `apply_kernel`. "zeros" makes the picture's own frame an edge.

    Returns
    -------
    (H, W) or (H, W, C) ndarray of float64
        Non-negative; 0 wherever the image is flat.

    Examples
    --------
    >>> step = np.array([[0, 0, 9, 9]] * 3)                  # a vertical edge between columns 1 and 2
    >>> edge_magnitude(step, padding_mode="replicate")
    array([[ 0., 36., 36.,  0.],
           [ 0., 36., 36.,  0.],
           [ 0., 36., 36.,  0.]])
    """
    gx = apply_kernel(image, named_kernel("sobel_x"), padding_mode=padding_mode)
    gy = apply_kernel(image, named_kernel("sobel_y"), padding_mode=padding_mode)
    return np.hypot(gx, gy)


def _checked_array(x: Any, name: str, ndim: tuple[int, ...], layout: str) -> npt.NDArray[Any]:
    """``as_array``'s checks (rank, real, finite), raised as a `SettingError` for ``name``; not empty.

    Integer and boolean arrays keep their dtype: they are finite by nature, and `_correlate` pads them
    before converting.
    """
    if isinstance(x, np.ndarray) and x.dtype.kind in "biu":
        arr: npt.NDArray[Any] = x
        if arr.ndim not in ndim:
            ranks = " or ".join(f"{d}-D" for d in ndim)
            raise SettingError(name, f"must be {ranks} {layout}, got shape {arr.shape}")
    else:
        try:
            arr = as_array(x, name, ndim, layout=layout)
        except ValueError as err:
            raise SettingError(name, str(err).removeprefix(f"{name} ")) from None
    if arr.size == 0:
        raise SettingError(name, f"must not be empty, got shape {arr.shape}")
    return arr


def _checked_kernel(kernel: Any, name: str = "kernel") -> Array:
    """The kernel as float64, 2-D, finite, 1..MAX_KERNEL_SIDE per side."""
    if isinstance(kernel, np.ndarray) and kernel.ndim == 2 and max(kernel.shape) > MAX_KERNEL_SIDE:
        # Before the finiteness scan: a huge array is refused by its shape alone.
        raise SettingError(name, f"each side must be 1..{MAX_KERNEL_SIDE}, got shape {kernel.shape}")
    weights = _checked_array(kernel, name, (2,), "(kH, kW)").astype(np.float64, copy=False)
    if max(weights.shape) > MAX_KERNEL_SIDE:
        raise SettingError(name, f"each side must be 1..{MAX_KERNEL_SIDE}, got shape {weights.shape}")
    return weights


def _checked_choice(value: Any, name: str, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed``, else a `SettingError` listing them."""
    if not isinstance(value, str) or value not in allowed:
        raise SettingError(name, f"must be one of {', '.join(map(repr, allowed))}, got {value!r}")
    return value


def kernel_anchor(shape: tuple[int, ...], flip: bool) -> list[int]:
    """The kernel's centre (row, column) as it is multiplied: the padding before the image.

    Examples
    --------
    >>> kernel_anchor((3, 4), flip=False), kernel_anchor((3, 4), flip=True)
    ([1, 2], [1, 1])
    """
    # Convolution = correlation with the kernel turned half a turn; its centre moves to the mirror
    # index, which for an even side is one before the middle (SciPy shifts origin by -1 the same way).
    return [k - 1 - k // 2 if flip else k // 2 for k in shape]


def _correlate(
    stack: npt.NDArray[Any], weights: Array, np_mode: PaddingMode, flip: bool, method: str,
    before: list[int] | None = None,
) -> Array:
    """Same-size correlation of a checked (H, W, C) stack (any real dtype) with a (kH, kW) kernel.

    ``before`` overrides the centre (`_anchor`): a combined kernel's is the sum of its parts'.
    """
    if before is None:
        before = kernel_anchor(weights.shape, flip)
    if flip:
        weights = weights[::-1, ::-1]
    pad = [(b, k - 1 - b) for b, k in zip(before, weights.shape, strict=True)] + [(0, 0)]
    # Padded in the image's own dtype, converted after: a uint8 photo moves 1 byte a pixel through np.pad,
    # not 8 (0.5 ms instead of 4.6 ms for 512x512x3).
    small = np.pad(stack, pad, mode=np_mode)  # (H + kH - 1, W + kW - 1, C)
    padded = small if small.dtype == np.float64 else recycle.empty(small.shape, np.float64)
    if padded is not small:  # converted into held memory, as `_direct_halves`'s result
        padded[...] = small
    height, width = stack.shape[:2]
    if method == "auto":
        method = choose_method(padded.shape[:2], weights.shape, (height, width))
    if method == "direct":
        return _direct_halves(padded, weights, height, width)
    return _fft(padded, weights)


def _direct_halves(padded: Array, weights: Array, height: int, width: int) -> Array:
    """`_direct` in two halves of the output rows, one a thread (`convscope.ops.threads`), once the
    multiply-adds reach `threads.SPLIT_FROM`: each output element is summed tap by tap, in the same order
    whatever the split, so the bits are the same. (A 512x512x3 photo with a 3x3 kernel: 7 M.)"""
    # Memory the process already holds (`recycle`): a fresh 6 MB result is faulted in page by page, and
    # two threads faulting in one process wait on each other.
    out = recycle.empty((height, width, padded.shape[2]), np.float64)  # (H, W, C)
    kh = weights.shape[0]

    def work(part: Sequence[slice], index: int) -> None:
        for rows in part:  # output rows; each reads its rows + kH - 1 of the padded image
            band = padded[rows.start : rows.stop + kh - 1]
            _direct(band, weights, rows.stop - rows.start, width, out[rows])

    run_blocks(halves(height, out.size * int(np.count_nonzero(weights))), work)
    return out


def _direct(padded: Array, weights: Array, height: int, width: int, out: Array) -> None:
    """One shifted multiply-add of the padded (Hp, Wp, C) stack per non-zero weight, band by band, into
    ``out`` (H, W, C): rows split between threads sum each element the same way."""
    taps = [(i, j, weight) for (i, j), weight in np.ndenumerate(weights) if weight != 0.0]  # Sobel: 6 of 9
    if not taps:
        out.fill(0.0)  # an all-zero kernel
    # Bands of about 1 MiB stay in cache across the kH * kW passes: on 512x512x3 with a 3x3 kernel that is
    # 6-7 ms instead of 25 ms for whole-image passes (2-core EPYC; 32..128 rows all do about as well).
    rows = max(1, BAND_ELEMENTS // (width * padded.shape[2]))
    scratch = np.empty((rows, width, padded.shape[2]))
    for top in range(0, height, rows):
        band = out[top : top + rows]
        spare = scratch[: len(band)]
        for n, (i, j, weight) in enumerate(taps):
            shifted = padded[top + i : top + i + len(band), j : j + width]
            # The first tap writes the band itself: one pass over it fewer than adding to zeros.
            np.multiply(shifted, weight, out=spare if n else band)
            if n:
                band += spare


def _fft(padded: Array, weights: Array) -> Array:
    """Per channel: the "valid" true convolution of the padded image with the turned kernel, by FFT."""
    turned = np.ascontiguousarray(weights[::-1, ::-1])  # convolve2d flips it back: a correlation
    channels = [
        convolve2d(padded[:, :, c], turned, mode="valid", method="fft") for c in range(padded.shape[2])
    ]
    return np.stack(channels, axis=-1)  # (H, W, C)
