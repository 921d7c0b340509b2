"""POST /api/convolve: torch's conv2d is the oracle; each bad input is a 4xx whose message names the field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import torch
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from convscope.data import crop_digit, digit
from convscope.kernels import kernel
from convscope.lessons.playground import PlaygroundLesson
from convscope.lessons.playground_steps import step_count, window_steps
from convscope.server import ServerConfig, create_app
from tests.server.contract import ContractClient


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with ContractClient(create_app()) as test_client:
        yield test_client


def torch_conv(image: Any, weights: Any, padding: int, stride: int, dilation: int) -> np.ndarray:
    """The oracle: torch.nn.functional.conv2d on one (H, W) image and one (kH, kW) kernel."""
    x = torch.tensor(np.asarray(image, dtype=np.float64))[None, None]  # (1, 1, H, W)
    w = torch.tensor(np.asarray(weights, dtype=np.float64))[None, None]  # (1, 1, kH, kW)
    out = torch.nn.functional.conv2d(x, w, stride=stride, padding=padding, dilation=dilation)
    return out[0, 0].numpy()


def post(client: TestClient, body: dict[str, Any]) -> Any:
    response = client.post("/api/convolve", json=body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("number", "index", "name", "size", "padding", "stride", "dilation"),
    [
        (3, 0, "ones", 3, 1, 1, 1),
        (7, 5, "sobel_x", 3, 0, 1, 1),
        (0, 2, "gaussian", 5, 2, 1, 1),
        (8, 1, "laplacian", 3, 1, 2, 1),
        (4, 0, "box", 4, 3, 2, 2),
        (9, 9, "emboss", 3, 0, 3, 3),
    ],
)
def test_digit_output_equals_torch_conv2d(
    client: TestClient, number: int, index: int, name: str, size: int, padding: int, stride: int,
    dilation: int,
) -> None:
    body = {"digit": number, "index": index, "kernel": name, "kernel_size": size,
            "padding": padding, "stride": stride, "dilation": dilation}
    result = post(client, body)
    image = crop_digit(digit(number, index)) / 255.0
    expected = torch_conv(image, kernel(name, size), padding, stride, dilation)
    np.testing.assert_allclose(result["input"], image, rtol=0, atol=0)
    np.testing.assert_allclose(result["kernel"], kernel(name, size), rtol=0, atol=0)
    np.testing.assert_allclose(result["output"], expected, rtol=1e-12, atol=1e-12)
    assert result["output_size"] == list(expected.shape)
    assert result["output_range"] == pytest.approx([expected.min(), expected.max()], abs=1e-12)
    assert step_count(result) == expected.size
    assert [s["sum"] for s in window_steps(result)] == pytest.approx(expected.ravel().tolist(), abs=1e-12)
    assert np.asarray(result["padded"]).shape == (20 + 2 * padding, 20 + 2 * padding)
    assert result["kernel_name"] == name
    assert result["explanation"]["output_size"] == list(expected.shape)
    assert result["explanation"]["summary"]


@settings(max_examples=30, deadline=None)
@given(
    height=st.integers(1, 10), width=st.integers(1, 10), kh=st.integers(1, 4), kw=st.integers(1, 4),
    padding=st.integers(0, 3), stride=st.integers(1, 4), dilation=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_random_image_and_matrix_kernel_match_torch_or_are_explained(
    client: TestClient, height: int, width: int, kh: int, kw: int, padding: int, stride: int, dilation: int,
    seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    image, weights = rng.normal(size=(height, width)), rng.normal(size=(kh, kw))
    body = {"image": image.tolist(), "kernel": weights.tolist(),
            "padding": padding, "stride": stride, "dilation": dilation}
    result = post(client, body)
    fits = all(n + 2 * padding >= dilation * (k - 1) + 1 for n, k in ((height, kh), (width, kw)))
    assert result["explanation"]["fits"] is fits
    assert result["kernel_name"] is None
    if fits:
        expected = torch_conv(image, weights, padding, stride, dilation)
        np.testing.assert_allclose(result["output"], expected, rtol=1e-10, atol=1e-10)
        assert step_count(result) == expected.size
    else:
        assert (result["output"], step_count(result), result["output_size"]) == ([], 0, None)
        assert result["valid"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"digit": 1, "kernel": "sobel_x", "padding": 1},
        {"digit": 1, "kernel_size": 3, "stride": 2},
        {"image": [[1.0]], "kernel": "ones", "kernel_size": 5},
    ],
)
def test_answers_match_the_documented_response_model(client: TestClient, body: dict[str, Any]) -> None:
    result = post(client, body)
    # The route skips response validation for speed; this keeps the OpenAPI document honest (and
    # ContractClient checks every answer the same way).
    assert TypeAdapter(PlaygroundLesson).validate_python(result, strict=True).keys() == result.keys()


def test_settings_that_do_not_tile_answer_valid_false_with_suggestions(client: TestClient) -> None:
    result = post(client, {"digit": 1, "kernel_size": 3, "padding": 0, "stride": 2})
    assert result["valid"] is False
    assert result["explanation"]["reasons"]
    assert result["explanation"]["suggestions"]
    assert result["explanation"]["axes"][0]["dropped"] == [19]
    # The floor rule still gives an output to animate: 9x9 windows, the last row and column dropped.
    assert result["output_size"] == [9, 9]
    assert step_count(result) == 81


def test_kernel_larger_than_padded_input_is_valid_false_with_empty_output(client: TestClient) -> None:
    result = post(client, {"image": [[1, 2], [3, 4]], "kernel": "ones", "kernel_size": 5, "padding": 1})
    assert result["valid"] is False
    assert result["explanation"]["fits"] is False
    assert result["explanation"]["reasons"]
    assert (result["output"], step_count(result), result["output_size"], result["output_range"]) == (
        [], 0, None, None,
    )
    assert result["padded"] == [[0.0] * 4, [0.0, 1.0, 2.0, 0.0], [0.0, 3.0, 4.0, 0.0], [0.0] * 4]


def test_defaults_are_the_ones_kernel_3x3_no_padding(client: TestClient) -> None:
    result = post(client, {"digit": 2})
    assert result["kernel"] == [[1.0] * 3] * 3
    assert result["kernel_name"] == "ones"
    assert result["output_size"] == [18, 18]
    assert result["input"] == (crop_digit(digit(2, 0)) / 255.0).tolist()


def test_diverging_follows_the_catalogue_or_the_signs(client: TestClient) -> None:
    assert post(client, {"digit": 1, "kernel": "sobel_y"})["diverging"] is True
    assert post(client, {"digit": 1, "kernel": "gaussian"})["diverging"] is False
    assert post(client, {"image": [[1.0]], "kernel": [[-1.0]]})["diverging"] is True
    assert post(client, {"image": [[1.0]], "kernel": [[2.0]]})["diverging"] is False


def test_matrix_kernel_with_matching_kernel_size_is_accepted(client: TestClient) -> None:
    image, weights = [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[0, 1], [1, 0]]
    result = post(client, {"image": image, "kernel": weights, "kernel_size": 2})
    assert result["output"] == torch_conv(image, weights, 0, 1, 1).tolist()


BAD_BODIES = [
    ({"digit": 3, "padding": 40}, 422, "padding: must be <= 16 (got 40)"),
    ({"digit": 3, "stride": 0}, 422, "stride: must be >= 1 (got 0)"),
    ({"digit": 3, "dilation": 9}, 422, "dilation: must be <= 8 (got 9)"),
    ({"digit": 3, "kernel_size": 16}, 422, "kernel_size: must be <= 15 (got 16)"),
    ({"digit": 10}, 422, "digit: must be <= 9 (got 10)"),
    ({"digit": 3, "index": -1}, 422, "index: must be >= 0 (got -1)"),
    ({"digit": 3, "index": 100_000}, 400, "index: the bundled MNIST subset has 1032 examples of digit 3"),
    ({"digit": "3"}, 422, 'digit: must be an integer (got "3")'),
    ({"digit": 3, "padding": 1.5}, 422, "padding: must be an integer (got 1.5)"),
    ({"digit": 3, "stride": True}, 422, "stride: must be an integer (got true)"),
    ({"digit": 3, "image": [[1.0]]}, 422, "give either `image` or `digit`"),
    ({}, 422, "give `image`"),
    ({"image": [[1.0]], "index": 2}, 422, "`index` picks an example of `digit`"),
    ({"image": [[1, 2], [3]]}, 422, "image: must be rectangular: row 0 has 2 values but row 1 has 1"),
    ({"image": []}, 422, "image: must have at least 1 item"),
    ({"image": [[1.0] * 65]}, 422, "image[0]: must have at most 64 items"),
    ({"image": [[1.0]] * 65}, 422, "image: must have at most 64 items"),
    ({"image": [[1.0, "x"]]}, 422, 'image[0][1]: must be a number (got "x")'),
    ({"image": "digit"}, 422, "image: must be a list"),
    ({"digit": 3, "kernel": "blur"}, 400, "kernel: unknown name 'blur'; choose one of ones, box"),
    ({"digit": 3, "kernel": 5}, 422, "kernel: must be a kernel name (string) or a 2-D list of numbers"),
    ({"digit": 3, "kernel": [[1, 2], [3]]}, 422, "kernel: must be rectangular"),
    ({"digit": 3, "kernel": [[1.0] * 16]}, 422, "kernel[0]: must have at most 15 items"),
    ({"digit": 3, "kernel": [[1, None]]}, 422, "kernel[0][1]: must be a number (got null)"),
    ({"digit": 3, "kernel": "sharpen", "kernel_size": 5}, 400,
     "kernel_size: kernel 'sharpen' comes in sizes [3]"),
    ({"digit": 3, "kernel": [[1, 2, 3]] * 3, "kernel_size": 5}, 400,
     "kernel_size: 5 does not match the 3x3 kernel matrix; omit it or send 3"),
    ({"digit": 3, "kernel": [[1, 2, 3]], "kernel_size": 3}, 400, "kernel_size: 3 does not match the 1x3"),
    ({"digit": 3, "colour": "red"}, 422, "colour: unknown field; allowed fields are image, digit, index"),
    ({"image": [[1.0] * 64] * 64, "kernel": "ones", "kernel_size": 7, "padding": 16}, 400,
     "body: this trace would hold 90x90 windows x 49 kernel taps = 396,900 values (limit 250,000); "
     "raise stride"),
    ({"image": [[1e200] * 3] * 3, "kernel": [[1e200]]}, 400, "body: image and kernel values are so large"),
]


@pytest.mark.parametrize(("body", "status", "message"), BAD_BODIES)
def test_bad_input_is_4xx_naming_the_field(client: TestClient, body: Any, status: int, message: str) -> None:
    response = client.post("/api/convolve", json=body)
    assert response.status_code == status, response.text
    assert message in response.json()["message"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"image": [[NaN]]}', "image[0][0]: must be a finite number (NaN and Infinity are not allowed)"),
        ('{"image": [[1, Infinity]]}', "image[0][1]: must be a finite number"),
        ('{"digit": 3, "kernel": [[-Infinity]]}', "kernel[0][0]: must be a finite number"),
        ('{"digit": 3,', "body: not valid JSON (Expecting property name enclosed in double quotes at "
         "character 12)"),
        ("[1, 2]", "body: must be a JSON object"),
        ("", "body: is required"),
    ],
)
def test_malformed_json_and_non_finite_numbers_are_422(client: TestClient, raw: str, message: str) -> None:
    response = client.post("/api/convolve", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert message in response.json()["message"]
    json.dumps(response.json(), allow_nan=False)  # the error itself is strict JSON, NaN echoed in words only


def test_validation_errors_keep_the_pydantic_list_in_detail(client: TestClient) -> None:
    response = client.post("/api/convolve", json={"digit": 3, "padding": 40, "stride": 0})
    detail = response.json()["detail"]
    assert [(d["loc"], d["type"]) for d in detail] == [
        (["body", "padding"], "less_than_equal"), (["body", "stride"], "greater_than_equal"),
    ]
    assert response.json()["message"] == "padding: must be <= 16 (got 40); stride: must be >= 1 (got 0)"


def test_a_body_that_is_not_json_says_which_content_type(client: TestClient) -> None:
    # 415 before the body is read: a form or a no-cors fetch from another site can send only such types
    response = client.post("/api/convolve", content='{"digit": 3}', headers={"content-type": "text/plain"})
    assert response.status_code == 415
    assert response.json()["message"] == "Content-Type: must be application/json (got 'text/plain')"


def test_a_large_image_within_the_body_limit_is_accepted(client: TestClient) -> None:
    image = np.random.default_rng(1).random((64, 64))
    result = post(client, {"image": image.tolist(), "kernel": "ones", "kernel_size": 3, "stride": 3})
    np.testing.assert_allclose(result["output"], torch_conv(image, np.ones((3, 3)), 0, 3, 1), atol=1e-12)


def test_trace_limit_comes_from_the_config() -> None:
    with ContractClient(create_app(ServerConfig(max_trace_values=9 * 9 * 9 - 1))) as small:
        response = small.post("/api/convolve", json={"image": [[1.0] * 11] * 11})
    assert response.status_code == 400
    assert "9x9 windows x 9 kernel taps = 729 values (limit 728)" in response.json()["message"]


def test_bad_requests_change_nothing(client: TestClient) -> None:
    body = {"digit": 5, "index": 3, "kernel": "sharpen", "padding": 1, "stride": 2}
    before = client.post("/api/convolve", json=body).json()
    kernels_before = client.get("/api/kernels").json()
    for bad, _, _ in BAD_BODIES:
        assert client.post("/api/convolve", json=bad).status_code in (400, 422)
    assert client.post("/api/convolve", json=body).json() == before
    assert client.get("/api/kernels").json() == kernels_before
