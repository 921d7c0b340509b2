"""Lessons: what each page draws, computed by the engine and returned as typed, JSON-ready records.

A lesson is a plain function: validated settings in, a ``TypedDict`` out, with nothing of HTTP in it.
The server's routes call them (validate, call the lesson, encode); so can a script, a notebook widget,
an export, or the page itself running Python in the browser. Importing this package imports NumPy and
convscope's engine, never FastAPI, uvicorn or orjson (``tests/test_architecture.py`` holds it to that).

Examples
--------
>>> import numpy as np
>>> from convscope.lessons import Convolution, convolution_lesson
>>> lesson = convolution_lesson(Convolution(np.eye(4), np.ones((2, 2)), stride=2))
>>> lesson["output"], lesson["valid"]
([[2.0, 0.0], [0.0, 2.0]], True)
"""

from __future__ import annotations

from convscope.lessons import (
    backprop,
    drop_slide,
    echo,
    image_kernels,
    kernel_inspector,
    kernel_pictures,
    layers_records,
    matrix,
    network,
    playground,
    signal_laws,
    signals,
    spectra,
    timing,
    training,
    training_job,
    transposed,
)
from convscope.lessons.network import (
    ModelChoice,
    ModelLesson,
    PredictLesson,
    explain,
    predict,
    preprocess,
    summary,
)
from convscope.lessons.playground import (
    Convolution,
    DigitLesson,
    PlaygroundLesson,
    convolution_lesson,
    digit_lesson,
    kernel_weights,
    kernels,
)
from convscope.lessons.training import TrainingStatus, status
from convscope.lessons.training_job import TrainingJob

# The modules whose TypedDicts cross to the page (the server documents each as a schema).
RECORD_MODULES = (
    playground, network, training, training_job, signals, echo, layers_records, matrix, spectra,
    timing, transposed, backprop, image_kernels, kernel_inspector, kernel_pictures, signal_laws, drop_slide,
)

__all__ = [
    "RECORD_MODULES",
    "Convolution",
    "DigitLesson",
    "ModelChoice",
    "ModelLesson",
    "PlaygroundLesson",
    "PredictLesson",
    "TrainingJob",
    "TrainingStatus",
    "convolution_lesson",
    "digit_lesson",
    "explain",
    "kernel_weights",
    "kernels",
    "predict",
    "preprocess",
    "status",
    "summary",
]
