"""Shared fixtures: a seeded random generator per test (randomness is an argument, never global)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _numpy_print_options() -> Iterator[None]:
    """Each test leaves NumPy's print options as it found them: the exported scripts run in this process
    set ``np.set_printoptions(precision=4)`` as a script should, and a doctest run later must not see it."""
    with np.printoptions():
        yield
