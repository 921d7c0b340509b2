"""Memory a parent and its shard worker both see: a mapped file, named once, gone when both let go.

A training step hands a worker process its shard's images and labels and the current parameters, and
reads back the shard's gradients, without copying them through a pipe: both processes map the same
``SharedBuffer`` and read and write NumPy arrays laid over it (``array``).

On POSIX the buffer is a file in ``/dev/shm`` (memory, not disk; the temporary folder where there is
none), which the parent unlinks as soon as the worker has mapped it (``unlink``): the memory then lives
exactly as long as some process maps it, and nothing is left behind if either one dies. On Windows it
is a named mapping of the page file, freed when the last handle closes. No resource tracker is involved
(``multiprocessing.shared_memory``'s would warn about, and unlink, memory a child attached to).
"""

from __future__ import annotations

import contextlib
import mmap
import os
import sys
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

ALIGN = 64  # every array starts on a cache line, as NumPy's SIMD loops like it


@dataclass(frozen=True)
class Slot:
    """Where one array lies in a buffer: its byte offset, shape and dtype (a NumPy dtype string)."""

    offset: int
    shape: tuple[int, ...]
    dtype: str

    @property
    def nbytes(self) -> int:
        """Bytes the array takes."""
        return int(np.prod(self.shape, dtype=np.int64)) * np.dtype(self.dtype).itemsize


def lay_out(specs: Sequence[tuple[tuple[int, ...], npt.DTypeLike]], start: int = 0) -> tuple[list[Slot], int]:
    """Slots for arrays of these (shape, dtype), one after another from ``start``; and where they end.

    Examples
    --------
    >>> slots, end = lay_out([((2, 3), np.float32), ((5,), np.int64)])
    >>> [(s.offset, s.shape, s.dtype) for s in slots], end
    ([(0, (2, 3), '<f4'), (64, (5,), '<i8')], 104)
    """
    slots, offset = [], start
    for shape, dtype in specs:
        offset = -(-offset // ALIGN) * ALIGN
        slot = Slot(offset, tuple(int(s) for s in shape), np.dtype(dtype).str)
        slots.append(slot)
        offset += slot.nbytes
    return slots, offset


class SharedBuffer:
    """``size`` bytes of memory shared between processes by ``name``; ``create`` it, ``attach`` to it.

    Examples
    --------
    >>> mine = SharedBuffer.create(4096)
    >>> theirs = SharedBuffer.attach(mine.name, mine.size)  # in practice: in the other process
    >>> mine.unlink()  # both have it: the name can go
    >>> slot = lay_out([((2, 2), np.float32)])[0][0]
    >>> mine.array(slot)[...] = 7
    >>> theirs.array(slot).tolist()
    [[7.0, 7.0], [7.0, 7.0]]
    >>> theirs.close(); mine.close()
    """

    def __init__(self, memory: mmap.mmap, name: str, size: int, owner: bool) -> None:
        self._memory: mmap.mmap | None = memory
        self.name = name  # the file's path (POSIX) or the mapping's tag (Windows)
        self.size = size
        self._owner = owner  # the creator unlinks the name

    @classmethod
    def create(cls, size: int) -> SharedBuffer:
        """New zeroed memory of ``size`` bytes (at least 1), under a fresh name."""
        size = max(int(size), 1)
        if sys.platform == "win32":
            name = f"convscope-{uuid.uuid4().hex}"
            return cls(mmap.mmap(-1, size, tagname=name), name, size, owner=True)
        folder = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
        fd, name = tempfile.mkstemp(prefix="convscope-shard-", dir=folder)
        try:
            if hasattr(os, "posix_fallocate"):  # reserve the pages now: OSError here, not SIGBUS later
                os.posix_fallocate(fd, 0, size)  # (a container's /dev/shm is often only 64 MB)
            else:
                os.ftruncate(fd, size)
            return cls(mmap.mmap(fd, size), name, size, owner=True)
        except BaseException:
            os.unlink(name)
            raise
        finally:
            os.close(fd)  # the mapping keeps the file open itself

    @classmethod
    def attach(cls, name: str, size: int) -> SharedBuffer:
        """The memory another process created as ``name``."""
        if sys.platform == "win32":
            return cls(mmap.mmap(-1, size, tagname=name), name, size, owner=False)
        fd = os.open(name, os.O_RDWR)
        try:
            return cls(mmap.mmap(fd, size), name, size, owner=False)
        finally:
            os.close(fd)

    def array(self, slot: Slot) -> np.ndarray[Any, Any]:
        """The array at ``slot``, a view of the shared memory (writes are seen by the other process)."""
        if self._memory is None:
            raise ValueError("the shared buffer is closed")
        if slot.offset + slot.nbytes > self.size:
            raise ValueError(f"slot {slot} does not fit in a buffer of {self.size} bytes")
        return np.ndarray(slot.shape, np.dtype(slot.dtype), buffer=self._memory, offset=slot.offset)

    def unlink(self) -> None:
        """Remove the name once every process that needs the memory has attached (POSIX; no-op else)."""
        if self._owner and sys.platform != "win32":
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.name)
        self._owner = False

    def close(self) -> None:
        """Unmap (and unlink, if still named). Arrays from ``array`` must be dropped first."""
        self.unlink()
        memory, self._memory = self._memory, None
        if memory is not None:
            with contextlib.suppress(BufferError):  # an array still views it: unmapped when it goes
                memory.close()
