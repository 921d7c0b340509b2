"""/api/network/*: answers checked against the engine run independently; every bad input is a clear 4xx."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from convscope.data import digit, to_mnist
from convscope.lessons.network import BLANK
from convscope.nn import Sequential, lenet, pretrained
from convscope.server import create_app
from convscope.server.state import NetworkState
from tests.server.contract import ContractClient

with warnings.catch_warnings():
    # Starlette 1.10 deprecates httpx (installed) in favour of httpx2 (not in the dev extra yet).
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with ContractClient(create_app()) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def model() -> Sequential:
    """An independent copy of the shipped weights, to check the server's numbers against."""
    return pretrained()


def stroke_drawing(side: int = 140) -> list[list[float]]:
    """A thick vertical stroke on a black canvas: a '1', as the page would send it."""
    canvas = np.zeros((side, side))
    canvas[side // 7 : side - side // 7, side // 2 - 6 : side // 2 + 6] = 1.0
    return canvas.round(2).tolist()


def post(client: TestClient, path: str, body: dict[str, Any], status: int = 200) -> Any:
    response = client.post(path, json=body)
    assert response.status_code == status, response.text
    return response.json()


@pytest.mark.parametrize(("number", "index"), [(0, 0), (3, 2), (7, 0), (9, 4)])
def test_predict_digit_matches_the_model_on_the_same_preprocessing(
    client: TestClient, model: Sequential, number: int, index: int
) -> None:
    answer = post(client, "/api/network/predict", {"digit": number, "index": index})
    padded = to_mnist(digit(number, index)).padded
    expected = model.predict(padded)[0]
    assert answer["empty"] is False
    assert answer["message"] is None
    assert answer["model"] == "pretrained"
    assert np.allclose(answer["probabilities"], expected, atol=1e-6)
    assert answer["prediction"] == int(np.argmax(expected)) == number
    assert np.allclose(answer["preprocessing"]["padded"], padded, atol=1e-4)
    names = [name for name, _ in model]
    assert [layer["name"] for layer in answer["layers"]] == names
    x = padded.reshape(1, 1, 32, 32).astype(np.float32)
    for layer, (_, values) in zip(answer["layers"], model.activations(x), strict=True):
        assert layer["shape"] == list(values.shape[1:])
        assert np.allclose(layer["values"], values[0], atol=1e-5)


def test_predict_drawing_returns_every_preprocessing_stage(client: TestClient) -> None:
    drawing = stroke_drawing()
    answer = post(client, "/api/network/predict", {"image": drawing})
    stages = to_mnist(np.array(drawing))
    pre = answer["preprocessing"]
    assert pre["box"] == list(stages.box)  # type: ignore[arg-type]
    assert np.shape(pre["cropped"]) == stages.cropped.shape
    assert np.shape(pre["fitted"]) == stages.fitted.shape
    assert np.shape(pre["centred"]) == (28, 28)
    assert np.shape(pre["padded"]) == (32, 32)
    assert answer["prediction"] == 1
    assert sum(answer["probabilities"]) == pytest.approx(1.0, abs=1e-5)


def test_blank_drawing_is_an_answer_without_a_guess(client: TestClient) -> None:
    answer = post(client, "/api/network/predict", {"image": [[0.0] * 50] * 40})
    assert answer["empty"] is True
    assert answer["message"] == BLANK == "Draw a digit first: the canvas is blank."
    assert answer["prediction"] is None
    assert answer["probabilities"] == []
    assert answer["layers"] == []
    assert answer["preprocessing"]["box"] is None


def test_a_tiny_dot_is_guessed_with_a_notice_and_a_stroke_without(client: TestClient) -> None:
    dot = np.zeros((140, 140))
    dot[68:74, 68:74] = 1.0
    answer = post(client, "/api/network/predict", {"image": dot.tolist()})
    assert answer["prediction"] is not None  # the guess is still made ...
    assert len(answer["probabilities"]) == 10
    assert answer["check"]["warning"].startswith("Too little ink")  # ... and flagged
    assert answer["check"]["distance"] > answer["check"]["usual_distance"]
    stroke = post(client, "/api/network/predict", {"image": stroke_drawing()})
    assert stroke["check"]["warning"] is None
    assert post(client, "/api/network/predict", {"digit": 5})["check"]["warning"] is None


def test_unit_answer_is_the_layer_value_of_predict(client: TestClient) -> None:
    drawing = stroke_drawing()
    layers = {
        layer["name"]: layer for layer in post(client, "/api/network/predict", {"image": drawing})["layers"]
    }
    for layer, unit in [("conv1", [2, 10, 13]), ("conv2", [7, 4, 5]), ("pool2", [3, 2, 2]), ("fc3", [1])]:
        info = post(client, "/api/network/unit", {"image": drawing, "layer": layer, "unit": unit})
        assert info["value"] == pytest.approx(float(np.array(layers[layer]["values"])[tuple(unit)]), abs=1e-4)
        if "computed" in info:
            assert info["computed"] == pytest.approx(info["value"], abs=1e-5)
    pool = post(client, "/api/network/unit", {"digit": 5, "layer": "pool1", "unit": [0, 7, 7]})
    assert pool["mode"] == "max"
    assert pool["winner"][0] in pool["window"]["rows"]
    assert pool["receptive_field"]["input"] == [14, 19, 14, 19]


def test_model_describes_the_pretrained_lenet(client: TestClient, model: Sequential) -> None:
    answer = client.get("/api/network/model").json()
    assert answer["source"] == "pretrained"
    assert [layer["name"] for layer in answer["layers"]] == [name for name, _ in model]
    assert answer["layers"][0] == {"name": "conv1", "kind": "conv", "shape": [6, 28, 28], "params": 156}
    assert np.allclose(answer["conv1_filters"], model["conv1"].weight.data[:, 0], atol=1e-5)  # type: ignore[attr-defined]
    assert 0.95 < answer["accuracy"] <= 1.0


def test_state_is_per_app(model: Sequential) -> None:
    """Two apps, two states: an app built around another model answers with that model."""
    app = create_app()
    app.state.network = NetworkState(lenet(rng=np.random.default_rng(5)))
    with ContractClient(app) as other:
        theirs = other.post("/api/network/predict", json={"digit": 4}).json()["probabilities"]
    ours = model.predict(to_mnist(digit(4)).padded)[0]
    assert not np.allclose(theirs, ours, atol=1e-3)


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("predict", {"image": [[0.5] * 7] * 10}, 422, "image[0]: must have at least 8 item(s)"),
        ("predict", {"image": [[0.5] * 8] * 281}, 422, "image: must have at most 280 items"),
        (
            "predict",
            {"image": [[1.5] * 8] * 8},
            422,
            "image: every value must be in [0, 1] (ink 0..1, not 0..255); image[0][0] is 1.5 and 64 values",
        ),
        (
            "predict",
            {"image": [[0.0] * 8] * 8 + [[0.0] * 7 + [-0.1]]},
            422,
            "image[8][7] is -0.1 and 1 values",
        ),
        ("predict", {"image": [[0.0] * 8] * 7 + [[0.0] * 9]}, 422, "image: must be rectangular: row 0 has 8"),
        ("predict", {"image": [[0.0] * 8] * 8, "digit": 3}, 422, "give either `image`"),
        ("predict", {}, 422, "give `image`"),
        ("predict", {"index": 2, "digit": None}, 422, "give `image`"),
        ("predict", {"digit": 10}, 422, "digit: must be <= 9 (got 10)"),
        ("predict", {"digit": 3, "index": 100_000}, 400, "index: the bundled MNIST subset has"),
        ("predict", {"digit": 3, "model": "mine"}, 422, "model: "),
        ("predict", {"digit": 3, "model": "trained"}, 404, "model: no trained model yet"),
        ("predict", {"digit": "3"}, 422, "digit: must be an integer"),
        (
            "unit",
            {"digit": 3, "layer": "conv9", "unit": [0, 0, 0]},
            400,
            "layer: unknown layer 'conv9'; the layers",
        ),
        (
            "unit",
            {"digit": 3, "layer": "conv1", "unit": [0, 28, 0]},
            400,
            "unit[1]: conv1 has 28 rows, so the row must be 0..27 (got 28)",
        ),
        (
            "unit",
            {"digit": 3, "layer": "fc2", "unit": [100]},
            400,
            "unit[0]: fc2 has 100 entries, so the index must be 0..99 (got 100)",
        ),
        ("unit", {"digit": 3, "layer": "pool1", "unit": [1, 2]}, 400, "unit: pool1 has shape [6, 14, 14]"),
        ("unit", {"digit": 3, "layer": "conv1", "unit": []}, 422, "unit: must have at least 1 item(s)"),
        ("unit", {"digit": 3, "layer": "conv1"}, 422, "unit: is required"),
        ("unit", {"image": [[0.0] * 9] * 9, "layer": "conv1", "unit": [0, 0, 0]}, 400, f"image: {BLANK}"),
    ],
)
def test_bad_requests_name_the_field(
    client: TestClient, path: str, body: dict[str, Any], status: int, message: str
) -> None:
    response = client.post(f"/api/network/{path}", json=body)
    assert response.status_code == status, response.text
    assert message in response.json()["message"]


def test_nan_unknown_fields_and_oversized_drawings_are_refused(client: TestClient) -> None:
    nan = b'{"image": [[NaN, 0, 0, 0, 0, 0, 0, 0]]}'
    response = client.post("/api/network/predict", content=nan, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["message"].startswith("image[0][0]: must be a finite number")
    response = client.post(
        "/api/network/unit", json={"digit": 1, "layer": "conv1", "unit": [0, 0, 0], "x": 1}
    )
    assert response.status_code == 422
    # The allowed fields listed are this route's own, not another route's.
    allowed = "image, digit, index, model, layer, unit"
    assert response.json()["message"] == f"x: unknown field; allowed fields are {allowed}"
    # A full-resolution 280x280 canvas of floats is over the body limit: the page sends it downsampled.
    response = client.post(
        "/api/network/predict",
        content=json.dumps({"image": [[0.5] * 280] * 280}),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert "limit" in response.json()["message"]
