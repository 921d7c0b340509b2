"""``/api/network/*``: the LeNet explorer. Draw a digit, see every layer, explain any unit.

Which network answers is per-app state, ``app.state.network`` (a `NetworkState`): the shipped
``pretrained()`` LeNet from the start, or the model of the last training job once ``POST
/api/training/use`` swaps it in. Python computes every number the page shows (``convscope.explore``).
"""

from __future__ import annotations

import threading
import uuid
import weakref
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from convscope.data import MnistPreprocessing, load_digits, to_mnist, train_test_split
from convscope.explore import describe_layers, explain_unit, layer_activations, run_layers
from convscope.nn import Conv2d, Sequential, prepare_input, pretrained
from convscope.ops.activations import softmax
from convscope.server.errors import field_error
from convscope.server.routes_digits import DigitSource
from convscope.server.schemas import ErrorResponse
from convscope.server.schemas_network import (
    ModelChoice,
    ModelResponse,
    NetworkInput,
    PredictRequest,
    PredictResponse,
    UnitRequest,
    UnitResponse,
)
from convscope.server.training_job import JobSettings, TrainingJob
from convscope.train import evaluate

BLANK = "Draw a digit first: the canvas is blank."


class NetworkState:
    """The models the network view can show and the server's one training job, shared under a lock.

    Parameters
    ----------
    model : the pretrained network; default ``convscope.nn.pretrained()``
    idle_timeout, max_seconds, progress_every, filters_every : passed to each `TrainingJob`

    Examples
    --------
    >>> state = NetworkState()
    >>> state.model(None)[0]
    'pretrained'
    """

    def __init__(
        self,
        model: Sequential | None = None,
        *,
        idle_timeout: float = 30.0,
        max_seconds: float = 900.0,
        progress_every: int = 5,
        filters_every: int = 25,
    ) -> None:
        self.pretrained = pretrained() if model is None else model
        self.job_options: dict[str, Any] = {
            "idle_timeout": idle_timeout,
            "max_seconds": max_seconds,
            "progress_every": progress_every,
            "filters_every": filters_every,
        }
        self.lock = threading.Lock()
        self.job: TrainingJob | None = None
        self.active: ModelChoice = "pretrained"
        self.in_use: Sequential | None = None  # the trained model put in use (it outlives later jobs)
        self._accuracy: weakref.WeakKeyDictionary[Sequential, float] = weakref.WeakKeyDictionary()

    def model(self, which: ModelChoice | None) -> tuple[ModelChoice, Sequential]:
        """The model a request asked for (None: the active one), or a 404/409 saying why it has none."""
        with self.lock:
            if which is None and self.active == "trained" and self.in_use is not None:
                return "trained", self.in_use
        if which == "trained":
            return "trained", self.trained()
        return "pretrained", self.pretrained

    def trained(self) -> Sequential:
        """The model of the last training job, once it has ended (404 if none, 409 while running)."""
        with self.lock:
            job = self.job
        if job is None:
            raise field_error("model", "no trained model yet: start one with POST /api/training", 404)
        if job.state == "running":
            raise field_error("model", "training is still running; stop it or wait for it to finish", 409)
        if job.state == "error":
            raise field_error("model", "the last training job failed; its weights are not usable", 409)
        return job.model

    def start(self, settings: JobSettings) -> TrainingJob:
        """Start a training job, or a 409 if one is running (one job per server)."""
        with self.lock:
            if self.job is not None and self.job.state == "running":
                raise HTTPException(
                    409, f"already training (job {self.job.id}); stop it first with POST /api/training/stop"
                )
            self.job = TrainingJob(settings, uuid.uuid4().hex[:8], **self.job_options)
            self.job.start()
            return self.job

    def use(self, which: ModelChoice) -> ModelChoice:
        """Make ``which`` the active model of the network view."""
        model = self.trained() if which == "trained" else None
        with self.lock:
            self.active, self.in_use = which, model if model is not None else self.in_use
        return which

    def accuracy(self, model: Sequential) -> float:
        """Accuracy on the 2,000 held-out digits (computed once per model, ~0.5 s)."""
        if model not in self._accuracy:
            digits = load_digits()
            _, held_out = train_test_split()
            result = evaluate(
                model, prepare_input(digits.images[held_out]), digits.labels[held_out].astype(np.int64)
            )
            self._accuracy[model] = result.accuracy
        return self._accuracy[model]


