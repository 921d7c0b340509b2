"""The image kernels page's routes: photos in and out as PNG, the settings in the URL.

A picture is sent once, ``POST .../pictures``, and then named by its id in ``GET .../pictures/{id}/apply``
(and ``apply.png``, ``inspect``): an edit sends a kernel, not 1 MiB of pixels, and the server keeps the
picture padded (and its spectrum, for large kernels) between edits. The server keeps a bounded number of
pictures (`convscope.lessons.kernel_pictures.PictureStore`, one per app); an id it no longer keeps is
answered 404 naming ``picture``, and the page sends its picture again. The older routes that take the
picture as the body of each request (``POST .../apply``, ``apply.png``, ``inspect``) still work and keep
nothing. The numbers beside a picture (its legend, its range, what decoding did) travel as one JSON
header, ``X-Convscope-Result`` or ``X-Convscope-Image``; ``Server-Timing`` says where a result's time went.

While the user types, pictures travel as raw RGBA bytes (``application/octet-stream``, ``width`` and
``height`` in the URL) both ways: no PNG to decode or encode, which is most of the time a weight edit
would otherwise take (PNG encoding alone is about as slow as a 3x3 filter on 512x512x3). The page asks
for a kept picture's results as RGB (``pixels=rgb``): in chromium each MiB moved costs milliseconds.
"""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam

from convscope.data.photos import MAX_SIDE, PHOTOS, bundled_photo, decode_image, encode_png
from convscope.errors import SettingError
from convscope.lessons.image_kernels import (
    ImageRecord,
    KernelInfoRecord,
    KernelResult,
    PhotoRecord,
    catalogue,
    image_record,
    photos,
    result_record,
)
from convscope.lessons.kernel_inspector import Inspection, inspect_pixel
from convscope.lessons.kernel_pictures import ID_LENGTH, PictureRecord, PictureStore
from convscope.server.responses import FastJSONResponse
from convscope.server.schemas.common import error_answers
from convscope.server.schemas.image_kernels import (
    InspectQuery,
    KernelQuery,
    KernelSettings,
    PictureQuery,
    StoredInspectQuery,
    StoredKernelQuery,
)

PREFIX = "/api/image-kernels"
IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")
RAW = "application/octet-stream"  # RGBA bytes, row by row, `width` and `height` in the URL
RESULT_HEADER = "X-Convscope-Result"
IMAGE_HEADER = "X-Convscope-Image"
_BINARY = {"schema": {"type": "string", "format": "binary"}}
_BODY = {"requestBody": {"required": True, "content": {kind: _BINARY for kind in IMAGE_TYPES}}}
_PICTURE = {"requestBody": {"required": True, "content": {kind: _BINARY for kind in (*IMAGE_TYPES, RAW)}}}
_BAD_IMAGE = ("The image is empty, corrupt, not PNG/JPEG/WebP/GIF, zero-sized or over 40 megapixels; "
              "or a kernel is unknown, all zero, or sums to 0 with normalise on.")
PictureId = Annotated[str, PathParam(pattern=f"^[0-9a-f]{{{ID_LENGTH}}}$", description="A picture's id, "
                                     "as POST /api/image-kernels/pictures answered it.")]
_KEPT_ERRORS = error_answers(**{
    "400": "A kernel is unknown, all zero, or sums to 0 with normalise on; or the pixel is outside.",
    "404": "No picture is kept under this id (never sent, or dropped to make room for newer ones): send it "
           "again with POST /api/image-kernels/pictures."})
_ERRORS = error_answers(**{"400": _BAD_IMAGE, "413": "The image is over the upload limit.",
                           "415": "The body is not sent as one of " + ", ".join(IMAGE_TYPES) + "."})


def _png(pixels: Any, header: str, record: KernelResult | ImageRecord) -> Response:
    """A PNG answer with its record as ASCII JSON in ``header`` (the page reads both)."""
    headers = {header: json.dumps(record, separators=(",", ":")), "Cache-Control": "no-store"}
    return Response(encode_png(pixels), media_type="image/png", headers=headers)


