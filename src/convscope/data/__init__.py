"""Digits to convolve: the bundled MNIST subset, an IDX reader, digit preprocessing and a fixed split."""

from __future__ import annotations

from convscope.data.idx import load_idx_dir, read_idx
from convscope.data.images import MnistPreprocessing, crop_digit, to_mnist
from convscope.data.mnist import Digits, count, digit, load_digits
from convscope.data.source import DigitSource, as_unit
from convscope.data.split import train_test_split

__all__ = [
    "DigitSource",
    "Digits",
    "MnistPreprocessing",
    "as_unit",
    "count",
    "crop_digit",
    "digit",
    "load_digits",
    "load_idx_dir",
    "read_idx",
    "to_mnist",
    "train_test_split",
]
