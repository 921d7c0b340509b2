#!/usr/bin/env python
"""Build ``src/convscope/data/typical_threshold.py``: the drawing check's yardstick, measured once, shipped.

The network page flags a drawing as unusual when it is further from every training digit than
``USUAL_PERCENTILE`` % of the real held-out digits are (`convscope.data.typical`). That distance is a
fact about the bundled digits and their fixed split, so it is measured here (2,000 x 8,000 distances,
a second or two) and written as a constant, rather than on every ``convscope serve``. Run it again after
changing the digits, the split or the percentile::

    PYTHONPATH=src .venv/bin/python scripts/build_typical_threshold.py

``tests/scripts/test_build_typical_threshold.py`` measures it again and fails if the shipped value is stale.
"""

from __future__ import annotations

from pathlib import Path

from convscope.data.typical import USUAL_PERCENTILE, measure_usual_distance

OUT = Path(__file__).resolve().parents[1] / "src" / "convscope" / "data" / "typical_threshold.py"


def render(percentile: float, distance: float) -> str:
    """The generated module's text for one measured ``distance`` at ``percentile``."""
    return (
        '"""The drawing check\'s yardstick, measured from the bundled digits: generated, do not edit.\n\n'
        "Written by ``scripts/build_typical_threshold.py`` (``measure_usual_distance`` in\n"
        "`convscope.data.typical`); a test measures it again, so a stale value fails there.\n"
        '"""\n\n'
        f"PERCENTILE = {percentile!r}  # of the held-out digits' nearest-training distances\n"
        f"USUAL_DISTANCE = {distance!r}  # that percentile, pixels in [0, 1] on 28x28\n"
    )


def build(out: Path = OUT) -> float:
    """Measure the distance at ``USUAL_PERCENTILE``, write the module to ``out``, return the distance."""
    distance = measure_usual_distance(USUAL_PERCENTILE)
    out.write_text(render(USUAL_PERCENTILE, distance), encoding="utf-8")
    return distance


if __name__ == "__main__":
    print(f"{OUT}: USUAL_DISTANCE = {build()!r}")
