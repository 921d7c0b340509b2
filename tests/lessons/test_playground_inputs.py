"""The playground's other inputs: digits at any size, and the textbooks' small inputs with their numbers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from convscope.data import DigitSource
from convscope.errors import SettingError
from convscope.lessons.playground import Convolution, convolution_lesson
from convscope.lessons.playground_inputs import BINARY_KERNEL, digit_at_size, textbook_input


def torch_conv(image: np.ndarray, weights: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    x = torch.tensor(image)[None, None]  # (1, 1, H, W)
    w = torch.tensor(np.asarray(weights, dtype=np.float64))[None, None]  # (1, 1, kH, kW)
    return torch.nn.functional.conv2d(x, w, stride=stride, padding=padding)[0, 0].numpy()


def test_the_binary_example_gives_the_ufldl_figure() -> None:
    weights = np.asarray(BINARY_KERNEL, dtype=float)
    lesson = convolution_lesson(Convolution(textbook_input("binary5"), weights))
    assert lesson["output"] == [[4, 3, 4], [2, 4, 3], [2, 3, 4]]


@pytest.mark.parametrize(
    ("stride", "size", "valid"), [(1, [5, 5], True), (2, [3, 3], True), (3, [2, 2], False)]
)
def test_a_7x7_input_with_a_3x3_kernel_at_strides_1_2_3(stride: int, size: list[int], valid: bool) -> None:
    image = textbook_input("frame7")
    weights = np.array([[1.0, 0, -1]] * 3)
    lesson = convolution_lesson(Convolution(image, weights, stride=stride))
    assert (lesson["output_size"], lesson["valid"]) == (size, valid)
    np.testing.assert_array_equal(lesson["output"], torch_conv(image, weights, stride))


def test_an_unknown_example_names_the_field() -> None:
    with pytest.raises(SettingError, match="example"):
        textbook_input("lena")


@pytest.mark.parametrize("side", [5, 7, 13, 19, 20, 21, 28])
def test_a_digit_at_any_size_keeps_its_ink_in_unit_range(side: int) -> None:
    image = digit_at_size(DigitSource(), 3, 0, side)
    assert image.shape == (side, side)
    assert image.min() >= 0.0
    assert image.max() <= 1.0
    assert image.sum() > 0


def test_28_is_the_whole_mnist_image_and_small_sizes_keep_the_mean_ink() -> None:
    source = DigitSource()
    np.testing.assert_array_equal(digit_at_size(source, 3, 0, 28), source.original(3, 0) / 255.0)
    box = source.crop(3, 0)
    assert digit_at_size(source, 3, 0, 10).mean() == pytest.approx(box.mean())  # 20 -> 10: exact 2x2 means


@pytest.mark.parametrize("side", [4, 29])
def test_a_size_outside_5_to_28_names_the_field(side: int) -> None:
    with pytest.raises(SettingError, match="input_size"):
        digit_at_size(DigitSource(), 3, 0, side)
