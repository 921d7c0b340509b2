"""The windows derived from a playground answer are the trace the server used to send, number for number."""

from __future__ import annotations

import json

import numpy as np
import pytest

from convscope.data import DigitSource
from convscope.lessons.playground import Convolution, convolution_lesson
from convscope.lessons.playground_steps import step_count, window_step, window_steps
from convscope.trace import trace_convolution, trace_convolution_naive

SETTINGS = [  # (image shape, kernel shape, padding, stride, dilation): square, ragged fits, dropped rows
    ((20, 20), (3, 3), 0, 1, 1), ((20, 20), (5, 5), 2, 3, 1), ((7, 9), (2, 3), 1, 2, 2),
    ((5, 5), (1, 1), 0, 1, 1), ((6, 4), (3, 2), 3, 1, 3), ((20, 20), (3, 3), 0, 2, 1),
]


@pytest.mark.parametrize(("shape", "kshape", "padding", "stride", "dilation"), SETTINGS)
def test_derived_windows_equal_the_trace_exactly(shape: tuple[int, int], kshape: tuple[int, int],
                                                 padding: int, stride: int, dilation: int) -> None:
    rng = np.random.default_rng(sum(shape) + sum(kshape) + padding)
    image, weights = rng.normal(size=shape), rng.normal(size=kshape)  # signed: products of -0.0 too
    image[0, :] = 0.0
    lesson = convolution_lesson(Convolution(image, weights, None, padding, stride, dilation))
    expected = trace_convolution(image, weights, padding, stride, dilation)
    assert expected == trace_convolution_naive(image, weights, padding, stride, dilation)
    # As the page receives it: through JSON, every float survives exactly.
    wire = json.loads(json.dumps(lesson))
    assert window_steps(lesson) == window_steps(wire) == expected  # == on floats: bit for bit
    assert step_count(wire) == len(expected)


def test_a_digit_with_the_default_kernel_derives_its_324_windows() -> None:
    three = DigitSource().crop(3, 0)
    lesson = convolution_lesson(Convolution(three, np.ones((3, 3)), "ones"))
    assert window_steps(lesson) == trace_convolution(three, np.ones((3, 3)))
    assert step_count(lesson) == 324


def test_no_output_means_no_windows_and_an_index_past_the_end_is_refused() -> None:
    assert window_steps(convolution_lesson(Convolution(np.ones((3, 3)), np.ones((5, 5))))) == []
    lesson = convolution_lesson(Convolution(np.ones((3, 3)), np.ones((2, 2))))
    with pytest.raises(IndexError, match=r"window index must be 0\.\.3, got 4"):
        window_step(lesson, 4)