async def _picture(request: Request, query: PictureQuery) -> npt.NDArray[np.uint8]:
    """The body as (H, W, 3) uint8: raw RGBA of ``query``'s width x height, or an image file."""
    body = await request.body()
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != RAW:
        return decode_image(body, "image").pixels
    if query.width is None or query.height is None:
        raise SettingError("width", f"give `width` and `height` (1..{MAX_SIDE}) with a raw RGBA body")
    expected = query.width * query.height * 4
    if len(body) != expected:
        raise SettingError("image", f"has {len(body):,} bytes; {query.width}x{query.height} RGBA needs "
                           f"{expected:,} (4 bytes a pixel, row by row)")
    rgba = np.frombuffer(body, dtype=np.uint8).reshape(query.height, query.width, 4)  # (H, W, RGBA)
    return rgba[:, :, :3]  # the page's pictures are opaque: alpha is dropped


def _raw(pixels: npt.NDArray[np.uint8], record: KernelResult) -> Response:
    """(H, W) or (H, W, 3) pixels as RGBA bytes, ready for the page's ImageData."""
    rgba = np.empty((*pixels.shape[:2], 4), dtype=np.uint8)  # (H, W, 4)
    rgba[:, :, :3] = pixels[:, :, np.newaxis] if pixels.ndim == 2 else pixels  # grey: one value, 3 times
    rgba[:, :, 3] = 255
    headers = {RESULT_HEADER: json.dumps(record, separators=(",", ":")), "Cache-Control": "no-store"}
    return Response(rgba.tobytes(), media_type=RAW, headers=headers)


def _stored_raw(store: PictureStore, picture: str, query: StoredKernelQuery) -> Response:
    """A kept picture filtered, as RGBA (or RGB) bytes, with the time of each stage in ``Server-Timing``."""
    start = time.perf_counter()
    rgba, record = store.get(picture).result_rgba(query.filtering(), alpha=query.pixels == "rgba")
    filtered = time.perf_counter()
    headers = {RESULT_HEADER: json.dumps(record, separators=(",", ":")), "Cache-Control": "no-store"}
    response = Response(rgba.tobytes(), media_type=RAW, headers=headers)
    done = time.perf_counter()
    response.headers["Server-Timing"] = (f"filter;dur={(filtered - start) * 1e3:.2f}, "
                                         f"bytes;dur={(done - filtered) * 1e3:.2f}")
    return response


def _png_answer(record: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {"image/png": {}}, "description": f"A PNG; the {record} record (JSON) is in "
                  "the header named in this route's description."}}


