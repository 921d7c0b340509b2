"""POST /api/training/step: the lesson's record over HTTP (checked against its schema by ContractClient),
the same numbers as the lesson called directly, and a clear 4xx for every bad field."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.exceptions import StarletteDeprecationWarning

from convscope.data import DigitSource
from convscope.lessons.backprop import explain_step, initial_model
from convscope.server import create_app
from tests.server.contract import ContractClient

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with ContractClient(create_app()) as test_client:
        yield test_client


def test_the_step_over_http_is_the_lessons(client: TestClient) -> None:
    response = client.post("/api/training/step", json={"digit": 3, "index": 2, "seed": 4, "lr": 0.2})
    assert response.status_code == 200
    answer = response.json()
    expected = explain_step(initial_model(4), DigitSource(), 3, 2, 4, 0.2)
    assert answer["loss"] == pytest.approx(expected["loss"])
    assert answer["weights"] == expected["weights"]
    assert [layer["grad_norm"] for layer in answer["layers"]] == pytest.approx(
        [layer["grad_norm"] for layer in expected["layers"]]
    )
    assert answer["label"] == 3
    assert len(answer["image"]) == 32


def test_the_defaults_explain_a_seven(client: TestClient) -> None:
    answer = client.post("/api/training/step", json={}).json()
    assert (answer["digit"], answer["label"], answer["seed"]) == (7, 7, 0)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"digit": 10}, 422, "digit: must be <= 9 (got 10)"),
        ({"lr": 0}, 422, "lr: Input should be greater than 0 (got 0)"),
        ({"seed": -1}, 422, "seed: must be >= 0 (got -1)"),
        ({"digit": 1, "index": 100000}, 400, "index: the"),
        ({"weight": "fc1"}, 422, "weight: unknown field"),
    ],
)
def test_bad_fields_are_named(client: TestClient, body: dict[str, Any], status: int, message: str) -> None:
    response = client.post("/api/training/step", json=body)
    assert response.status_code == status
    assert message in response.json()["message"]
