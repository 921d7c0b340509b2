"""convscope: see convolution happen.

A NumPy engine with explicit forward and backward passes, checked against PyTorch; the arithmetic of
convolution sizes explained; and a browser app (``convscope serve``) to watch it all work.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
