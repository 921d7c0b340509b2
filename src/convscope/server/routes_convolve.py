"""``POST /api/convolve``: one convolution with its arithmetic explained and every window traced.

Settings that do not tile the input are an answer (200, ``valid: false``, with reasons and suggestions),
not an error: a learner asks exactly that question. Only requests the page cannot show are refused.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
from fastapi import APIRouter

from convscope.arithmetic import explain_convolution
from convscope.kernels import KERNELS, kernel
from convscope.server.errors import field_error
from convscope.server.responses import FastJSONResponse
from convscope.server.routes_digits import DigitSource
from convscope.server.schemas import DEFAULT_KERNEL_SIZE, ConvolveRequest, ConvolveResponse, ErrorResponse
from convscope.trace import pad_image, trace_convolution

Array = npt.NDArray[np.float64]
_DIVERGING = {info.name: info.diverging for info in KERNELS}

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorResponse,
        "description": "Unknown kernel name, unsupported or mismatched `kernel_size`, `index` past the last "
        "example, a trace too large to show, or values so large the products overflow.",
    },
    413: {"model": ErrorResponse, "description": "The body is over the documented size limit."},
}


def convolve_router(source: DigitSource, max_trace_values: int) -> APIRouter:
    """The convolve route: digits from ``source``, traces of at most ``max_trace_values`` numbers."""
    router = APIRouter(tags=["convolve"])

    @router.post("/api/convolve", responses={200: {"model": ConvolveResponse}, **_ERRORS})
    def convolve(request: ConvolveRequest) -> FastJSONResponse:
        """Slide the kernel over the image; return the output, the size arithmetic and every window."""
        if request.image is not None:
            image: Array = np.asarray(request.image, dtype=np.float64)  # (H, W)
        else:
            assert request.digit is not None  # the request model requires image or digit
            image = source.crop(request.digit, request.index or 0)
        weights, name = _kernel(request)
        return FastJSONResponse(_convolve(image, weights, name, request, max_trace_values))

    return router


def _kernel(request: ConvolveRequest) -> tuple[Array, str | None]:
    """The (kH, kW) weights and the kernel's name (None for a matrix), or a 400 naming the field."""
    spec = request.kernel
    if isinstance(spec, str):
        if spec not in _DIVERGING:
            raise field_error("kernel", f"unknown name {spec!r}; choose one of {', '.join(_DIVERGING)}")
        try:
            return kernel(spec, request.kernel_size or DEFAULT_KERNEL_SIZE), spec
        except ValueError as err:  # "kernel 'sharpen' comes in sizes [3], got size=5"
            raise field_error("kernel_size", str(err)) from None
    weights: Array = np.asarray(spec, dtype=np.float64)  # (kH, kW)
    kh, kw = weights.shape
    if request.kernel_size is not None and (kh, kw) != (request.kernel_size, request.kernel_size):
        hint = f"omit it or send {kh}" if kh == kw else "omit it (the matrix is not square)"
        raise field_error(
            "kernel_size", f"{request.kernel_size} does not match the {kh}x{kw} kernel matrix; {hint}"
        )
    return weights, None


def _convolve(
    image: Array, weights: Array, name: str | None, request: ConvolveRequest, max_trace_values: int
) -> dict[str, Any]:
    """The response body, as plain JSON-ready values."""
    p, s, d = request.padding, request.stride, request.dilation
    explanation = explain_convolution(image.shape, weights.shape, p, s, d)
    steps: list[dict[str, Any]] = []
    output: list[list[float]] = []
    if explanation["fits"]:
        oh, ow = explanation["output_size"]
        taps = weights.size
        if oh * ow * taps > max_trace_values:
            raise field_error(
                "body", f"this trace would hold {oh}x{ow} windows x {taps} kernel taps = "
                f"{oh * ow * taps:,} values (limit {max_trace_values:,}); raise stride, or use a smaller "
                "kernel, padding or image"
            )
        # Python floats overflow to inf quietly; a finite bound means no product or sum can overflow.
        if not math.isfinite(float(np.abs(image).max()) * float(np.abs(weights).max()) * taps):
            raise field_error("body", "image and kernel values are so large that their products overflow")
        steps = trace_convolution(image, weights, p, s, d)
        sums = [step["sum"] for step in steps]
        # The output is the traced sums themselves, so each animated dot product is exactly its cell.
        output = [sums[r * ow : (r + 1) * ow] for r in range(oh)]
    flat = [v for row in output for v in row]
    return {
        "input": image.tolist(),
        "padded": pad_image(image, p).tolist(),
        "kernel": weights.tolist(),
        "kernel_name": name,
        "diverging": _DIVERGING[name] if name else bool(weights.min() < 0 or image.min() < 0),
        "output": output,
        "output_size": explanation["output_size"],
        "output_range": [min(flat), max(flat)] if flat else None,
        "valid": explanation["valid"],
        "explanation": explanation,
        "steps": steps,
    }
