"""Shared fixtures: a seeded random generator per test (randomness is an argument, never global)."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)
