"""The Layers routes: answers equal the lesson's numbers (every 200 checked against its record by the
contract client), and every bad setting is a 4xx whose message names the field and what is allowed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_args

import numpy as np
import pytest
import torch
from fastapi.testclient import TestClient
from torch.nn import functional as tf

from convscope.lessons.layers import LayerSetting, layers_lesson
from convscope.lessons.layers_input import INPUT_NAMES, layers_input
from convscope.server import create_app
from convscope.server.schemas.layers import InputName
from tests.server.contract import ContractClient


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with ContractClient(create_app()) as test_client:
        yield test_client


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def test_the_inputs_menu(client: TestClient) -> None:
    assert get_args(InputName) == INPUT_NAMES
    choices = ok(client.get("/api/layers/inputs"))
    expected = [("photo", 3), ("shapes", 3), ("digits", 3), ("digit", 1)]
    assert [(c["name"], c["channels"]) for c in choices] == expected


def test_an_empty_request_is_the_default_setting(client: TestClient) -> None:
    assert ok(client.post("/api/layers", json={})) == layers_lesson(LayerSetting())


def test_the_answer_is_the_lessons_and_torchs(client: TestClient) -> None:
    body = {"input": "digits", "filters": 6, "kernel_size": 5, "stride": 2, "padding": 2, "init": "random",
            "seed": 9, "unit": [5, 3, 11], "activation": "leaky_relu", "negative_slope": 0.1,
            "pool_kernel_size": 3, "pool_stride": 2, "pool_padding": 1}
    lesson = ok(client.post("/api/layers", json=body))
    setting = LayerSetting(**{**body, "unit": (5, 3, 11)})
    assert lesson == layers_lesson(setting)
    x = torch.tensor(layers_input("digits").values[None])
    w = torch.tensor(np.asarray([f["slices"] for f in lesson["filters"]]))
    b = torch.tensor([f["bias"] for f in lesson["filters"]], dtype=torch.float64)
    expected = tf.conv2d(x, w, b, stride=2, padding=2)[0]
    np.testing.assert_allclose(lesson["output"], expected.numpy(), rtol=1e-10, atol=1e-10)
    assert lesson["unit"]["value"] == pytest.approx(expected[5, 3, 11].item(), abs=1e-12)
    assert lesson["output_shape"] == [6, 16, 16]


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"filters": 17}, 422, "filters: must be <= 16 (got 17)"),
    ({"filters": "4"}, 422, "filters"),
    ({"kernel_size": 0}, 422, "kernel_size: must be >= 1"),
    ({"negative_slope": 2.0}, 422, "negative_slope: must be <= 1"),
    ({"input": "painting"}, 422, "input"),
    ({"unit": [0, 1]}, 422, "unit"),
    ({"colour": True}, 422, "colour"),
    ({"filters": 5, "kernel_size": 4}, 400, "filters: there are 4 named filters of size 4"),
    ({"pool_padding": 2}, 400, "pool_padding: must be at most half the pool kernel: 0..1"),
    ({"unit": [4, 0, 0]}, 400, "unit: must be [filter 0..3"),
    ({"input": "digit", "index": 100000}, 400, "index: "),
    ({"stride": 4, "kernel_size": 7, "padding": 0, "pool_kernel_size": 8}, 400,
     "pool_kernel_size: must be at most 7 on this 7×7 map"),
])
def test_a_bad_setting_is_refused_naming_its_field(client: TestClient, body: dict[str, Any], status: int,
                                                   message: str) -> None:
    response = client.post("/api/layers", json=body)
    assert response.status_code == status, response.text
    assert message in response.json()["message"]
