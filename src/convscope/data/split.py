"""A fixed, stratified train/test split of the bundled digits, the same on every machine and every call.

No random numbers are involved: each class gives its share of test images by systematic sampling
(evenly spaced through the class, in the bundle's order), and the shares are apportioned by largest
remainder so the test set has exactly the requested size. MNIST's own order within a class carries no
pattern we know of, so evenly spaced picks are as fair as a shuffle and easier to check.
"""

from __future__ import annotations

import numbers

import numpy as np
import numpy.typing as npt

from convscope.data.mnist import load_digits

__all__ = ["train_test_split"]

Indices = npt.NDArray[np.intp]


def train_test_split(
    labels: npt.ArrayLike | None = None, test_fraction: float = 0.2
) -> tuple[Indices, Indices]:
    """Split sample indices into train and test, stratified by label, deterministically.

    With the defaults this is convscope's fixed 8,000 / 2,000 split of the 10,000 bundled digits,
    about 80/20 within every class.

    How: the test set has ``round(N * test_fraction)`` samples. Class ``c`` with ``n_c`` samples gets
    ``floor(n_c * T / N)`` of the ``T`` test places, and the places left over go one each to the
    classes with the largest remainders (ties to the smaller label). Within a class of ``n`` samples
    taking ``t``, the test samples are the ones at positions ``((2k + 1) * n) // (2t)`` for
    ``k = 0 .. t-1``: the middle of ``t`` equal stretches of the class, in the data's order.

    Parameters
    ----------
    labels : (N,) array of int, optional
        Class of every sample; default the bundled digits' labels.
    test_fraction : float, default 0.2
        Share of samples to hold out, strictly between 0 and 1.

    Returns
    -------
    train, test : (N - T,) and (T,) int arrays
        Sorted indices into ``labels``; disjoint and together covering ``0 .. N-1``.

    Examples
    --------
    >>> train, test = train_test_split()
    >>> len(train), len(test)
    (8000, 2000)
    >>> np.bincount(load_digits().labels[test]).tolist()
    [200, 225, 198, 206, 196, 173, 203, 214, 189, 196]
    >>> train_test_split([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    (array([0, 1, 3, 4, 5, 6, 8, 9]), array([2, 7]))
    """
    label_array = load_digits().labels if labels is None else _check_labels(labels)
    fraction = _check_fraction(test_fraction)
    n = len(label_array)
    total = round(n * fraction)
    classes, counts = np.unique(label_array, return_counts=True)
    quotas = counts * total // max(n, 1)
    remainders = counts * total % max(n, 1)
    # Largest remainders first; a stable sort breaks ties by class order.
    extra = np.argsort(-remainders, kind="stable")[: total - int(quotas.sum())]
    quotas[extra] += 1
    test_parts = [
        _evenly_spaced(np.flatnonzero(label_array == c), int(t)) for c, t in zip(classes, quotas, strict=True)
    ]
    test = np.sort(np.concatenate([np.empty(0, dtype=np.intp), *test_parts]))
    is_test = np.zeros(n, dtype=bool)
    is_test[test] = True
    return np.flatnonzero(~is_test), test


def _evenly_spaced(positions: Indices, take: int) -> Indices:
    """``take`` of ``positions``, one from the middle of each of ``take`` equal stretches."""
    k = np.arange(take)
    return positions[((2 * k + 1) * len(positions)) // (2 * take)] if take else positions[:0]


def _check_labels(labels: npt.ArrayLike) -> npt.NDArray[np.integer]:
    """Labels as a 1-D integer array."""
    array = np.asarray(labels)
    if array.ndim != 1:
        raise ValueError(f"labels must be 1-D (N,), got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"labels must be integers, got dtype {array.dtype}")
    return array.astype(np.int64, copy=False)


def _check_fraction(test_fraction: object) -> float:
    """``test_fraction`` as a float strictly between 0 and 1."""
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real):
        raise TypeError(f"test_fraction must be a number, got {type(test_fraction).__name__}")
    if not 0.0 < float(test_fraction) < 1.0:
        raise ValueError(f"test_fraction must be strictly between 0 and 1, got {test_fraction}")
    return float(test_fraction)
