"""POST /api/convolve with a textbook example or a digit at another size: the lesson's numbers, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from convscope.data import DigitSource
from convscope.lessons.playground_inputs import BINARY_KERNEL, digit_at_size
from convscope.server import create_app
from tests.server.contract import ContractClient


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with ContractClient(create_app()) as test_client:
        yield test_client


def test_the_binary_example_by_name(client: TestClient) -> None:
    response = client.post("/api/convolve", json={"example": "binary5", "kernel": BINARY_KERNEL})
    assert response.status_code == 200, response.text
    assert response.json()["output"] == [[4, 3, 4], [2, 4, 3], [2, 3, 4]]


@pytest.mark.parametrize("side", [5, 7, 28])
def test_a_digit_at_another_size(client: TestClient, side: int) -> None:
    body = {"digit": 3, "index": 0, "input_size": side, "kernel": "ones"}
    response = client.post("/api/convolve", json=body)
    assert response.status_code == 200, response.text
    np.testing.assert_array_equal(response.json()["input"], digit_at_size(DigitSource(), 3, 0, side))
    assert response.json()["output_size"] == [side - 2, side - 2]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"example": "lena"}, 400, "example: unknown name 'lena'; choose one of frame7, binary5"),
        ({"example": "binary5", "digit": 3}, 422, "give one input: `example`, `image` or `digit`"),
        ({"digit": 3, "input_size": 4}, 422, "input_size: must be >= 5 (got 4)"),
        ({"digit": 3, "input_size": 29}, 422, "input_size: must be <= 28 (got 29)"),
        ({"image": [[1.0]], "input_size": 7}, 422, "`input_size` sizes an MNIST `digit`"),
    ],
)
def test_bad_inputs_name_the_field(
    client: TestClient, body: dict[str, Any], status: int, message: str
) -> None:
    response = client.post("/api/convolve", json=body)
    assert response.status_code == status, response.text
    assert message in response.json()["message"]
