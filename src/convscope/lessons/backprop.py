"""One training step explained: a digit through a freshly initialised LeNet, its loss, the gradient
arriving at every layer on the way back, and the update of one weight near each end of the network.

`explain_step` reads its numbers from ``convscope.explore.backprop_step`` (the engine's own forward and
backward passes) and recomputes each chosen weight's gradient as the sum of products the chain rule
describes, so the page can show that sum beside the gradient backward computed. The update shown is plain
gradient descent, ``w - lr * dL/dw``, the rule the reading states (Adam rescales it per weight).
"""

from __future__ import annotations

import numpy as np
from typing_extensions import TypedDict

from convscope.data import DigitSource, to_mnist
from convscope.explore.backprop import BackpropLayer, BackpropStep, backprop_step
from convscope.explore.steps import layer_window
from convscope.nn import Sequential, lenet
from convscope.nn.layers import FloatArray

__all__ = ["LayerGradient", "StepExplanation", "WeightStep", "explain_step", "initial_model"]


class LayerGradient(TypedDict):
    """One layer in the step: the size of what it computed and of the gradient that reached it."""

    name: str
    kind: str
    shape: list[int]
    """Its output's shape, (C, H, W) or (F,)."""
    output_min: float
    output_max: float
    grad_norm: float
    """Length (L2 norm) of dL/d(output), the gradient arriving from the layer above."""
    grad_max: float
    """The largest |dL/d(output)| of any one unit."""


class WeightStep(TypedDict):
    """One weight's gradient as the chain rule sums it, and its update."""

    layer: str
    index: list[int]
    """fc: [out, in]; conv: [out_channel, in_channel, row, col] of the kernel."""
    value: float
    grad: float
    """dL/dw from the engine's backward pass."""
    terms: int
    """How many products (dL/dz × input) the gradient sums: 1 for fc, every output position for conv."""
    sum_of_terms: float
    """The products recomputed here in float64 and summed: equal to `grad`."""
    upstream: float
    """dL/dz of the largest product: the gradient at the output unit this weight feeds."""
    input: float
    """The input that product multiplies (the unit the weight reads)."""
    at: list[int]
    """Where that product is: fc [out unit]; conv [row, col] of the output map."""
    lr: float
    new_value: float
    """value - lr × grad."""


class StepExplanation(TypedDict):
    """One image, one backpropagation step through a fresh LeNet (the first step of a run with `seed`)."""

    digit: int
    index: int
    label: int
    seed: int
    image: list[list[float]]
    """(32, 32): the digit as the network reads it."""
    logits: list[float]
    probabilities: list[float]
    loss: float
    """-log probabilities[label]: cross-entropy."""
    grad_logits: list[float]
    """dL/d(logits) = probabilities - one_hot(label)."""
    layers: list[LayerGradient]
    """In forward order, without the final softmax (the loss takes the logits)."""
    weights: list[WeightStep]
    """One weight of the last fully connected layer, then one of the first convolution."""


def initial_model(seed: int) -> Sequential:
    """The LeNet a training run with ``seed`` starts from (``convscope.recipe.prepare``'s init generator)."""
    init_rng, _ = np.random.default_rng(seed).spawn(2)
    return lenet(rng=init_rng)


