"""One training step for one image, kept layer by layer: the forward values, the loss, the gradient that
arrives at every layer on the way back, and the gradient of every parameter.

Backpropagation as the textbooks set it out: (1) forward, keeping each layer's input; (2) the loss,
cross-entropy of the logits against the label; (3) its gradient with respect to the logits,
``softmax(logits) - one_hot(label)``; (4) backward through the layers in reverse, each turning the
gradient at its output into the gradient at its input (the chain rule) and, where it has weights, into
their gradients; (5) the update ``w - lr * dL/dw``. Every number is the engine's own: the layers'
``forward`` and ``backward`` (checked against PyTorch in ``tests/nn``) and ``convscope.ops``' loss.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np

from convscope import ops
from convscope.explore.steps import layer_kind
from convscope.nn import Sequential, prepare_input
from convscope.nn.layers import FloatArray
from convscope.train import logits_model

__all__ = ["BackpropLayer", "BackpropStep", "backprop_step"]


@dataclass(frozen=True, eq=False)
class BackpropLayer:
    """One layer of the step, the batch axis dropped: (C, H, W) for maps, (F,) for vectors."""

    name: str
    kind: str
    input: FloatArray
    output: FloatArray
    grad_output: FloatArray  # dL/d(output): the gradient arriving from the layer above
    grad_input: FloatArray  # dL/d(input): what this layer passes down
    grads: dict[str, FloatArray]  # dL/d(parameter) by name ("weight", "bias"); empty without parameters


@dataclass(frozen=True, eq=False)
class BackpropStep:
    """The whole step: the layers (without the final softmax), the loss and the model the grads are of."""

    layers: list[BackpropLayer]
    logits: FloatArray  # (K,)
    probabilities: FloatArray  # (K,) softmax(logits)
    label: int
    loss: float  # -log probabilities[label]
    model: Sequential  # a copy of the model given, its parameters' ``grad`` filled by this step


def backprop_step(model: Sequential, image: Any, label: int) -> BackpropStep:
    """Forward and backward one image through a copy of ``model``, keeping every layer's values.

    Parameters
    ----------
    model : the network (left untouched: the step runs on a deep copy, whose grads it fills)
    image : one input as ``convscope.nn.prepare_input`` takes it, e.g. a (32, 32) digit in [0, 1]
    label : the true class, 0..K-1

    Returns
    -------
    BackpropStep

    Examples
    --------
    >>> from convscope.nn import lenet
    >>> step = backprop_step(lenet(rng=np.random.default_rng(0)), np.zeros((32, 32)), 3)
    >>> [layer.name for layer in step.layers][-2:], step.layers[-1].grad_output.shape
    (['relu4', 'fc3'], (10,))
    >>> bool(np.isclose(step.layers[-1].grad_output.sum(), 0, atol=1e-6))  # p - one_hot sums to 0
    True
    """
    net = copy.deepcopy(model)
    logits_net = logits_model(net)
    x = prepare_input(np.asarray(image)[None] if np.ndim(image) == 3 else image, net.input_shape)
    inputs, outputs = [], []
    for _, layer in logits_net:  # (1) forward, each layer caching its input
        inputs.append(x)
        x = layer.forward(x)
        outputs.append(x)
    target = np.array([label])
    loss = float(ops.cross_entropy(x, target))  # (2)
    grad = ops.cross_entropy_backward(np.float64(1.0), x, target).astype(x.dtype)  # (3) (1, K)
    layers: list[BackpropLayer] = []
    for i in reversed(range(len(logits_net))):  # (4) the chain rule, last layer first
        name, layer = logits_net.layers[i]
        grad_input = layer.backward(grad)
        grads = {pname: p.grad[...].copy() for pname, p in layer.parameters().items()}
        layers.append(BackpropLayer(name, layer_kind(layer), inputs[i][0], outputs[i][0], grad[0],
                                    grad_input[0], grads))
        grad = grad_input
    logits = x[0]
    probabilities = ops.softmax(logits.astype(np.float64), dim=-1)
    return BackpropStep(layers[::-1], logits, probabilities, int(label), loss, net)
