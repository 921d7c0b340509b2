"""The drawing check's shipped yardstick is what the build script measures from the bundled digits."""

from __future__ import annotations

from pathlib import Path

import pytest

from convscope.data import typical_threshold
from convscope.data.typical import USUAL_PERCENTILE, usual_distance
from tests.scripts.load import load_script

build = load_script("build_typical_threshold")


def test_rebuilding_gives_the_shipped_value(tmp_path: Path) -> None:
    measured = build.build(tmp_path / "typical_threshold.py")  # measured afresh from the digits
    # float32 distances: another BLAS may differ in the last bits, a stale value by far more
    assert measured == pytest.approx(typical_threshold.USUAL_DISTANCE, rel=1e-6), "stale: run the script"
    assert typical_threshold.PERCENTILE == USUAL_PERCENTILE
    shipped = build.OUT.read_text(encoding="utf-8")
    assert shipped == build.render(USUAL_PERCENTILE, typical_threshold.USUAL_DISTANCE)
    assert (tmp_path / "typical_threshold.py").read_text(encoding="utf-8") == build.render(
        USUAL_PERCENTILE, measured)


def test_the_drawing_check_reads_the_shipped_value() -> None:
    assert usual_distance() == typical_threshold.USUAL_DISTANCE
    assert usual_distance(USUAL_PERCENTILE) == typical_threshold.USUAL_DISTANCE