def image_kernels_router(store: PictureStore | None = None) -> APIRouter:
    """The image kernels page's routes; ``store`` keeps the pictures sent once (default: a new one)."""
    router = APIRouter(prefix=PREFIX, tags=["image kernels"])
    pictures = PictureStore() if store is None else store

    @router.get("/kernels", response_model=list[KernelInfoRecord])
    def get_kernels() -> list[KernelInfoRecord]:
        """The kernel catalogue, in menu order, with every kernel's weights at each of its sizes."""
        return catalogue()

    @router.get("/photos", response_model=list[PhotoRecord])
    def get_photos() -> list[PhotoRecord]:
        """The bundled photos (public domain and CC0), with their credits."""
        return photos()

    @router.get("/photos/{name}.png", response_class=Response,
                responses={**_png_answer("ImageRecord"), **error_answers(**{"404": "No such photo."})})
    def get_photo(name: Annotated[str, PathParam(max_length=40, description="A photo's name.")]) -> Response:
        """A bundled photo as PNG (the page's picture); its ImageRecord in X-Convscope-Image."""
        if name not in [p.name for p in PHOTOS]:
            bundled_photo(name)  # raises the 404 naming the photos
        pixels = bundled_photo(name)
        height, width = pixels.shape[:2]
        record: ImageRecord = {"width": width, "height": height, "original_width": width,
                               "original_height": height, "format": "PNG", "orientation": 1,
                               "resized": False, "note": ""}
        return _png(pixels, IMAGE_HEADER, record)

    @router.post("/image", response_class=Response, openapi_extra=_BODY,
                 responses={**_png_answer("ImageRecord"), **_ERRORS})
    async def post_image(request: Request) -> Response:
        """Your PNG, JPEG, WebP or GIF (the raw body), upright, RGB, at most 512 px a side, as PNG.

        What was done (EXIF rotation, resizing) is the ImageRecord in the X-Convscope-Image header.
        """
        decoded = decode_image(await request.body(), "image")
        return _png(decoded.pixels, IMAGE_HEADER, image_record(decoded))

    @router.post("/apply.png", response_class=Response, openapi_extra=_PICTURE,
                 responses={**_png_answer("KernelResult"), **_ERRORS})
    async def apply_png(request: Request, query: Annotated[KernelQuery, Query()]) -> Response:
        """The picture (the body) filtered as the URL says, as PNG; its KernelResult in X-Convscope-Result."""
        pixels, record = result_record(await _picture(request, query), query.filtering())
        return _png(pixels, RESULT_HEADER, record)

    @router.post("/apply", response_class=Response, openapi_extra=_PICTURE, responses={
        200: {"content": {RAW: {}}, "description": "RGBA bytes, row by row; KernelResult in "
              "X-Convscope-Result."}, **_ERRORS})
    async def apply_raw(request: Request, query: Annotated[KernelQuery, Query()]) -> Response:
        """As apply.png, answered as raw RGBA bytes: what the page draws while you type."""
        pixels, record = result_record(await _picture(request, query), query.filtering())
        return _raw(pixels, record)

    @router.post("/inspect", response_model=Inspection, response_class=FastJSONResponse,
                 openapi_extra=_PICTURE, responses=_ERRORS)
    async def inspect(request: Request, query: Annotated[InspectQuery, Query()]) -> FastJSONResponse:
        """One output pixel (x, y) of the picture (the body) taken apart: patch, weights, products, sum."""
        pixels = await _picture(request, query)
        return FastJSONResponse(inspect_pixel(pixels, query.filtering(), query.x, query.y))

    _stored_routes(router, pictures)
    return router


def _stored_routes(router: APIRouter, store: PictureStore) -> None:
    """The routes of pictures sent once and named by id: what the page uses while you type."""

    @router.post("/pictures", response_model=PictureRecord, response_class=FastJSONResponse,
                 openapi_extra=_PICTURE, responses=_ERRORS)
    async def post_picture(request: Request, query: Annotated[PictureQuery, Query()]) -> FastJSONResponse:
        """Keep a picture (raw RGBA with `width` and `height`, or an image file) and answer its id.

        The id is the SHA-256 of its pixels (32 hex digits), so sending the same picture again gives the
        same id. The server keeps a bounded number of pictures, least recently used dropped first.
        """
        return FastJSONResponse(store.add(await _picture(request, query)))

    @router.get("/pictures/{picture}/apply", response_class=Response, responses={
        200: {"content": {RAW: {}}, "description": "RGBA (or, with pixels=rgb, RGB) bytes, row by row; "
              "KernelResult in X-Convscope-Result; the time per stage in Server-Timing."}, **_KEPT_ERRORS})
    def apply_stored(picture: PictureId, query: Annotated[StoredKernelQuery, Query()]) -> Response:
        """The kept picture filtered as the URL says, as raw RGBA or RGB bytes: what the page draws as you
        type."""
        return _stored_raw(store, picture, query)

    @router.get("/pictures/{picture}/apply.png", response_class=Response,
                responses={**_png_answer("KernelResult"), **_KEPT_ERRORS})
    def apply_stored_png(picture: PictureId, query: Annotated[KernelSettings, Query()]) -> Response:
        """The kept picture filtered as the URL says, as PNG; its KernelResult in X-Convscope-Result."""
        pixels, record = store.get(picture).result(query.filtering())
        return _png(pixels, RESULT_HEADER, record)

    @router.get("/pictures/{picture}/inspect", response_model=Inspection, response_class=FastJSONResponse,
                responses={**_KEPT_ERRORS})
    def inspect_stored(picture: PictureId, query: Annotated[StoredInspectQuery, Query()]) -> FastJSONResponse:
        """One output pixel (x, y) of the kept picture taken apart: patch, weights, products, sum."""
        pixels = store.get(picture).pixels
        return FastJSONResponse(inspect_pixel(pixels, query.filtering(), query.x, query.y))
