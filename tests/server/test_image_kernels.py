"""The image kernels routes over HTTP: every 200 JSON answer checked by ContractClient, the header
records checked against their TypedDicts and the page's typedefs, every refusal naming its field."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from PIL import Image
from pydantic import TypeAdapter

from convscope import apply_kernel
from convscope.data.photos import bundled_photo, decode_image, encode_png
from convscope.lessons.image_kernels import ImageRecord, KernelResult, ScaleRecord
from convscope.server.app import ServerConfig, create_app
from tests.server.contract import ContractClient
from tests.server.test_contract_js import TYPEDEFS

BASE = "/api/image-kernels"
PHOTO = np.random.default_rng(1).integers(0, 256, (20, 30, 3)).astype(np.uint8)


@pytest.fixture(scope="module")
def client() -> Iterator[ContractClient]:
    with ContractClient(create_app()) as c:
        yield c


def raw(pixels: np.ndarray) -> bytes:
    """RGBA bytes, as the page sends its picture."""
    alpha = np.full((*pixels.shape[:2], 1), 255, np.uint8)
    return np.concatenate([pixels, alpha], axis=2).tobytes()


def post_raw(client: ContractClient, path: str, pixels: np.ndarray, **query: Any) -> Any:
    height, width = pixels.shape[:2]
    return client.post(f"{BASE}/{path}", params={**query, "width": width, "height": height},
                       content=raw(pixels), headers={"Content-Type": "application/octet-stream"})


def header(response: Any, name: str, record: Any) -> Any:
    """The JSON record in ``name``, validated strictly against its TypedDict."""
    return TypeAdapter(record).validate_json(response.headers[name], strict=True)


@pytest.mark.parametrize("record", [ImageRecord, KernelResult, ScaleRecord])
def test_the_header_records_have_typedefs_with_their_keys(record: Any) -> None:
    schema = TypeAdapter(record).json_schema()
    assert TYPEDEFS[record.__name__] == {key: key not in schema["required"] for key in schema["properties"]}


def test_menus(client: ContractClient) -> None:
    kernels = client.get(f"{BASE}/kernels").json()
    assert [k["name"] for k in kernels][:3] == ["identity", "box", "gaussian"]
    names = {p["name"] for p in client.get(f"{BASE}/photos").json()}
    assert names == {"astronaut", "coffee", "chelsea", "rocket"}


def test_a_bundled_photo_comes_as_png_with_its_record(client: ContractClient) -> None:
    response = client.get(f"{BASE}/photos/chelsea.png")
    assert response.headers["content-type"] == "image/png"
    np.testing.assert_array_equal(decode_image(response.content).pixels, bundled_photo("chelsea"))
    assert header(response, "X-Convscope-Image", ImageRecord)["width"] == 451
    assert client.get(f"{BASE}/photos/nope.png").json()["message"].startswith("photo: unknown photo")


@pytest.mark.parametrize(("fmt", "kind"), [("PNG", "image/png"), ("JPEG", "image/jpeg"),
                                           ("WEBP", "image/webp"), ("GIF", "image/gif")])
def test_uploads_in_each_format_come_back_as_png(client: ContractClient, fmt: str, kind: str) -> None:
    buffer = io.BytesIO()
    Image.fromarray(PHOTO).save(buffer, format=fmt)
    response = client.post(f"{BASE}/image", content=buffer.getvalue(), headers={"Content-Type": kind})
    assert response.status_code == 200, response.text
    record = header(response, "X-Convscope-Image", ImageRecord)
    assert (record["format"], record["width"], record["height"]) == (fmt, 30, 20)
    assert decode_image(response.content).pixels.shape == (20, 30, 3)


def test_a_large_upload_is_shrunk_and_says_so(client: ContractClient) -> None:
    big = encode_png(np.zeros((600, 1200, 3), np.uint8))
    response = client.post(f"{BASE}/image", content=big, headers={"Content-Type": "image/png"})
    record = header(response, "X-Convscope-Image", ImageRecord)
    assert (record["width"], record["height"], record["resized"]) == (512, 256, True)
    assert "resized from 1200x600 to 512x256" in record["note"].lower()


def test_the_raw_and_png_answers_carry_the_same_picture(client: ContractClient) -> None:
    query = {"kernel": "sharpen", "padding_mode": "reflect"}
    as_raw = post_raw(client, "apply", PHOTO, **query)
    as_png = post_raw(client, "apply.png", PHOTO, **query)
    assert as_raw.headers["content-type"] == "application/octet-stream"
    rgba = np.frombuffer(as_raw.content, np.uint8).reshape(20, 30, 4)
    expected = np.clip(np.rint(apply_kernel(PHOTO, [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
                                            padding_mode="reflect")), 0, 255)
    np.testing.assert_array_equal(rgba[:, :, :3], expected)
    assert (rgba[:, :, 3] == 255).all()
    np.testing.assert_array_equal(decode_image(as_png.content).pixels, expected)
    records = [header(r, "X-Convscope-Result", KernelResult) for r in (as_raw, as_png)]
    assert records[0] == records[1]


def test_a_png_body_works_as_well_as_raw_bytes(client: ContractClient) -> None:
    response = client.post(f"{BASE}/apply.png", params={"weights": "0,0,0;0,1,0;0,0,0"},
                           content=encode_png(PHOTO), headers={"Content-Type": "image/png"})
    np.testing.assert_array_equal(decode_image(response.content).pixels, PHOTO)


def test_custom_weights_composition_and_signed_display(client: ContractClient) -> None:
    response = post_raw(client, "apply", PHOTO, weights="1,2;3,4", normalise="true", view="difference",
                        second="box", second_size=5, padding_mode="circular", display="signed")
    record = header(response, "X-Convscope-Result", KernelResult)
    assert record["weights"] == [[0.1, 0.2], [0.3, 0.4]]
    assert record["combined"] is not None
    assert np.asarray(record["combined"]).shape == (6, 6)
    assert max(abs(record["minimum"]), abs(record["maximum"])) < 1e-9  # circular: twice == once


def test_the_inspector_answers_the_products(client: ContractClient) -> None:
    answer = post_raw(client, "inspect", PHOTO, kernel="sobel_x", x=3, y=4, flip="true").json()
    expected = apply_kernel(PHOTO, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], flip=True)[4, 3]
    np.testing.assert_allclose(answer["values"], expected)
    assert answer["terms"][0]["weights"] == [[1, 0, -1], [2, 0, -2], [1, 0, -1]]


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"weights": "1,nan"}, 422, "weights: row 0, value 1"),
        ({"weights": "1,2;3"}, 422, "weights: must be rectangular"),
        ({"weights": "1e300"}, 422, "weights: write each weight as a plain decimal"),
        ({"second_weights": "1_0", "view": "twice"}, 422, "second_weights: write each weight as a plain"),
        ({"weights": ";".join([",".join(["1"] * 16)] * 2)}, 422, "weights: each row must have 1..15"),
        ({"weights": "0,0;0,0", "normalise": "true"}, 400, "weights: are all 0"),
        ({"kernel": "sobel_y", "normalise": "true"}, 400, "weights: sum to 0"),
        ({"kernel": "nope"}, 400, "kernel: must be one of"),
        ({"kernel": "sharpen", "size": 5}, 400, "kernel: kernel 'sharpen' comes in sizes [3]"),
        ({"padding_mode": "mirror"}, 422, "padding_mode"),
        ({"view": "once"}, 400, "second: give a second kernel"),
        ({"second": "nope"}, 400, "second: must be one of"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(
    client: ContractClient, query: dict[str, Any], status: int, message: str
) -> None:
    response = post_raw(client, "apply", PHOTO, **query)
    assert response.status_code == status
    assert response.json()["message"].startswith(message)


@pytest.mark.parametrize(
    ("body", "kind", "status", "message"),
    [
        (b"", "image/png", 400, "image: is empty"),
        (b"not an image at all", "image/jpeg", 400, "image: is not a PNG, JPEG, WebP or GIF"),
        (encode_png(np.random.default_rng(0).integers(0, 256, (64, 64, 3)).astype(np.uint8))[:2000],
         "image/png", 400, "image: could not be decoded"),
        (encode_png(PHOTO), "text/plain", 415, ""),
    ],
)
def test_bad_uploads_are_refused_naming_the_field(
    client: ContractClient, body: bytes, kind: str, status: int, message: str
) -> None:
    response = client.post(f"{BASE}/image", content=body, headers={"Content-Type": kind})
    assert response.status_code == status, response.text
    assert response.json()["message"].startswith(message)


def test_a_raw_body_must_match_its_size(client: ContractClient) -> None:
    response = client.post(f"{BASE}/apply", params={"width": 30, "height": 19}, content=raw(PHOTO),
                           headers={"Content-Type": "application/octet-stream"})
    assert response.json()["message"].startswith("image: has 2,400 bytes; 30x19 RGBA needs 2,280")
    response = client.post(f"{BASE}/apply", content=raw(PHOTO),
                           headers={"Content-Type": "application/octet-stream"})
    assert response.json()["message"].startswith("width: give `width` and `height`")
    response = post_raw(client, "inspect", PHOTO, x=30, y=0)
    assert response.json()["message"].startswith("x: must be 0..29")


def test_image_routes_have_their_own_body_limit() -> None:
    config = ServerConfig(max_body_bytes=1024, max_image_bytes=4096)
    with ContractClient(create_app(config)) as small:
        response = small.post(f"{BASE}/image", content=b"x" * 5000, headers={"Content-Type": "image/png"})
        assert response.status_code == 413
        assert "4,096-byte limit" in response.json()["message"]
        ok = small.post(f"{BASE}/image", content=encode_png(PHOTO[:8, :8]),
                        headers={"Content-Type": "image/png"})
        assert ok.status_code == 200  # over the JSON routes' 1 KiB, under the images' 4 KiB


def test_answers_are_not_cached_and_the_record_is_ascii_json(client: ContractClient) -> None:
    response = post_raw(client, "apply", PHOTO, view="magnitude")
    assert response.headers["cache-control"] == "no-store"
    assert json.loads(response.headers["X-Convscope-Result"])["notes"][0].startswith("sqrt(Gx")
