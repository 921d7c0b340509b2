"""The export routes of the Image kernels, Training and Network pages, through `ContractClient`: each
answers the file `convscope.export` makes for the page's request, and each refusal names its field."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from convscope.data.photos import bundled_photo
from convscope.export.kernels_code import KernelsCode, kernels_code
from convscope.export.network_code import NetworkCode, network_code
from convscope.export.training_code import training_code
from convscope.kernels import image_kernel
from convscope.lessons.image_kernels import Filtering, result_record
from convscope.recipe import Recipe
from convscope.server import create_app
from convscope.train import TrainConfig
from tests.server.contract import ContractClient

RAW = {"Content-Type": "application/octet-stream"}
SETTINGS = "kernel=sobel_x&size=3&channels=luminance&display=signed&padding_mode=reflect&flip=true"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with ContractClient(create_app()) as test_client:
        yield test_client


def _rgba(pixels: np.ndarray) -> bytes:
    """The page's picture as it sends it: RGBA bytes, row by row."""
    return np.dstack([pixels, np.full(pixels.shape[:2], 255, np.uint8)]).tobytes()


def _kernels(client: TestClient, kind: str, pixels: np.ndarray, extra: str = "") -> object:
    h, w = pixels.shape[:2]
    url = f"/api/image-kernels/export/{kind}?{SETTINGS}&width={w}&height={h}{extra}"
    return client.post(url, content=_rgba(pixels), headers=RAW)


def test_the_kernels_figure_holds_the_pages_result_at_2x(client: TestClient) -> None:
    photo = bundled_photo("coffee")
    response = _kernels(client, "png", photo, "&photo=coffee")
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    assert response.headers["content-disposition"] == 'attachment; filename="convscope-kernels.png"'  # type: ignore[attr-defined]
    setting = Filtering(image_kernel("sobel_x", 3), channels="luminance", display="signed",
                        padding_mode="reflect", flip=True)
    shown, _ = result_record(photo, setting)
    with Image.open(io.BytesIO(response.content)) as image:  # type: ignore[attr-defined]
        pixels = np.asarray(image.convert("RGB"))
    h, w = photo.shape[:2]
    assert pixels.shape[1] >= 4 * w
    right = 16 * 2 + 2 * w + 16 * 2
    np.testing.assert_array_equal(pixels[38 * 2:38 * 2 + 2 * h:2, right:right + 2 * w:2], shown)


def test_the_bundled_photo_is_loaded_by_name_and_your_picture_is_saved_beside(client: TestClient) -> None:
    setting = Filtering(image_kernel("sobel_x", 3), channels="luminance", display="signed",
                        padding_mode="reflect", flip=True)
    photo = _kernels(client, "torch", bundled_photo("coffee"), "&photo=coffee")
    assert photo.text == kernels_code(KernelsCode(setting, "sobel_x", 3, "coffee"), "torch")  # type: ignore[attr-defined]
    edited = bundled_photo("coffee").copy()
    edited[0, 0] ^= 1  # one value off: no longer the bundled photo, so the script loads your picture
    upload = _kernels(client, "numpy", edited, "&photo=coffee")
    assert upload.text == kernels_code(KernelsCode(setting, "sobel_x", 3, None), "numpy")  # type: ignore[attr-defined]
    saved = _kernels(client, "npy", edited)
    assert saved.headers["content-disposition"] == 'attachment; filename="convscope_picture.npy"'  # type: ignore[attr-defined]
    np.testing.assert_array_equal(np.load(io.BytesIO(saved.content)), edited)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("extra", "status", "field"), [
    ("&view=border", 400, "view"),
    ("&photo=nobody", 404, "photo"),
    ("&padding_mode=mirror", 422, "padding_mode"),
    ("&weights=1,2;3", 422, "weights"),
])
def test_a_refused_kernels_export_names_the_field(client: TestClient, extra: str, status: int,
                                                 field: str) -> None:
    response = _kernels(client, "numpy", np.zeros((4, 5, 3), np.uint8), extra)
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.json()["message"].startswith(field)  # type: ignore[attr-defined]


def test_a_picture_of_the_wrong_size_names_the_image(client: TestClient) -> None:
    response = client.post("/api/image-kernels/export/png?width=5&height=5", content=b"\0" * 12, headers=RAW)
    assert response.status_code == 400
    assert response.json()["message"].startswith("image")


def test_the_training_scripts_are_the_forms_recipe(client: TestClient) -> None:
    form = {"epochs": 2, "train_size": 640, "lr": 0.01, "optimizer": "sgd", "augment": 1, "seed": 4,
            "steps_per_second": 5}
    response = client.post("/api/export/training/torch", json=form)
    assert response.status_code == 200, response.text
    recipe = Recipe(train_size=640, fit=TrainConfig(epochs=2, lr=0.01, optimizer="sgd", augment=1, seed=4))
    assert response.text == training_code(recipe.to_dict(), "torch")
    refused = client.post("/api/export/training/numpy", json={"epochs": 0})
    assert refused.status_code == 422
    assert refused.json()["message"].startswith("epochs")


def test_the_training_figure_is_the_last_runs_curves(client: TestClient) -> None:
    assert client.get("/api/export/training/png").json()["message"].startswith("training: nothing")
    started = client.post("/api/training", json={"epochs": 1, "train_size": 64, "batch_size": 32})
    assert started.status_code == 202
    job = client.app.state.network.job  # type: ignore[attr-defined]
    assert job.wait(60)
    response = client.get("/api/export/training/png")
    assert response.status_code == 200
    with Image.open(io.BytesIO(response.content)) as image:
        pixels = np.asarray(image.convert("RGB"))
    assert pixels.shape[1] >= 1900  # 2x
    held_out_dot = np.all(pixels == (232, 89, 12), axis=-1)  # the epoch's held-out numbers, as dots
    assert held_out_dot.sum() > 50


def test_the_network_scripts_predict_the_views_input(client: TestClient) -> None:
    digit = client.post("/api/export/network/numpy", json={"digit": 4, "index": 1})
    assert digit.text == network_code(NetworkCode(4, 1), "numpy")
    drawing = [[0.0] * 40 for _ in range(40)]
    for row in range(5, 35):
        drawing[row][18] = drawing[row][19] = 1.0
    drawn = client.post("/api/export/network/torch", json={"image": drawing})
    assert drawn.status_code == 200
    assert "image = np.float32([" in drawn.text
    assert "to_mnist" not in drawn.text
    blank = client.post("/api/export/network/torch", json={"image": [[0.0] * 20] * 20})
    assert blank.status_code == 400
    assert blank.json()["message"].startswith("image: the drawing is blank")
    assert client.post("/api/export/network/gif", json={"digit": 4}).status_code == 422
