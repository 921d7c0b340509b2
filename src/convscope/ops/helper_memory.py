"""The memory the ops share with their helper process: where an array lies in it, and a child's own copy.

`convscope.ops.helper` shares one memory file with its helper process. A message names an array by its
place there (`Shared`); each side makes its own view of it (`resolve`).
"""

from __future__ import annotations

import math
import mmap
from dataclasses import dataclass
from typing import Any

import numpy as np

_MAP_FIXED = 0x10  # Linux's; Python's mmap module does not name it


class FullError(Exception):
    """The helper's data region has no room for a task's arrays: the caller works alone."""


@dataclass(frozen=True)
class Shared:
    """An array's place in the data region, in a message: the helper reads it as a view."""

    offset: int
    shape: tuple[int, ...]
    dtype: str

    def view(self, memory: np.ndarray) -> np.ndarray:
        """The array at this place in ``memory`` (the memory file's bytes, a uint8 array)."""
        dtype = np.dtype(self.dtype)
        size = math.prod(self.shape) * dtype.itemsize
        return memory[self.offset : self.offset + size].view(dtype).reshape(self.shape)


def resolve(message: Any, memory: np.ndarray) -> Any:
    """``message`` with every `Shared` in it (in lists and tuples too) replaced by its view of ``memory``."""
    if isinstance(message, Shared):
        return message.view(memory)
    if isinstance(message, list | tuple):
        return type(message)(resolve(item, memory) for item in message)
    return message


def map_privately(address: int, length: int) -> None:
    """Map [address, address + length) again as private memory holding the same bytes (Linux)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                          ctypes.c_long)  # fmt: skip
    saved = ctypes.string_at(address, length)
    flags = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | _MAP_FIXED
    if libc.mmap(address, length, mmap.PROT_READ | mmap.PROT_WRITE, flags, -1, 0) != address:
        raise OSError(ctypes.get_errno(), "the forked child could not copy the shared results it inherited")
    ctypes.memmove(address, saved, length)
