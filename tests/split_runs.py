"""For tests of work split in two halves (`convscope.ops.threads.halves`): split from one value, count."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import pytest

from convscope.ops import threads


@contextmanager
def split_from_one(module: ModuleType) -> Iterator[list[int]]:
    """Within it every `halves` split applies from one value on, and each `run_blocks` call that ``module``
    makes is counted: the list it yields gets the number of runs of each call, in order.

    A context, not a fixture: a hypothesis test runs many examples in one call of the test.
    """
    runs: list[int] = []

    def counted(items: Sequence[Any], work: Any) -> None:
        runs.append(len(items))
        threads.run_blocks(items, work)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(threads, "SPLIT_FROM", 1)
        patch.setattr(module, "run_blocks", counted)
        yield runs