def explain_step(model: Sequential, source: DigitSource, digit: int, index: int, seed: int, lr: float
                 ) -> StepExplanation:
    """The step for the ``index``-th bundled ``digit`` (its label) through ``model``, updated with ``lr``.

    Examples
    --------
    >>> step = explain_step(initial_model(0), DigitSource(), 7, 0, 0, 0.1)
    >>> step["label"], len(step["layers"]), [w["layer"] for w in step["weights"]]
    (7, 12, ['fc3', 'conv1'])
    >>> w = step["weights"][0]
    >>> bool(np.isclose(w["new_value"], w["value"] - 0.1 * w["grad"]))
    True
    """
    image = to_mnist(source.original(digit, index)).padded  # (32, 32)
    step = backprop_step(model, image, digit)
    layers = step.layers
    last_fc = next(layer for layer in reversed(layers) if layer.kind == "fc")
    first_conv = next(layer for layer in layers if layer.kind == "conv")
    return {
        "digit": digit, "index": index, "label": step.label, "seed": seed,
        "image": np.round(image, 4).tolist(),
        "logits": _floats(step.logits), "probabilities": _floats(step.probabilities), "loss": step.loss,
        "grad_logits": _floats(layers[-1].grad_output),
        "layers": [_layer(layer) for layer in layers],
        "weights": [_fc_weight(last_fc, step, lr), _conv_weight(first_conv, step, lr)],
    }


def _layer(layer: BackpropLayer) -> LayerGradient:
    """A layer's output range and the size of the gradient arriving at it."""
    g = layer.grad_output.astype(np.float64)
    return {
        "name": layer.name, "kind": layer.kind, "shape": list(layer.output.shape),
        "output_min": float(layer.output.min()), "output_max": float(layer.output.max()),
        "grad_norm": float(np.linalg.norm(g)), "grad_max": float(np.abs(g).max()),
    }


def _fc_weight(layer: BackpropLayer, step: BackpropStep, lr: float) -> WeightStep:
    """The weight from the most active input to the true class's unit: dL/dw = dL/dz[label] × a[in]."""
    out, inp = step.label, int(np.argmax(layer.input))
    upstream, a = float(layer.grad_output[out]), float(layer.input[inp])
    return _update(step, layer, [out, inp], 1, upstream * a, upstream, a, [out], lr)


def _conv_weight(layer: BackpropLayer, step: BackpropStep, lr: float) -> WeightStep:
    """The kernel weight with the largest gradient: a sum over every output position it was used at."""
    grad_w = layer.grads["weight"]  # (C_out, C_in, kH, kW)
    c, k, u, v = (int(i) for i in np.unravel_index(np.argmax(np.abs(grad_w)), grad_w.shape))
    conv = step.model[layer.name]
    h, w = layer.input.shape[1:]
    window = layer_window(conv, (h, w))
    rows, cols = window.axes[0].taps()[:, u], window.axes[1].taps()[:, v]  # (H_out,), (W_out,)
    ok_r, ok_c = (rows >= 0) & (rows < h), (cols >= 0) & (cols < w)  # taps outside read zero padding
    read = np.zeros((len(rows), len(cols)))  # (H_out, W_out): the input under tap (u, v) at each position
    read[np.ix_(ok_r, ok_c)] = layer.input[k][np.ix_(rows[ok_r], cols[ok_c])]
    products = layer.grad_output[c].astype(np.float64) * read  # (H_out, W_out): dL/dz × the input under tap
    r, s = (int(i) for i in np.unravel_index(np.argmax(np.abs(products)), products.shape))
    return _update(step, layer, [c, k, u, v], products.size, float(products.sum()),
                   float(layer.grad_output[c, r, s]), float(read[r, s]), [r, s], lr)


def _update(step: BackpropStep, layer: BackpropLayer, index: list[int], terms: int, total: float,
            upstream: float, inp: float, at: list[int], lr: float) -> WeightStep:
    """The record of one weight: its value, the engine's gradient, the recomputed sum and the update."""
    # The step ran on a copy whose weights backward left as they were: the values before the update.
    value = float(step.model[layer.name].parameters()["weight"].data[tuple(index)])
    grad = float(layer.grads["weight"][tuple(index)])
    return {"layer": layer.name, "index": index, "value": value, "grad": grad, "terms": terms,
            "sum_of_terms": total, "upstream": upstream, "input": inp, "at": at, "lr": lr,
            "new_value": value - lr * grad}


def _floats(values: FloatArray) -> list[float]:
    floats: list[float] = values.astype(np.float64).tolist()
    return floats
