"""Pictures sent once and named by id: the same numbers as sending the picture each time, a 404 naming
``picture`` for an id the server does not keep, and a bad kernel refused without harm to the picture."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from convscope import apply_kernel
from convscope.data.photos import decode_image, encode_png
from convscope.lessons.image_kernels import KernelResult
from convscope.lessons.kernel_pictures import picture_id
from convscope.server.app import create_app
from tests.server.contract import ContractClient
from tests.server.test_image_kernels import BASE, PHOTO, header, post_raw, raw

SHARPEN = {"kernel": "sharpen", "padding_mode": "reflect"}


@pytest.fixture(scope="module")
def client() -> Iterator[ContractClient]:
    with ContractClient(create_app()) as c:
        yield c


def keep(client: ContractClient, pixels: np.ndarray) -> str:
    answer = post_raw(client, "pictures", pixels).json()
    assert answer == {"picture": picture_id(pixels), "width": pixels.shape[1], "height": pixels.shape[0]}
    return str(answer["picture"])


def test_a_kept_picture_gives_what_sending_it_each_time_gives(client: ContractClient) -> None:
    picture = keep(client, PHOTO)
    for query in (SHARPEN, {"weights": "1,2,3;4,5,6", "flip": "true", "display": "signed"},
                  {"kernel": "box", "size": 15, "channels": "luminance"}, {"view": "magnitude"},
                  {"kernel": "box", "second": "gaussian", "view": "difference", "display": "signed"}):
        kept = client.get(f"{BASE}/pictures/{picture}/apply", params=query)
        sent = post_raw(client, "apply", PHOTO, **query)
        assert kept.status_code == 200, kept.text
        assert kept.content == sent.content, query
        records = [header(r, "X-Convscope-Result", KernelResult) for r in (kept, sent)]
        assert records[0] == records[1]
        assert kept.headers["cache-control"] == "no-store"
        assert kept.headers["server-timing"].startswith("filter;dur=")
    rgba = np.frombuffer(client.get(f"{BASE}/pictures/{picture}/apply", params=SHARPEN).content, np.uint8)
    sharpened = apply_kernel(PHOTO, [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], padding_mode="reflect")
    expected = np.clip(np.rint(sharpened), 0, 255)
    np.testing.assert_array_equal(rgba.reshape(20, 30, 4)[:, :, :3], expected)
    rgb = client.get(f"{BASE}/pictures/{picture}/apply", params={**SHARPEN, "pixels": "rgb"})  # the page's
    assert rgb.content == rgba.reshape(20, 30, 4)[:, :, :3].tobytes()
    assert header(rgb, "X-Convscope-Result", KernelResult) == header(
        client.get(f"{BASE}/pictures/{picture}/apply", params=SHARPEN), "X-Convscope-Result", KernelResult)
    grey = {"kernel": "box", "size": 15, "channels": "luminance", "pixels": "rgb"}  # one value, 3 times
    grey_rgba = client.get(f"{BASE}/pictures/{picture}/apply", params={**grey, "pixels": "rgba"}).content
    assert client.get(f"{BASE}/pictures/{picture}/apply", params=grey).content == bytes(
        np.frombuffer(grey_rgba, np.uint8).reshape(20, 30, 4)[:, :, :3])
    png = client.get(f"{BASE}/pictures/{picture}/apply.png", params=SHARPEN)
    np.testing.assert_array_equal(decode_image(png.content).pixels, expected)
    inspected = client.get(f"{BASE}/pictures/{picture}/inspect", params={**SHARPEN, "x": 3, "y": 4}).json()
    assert inspected == post_raw(client, "inspect", PHOTO, **SHARPEN, x=3, y=4).json()


def test_an_image_file_is_kept_as_its_decoded_pixels(client: ContractClient) -> None:
    answer = client.post(f"{BASE}/pictures", content=encode_png(PHOTO), headers={"Content-Type": "image/png"})
    assert answer.json()["picture"] == keep(client, PHOTO)  # the same pixels, the same id


def test_an_unknown_id_is_a_404_naming_the_picture(client: ContractClient) -> None:
    for path in ("apply", "apply.png", "inspect?x=0&y=0"):
        response = client.get(f"{BASE}/pictures/{'0' * 32}/{path}")
        assert response.status_code == 404
        assert response.json()["message"].startswith("picture: '000")
        assert "POST /api/image-kernels/pictures" in response.json()["message"]
    assert client.get(f"{BASE}/pictures/not-an-id/apply").status_code == 422


def test_a_bad_kernel_is_refused_and_the_picture_stays(client: ContractClient) -> None:
    picture = keep(client, PHOTO)
    edge = {"kernel": "sobel_x", "normalise": "true"}
    refused = client.get(f"{BASE}/pictures/{picture}/apply", params=edge)
    assert refused.status_code == 400
    assert refused.json()["message"].startswith("weights: sum to 0")
    outside = client.get(f"{BASE}/pictures/{picture}/inspect", params={"x": 30, "y": 0})
    assert outside.json()["message"].startswith("x: must be 0..29")
    layout = client.get(f"{BASE}/pictures/{picture}/apply", params={"pixels": "bgr"})
    assert layout.status_code == 422
    assert layout.json()["message"].startswith("pixels"), layout.json()
    assert client.get(f"{BASE}/pictures/{picture}/apply").status_code == 200


def test_a_raw_picture_must_match_its_size(client: ContractClient) -> None:
    response = client.post(f"{BASE}/pictures", params={"width": 30, "height": 19}, content=raw(PHOTO),
                           headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 400
    assert response.json()["message"].startswith("image: has 2,400 bytes; 30x19 RGBA needs 2,280")
