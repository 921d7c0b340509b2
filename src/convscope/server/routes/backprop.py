"""``/api/training/step``: one backpropagation step for one digit, every number from the engine's passes.

The route validates, builds the initial LeNet of a run with the request's seed, calls
``convscope.lessons.backprop.explain_step`` and encodes its record.
"""

from __future__ import annotations

from fastapi import APIRouter

from convscope.data import DigitSource
from convscope.lessons.backprop import StepExplanation, explain_step, initial_model
from convscope.server.responses import FastJSONResponse
from convscope.server.schemas.backprop import StepRequest
from convscope.server.schemas.common import error_answers


def backprop_router(source: DigitSource) -> APIRouter:
    """The explained step's route; digits come from ``source``."""
    router = APIRouter(tags=["training"])

    @router.post("/api/training/step", response_model=StepExplanation, response_class=FastJSONResponse,
                 responses=error_answers(**{"400": "`index` past the last example of `digit`."}))
    def step(body: StepRequest) -> FastJSONResponse:
        """Forward, loss, the gradient arriving at every layer, and the update of two weights."""
        model = initial_model(body.seed)
        return FastJSONResponse(explain_step(model, source, body.digit, body.index, body.seed, body.lr))

    return router
