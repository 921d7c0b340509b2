"""The LeNet shipped with convscope, trained on the bundled digits, so the network view works offline.

``lenet_mnist.npz`` beside this module was made by one command, on the fixed 8,000-digit training split
(``convscope.data.train_test_split``), and is reproducible bit for bit on the same machine and BLAS::

    convscope train --epochs 12 --batch-size 64 --lr 0.002 --optimizer adam --augment 2 --seed 0 \\
        --out src/convscope/nn/lenet_mnist.npz

``convscope train --evaluate`` measures its accuracy on the 2,000 held-out digits.
"""

from __future__ import annotations

from pathlib import Path

from convscope.nn.model import Sequential
from convscope.nn.serialize import load

WEIGHTS = Path(__file__).with_name("lenet_mnist.npz")


def pretrained() -> Sequential:
    """A fresh copy of the shipped LeNet (``lenet()``'s architecture), ready for ``predict``.

    Each call reads the file again, so callers may train or modify their copy.

    Examples
    --------
    >>> import numpy as np
    >>> from convscope.data import digit
    >>> probs = pretrained().predict(digit(7)[None])
    >>> probs.shape, int(probs.argmax())
    ((1, 10), 7)
    """
    return load(WEIGHTS)
