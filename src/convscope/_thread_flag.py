"""A per-thread switch, on within a block: what `single_threaded` and `trusted_values` are made of."""

from __future__ import annotations

import threading
from contextlib import ContextDecorator
from types import TracebackType


class Switch(ContextDecorator):
    """``state.<name>`` True on this thread within the block; its previous value (default False) after.

    A class, not a ``contextlib.contextmanager`` generator: ops enter a switch a dozen times a training
    step, and a generator's set-up and its two resumptions cost more than the two ``setattr``
    (RESULTS_perf #186). Also a decorator (``@single_threaded()``), each call entering a fresh switch.

    Examples
    --------
    >>> state = threading.local()
    >>> with switched_on(state, "busy"):
    ...     state.busy
    True
    >>> state.busy
    False
    """

    __slots__ = ("_before", "_name", "_state")

    def __init__(self, state: threading.local, name: str) -> None:
        self._state, self._name = state, name

    def __enter__(self) -> None:
        self._before = getattr(self._state, self._name, False)
        setattr(self._state, self._name, True)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        setattr(self._state, self._name, self._before)

    def _recreate_cm(self) -> Switch:
        """A fresh switch for each call of a decorated function: calls may nest (recursion, threads)."""
        return Switch(self._state, self._name)


def switched_on(state: threading.local, name: str) -> Switch:
    """A `Switch` of ``state.<name>``: ``with switched_on(state, "busy"):`` or as a decorator."""
    return Switch(state, name)
