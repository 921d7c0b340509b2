"""A fully connected layer's backward with its two products on two cores: the weight's in the helper.

`convscope.ops.linear.linear_backward` makes two products of the same size: dL/dx = g @ weight here, and
dL/dweight = g^T @ x. Where the helper process is free and the products are large enough, the second goes
there while this thread makes the first. Each is the same single BLAS call either way, on the same
numbers, so the bits do not depend on where it ran: only C-contiguous g and x are sent, so that the
helper's copies are read exactly as the originals would be; and BLAS runs one thread on both sides
(`linear_backward` holds it so, `convscope._blas`): OpenBLAS's product of a 1000-row batch came out
differently on two.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from convscope.ops.helper import borrowed
from convscope.ops.helper_memory import FullError
from convscope.ops.threads import op_threads

Array = npt.NDArray[Any]

# Below this many multiply-adds in each product (N * in * out), the copies and the hand-off cost more
# than the half saves. LeNet's fc1 at 256 images has 12.3 M (its backward 334 us on one core, warm); at
# 64 images 3.1 M (90 us).
_MIN_WORK = 2**22


def helped_gradients(g: Array, x: Array, weight: Array) -> tuple[Array, Array] | None:
    """(g @ weight, g^T @ x), the second made in the helper; None where it would not pay or cannot run.

    g (N, out), x (N, in), weight (out, in), all of one float dtype.
    """
    contiguous = g.flags.c_contiguous and x.flags.c_contiguous
    if g.shape[0] * g.shape[1] * x.shape[1] < _MIN_WORK or not contiguous or op_threads(2) < 2:
        return None  # op_threads first: inside fit's shards, no threadpoolctl import just to say no
    with borrowed() as helper:
        if helper is None:
            return None
        grad_weight = np.empty((g.shape[1], x.shape[1]), dtype=np.result_type(g, x))  # (out, in)
        try:
            where, view = helper.target(grad_weight)
            inputs = (helper.share(g), helper.share(x))
        except FullError:
            return None
        grad_x = []

        def here() -> None:
            grad_x.append(g @ weight)  # (N, in)

        def there() -> None:
            weight_gradient_part(g, x, grad_weight)

        if helper.run(weight_gradient_part, (*inputs, where), here, there) and view is not None:
            grad_weight[...] = view
    return grad_x[0], grad_weight


def weight_gradient_part(g: Array, x: Array, out: Array) -> None:
    """out = g^T @ x (out, in), for g (N, out) and x (N, in): here, or in the helper.

    Examples
    --------
    >>> out = np.empty((2, 3))
    >>> weight_gradient_part(np.ones((4, 2)), np.ones((4, 3)), out)
    >>> out
    array([[4., 4., 4.],
           [4., 4., 4.]])
    """
    np.matmul(g.T, x, out=out)
