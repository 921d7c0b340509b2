"""``/api/layers*``: the Layers page. A convolution layer with depth, its activation, four poolings.

Each route validates its request (``convscope.server.schemas.layers``), calls the lesson
(``convscope.lessons.layers``) and encodes the answer. Nothing is kept between requests.
"""

from __future__ import annotations

from fastapi import APIRouter

from convscope.data import DigitSource
from convscope.lessons.layers import layers_lesson
from convscope.lessons.layers_input import input_choices
from convscope.lessons.layers_records import LayersInputChoice, LayersLesson
from convscope.server.responses import FastJSONResponse
from convscope.server.schemas.common import error_answers
from convscope.server.schemas.layers import LayersRequest

_ERRORS = error_answers(**{
    "400": "More named filters than exist at this kernel size, pool padding above half the pool kernel, a "
    "pool kernel larger than the map, a unit outside the output, or an MNIST example that is not there.",
})


def layers_router(source: DigitSource) -> APIRouter:
    """The Layers page's routes; digits come from ``source``."""
    router = APIRouter(tags=["layers"])

    @router.get("/api/layers/inputs", response_model=list[LayersInputChoice])
    def inputs() -> list[LayersInputChoice]:
        """The input volumes the page offers, in menu order."""
        return input_choices()

    @router.post("/api/layers", response_model=LayersLesson, response_class=FastJSONResponse,
                 responses=_ERRORS)
    def layers(request: LayersRequest) -> FastJSONResponse:
        """Input, filters (as depth slices), output volume, one unit's sum across depth, the activation
        and max/average/sum/L2 pooling with each window's gradient shares."""
        return FastJSONResponse(layers_lesson(request.setting(), source))

    return router
