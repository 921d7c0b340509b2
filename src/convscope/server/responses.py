"""JSON responses: rendered by orjson for the big answers, always encodable for the error answers.

The answers are grids of floats printed with up to 17 digits: when the playground's answer still carried
its 400 windows' positions, values and products (~19,000 numbers), the standard library encoder spent
~2.5 ms on it, five times the trace itself, and orjson ~0.15 ms (benchmarks/bench_api.py times the
answer as it is now, without them). Error answers echo the client's input, which may not be encodable as
it came (see `SafeJSONResponse`).
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from fastapi.responses import JSONResponse


class FastJSONResponse(JSONResponse):
    """``JSONResponse`` that renders with orjson; refuses NaN/inf like the standard one should."""

    def render(self, content: Any) -> bytes:
        # orjson writes NaN as null silently; our payloads are checked finite upstream, so this never
        # changes a number, and non-str dict keys or unknown types still raise a TypeError.
        return orjson.dumps(content, option=orjson.OPT_SERIALIZE_NUMPY)


class SafeJSONResponse(JSONResponse):
    """``JSONResponse`` that can always be encoded: the error answers echo what the client sent.

    JSON text may carry a lone UTF-16 surrogate (``"\\ud800"``); Python decodes it into a ``str`` that
    UTF-8 cannot encode, so the standard response raised while answering (a 500, and uvicorn dropped the
    keep-alive connection). Such characters become U+FFFD, as a browser's decoder would show them.
    """

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            return without_surrogates(text).encode("utf-8")


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD.

    Examples
    --------
    >>> without_surrogates("a\\ud800b")
    'a\\ufffdb'
    """
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
