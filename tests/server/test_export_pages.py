"""The Signals, Layers and Matrix & FFT export routes: each answers the file `convscope.export` draws for the
request the page posts, says when an animation is subsampled, and refuses bad settings naming the field."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from convscope.data import DigitSource
from convscope.export.pages_code import layers_code, matrix_code, signals_code
from convscope.export.pages_code_mfft import fft_code, matrix_m_code
from convscope.lessons.drop_slide import DropSlide
from convscope.lessons.layers import LayerSetting
from convscope.lessons.matrix import MatrixSetting, crop_origin
from convscope.lessons.signals import Slide
from convscope.lessons.spectra import FftSetting
from convscope.lessons.transposed import TransposedSetting
from convscope.server import create_app
from tests.server.contract import ContractClient

# What each page posts (its lesson's request, as the page sends it) and the setting it stands for.
PAGES: list[tuple[str, dict[str, Any], Any]] = [
    ("signals", {"f": "box", "g": "triangle", "flip": True, "repeat": 0, "max_frames": 121},
     lambda fw: signals_code(Slide("box", "triangle"), fw)),
    ("signals-drops", {"f": [1, 1, 1], "g": [1, 2], "flip": False, "repeat": 1, "max_frames": 241},
     lambda fw: signals_code(DropSlide(np.ones(3), np.array([1.0, 2.0]), False, 1), fw)),
    ("layers", {"input": "digit", "digit": 7, "index": 2, "filters": 2, "activation": "tanh"},
     lambda fw: layers_code(LayerSetting(input="digit", digit=7, index=2, filters=2, activation="tanh"), fw)),
    ("matrix", {"input_size": 3, "kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
     lambda fw: matrix_code(TransposedSetting(3, 3, 2, 1, 1), fw)),
]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with ContractClient(create_app()) as test_client:
        yield test_client


@pytest.mark.parametrize(("page", "body", "code"), PAGES, ids=[p[0] for p in PAGES])
def test_each_page_exports_its_figure_its_animation_and_its_code(client: TestClient, page: str,
                                                                 body: dict[str, Any], code: Any) -> None:
    name = page.split("-")[0]
    png = client.post(f"/api/export/{page}/png", json=body)
    assert png.status_code == 200, png.text
    assert png.headers["content-type"] == "image/png"
    assert png.headers["content-disposition"] == f'attachment; filename="convscope-{name}.png"'
    with Image.open(io.BytesIO(png.content)) as figure:
        assert figure.width >= 1280  # twice the page's pixels
    gif = client.post(f"/api/export/{page}/gif", json={**body, "fps": 4, "frames": 3})
    assert gif.status_code == 200, gif.text
    assert gif.headers["content-type"] == "image/gif"
    assert gif.headers["x-export-note"].startswith("subsampled: 3 frames show ")
    with Image.open(io.BytesIO(gif.content)) as animation:
        assert animation.n_frames == 3
        assert animation.info["duration"] == 250
    for framework in ("numpy", "torch"):
        script = client.post(f"/api/export/{page}/{framework}", json=body)
        assert script.status_code == 200, script.text
        assert script.headers["content-type"].startswith("text/x-python")
        assert script.text == code(framework)


# The Matrix & FFT page's still views: the figure and the scripts, no animation.
STILLS: list[tuple[str, dict[str, Any], Any]] = [
    ("matrix-m", {"dims": 2, "size": 6, "kernel_size": 3, "padding": 1, "digit": 7},
     lambda fw: matrix_m_code(MatrixSetting(dims=2, size=6, padding=1, digit=7), fw,
                              crop_origin(MatrixSetting(dims=2, size=6, digit=7), DigitSource()))),
    ("fft", {"signal": [1, 2, 3, 4], "kernel": [1, 1], "zero_pad": False, "phase": True},
     lambda fw: fft_code(FftSetting((1.0, 2.0, 3.0, 4.0), (1.0, 1.0), False), fw)),
]


@pytest.mark.parametrize(("page", "body", "code"), STILLS, ids=[p[0] for p in STILLS])
def test_the_still_views_export_their_figure_and_their_code(client: TestClient, page: str,
                                                            body: dict[str, Any], code: Any) -> None:
    png = client.post(f"/api/export/{page}/png", json=body)
    assert png.status_code == 200, png.text
    assert png.headers["content-disposition"] == f'attachment; filename="convscope-{page}.png"'
    with Image.open(io.BytesIO(png.content)) as figure:
        assert figure.width >= 1280
    for framework in ("numpy", "torch"):
        script = client.post(f"/api/export/{page}/{framework}", json=body)
        assert script.status_code == 200, script.text
        assert script.text == code(framework)
    assert client.post(f"/api/export/{page}/gif", json=body).status_code == 422  # nothing animates


def test_an_apng_that_shows_every_step_says_so(client: TestClient) -> None:
    body = {"input_size": 2, "kernel_size": 2, "stride": 1, "fps": 2, "frames": 120}
    answer = client.post("/api/export/matrix/apng", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "image/apng"
    assert answer.headers["x-export-note"] == "every input: 4 inputs painted, 5 frames"
    with Image.open(io.BytesIO(answer.content)) as animation:
        assert animation.n_frames == 5


@pytest.mark.parametrize(("path", "body", "status", "field"), [
    ("signals/gif", {"f": "box", "g": "wobble"}, 400, "g"),
    ("signals/png", {"f": [0.5] * 120, "g": "box"}, 422, "f"),
    ("signals/gif", {"f": "box", "g": "box", "fps": 0}, 422, "fps"),
    ("signals/gif", {"f": "box", "g": "box", "frames": 1}, 422, "frames"),
    ("signals-drops/png", {"f": [0, 0], "g": [1]}, 400, "f"),
    ("layers/gif", {"fps": float("nan")}, 422, "fps"),
    ("layers/png", {"pool_padding": 2}, 400, "pool_padding"),
    ("layers/numpy", {"unit": [9, 0, 0]}, 400, "unit"),
    ("layers/torch", {"input": "digit", "index": 100_000}, 400, "index"),
    ("matrix/png", {"output_padding": 2, "stride": 2}, 400, "output_padding"),
    ("matrix/npy", {}, 422, "kind"),
    ("matrix/torch", {"input_size": 3, "colour": "red"}, 422, "colour"),
    ("matrix-m/png", {"dims": 2, "size": 8, "kernel_size": 4, "dilation": 3}, 400, "kernel_size"),
    ("matrix-m/numpy", {"dims": 2, "size": 16}, 400, "size"),
    ("matrix-m/apng", {}, 422, "kind"),
    ("fft/png", {"signal": [1, 2], "kernel": [1, 1, 1], "zero_pad": False}, 400, "kernel"),
    ("fft/torch", {"signal": [1, float("inf")]}, 422, "signal"),
    ("fft/numpy", {"phase": "yes"}, 422, "phase"),
])
def test_bad_settings_are_refused_naming_the_field(client: TestClient, path: str, body: dict[str, Any],
                                                   status: int, field: str) -> None:
    # json.dumps writes NaN as a browser's JSON.stringify would not: the server must refuse it anyway.
    answer = client.post(f"/api/export/{path}", content=json.dumps(body),
                         headers={"content-type": "application/json"})
    assert answer.status_code == status, answer.text
    assert field in answer.json()["message"]


def test_the_routes_are_documented_with_their_refusals(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for page in ("signals", "signals-drops", "layers", "matrix", "matrix-m", "fft"):
        answers = paths[f"/api/export/{page}/{{kind}}"]["post"]["responses"]
        assert {"200", "400", "422"} <= set(answers)
        assert "X-Export-Note" in answers["200"]["headers"]
