"""The network explorer: a drawing (or digit) through MNIST's preprocessing and a LeNet, layer by layer.

Three lessons: `predict` (the guess, and every layer's output), `explain` (one unit: what it reads, its
weights, dot product and bias, its receptive field) and `summary` (the model's layers, its first filters
and its held-out accuracy). Every number comes from ``convscope.explore`` and the engine; the page draws.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
from typing_extensions import TypedDict

from convscope.data import DigitSource, MnistPreprocessing, load_digits, to_mnist, train_test_split
from convscope.errors import SettingError
from convscope.explore import describe_layers, explain_unit, layer_activations, run_layers
from convscope.lessons.drawing_check import DrawingCheck, check_drawing
from convscope.nn import Conv2d, Sequential, prepare_input
from convscope.ops.activations import softmax
from convscope.records import LayerSummary, LayerValues, Preprocessing, UnitExplanation
from convscope.train import evaluate

ModelChoice = Literal["pretrained", "trained"]
BLANK = "Draw a digit first: the canvas is blank."


class PredictLesson(TypedDict):
    """The network's answer for one drawing and everything it computed on the way."""

    empty: bool
    """True for a blank drawing: no prediction is made."""
    message: str | None
    """Why there is no prediction (blank drawing); else null."""
    model: ModelChoice
    """Which network answered."""
    prediction: int | None
    check: DrawingCheck | None
    """How the drawing compares with the training digits, with a warning if it is unlike them; null when
    empty. The guess is made either way."""
    probabilities: list[float]
    """10 class probabilities; [] when empty."""
    preprocessing: Preprocessing
    layers: list[LayerValues]
    """Every layer's output, in order; [] when empty."""


class ModelLesson(TypedDict):
    """A model: its layers, its first filters and how well it reads held-out digits."""

    source: ModelChoice
    layers: list[LayerSummary]
    conv1_filters: list[list[list[float]]]
    """(C, kH, kW): conv1's filters, rounded to 5 decimals."""
    accuracy: float | None
    """Accuracy on the 2,000 held-out digits, if known."""


def preprocess(
    source: DigitSource, image: npt.ArrayLike | None = None, digit: int | None = None, index: int = 0
) -> MnistPreprocessing:
    """A drawing (floats in [0, 1]) or the ``index``-th example of ``digit``, through MNIST's steps."""
    if image is not None:
        return to_mnist(np.asarray(image, dtype=np.float64))  # (H, W)
    if digit is None:
        raise SettingError("image", "give a drawing, or a digit 0..9")
    return to_mnist(source.original(digit, index))


def predict(model: Sequential, which: ModelChoice, stages: MnistPreprocessing) -> PredictLesson:
    """The guess for preprocessed input, with every layer's output; no guess for a blank drawing.

    Examples
    --------
    >>> from convscope.nn import pretrained
    >>> lesson = predict(pretrained(), "pretrained", preprocess(DigitSource(), digit=7))
    >>> lesson["prediction"], len(lesson["probabilities"]), lesson["layers"][0]["shape"]
    (7, 10, [6, 28, 28])
    """
    shown = _stages(stages)
    if stages.empty:
        return {"empty": True, "message": BLANK, "model": which, "prediction": None, "check": None,
                "probabilities": [], "preprocessing": shown, "layers": []}
    steps = run_layers(model, stages.padded)
    out = steps[-1].output
    probabilities = out if steps[-1].layer.is_softmax else softmax(out, dim=-1)
    return {
        "empty": False,
        "message": None,
        "model": which,
        "prediction": int(np.argmax(probabilities)),
        "check": check_drawing(stages),
        "probabilities": probabilities.astype(np.float64).tolist(),
        "preprocessing": shown,
        "layers": layer_activations(steps),
    }


def explain(model: Sequential, stages: MnistPreprocessing, layer: str, unit: list[int]) -> UnitExplanation:
    """One unit explained for preprocessed input; a `SettingError` naming the field otherwise.

    Examples
    --------
    >>> from convscope.nn import pretrained
    >>> info = explain(pretrained(), preprocess(DigitSource(), digit=3), "conv2", [5, 3, 7])
    >>> info["kind"], bool(np.isclose(info["computed"], info["value"]))
    ('conv', True)
    """
    if stages.empty:
        raise SettingError("image", BLANK)
    try:
        return explain_unit(model, stages.padded, layer, unit)
    except ValueError as err:  # "layer: unknown layer ..." / "unit[1]: ... must be 0..27 (got 40)"
        field, _, problem = str(err).partition(": ")
        raise SettingError(field, problem) from None


def summary(model: Sequential, which: ModelChoice, accuracy: float | None) -> ModelLesson:
    """The model's layers (shapes, parameter counts), conv1's filters and its accuracy.

    Examples
    --------
    >>> from convscope.nn import pretrained
    >>> lesson = summary(pretrained(), "pretrained", None)
    >>> [layer["name"] for layer in lesson["layers"]][:3], np.shape(lesson["conv1_filters"])
    (['conv1', 'relu1', 'pool1'], (6, 5, 5))
    """
    conv1 = next(layer for _, layer in model if isinstance(layer, Conv2d))
    return {
        "source": which,
        "layers": describe_layers(model),
        "conv1_filters": np.round(conv1.weight.data[:, 0].astype(np.float64), 5).tolist(),
        "accuracy": accuracy,
    }


def held_out_accuracy(model: Sequential) -> float:
    """Accuracy on the 2,000 held-out digits of ``convscope.data.train_test_split`` (~0.5 s)."""
    digits = load_digits()
    _, held_out = train_test_split()
    images = prepare_input(digits.images[held_out])  # (2000, 1, 32, 32)
    return evaluate(model, images, digits.labels[held_out].astype(np.int64)).accuracy


def _stages(stages: MnistPreprocessing) -> Preprocessing:
    """The preprocessing stages, JSON-ready and rounded for the page."""
    def shown(image: npt.NDArray[np.float64]) -> list[list[float]]:
        rounded: list[list[float]] = np.round(image, 4).tolist()
        return rounded

    return {
        "box": None if stages.box is None else list(stages.box),
        "cropped": shown(stages.cropped),
        "fitted": shown(stages.fitted),
        "centred": shown(stages.centred),
        "padded": shown(stages.padded),
    }
