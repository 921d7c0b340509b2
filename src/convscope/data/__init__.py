"""Digits to convolve: the bundled MNIST subset, an IDX reader, digit preprocessing and a fixed split."""

from __future__ import annotations

from convscope.data.idx import load_idx_dir, read_idx
from convscope.data.mnist import Digits, count, digit, load_digits

__all__ = [
    "Digits",
    "count",
    "digit",
    "load_digits",
    "load_idx_dir",
    "read_idx",
]
