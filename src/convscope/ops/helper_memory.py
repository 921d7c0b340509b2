"""The memory the ops share with their helper process: where an array lies in it, and a child's own copy.

`convscope.ops.helper` shares one memory file (`SharedFile`) with its helper process: a control block, a
message slot, a data region for each task's copies, and the blocks `convscope.ops.recycle` hands op results
out of. A message names an array by its place there (`Shared`); each side makes its own view of it
(`resolve`). A forked child maps the blocks again as private memory (`map_privately`).
"""

from __future__ import annotations

import contextlib
import math
import mmap
import os
import threading
import weakref
from typing import Any, NamedTuple

import numpy as np

_MAP_FIXED = 0x10  # Linux's; Python's mmap module does not name it
SIZE = 2**32  # of the memory file: pages are only taken as they are used
DATA = 2**20  # the data region's start: the control block and the message slot come first
BLOCKS = 2**30  # the data region's end, and the start of `convscope.ops.recycle`'s blocks
MESSAGE = 4096  # the message slot's start


class FullError(Exception):
    """The helper's data region has no room for a task's arrays: the caller works alone."""


class Shared(NamedTuple):
    """An array's place in the data region, in a message: the helper reads it as a view.

    A tuple, so that a message of places hashes and compares in C (`Helper.post` remembers messages).
    """

    offset: int
    shape: tuple[int, ...]
    dtype: str

    def view(self, memory: np.ndarray) -> np.ndarray:
        """The array at this place in ``memory`` (the memory file's bytes, a uint8 array)."""
        return np.ndarray(self.shape, self.dtype, memory, self.offset)


def resolve(message: Any, memory: np.ndarray, views: dict[Shared, np.ndarray] | None = None) -> Any:
    """``message`` with every `Shared` in it (in lists and tuples too) replaced by its view of ``memory``.

    ``views`` keeps the view of each place: two messages that name the same place then hand their
    functions the same array, so that a workspace's columns, built from it by one task (a convolution's
    forward), serve the next (its backward), which checks their bits are still the same
    (`convscope.ops.workspace.Workspace.holding`).
    """
    if isinstance(message, Shared):
        if views is None:
            return message.view(memory)
        view = views.get(message)
        if view is None:
            view = views[message] = message.view(memory)
        return view
    if isinstance(message, list | tuple):
        return type(message)(resolve(item, memory, views) for item in message)
    return message


class SharedFile:
    """An anonymous memory file (``memfd``) mapped here: the control block, the message slot, the data
    region (`place`, `share`, `target`, `clear`) and the blocks of op results (`shared_block`)."""

    def __init__(self) -> None:
        self.fd = os.memfd_create("convscope-helper", 0)
        os.ftruncate(self.fd, SIZE)
        self._memory = mmap.mmap(self.fd, SIZE)
        self.ctrl = memoryview(self._memory)[:64].cast("q")
        self._bytes = np.frombuffer(self._memory, np.uint8)
        self._start = self._bytes.ctypes.data  # this side's address of the memory file
        self._used, self._blocks_used = DATA, BLOCKS
        self._free: dict[int, list[int]] = {}  # block pages -> starts of blocks given back
        self._block_lock = threading.Lock()

    def place(self, shape: tuple[int, ...], dtype: Any) -> tuple[Shared, np.ndarray]:
        """Room for an array in the data region: where it lies, and this side's view of it.

        ``FullError`` if the region has no room left (a batch of over a gigabyte).
        """
        dtype = np.dtype(dtype)
        size = math.prod(shape) * dtype.itemsize
        start = -(-self._used // 64) * 64  # cache-line aligned
        if start + size > BLOCKS:  # the blocks after it hold op results
            raise FullError
        self._used = start + size
        where = Shared(start, tuple(shape), dtype.str)
        return where, np.ndarray(where.shape, dtype, self._bytes, start)

    def share(self, array: np.ndarray) -> Shared:
        """Where the helper reads ``array``: where it lies if in shared memory, else a copy in the region.

        `place`'s ``FullError`` if a copy finds no room.
        """
        where = self.locate(array)
        if where is None:
            where, view = self.place(array.shape, array.dtype)
            view[...] = array
        return where

    def target(self, array: np.ndarray) -> tuple[Shared, np.ndarray | None]:
        """Where the helper writes what goes into ``array``: ``array`` itself if it is in shared memory,
        else room in the data region, whose view (second) the caller copies into ``array`` after."""
        where = self.locate(array)
        if where is not None:
            return where, None
        return self.place(array.shape, array.dtype)

    def locate(self, array: np.ndarray) -> Shared | None:
        """Where C-contiguous ``array`` lies in the memory file (a result from `shared_block`), or None."""
        if not array.flags.c_contiguous:
            return None
        offset = array.__array_interface__["data"][0] - self._start
        if not 0 <= offset <= SIZE - array.nbytes:
            return None
        return Shared(offset, array.shape, array.dtype.str)

    def shared_block(self, size: int) -> np.ndarray | None:
        """A block of ``size`` bytes of the memory file, for `convscope.ops.recycle`; None when full.

        A block recycle gave back (`give_back`) of the same size is used again; else the next pages.
        """
        pages = -(-size // 4096) * 4096  # page-aligned, so that giving back frees whole pages
        with self._block_lock:  # not _LOCK: recycle holds its own lock when it calls this
            free = self._free.get(pages)
            if free:
                start = free.pop()
            elif self._blocks_used + pages <= SIZE:
                start, self._blocks_used = self._blocks_used, self._blocks_used + pages
            else:
                return None
        # An array of its own over the bytes (not a slice of _bytes): views of results made from it refer
        # to it, so recycle's count of references to it says whether anything still sees the block.
        return np.frombuffer(memoryview(self._memory)[start : start + size], np.uint8)

    def give_back(self, block: np.ndarray) -> None:
        """A block recycle no longer keeps: its pages go back to the system, its place to the next block."""
        start = block.__array_interface__["data"][0] - self._start
        pages = -(-block.nbytes // 4096) * 4096
        if start < BLOCKS or start % 4096 or start + pages > self._blocks_used:
            return  # not one of this file's blocks: nothing of ours to free
        self._memory.madvise(mmap.MADV_REMOVE, start, pages)  # the memory, for both processes
        with self._block_lock:
            self._free.setdefault(pages, []).append(start)

    def clear(self) -> None:
        """Start the next task's arrays at the data region's start again."""
        self._used = DATA

    def privatise(self) -> None:
        """In a forked child: the shared blocks become the child's own copy, at the same addresses.

        A fork copies a process's memory, so that neither sees the other's writes; but shared memory stays
        shared. Arrays the child inherited in `shared_block`s would otherwise change under the parent's
        feet (and the parent's under the child's), so their pages are mapped again, privately.
        """
        length = self._blocks_used - BLOCKS
        if length:
            map_privately(self._start + BLOCKS, length)

    def release(self) -> tuple[weakref.ref[mmap.mmap], int, int] | None:
        """Unmap the file where nothing uses it; else (still mapped) its blocks' mapping, address, length."""
        self.ctrl.release()
        del self._bytes
        with contextlib.suppress(BufferError):  # a caller still holds a view: the mapping ends with it
            self._memory.close()
        os.close(self.fd)
        if self._memory.closed:
            return None
        return weakref.ref(self._memory), self._start + BLOCKS, self._blocks_used - BLOCKS


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
