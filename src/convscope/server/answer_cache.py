"""Encoded answers kept for requests that always get the same one: a small LRU, and ETags for GETs.

``POST /api/convolve`` is a pure function of its validated request and the server's digits: the same
settings always give the same bytes. A class of thirty students opening the playground all send its
default request; under 100 such clients the server spent its time tracing and encoding the same answer
again (benchmarks/RESULTS_load.md). `AnswerCache` keeps the last ``max_entries`` encoded answers, at
most ``max_bytes`` of them in all (keys count too: an uploaded image is its own key), keyed by the
request as validated (``model_dump_json``: ``2`` and ``2.00`` padding, key order and defaults left out
or sent are the same key). Errors are never kept. It lives in the app (one per router), not the module.

`etag_answer` answers a GET with ``ETag`` and ``Cache-Control: no-cache`` (the browser may keep it but
asks each time), and ``304 Not Modified`` when ``If-None-Match`` names the same tag.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

import orjson
from fastapi import Request, Response

__all__ = ["NOT_MODIFIED", "AnswerCache", "etag_answer"]

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not Modified: `If-None-Match` named this answer's `ETag`; no body."},
}


class AnswerCache:
    """The last ``max_entries`` encoded answers by key, ``max_bytes`` of keys and answers at most.

    Examples
    --------
    >>> cache = AnswerCache(max_entries=2, max_bytes=100)
    >>> cache.put("a", b"1"); cache.put("b", b"2"); cache.get("a"); cache.put("c", b"3")
    b'1'
    >>> cache.get("b") is None, cache.get("a"), len(cache)  # "b" was the least recently used
    (True, b'1', 2)
    >>> cache.put("big", b"x" * 200); cache.get("big") is None  # larger than the whole cache: not kept
    True
    """

    def __init__(self, max_entries: int = 64, max_bytes: int = 16 * 2**20) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._answers: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # routes run in the event loop, but a script may share one

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: str) -> bytes | None:
        """The answer kept for ``key`` (now the most recently used), or None."""
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: str, answer: bytes) -> None:
        """Keep ``answer`` for ``key``, dropping the least recently used ones past either bound."""
        size = len(key) + len(answer)
        if size > self.max_bytes or self.max_entries < 1:
            return
        with self._lock:
            old = self._answers.pop(key, None)
            self._bytes -= 0 if old is None else len(key) + len(old)
            self._answers[key] = answer
            self._bytes += size
            while len(self._answers) > self.max_entries or self._bytes > self.max_bytes:
                dropped, body = self._answers.popitem(last=False)
                self._bytes -= len(dropped) + len(body)


def etag_answer(request: Request, content: Any) -> Response:
    """``content`` as JSON with a strong ``ETag`` (a hash of the bytes), or 304 when the client has it."""
    body = orjson.dumps(content)
    tag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    wanted = [t.strip().removeprefix("W/") for t in request.headers.get("if-none-match", "").split(",")]
    if tag in wanted or "*" in wanted:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
