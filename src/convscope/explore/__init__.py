"""Look inside a network: every layer's activations, and the explanation of any one unit.

>>> import numpy as np
>>> from convscope.nn import lenet
>>> model = lenet(rng=np.random.default_rng(0))
>>> steps = run_layers(model, np.zeros((32, 32)))
>>> explain_unit(model, np.zeros((32, 32)), "pool2", [3, 1, 2])["receptive_field"]["input"]
[4, 19, 8, 23]
"""

from __future__ import annotations

from convscope.explore.field import trace_receptive_field
from convscope.explore.steps import Step, describe_layers, layer_activations, layer_kind, run_layers
from convscope.explore.unit import check_unit, explain_unit

__all__ = [
    "Step",
    "check_unit",
    "describe_layers",
    "explain_unit",
    "layer_activations",
    "layer_kind",
    "run_layers",
    "trace_receptive_field",
]
