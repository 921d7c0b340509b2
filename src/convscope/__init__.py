"""convscope: see convolution happen.

A NumPy engine with explicit forward and backward passes, checked against PyTorch; the arithmetic of
convolution sizes explained; and a browser app (``convscope serve``) to watch it all work.

Examples
--------
>>> import convscope
>>> convscope.output_size(20, kernel_size=3, padding=1, stride=1)
20
>>> convscope.valid_convolution(20, kernel_size=3, padding=0, stride=2)
False
>>> convscope.explain_convolution(20, 3, padding=0, stride=2)["suggestions"][0]["changes"]
['stride 2 → 1']
"""

from __future__ import annotations

from convscope.arithmetic import (
    conv_transpose_output_size,
    explain_convolution,
    output_size,
    same_padding,
    valid_convolution,
)
from convscope.data import crop_digit, digit, load_digits, to_mnist, train_test_split
from convscope.image_kernels import apply_kernel, edge_magnitude
from convscope.kernels import KERNELS, KernelInfo, kernel, kernel_catalogue
from convscope.matrix import convolution_matrix, weight_index_matrix
from convscope.receptive import Layer, parse_layers, receptive_field
from convscope.signal import Spectra, Timings, convolve, convolve2d, spectra, time_direct_vs_fft
from convscope.trace import convolution_output, pad_image, trace_convolution
from convscope.transposed_readings import TransposedReadings, overlap_counts, transposed_readings

__version__ = "0.1.0"

__all__ = [
    "KERNELS",
    "KernelInfo",
    "Layer",
    "Spectra",
    "Timings",
    "TransposedReadings",
    "__version__",
    "apply_kernel",
    "conv_transpose_output_size",
    "convolution_matrix",
    "convolution_output",
    "convolve",
    "convolve2d",
    "crop_digit",
    "digit",
    "edge_magnitude",
    "explain_convolution",
    "kernel",
    "kernel_catalogue",
    "load_digits",
    "output_size",
    "overlap_counts",
    "pad_image",
    "parse_layers",
    "receptive_field",
    "same_padding",
    "spectra",
    "time_direct_vs_fft",
    "to_mnist",
    "trace_convolution",
    "train_test_split",
    "transposed_readings",
    "valid_convolution",
    "weight_index_matrix",
]
