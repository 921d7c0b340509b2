"""The export routes: GET links and POST requests answer the files `convscope.export` draws and writes."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from convscope.export import PlaygroundSettings, as_matrix, playground_code, render_playground
from convscope.server import create_app
from tests.server.contract import ContractClient

LINK = "/api/export/playground/{kind}?digit=3&index=0&kernel=sobel_x&padding=1&stride=2"
SLIDE = PlaygroundSettings(3, 0, "sobel_x", None, 1, 2, 1)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with ContractClient(create_app()) as test_client:
        yield test_client


def test_a_link_downloads_the_figure_the_command_line_draws(client: TestClient) -> None:
    response = client.get(LINK.format(kind="png"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"] == 'attachment; filename="convscope-playground.png"'
    expected = io.BytesIO()
    render_playground(SLIDE, expected, "png")
    assert response.content == expected.getvalue()


@pytest.mark.parametrize(("kind", "media"), [("gif", "image/gif"), ("apng", "image/apng")])
def test_a_link_downloads_the_animation_with_its_frames(client: TestClient, kind: str, media: str) -> None:
    response = client.get(LINK.format(kind=kind) + "&frames=12&fps=4")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.n_frames == 12
        assert image.info["duration"] == 250


@pytest.mark.parametrize("framework", ["numpy", "torch"])
def test_the_code_is_the_snippet_for_the_same_settings(client: TestClient, framework: str) -> None:
    response = client.get(LINK.format(kind=framework))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/x-python")
    assert response.text == playground_code(SLIDE, framework)  # type: ignore[arg-type]


def test_a_drawing_with_a_matrix_kernel_is_posted_and_its_input_saved_for_the_script(
        client: TestClient) -> None:
    drawing = (np.arange(36.0).reshape(6, 6) % 7) / 7
    body = {"image": drawing.tolist(), "kernel": [[1, 0], [0, -1]], "stride": 2, "frames": 5}
    code = client.post("/api/export/playground/torch", json=body)
    assert code.status_code == 200, code.text
    settings = PlaygroundSettings(kernel=((1.0, 0.0), (0.0, -1.0)), stride=2, image=as_matrix(drawing))
    assert code.text == playground_code(settings, "torch")
    assert "np.load('convscope_input.npy')" in code.text
    saved = client.post("/api/export/playground/npy", json=body)
    assert saved.headers["content-disposition"] == 'attachment; filename="convscope_input.npy"'
    np.testing.assert_array_equal(np.load(io.BytesIO(saved.content)), drawing)
    gif = client.post("/api/export/playground/gif", json=body)
    with Image.open(io.BytesIO(gif.content)) as image:
        assert image.n_frames == 5


@pytest.mark.parametrize(("url", "status", "field"), [
    (LINK.format(kind="pdf"), 422, "kind"),
    (LINK.format(kind="png") + "&padding=99", 422, "padding"),
    (LINK.format(kind="gif") + "&frames=5000", 422, "frames"),
    ("/api/export/playground/png?kernel=blur", 400, "kernel"),
    ("/api/export/playground/png?index=999999", 400, "index"),
    ("/api/export/playground/numpy?kernel=box&kernel_size=7&dilation=5", 400, "kernel_size"),
    ("/api/export/playground/npy?digit=3", 400, "kind"),
])
def test_bad_settings_are_a_4xx_naming_the_field(client: TestClient, url: str, status: int,
                                                 field: str) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.json()["message"].startswith(field)


def test_a_post_must_say_it_is_json(client: TestClient) -> None:
    response = client.post("/api/export/playground/png", content=b"{}",
                           headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_the_network_figure_is_the_active_models_answer_drawn(client: TestClient) -> None:
    link = client.get("/api/export/network/png?digit=7&index=0")
    assert link.status_code == 200, link.text
    assert link.headers["content-disposition"] == 'attachment; filename="convscope-network.png"'
    posted = client.post("/api/export/network/png", json={"digit": 7, "index": 0})
    assert posted.content == link.content  # the same figure, asked either way
    with Image.open(io.BytesIO(link.content)) as image:
        assert image.format == "PNG"
        assert image.width >= 1280  # 2x
    drawing = client.post("/api/export/network/png", json={"image": [[0.0] * 20] * 20})
    assert drawing.status_code == 200  # a blank drawing: the figure says there is no prediction
    refused = client.post("/api/export/network/png", json={"digit": 7, "fps": 10})
    assert refused.status_code == 422
    assert refused.json()["message"].startswith("fps")
    both = client.post("/api/export/network/png", json={"digit": 7, "image": [[0.0] * 20] * 20})
    assert both.status_code == 422
    assert "not both" in both.json()["message"]


@pytest.mark.parametrize("fps", ["5e-324", "0.05", "inf", "nan", "51"])
def test_an_animation_speed_that_is_no_speed_names_fps(client: TestClient, fps: str) -> None:
    # 1000 / 5e-324 is infinite: the frame delay could not be written (it was a 500)
    response = client.get(LINK.format(kind="gif") + f"&frames=12&fps={fps}")
    assert response.status_code == 422, response.text
    assert response.json()["message"].startswith("fps")


@pytest.mark.parametrize(
    "request_body",
    [{"example": "binary5", "kernel": "ones"}, {"digit": 4, "index": 2, "input_size": 9, "kernel": "ones"}],
)
def test_a_textbook_example_or_resized_digit_exports_the_input_the_page_shows(
    client: TestClient, request_body: dict[str, object]
) -> None:
    """The page's request names an example or an input size; the export saves those very numbers."""
    shown = client.post("/api/convolve", json=request_body).json()
    saved = client.post("/api/export/playground/npy", json=request_body)
    assert saved.status_code == 200, saved.text
    array = np.load(io.BytesIO(saved.content))
    assert array.shape in {(5, 5), (9, 9)}
    assert np.array_equal(array, np.asarray(shown["input"], dtype=float))
