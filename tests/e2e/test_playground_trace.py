"""The page's derived windows (views/playground/trace.js) are the server's trace, number for number.

The answer to ``POST /api/convolve`` no longer carries each window's positions, values and products;
the page reads them off the padded input, the kernel and the output. Here chromium derives every window
of real answers and each one must equal `convscope.trace.trace_convolution` exactly (floats compared
with ``==``; Playwright carries them, and -0.0, unchanged), and the output cells lit by each input
pixel must be those whose traced windows read it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convscope.trace import trace_convolution


def _bits(x: Any) -> Any:
    """``x`` with every number written as its exact float (``float.hex``), so -0.0 differs from 0.0."""
    if isinstance(x, dict):
        return {key: _bits(value) for key, value in x.items()}
    if isinstance(x, list):
        return [_bits(value) for value in x]
    return x if isinstance(x, bool) else float(x).hex()

DERIVE = """async (answers) => {
  const { cellsReading, stepCount, windowStep } = await import("/js/views/playground/trace.js");
  return answers.map((result) => {
    const windows = Array.from({ length: stepCount(result) }, (_, i) => windowStep(result, i));
    const lit = result.padded.flatMap((row, r) => row.map((_, c) => cellsReading(result, [r, c])));
    return { windows, lit, past: windowStep(result, stepCount(result)) };
  });
}"""
CASES = [  # (request body, padding, stride, dilation): the page's default, signed values, dilation, misfit
    ({"digit": 3, "index": 0, "kernel": "ones", "kernel_size": 3}, 0, 1, 1),
    ({"digit": 5, "index": 2, "kernel": "sobel_x", "kernel_size": 3, "padding": 1, "stride": 2}, 1, 2, 1),
    ({"image": np.random.default_rng(7).normal(size=(7, 9)).round(4).tolist(),
      "kernel": [[0.5, -1.25, 0.0], [-0.0, 2.0, -3.5]], "padding": 2, "stride": 2, "dilation": 2}, 2, 2, 2),
    ({"image": [[1.0, 2.0], [3.0, 4.0]], "kernel": "ones", "kernel_size": 5, "padding": 1}, 1, 1, 1),
]


def test_the_page_derives_every_window_and_lit_cell_of_the_servers_trace(page: Any, server: str,
                                                                         post: Any) -> None:
    # Any document of the app's origin will do (only its modules are needed); a bare one asks for a favicon.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto(server + "/js/types.js")
    answers = [post("/api/convolve", body) for body, *_ in CASES]
    derived = page.evaluate(DERIVE, answers)
    for answer, got, (_, padding, stride, dilation) in zip(answers, derived, CASES, strict=True):
        if not answer["output"]:
            assert (got["windows"], got["past"]) == ([], None)
            assert all(cells == [] for cells in got["lit"])
            continue
        expected = trace_convolution(answer["input"], answer["kernel"], padding, stride, dilation)
        assert _bits(got["windows"]) == _bits(expected)  # -0.0 == 0.0 in Python; their bits differ
        assert got["past"] is None
        cols = len(answer["padded"][0])
        for i, cells in enumerate(got["lit"]):
            pixel = list(divmod(i, cols))
            assert cells == [step["out"] for step in expected if pixel in step["positions"]]
