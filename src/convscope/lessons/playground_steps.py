"""The playground's windows, derived from its answer: what the page draws at each step of the animation.

The answer does not carry its trace. For the default digit the 324 windows' positions, padding flags,
values and products were 127 KB of a 148 KB answer, and every one of them follows from what the answer
holds: window ``i`` computes output cell ``divmod(i, W_out)``; its taps sit at ``r*stride + i*dilation``
(padded coordinates); their values are ``padded`` there; a tap is padding outside the input's rows and
columns; each product is ``value * weight``, one IEEE multiply that Python, NumPy and JavaScript round
alike; the sum is the output cell, which the server computed by adding those products in this order
(`convscope.trace.trace_convolution`). The page's ``static/js/views/playground/trace.js`` is this
module's twin; both are tested equal to ``trace_convolution``, number for number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from convscope.records import TraceStep

if TYPE_CHECKING:  # a runtime import would be circular: playground imports nothing from here
    from convscope.lessons.playground import PlaygroundLesson

__all__ = ["step_count", "window_step", "window_steps"]


def step_count(lesson: PlaygroundLesson) -> int:
    """How many windows the animation has: one per output cell, 0 when the kernel does not fit.

    Examples
    --------
    >>> import numpy as np
    >>> from convscope.lessons.playground import Convolution, convolution_lesson
    >>> step_count(convolution_lesson(Convolution(np.ones((4, 5)), np.ones((2, 2)))))
    12
    """
    size = lesson["output_size"]
    return size[0] * size[1] if size is not None and lesson["output"] else 0


def window_step(lesson: PlaygroundLesson, index: int) -> TraceStep:
    """Window ``index`` (0-based, row-major) of ``lesson``, as `convscope.trace.trace_convolution` records it.

    Parameters
    ----------
    lesson : a `convscope.lessons.playground.convolution_lesson` answer (or its JSON)
    index : 0 .. step_count(lesson) - 1

    Returns
    -------
    TraceStep
        ``out``, ``positions`` (padded coordinates, kernel row-major), ``padding``, ``values``,
        ``products`` and ``sum`` (= ``output[r][c]``).

    Examples
    --------
    >>> import numpy as np
    >>> from convscope.lessons.playground import Convolution, convolution_lesson
    >>> lesson = convolution_lesson(Convolution(np.array([[1.0, 2, 3], [4, 5, 6]]), np.array([[1.0, -1]]),
    ...                                         padding=1, stride=2))
    >>> window_step(lesson, 1)
    {'out': [0, 1], 'positions': [[0, 2], [0, 3]], 'padding': [True, True], 'values': [0.0, 0.0], \
'products': [0.0, 0.0], 'sum': 0.0}
    """
    count = step_count(lesson)
    if not 0 <= index < count:
        raise IndexError(f"window index must be 0..{count - 1}, got {index}")
    explanation, weights, padded = lesson["explanation"], lesson["kernel"], lesson["padded"]
    (stride_r, stride_c), (dil_r, dil_c) = explanation["stride"], explanation["dilation"]
    (pad_r, pad_c), (height, width) = explanation["padding"], explanation["input_size"]
    r, c = divmod(index, len(lesson["output"][0]))
    positions, flags, values, products = [], [], [], []
    for i, row in enumerate(weights):
        pr = r * stride_r + i * dil_r
        for j, weight in enumerate(row):
            pc = c * stride_c + j * dil_c
            value = padded[pr][pc]
            positions.append([pr, pc])
            flags.append(not (pad_r <= pr < pad_r + height and pad_c <= pc < pad_c + width))
            values.append(value)
            products.append(value * weight + 0.0)  # "+ 0.0": -0.0 shows as 0, as in the trace
    return {"out": [r, c], "positions": positions, "padding": flags, "values": values, "products": products,
            "sum": lesson["output"][r][c]}


def window_steps(lesson: PlaygroundLesson) -> list[TraceStep]:
    """Every window of ``lesson`` in row-major order: ``trace_convolution`` of its setting.

    Examples
    --------
    >>> import numpy as np
    >>> from convscope.lessons.playground import Convolution, convolution_lesson
    >>> [s["sum"] for s in window_steps(convolution_lesson(Convolution(np.eye(3), np.ones((2, 2)))))]
    [2.0, 1.0, 1.0, 2.0]
    """
    return [window_step(lesson, i) for i in range(step_count(lesson))]
