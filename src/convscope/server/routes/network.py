"""``/api/network/*``: the LeNet explorer. Draw a digit, see every layer, explain any unit.

Which network answers is per-app state, ``app.state.network`` (`convscope.server.state.NetworkState`):
the shipped ``pretrained()`` LeNet from the start, or the model of the last training job once ``POST
/api/training/use`` swaps it in. Each route validates, calls ``convscope.lessons.network``, encodes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from convscope.data import DigitSource, MnistPreprocessing
from convscope.lessons.network import (
    ModelChoice,
    ModelLesson,
    PredictLesson,
    explain,
    predict,
    preprocess,
    summary,
)
from convscope.records import UnitExplanation
from convscope.server.responses import FastJSONResponse
from convscope.server.schemas.common import error_answers
from convscope.server.schemas.network import NetworkInput, PredictRequest, UnitRequest
from convscope.server.state import NetworkState

_ERRORS = error_answers(**{
    "400": "Unknown layer, unit out of range, index past the last, a blank drawing (unit).",
    "404": "`model: trained` before any training.",
    "409": "`model: trained` while training runs.",
    "413": "The body is over the size limit.",
})


def network_router(source: DigitSource) -> APIRouter:
    """The explorer's routes; the models come from ``request.app.state.network``, digits from ``source``."""
    router = APIRouter(tags=["network"])

    def stages(body: NetworkInput) -> MnistPreprocessing:
        return preprocess(source, body.image, body.digit, body.index or 0)

    @router.post("/api/network/predict", response_model=PredictLesson, response_class=FastJSONResponse,
                 responses=_ERRORS)
    def predict_route(body: PredictRequest, request: Request) -> FastJSONResponse:
        """The drawing preprocessed like MNIST, the network's guess, and every layer's output."""
        which, model = network_state(request).model(body.model)
        return FastJSONResponse(predict(model, which, stages(body)))

    @router.post("/api/network/unit", response_model=UnitExplanation, response_class=FastJSONResponse,
                 responses=_ERRORS)
    def unit(body: UnitRequest, request: Request) -> FastJSONResponse:
        """One unit explained: what it reads, its weights, dot product and bias, its receptive field."""
        _, model = network_state(request).model(body.model)
        return FastJSONResponse(explain(model, stages(body), body.layer, body.unit))

    @router.get("/api/network/model", response_model=ModelLesson, responses=_ERRORS)
    def model_info(
        request: Request,
        model: Annotated[ModelChoice | None, Query(description="Default: the active model.")] = None,
    ) -> ModelLesson:
        """The model's layers (shapes, parameter counts), conv1's filters and its held-out accuracy."""
        state = network_state(request)
        which, net = state.model(model)
        return summary(net, which, state.accuracy(net))

    return router


def network_state(request: Request) -> NetworkState:
    """This app's network state."""
    state: NetworkState = request.app.state.network
    return state
