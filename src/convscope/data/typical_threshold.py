"""The drawing check's yardstick, measured from the bundled digits: generated, do not edit.

Written by ``scripts/build_typical_threshold.py`` (``measure_usual_distance`` in
`convscope.data.typical`); a test measures it again, so a stale value fails there.
"""

PERCENTILE = 99.0  # of the held-out digits' nearest-training distances
USUAL_DISTANCE = 7.40337147434423  # that percentile, pixels in [0, 1] on 28x28