def network_router(source: DigitSource) -> APIRouter:
    """The explorer's routes; the models come from ``request.app.state.network``, digits from ``source``."""
    router = APIRouter(tags=["network"])
    errors: dict[int | str, dict[str, Any]] = {
        400: {
            "model": ErrorResponse,
            "description": "Unknown layer, unit out of range, index past the last.",
        },
        404: {"model": ErrorResponse, "description": "`model: trained` before any training."},
        409: {"model": ErrorResponse, "description": "`model: trained` while training runs."},
        413: {"model": ErrorResponse, "description": "The body is over the size limit."},
    }

    @router.post("/api/network/predict", responses={200: {"model": PredictResponse}, **errors})
    def predict(body: PredictRequest, request: Request) -> JSONResponse:
        """The drawing preprocessed like MNIST, the network's guess, and every layer's output."""
        which, model = network_state(request).model(body.model)
        return JSONResponse({"model": which} | _prediction(model, _preprocess(body, source)))

    @router.post("/api/network/unit", responses={200: {"model": UnitResponse}, **errors})
    def unit(body: UnitRequest, request: Request) -> JSONResponse:
        """One unit explained: what it reads, its weights, dot product and bias, its receptive field."""
        _, model = network_state(request).model(body.model)
        stages = _preprocess(body, source)
        if stages.empty:
            raise field_error("image", BLANK)
        try:
            return JSONResponse(explain_unit(model, stages.padded, body.layer, body.unit))
        except ValueError as err:  # "layer: unknown layer ..." / "unit[1]: ... must be 0..27 (got 40)"
            field, _, problem = str(err).partition(": ")
            raise field_error(field, problem) from None

    @router.get("/api/network/model", response_model=ModelResponse, responses=errors)
    def model_info(
        request: Request,
        model: Annotated[ModelChoice | None, Query(description="Default: the active model.")] = None,
    ) -> dict[str, Any]:
        """The model's layers (shapes, parameter counts), conv1's filters and its held-out accuracy."""
        state = network_state(request)
        which, net = state.model(model)
        conv1 = next(layer for _, layer in net if isinstance(layer, Conv2d))
        return {
            "source": which,
            "layers": describe_layers(net),
            "conv1_filters": np.round(conv1.weight.data[:, 0].astype(np.float64), 5).tolist(),
            "accuracy": state.accuracy(net),
        }

    return router


def network_state(request: Request) -> NetworkState:
    """This app's network state."""
    state: NetworkState = request.app.state.network
    return state


def _prediction(model: Sequential, stages: MnistPreprocessing) -> dict[str, Any]:
    """The predict answer for preprocessed input: no guess for a blank drawing."""
    answer: dict[str, Any] = {"preprocessing": _stages(stages)}
    if stages.empty:
        return answer | {
            "empty": True,
            "message": BLANK,
            "prediction": None,
            "probabilities": [],
            "layers": [],
        }
    steps = run_layers(model, stages.padded)
    out = steps[-1].output
    probabilities = out if steps[-1].layer.is_softmax else softmax(out, dim=-1)
    return answer | {
        "empty": False,
        "message": None,
        "prediction": int(np.argmax(probabilities)),
        "probabilities": probabilities.astype(np.float64).tolist(),
        "layers": layer_activations(steps),
    }


def _preprocess(body: NetworkInput, source: DigitSource) -> MnistPreprocessing:
    """The request's drawing or digit, through MNIST's preprocessing (every stage kept)."""
    if body.image is not None:
        return to_mnist(np.asarray(body.image, dtype=np.float64))
    assert body.digit is not None  # the request model requires image or digit
    return to_mnist(source.original(body.digit, body.index or 0))


def _stages(stages: MnistPreprocessing) -> dict[str, Any]:
    """The preprocessing stages, JSON-ready and rounded for the page."""
    return {
        "box": None if stages.box is None else list(stages.box),
        **{
            name: np.round(getattr(stages, name), 4).tolist()
            for name in ("cropped", "fitted", "centred", "padded")
        },
    }
