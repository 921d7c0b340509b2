"""Export routes of the Image kernels, Training and Network pages: a 2x PNG figure, or a script reproducing
what the page shows with convscope or PyTorch.

- ``POST /api/image-kernels/export/{png,numpy,torch,npy}``: the page's picture as the raw body and its
  settings in the URL, as ``.../apply`` takes them (under the image kernels prefix, so a photo's bytes get
  that prefix's larger body limit); ``npy`` is your picture, for the script to load.
- ``GET /api/export/training/png``: the last run's curves and recipe; ``POST /api/export/training/{numpy,
  torch}`` with the Training page's form: a script training that recipe.
- ``POST /api/export/network/{numpy,torch}`` with the network view's request: a script predicting it.

Each route validates, calls `convscope.export`, and encodes. Nothing else happens here.
"""

from __future__ import annotations

import io
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam

from convscope.data import DigitSource
from convscope.data.photos import bundled_photo
from convscope.errors import SettingError
from convscope.export.kernels_code import PICTURE_FILE, KernelsCode, kernels_code
from convscope.export.kernels_figure import kernels_figure
from convscope.export.network_code import NetworkCode, network_code
from convscope.export.training_code import training_code
from convscope.export.training_figure import training_figure
from convscope.lessons.network import preprocess
from convscope.lessons.training import status
from convscope.recipe import Recipe
from convscope.server.routes.image_kernels import _PICTURE, PREFIX, _picture
from convscope.server.routes.network import network_state
from convscope.server.schemas.common import error_answers
from convscope.server.schemas.export_kt import CodeKind, KernelExportQuery, KernelsExportKind
from convscope.server.schemas.network import PredictRequest
from convscope.server.schemas.training import TrainingRequest

PYTHON = "text/x-python"
_FILES = {"png": "image/png", PYTHON: PYTHON, "npy": "application/octet-stream"}


def _answers(files: str, refusals: dict[str, str]) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": f"{files}, as an attachment.",
                  "content": {media: {} for media in sorted(set(_FILES.values()))}},
            **error_answers(**refusals)}


def _file(content: bytes, media: str, filename: str) -> Response:
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _png(image: Any, filename: str) -> Response:
    buffer = io.BytesIO()
    # Not optimize=True: on a 2x photo figure it took 7 s for 1% fewer bytes (0.9 s without; under load).
    image.save(buffer, format="PNG")
    return _file(buffer.getvalue(), "image/png", filename)


def _script(code: str, page: str, kind: str) -> Response:
    return _file(code.encode(), PYTHON, f"convscope_{page}_{kind}.py")


def export_kt_router(source: DigitSource) -> APIRouter:
    """The three pages' export routes, reading digits from ``source``."""
    router = APIRouter(tags=["export"])

    @router.post(PREFIX + "/export/{kind}", response_class=Response, openapi_extra=_PICTURE,
                 responses=_answers("The figure (png), a script (numpy, torch) or your picture (npy)", {
                     "400": "The picture or a setting is refused (as for .../apply); a script for a picture "
                     "that compares two runs (`view`).",
                     "404": "No bundled photo has that `photo` name.",
                     "413": "The picture is over the upload limit.",
                     "415": "The body is not raw RGBA or one of PNG, JPEG, WebP, GIF."}))
    async def kernels_export(
        kind: Annotated[KernelsExportKind, PathParam(description="png (2x figure), numpy or torch (a "
                                                     "script), npy (your picture, which the script loads)")],
        request: Request, query: Annotated[KernelExportQuery, Query()],
    ) -> Response:
        """The image kernels page's picture and settings as a file: a figure, a script or its input."""
        pixels = await _picture(request, query)
        code = KernelsCode(query.filtering(), None if query.weights else query.kernel, query.size,
                           query.photo if _is_photo(pixels, query.photo) else None)
        if kind == "png":
            figure, _ = kernels_figure(np.ascontiguousarray(pixels), code.filtering, code.describe())
            return _png(figure, "convscope-kernels.png")
        if kind == "npy":
            buffer = io.BytesIO()
            np.save(buffer, np.ascontiguousarray(pixels))  # (H, W, 3) uint8
            return _file(buffer.getvalue(), _FILES["npy"], PICTURE_FILE)
        return _script(kernels_code(code, kind), "kernels", kind)

    @router.get("/api/export/training/png", response_class=Response,
                responses=_answers("The figure", {"404": "Nothing has been trained yet."}))
    def training_png(request: Request) -> Response:
        """The last run's loss and accuracy curves, with its recipe under them, as a 2x PNG."""
        state = network_state(request)
        if state.job is None:
            raise SettingError("training", "nothing has been trained yet: start a run, then export it",
                               "missing")
        return _png(training_figure(status(state.job, state.active)), "convscope-training.png")

    @router.post("/api/export/training/{kind}", response_class=Response,
                 responses=_answers("The script", {"400": "A setting the recipe refuses."}))
    def training_script(kind: Annotated[CodeKind, PathParam(description="numpy (convscope's fit) or torch")],
                        body: TrainingRequest) -> Response:
        """A script training the Training page's recipe (its form), with convscope or PyTorch."""
        settings = body.model_dump()
        settings.pop("steps_per_second")  # how fast the page runs, not what it trains
        return _script(training_code(Recipe.from_dict(settings).to_dict(), kind), "training", kind)

    @router.post("/api/export/network/{kind}", response_class=Response,
                 responses=_answers("The script", {"400": "A blank drawing (draw a digit first), or "
                                                   "`index` past the last example.",
                                                   "404": "`model` is `trained`, but nothing has been "
                                                   "trained yet."}))
    def network_script(kind: Annotated[CodeKind, PathParam(description="numpy (convscope) or torch")],
                       body: PredictRequest, request: Request) -> Response:
        """A script predicting the network view's drawing or digit with its model, printing the page's
        ten probabilities."""
        which, _ = network_state(request).model(body.model)
        stages = preprocess(source, body.image, body.digit, body.index or 0)
        if stages.empty:
            raise SettingError("image", "the drawing is blank: draw a digit first")
        if body.image is None:
            code = NetworkCode(body.digit, body.index or 0, None, which)
        else:
            code = NetworkCode(None, 0, stages.centred, which)
        return _script(network_code(code, kind), "network", kind)

    return router


def _is_photo(pixels: npt.NDArray[np.uint8], photo: str | None) -> bool:
    """True when the picture is the bundled ``photo`` itself (then a script loads it by name)."""
    if photo is None:
        return False
    bundled = bundled_photo(photo)  # an unknown name is a 404 naming the photos
    return bundled.shape == pixels.shape and bool(np.array_equal(bundled, pixels))
