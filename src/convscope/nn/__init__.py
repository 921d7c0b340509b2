"""Networks built from the ops: layers, ``Sequential`` and ``lenet``, optimisers, saving, a pretrained LeNet.

>>> import numpy as np
>>> from convscope.nn import lenet
>>> model = lenet(rng=np.random.default_rng(0))
>>> model.predict(np.zeros((3, 28, 28), dtype=np.uint8)).shape
(3, 10)
"""

from __future__ import annotations

from convscope.nn.conv_layers import AvgPool2d, Conv2d, MaxPool2d
from convscope.nn.layers import Flatten, Layer, Linear, Parameter, ReLU, Sigmoid, Softmax, Tanh
from convscope.nn.model import Sequential, lenet, prepare_input
from convscope.nn.optim import SGD, Adam, Optimizer
from convscope.nn.pretrained import pretrained
from convscope.nn.serialize import architecture, load, save

__all__ = [
    "SGD",
    "Adam",
    "AvgPool2d",
    "Conv2d",
    "Flatten",
    "Layer",
    "Linear",
    "MaxPool2d",
    "Optimizer",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "architecture",
    "lenet",
    "load",
    "prepare_input",
    "pretrained",
    "save",
]
