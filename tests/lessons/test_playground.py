"""The playground lesson without HTTP: its numbers against torch, its answers to settings that don't fit,
and the few things it refuses (each a SettingError naming the field)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from convscope.data import DigitSource
from convscope.errors import SettingError
from convscope.lessons.playground import Convolution, convolution_lesson, digit_lesson, kernel_weights
from convscope.lessons.playground_steps import step_count, window_steps

SOURCE = DigitSource()


@pytest.mark.parametrize(("kernel", "size", "padding", "stride", "dilation"),
                         [("sobel_x", 3, 1, 1, 1), ("gaussian", 5, 2, 3, 1), ("box", 2, 0, 2, 2)])
def test_output_and_every_window_equal_torch(kernel: str, size: int, padding: int, stride: int,
                                             dilation: int) -> None:
    image = SOURCE.crop(5, 2)
    weights, name = kernel_weights(kernel, size)
    lesson = convolution_lesson(Convolution(image, weights, name, padding, stride, dilation))
    expected = torch.nn.functional.conv2d(
        torch.tensor(image)[None, None], torch.tensor(weights)[None, None],  # (1, 1, H, W), (1, 1, kH, kW)
        padding=padding, stride=stride, dilation=dilation,
    )[0, 0].numpy()
    np.testing.assert_allclose(lesson["output"], expected, rtol=1e-12, atol=1e-12)
    assert lesson["output_size"] == list(expected.shape)
    assert [step["out"] for step in window_steps(lesson)] == [[r, c] for r in range(expected.shape[0])
                                                         for c in range(expected.shape[1])]
    assert all(np.isclose(sum(step["products"]), step["sum"]) for step in window_steps(lesson))
    assert lesson["kernel_name"] == kernel
    assert lesson["diverging"] is (kernel == "sobel_x")


def test_settings_that_do_not_tile_are_explained_with_the_floor_output() -> None:
    lesson = convolution_lesson(Convolution(SOURCE.crop(3, 0), np.ones((3, 3)), stride=2))
    assert lesson["valid"] is False
    assert lesson["output_size"] == [9, 9]  # PyTorch's floor: (20 - 3)/2 + 1 = 9.5
    assert lesson["explanation"]["suggestions"]
    assert step_count(lesson) == 81


def test_a_kernel_larger_than_the_padded_input_gives_no_output_and_says_why() -> None:
    lesson = convolution_lesson(Convolution(np.ones((3, 3)), np.ones((5, 5))))
    assert (lesson["output"], window_steps(lesson)) == ([], [])
    assert (lesson["output_size"], lesson["output_range"]) == (None, None)
    assert lesson["explanation"]["fits"] is False
    assert "not even one window fits. Add padding of at least 1" in lesson["explanation"]["reasons"][0]


def test_a_trace_over_the_limit_is_refused_naming_the_body() -> None:
    setting = Convolution(SOURCE.crop(3, 0), np.ones((3, 3)), padding=1)
    message = r"20x20 windows x 9 kernel taps = 3,600 values \(limit 1,000\)"
    with pytest.raises(SettingError, match=message) as err:
        convolution_lesson(setting, max_trace_values=1000)
    assert err.value.field == "body"


def test_products_that_would_overflow_are_refused() -> None:
    with pytest.raises(SettingError, match="overflow"):
        convolution_lesson(Convolution(np.full((4, 4), 1e200), np.full((3, 3), 1e200)))


@pytest.mark.parametrize(("spec", "size", "field", "message"), [
    ("nope", None, "kernel", "unknown name 'nope'; choose one of ones, box"),
    ("sharpen", 5, "kernel_size", r"kernel 'sharpen' comes in sizes \[3\], got size=5"),
    (np.ones((2, 3)), 2, "kernel_size", "2 does not match the 2x3 kernel matrix; omit it"),
])
def test_kernel_mistakes_name_their_field(spec: object, size: int | None, field: str, message: str) -> None:
    with pytest.raises(SettingError, match=message) as err:
        kernel_weights(spec, size)  # type: ignore[arg-type]
    assert err.value.field == field


def test_a_digit_lesson_is_the_sources_crop_and_its_index_is_checked() -> None:
    lesson = digit_lesson(SOURCE, 4, 3)
    np.testing.assert_array_equal(lesson["image"], SOURCE.crop(4, 3))
    assert lesson["count"] == SOURCE.count(4)
    with pytest.raises(SettingError, match=f"index must be 0..{SOURCE.count(4) - 1}"):
        digit_lesson(SOURCE, 4, SOURCE.count(4))
