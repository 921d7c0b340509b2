"""A per-thread switch, on within a block: what `single_threaded` and `trusted_values` are made of."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contextlib import _GeneratorContextManager

    # What `switched_on` returns: a context manager that also decorates (`@single_threaded()`).
    Switch = _GeneratorContextManager[None]


@contextmanager
def switched_on(state: threading.local, name: str) -> Iterator[None]:
    """``state.<name>`` True on this thread within the block; its previous value (default False) after.

    Examples
    --------
    >>> state = threading.local()
    >>> with switched_on(state, "busy"):
    ...     state.busy
    True
    >>> state.busy
    False
    """
    before = getattr(state, name, False)
    setattr(state, name, True)
    try:
        yield
    finally:
        setattr(state, name, before)
