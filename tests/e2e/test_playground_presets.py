"""Textbook examples one click away, same padding, and the input's size: what the page shows is the
lesson's own numbers (convscope.lessons, run here in the test)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from convscope.data import DigitSource
from convscope.lessons.playground import Convolution, convolution_lesson
from convscope.lessons.playground_inputs import BINARY_KERNEL, digit_at_size, textbook_input
from tests.e2e.playground_page import open_playground, set_slider, settle, table_values

pytestmark = pytest.mark.e2e

EDGE = np.array([[1.0, 0, -1]] * 3)


def shown_output(page: Any) -> np.ndarray:
    page.get_by_test_id("to-end").click()
    return np.array(table_values(page), dtype=np.float64)


@pytest.mark.parametrize(
    ("button", "image", "kernel", "stride", "size", "valid"),
    [
        ("7x7-s1", "frame7", EDGE, 1, "5×5", True),
        ("7x7-s2", "frame7", EDGE, 2, "3×3", True),
        ("7x7-s3", "frame7", EDGE, 3, "2×2", False),
        ("binary5", "binary5", np.array(BINARY_KERNEL, dtype=float), 1, "3×3", True),
    ],
)
def test_a_textbook_example_shows_the_lessons_numbers(
    page: Any, server: str, button: str, image: str, kernel: np.ndarray, stride: int, size: str, valid: bool
) -> None:
    open_playground(page, server)
    page.get_by_test_id(f"example-{button}").click()
    settle(page)
    assert page.get_by_test_id(f"example-{button}").get_attribute("aria-pressed") == "true"
    assert page.get_by_test_id("output-size").inner_text() == size
    assert page.get_by_test_id("validity").get_attribute("data-valid") == str(valid).lower()
    lesson = convolution_lesson(Convolution(textbook_input(image), kernel, stride=stride))
    np.testing.assert_array_equal(shown_output(page), lesson["output"])
    if button == "binary5":
        np.testing.assert_array_equal(shown_output(page), [[4, 3, 4], [2, 4, 3], [2, 3, 4]])
    page.reload()  # the example is in the link
    settle(page)
    assert page.get_by_test_id("output-size").inner_text() == size


@pytest.mark.parametrize(
    ("size", "dilation", "padding", "output", "words"),
    [
        (5, 1, 2, "20×20", "P = (5 − 1)/2 = 2"),
        (3, 2, 2, "20×20", "dilated by 2"),
        (4, 1, 1, "19×19", "is even"),
    ],
)
def test_same_padding_sets_p_and_explains_even_kernels(
    page: Any, server: str, size: int, dilation: int, padding: int, output: str, words: str
) -> None:
    query = f"digit=3&index=0&kernel=ones&size={size}&padding=0&stride=1&dilation={dilation}"
    open_playground(page, server, query)
    assert words in page.get_by_test_id("same-note").inner_text()
    page.get_by_test_id("same-padding").click()
    settle(page)
    assert page.get_by_test_id("padding-value").inner_text() == str(padding)
    assert page.get_by_test_id("output-size").inner_text() == output


@pytest.mark.parametrize("side", [5, 7, 28])
def test_the_input_size_goes_from_5_to_28(page: Any, server: str, side: int) -> None:
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=0&stride=1")
    set_slider(page, "inputSize", side)
    assert page.get_by_test_id("input-size").inner_text() == f"{side}×{side}"
    image = digit_at_size(DigitSource(), 3, 0, side)
    lesson = convolution_lesson(Convolution(image, np.ones((3, 3))))
    np.testing.assert_allclose(shown_output(page), lesson["output"], rtol=0, atol=0)
    assert "input=" in page.url
