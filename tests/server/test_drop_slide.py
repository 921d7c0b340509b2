"""The ball drop's f and g over HTTP: the whole-step slide and the echo's spikes (ContractClient checks
every 200 answer against its record)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from convscope.server.app import create_app
from tests.server.contract import ContractClient


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with ContractClient(create_app()) as test_client:
        yield test_client


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("flip", [True, False])
def test_the_slide_of_the_drops_equals_the_ball_drops_convolution(client: TestClient, flip: bool) -> None:
    f, g = [0.1, 0.2, 0.3, 0.4], [3.0, 1.0, 0.0, 2.0]
    slide = ok(client.post("/api/signals/slide-drops", json={"f": f, "g": g, "flip": flip}))
    drop = ok(client.post("/api/signals/ball-drop", json={"f": f, "g": g, "total": 4}))
    pf, pg = np.array(f) / sum(f), np.array(g) / sum(g)
    expected = (np.convolve if flip else np.correlate)(pf, pg, "full")
    np.testing.assert_allclose(slide["result"], expected, atol=1e-15)
    np.testing.assert_allclose([fr["area"] for fr in slide["frames"]], expected, atol=1e-15)
    assert slide["discrete"] is True
    if flip:
        np.testing.assert_allclose(slide["result"], drop["convolution"], atol=1e-15)
        assert slide["frames"][4]["t"] == 4
        assert slide["frames"][4]["area"] == pytest.approx(drop["probability"])


def test_the_grid_slide_says_it_is_not_discrete(client: TestClient) -> None:
    assert ok(client.post("/api/signals/slide", json={"f": "box", "g": "box"}))["discrete"] is False


def test_drop_impulse_spikes_are_g_and_make_the_echo(client: TestClient) -> None:
    spikes = ok(client.post("/api/signals/drop-impulse", json={"g": [1, 2, 1], "spacing": 0.1}))
    np.testing.assert_allclose(spikes["taps"], [[0.0, 0.25], [0.1, 0.5], [0.2, 0.25]])
    both = ok(client.post("/api/signals/drop-impulse", json={"g": [1, 1], "f": [1, 1], "spacing": 0.05}))
    assert both["source"] == "f*g"
    assert both["weights"] == pytest.approx([0.25, 0.5, 0.25])
    heard = ok(client.post("/api/signals/echo", json={"sound": "drum", "taps": spikes["taps"]}))
    assert heard["taps"] == spikes["taps"]
    assert heard["output"]["seconds"] == pytest.approx(heard["input"]["seconds"] + 0.2, abs=1e-3)


@pytest.mark.parametrize(
    ("path", "body", "field", "words"),
    [
        ("slide-drops", {"f": [1, -1], "g": [1]}, "f", "weights must be >= 0"),
        ("slide-drops", {"f": [1], "g": [0, 0]}, "g", "at least one weight > 0"),
        ("slide-drops", {"f": [1], "g": [1], "repeat": 3}, "repeat", "must be <= 2 (got 3)"),
        ("slide-drops", {"f": [1] * 33, "g": [1]}, "f", "at most 32"),
        ("drop-impulse", {"g": [1], "spacing": 0.5}, "spacing", "must be <= 0.4 (got 0.5)"),
        ("drop-impulse", {"g": [1], "f": [-1]}, "f", "weights must be >= 0"),
        ("drop-impulse", {"g": "box"}, "g", "must be a list"),
    ],
)
def test_bad_requests_name_the_field(client: TestClient, path: str, body: dict[str, Any], field: str,
                                     words: str) -> None:
    response = client.post(f"/api/signals/{path}", json=body)
    assert 400 <= response.status_code < 500
    message = response.json()["message"]
    assert message.startswith(f"{field}: "), message
    assert words in message, message
