"""The Matrix & FFT routes: answers are the lessons' numbers (every 200 checked against its record), the
timing is measured once per app, and every bad input is a 4xx naming the field and what is allowed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from convscope.server import create_app
from tests.server.contract import ContractClient


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with ContractClient(create_app()) as test_client:
        yield test_client


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def test_matrix_times_the_input_is_the_output(client: TestClient) -> None:
    for body in ({}, {"dims": 2, "size": 6, "kernel_size": 3, "stride": 2, "padding": 1, "digit": 5}):
        lesson = ok(client.post("/api/matrix/matrix", json=body))
        x, m = np.array(lesson["input"]), np.array(lesson["matrix"])
        np.testing.assert_allclose(m @ x.ravel(), np.ravel(lesson["output"]), atol=1e-12)
    assert lesson["dims"] == 2
    assert lesson["dense_weights"] == 36 * 9
    assert lesson["distinct_weights"] == 9


def test_fft_without_padding_wraps(client: TestClient) -> None:
    lesson = ok(client.post("/api/matrix/fft", json={"signal": [1, 2, 3, 4], "kernel": [1, 1],
                                                     "zero_pad": False}))
    np.testing.assert_allclose(lesson["inverse"], [5, 3, 5, 7], atol=1e-12)
    assert lesson["wrapped"] == [True, False, False, False]
    assert lesson["direct"] == [1, 3, 5, 7, 4]
    padded = ok(client.post("/api/matrix/fft", json={}))
    assert padded["zero_pad"]
    assert padded["max_difference"] < 1e-9


def test_transposed_readings_agree(client: TestClient) -> None:
    lesson = ok(client.post("/api/matrix/transposed", json={"input_size": 3, "kernel_size": 3, "stride": 2,
                                                            "padding": 1, "output_padding": 1}))
    assert lesson["output_size"] == 6
    assert lesson["checkerboard"]
    np.testing.assert_allclose(lesson["by_matrix"], lesson["output"], atol=1e-10)
    np.testing.assert_allclose(lesson["by_zero_insertion"], lesson["by_scatter"], atol=1e-10)


def test_timing_is_measured_once_per_app() -> None:
    with ContractClient(create_app()) as fresh:
        first = ok(fresh.get("/api/matrix/timing"))
        assert first["sizes"] == [2**p for p in range(4, 21)]
        assert len(first["direct"]) == len(first["fft"]) == 17
        assert min(first["direct"] + first["fft"]) > 0
        assert ok(fresh.get("/api/matrix/timing")) == first  # the same numbers: no second sweep


@pytest.mark.parametrize(("path", "body", "status", "message"), [
    ("matrix", {"dims": 2, "size": 12}, 400, "size: must be 4..8 in 2-D"),
    ("matrix", {"size": 4, "kernel_size": 5}, 400, "kernel_size: must be at most 4 here"),
    ("matrix", {"stride": 0}, 422, "stride"),
    ("matrix", {"dims": 3}, 422, "dims"),
    ("matrix", {"stride": "2"}, 422, "stride"),
    ("matrix", {"dims": 2, "index": 5000}, 400, "index: "),
    ("fft", {"signal": [1, 2], "kernel": [1, 1, 1], "zero_pad": False}, 400, "kernel: must be at most as"),
    ("fft", {"signal": [1]}, 422, "signal"),
    ("fft", {"kernel": [1] * 17}, 422, "kernel"),
    ("fft", {"kernel": [1.7e308, 1]}, 422, "kernel"),  # its spectrum times the signal's overflowed (a 500)
    ("fft", {"signal": [1, -1e7]}, 422, "signal"),
    ("transposed", {"stride": 2, "output_padding": 2}, 400, "output_padding: must be 0..1"),
    ("transposed", {"input_size": 2, "kernel_size": 1, "stride": 1, "padding": 1}, 400, "padding: must be"),
    ("transposed", {"input_size": 9}, 422, "input_size"),
    ("transposed", {"extra": 1}, 422, "extra"),
])
def test_bad_input_names_the_field(client: TestClient, path: str, body: dict[str, Any], status: int,
                                   message: str) -> None:
    response = client.post(f"/api/matrix/{path}", json=body)
    assert response.status_code == status, response.text
    assert message in response.json()["message"]


def test_nan_is_refused(client: TestClient) -> None:
    response = client.post("/api/matrix/fft", content=b'{"signal": [1, NaN]}',
                           headers={"content-type": "application/json"})
    assert response.status_code in (400, 422)
    assert "signal" in response.json()["message"]
