"""The geometry of a sliding window, along one axis (`AxisWindow`) and along several (`Window`).

Everything that slides a kernel over an input reads its numbers here: the convolution and pooling ops
and their loop twins, the playground's trace, the network explorer, receptive fields and the arithmetic
a learner is taught. Along one axis, a window of ``kernel_size`` taps spaced ``dilation`` apart spans
``K_eff = dilation * (kernel_size - 1) + 1`` cells of the input padded by ``before`` and ``after``
zeros; it starts at every ``stride``-th cell while it fits, which gives PyTorch's floor rule
``O = floor((W + before + after - K_eff) / S) + 1``. A 2-D window is two axis windows.

Checking belongs at the edge: `as_window` (and `as_sizes`, `resolve_padding`) turn a user's arguments into
a `Window` with clear errors, and `Window.require_fit` says when a kernel does not fit; everything
below trusts a geometry it is handed.

Modules: ``axis`` (one axis), ``window`` (several), ``arguments`` (the checks at the edge).
"""

from convscope.geometry.arguments import as_sizes, as_window, resolve_padding, transposed_sizes
from convscope.geometry.axis import AxisWindow, effective_kernel_size, same_padding, slides_exactly
from convscope.geometry.window import Padding, Sizes, Window

__all__ = [
    "AxisWindow",
    "Padding",
    "Sizes",
    "Window",
    "as_sizes",
    "as_window",
    "effective_kernel_size",
    "resolve_padding",
    "same_padding",
    "slides_exactly",
    "transposed_sizes",
]
