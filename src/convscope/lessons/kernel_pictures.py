"""Pictures the image kernels page uploads once and then names: a bounded store, one per server.

While someone types weights, the page used to send its whole picture (1 MiB of RGBA for 512x512) with
every edit, and the server decoded, padded and (for large kernels) Fourier-transformed it again each
time. Now the page sends the picture once (``POST /api/image-kernels/pictures``) and then only its id
with each kernel. The id is the picture's content hash, so the same picture always gets the same id and
an id can never name a different picture.

The store is bounded twice: at most `PictureStore.limit` pictures (the least recently used are dropped;
a dropped id is refused as "missing", and the page uploads its picture again), and only the `warm` most
recently used keep their padded copies and spectra (`convscope.prepared_image.PreparedImage`, about
15 MiB for a 512x512 colour photo with a 15x15 kernel) and their last kernel's result, which a typed
weight updates in one pass (`convscope.kernel_edits.KernelEdits`, 6 MiB); the others keep just their
pixels.
"""

from __future__ import annotations

import hashlib
import os
import threading
import weakref
from collections import OrderedDict
from concurrent.futures import Executor, ThreadPoolExecutor

import numpy as np
import numpy.typing as npt
from typing_extensions import TypedDict

from convscope.errors import SettingError
from convscope.kernel_edits import KernelEdits
from convscope.lessons.image_kernels import LUMA, Filtering, KernelResult, result_record
from convscope.lessons.kernel_rgba import result_rgba
from convscope.prepared_image import PreparedImage

ID_LENGTH = 32  # hex digits of the SHA-256: 128 bits, no accidental collisions


class PictureRecord(TypedDict):
    """A picture the server keeps: name it by ``picture`` in the image kernels routes."""

    picture: str  # the id: 32 hex digits of the SHA-256 of the picture's size and pixels
    width: int
    height: int


class StoredPicture:
    """One kept picture, (H, W, 3) uint8, and its prepared forms (colour and luminance), made on demand."""

    def __init__(self, pixels: npt.NDArray[np.uint8], picture_id: str, pool: Executor | None = None) -> None:
        self.pixels = pixels
        self.id = picture_id
        self._pool = pool  # the store's threads, shared by its pictures' filters
        self._prepared: dict[str, PreparedImage] = {}
        self._edits: dict[str, KernelEdits] = {}
        self._lock = threading.Lock()

    def prepared(self, channels: str) -> PreparedImage:
        """The picture ("rgb") or its luminance, ready for many kernels."""
        with self._lock:
            found = self._prepared.get(channels)
        if found is None:
            source = self.pixels.astype(np.float64) @ LUMA if channels == "luminance" else self.pixels
            found = PreparedImage(source, pool=self._pool)
            with self._lock:
                found = self._prepared.setdefault(channels, found)
        return found

    def edits(self, channels: str) -> KernelEdits:
        """`prepared`, remembering its last kernel and result: an edit of one weight is one pass."""
        with self._lock:
            found = self._edits.get(channels)
        if found is None:
            made = KernelEdits(self.prepared(channels), self._pool)
            with self._lock:
                found = self._edits.setdefault(channels, made)
        return found

    def cool(self) -> None:
        """Keep only the pixels: the prepared forms are made again when next needed."""
        with self._lock:
            self._prepared.clear()
            self._edits.clear()

    def result(self, setting: Filtering) -> tuple[npt.NDArray[np.uint8], KernelResult]:
        """`result_record` for this picture, from its prepared form (same numbers, less work)."""
        return result_record(self.pixels, setting, self.edits(setting.channels))

    def result_rgba(self, setting: Filtering, alpha: bool = True
                    ) -> tuple[npt.NDArray[np.uint8], KernelResult]:
        """`result` as the page draws it: (H, W, 4) RGBA pixels, or (H, W, 3) RGB without ``alpha``
        (`convscope.lessons.kernel_rgba`)."""
        return result_rgba(self.pixels, setting, self.edits(setting.channels), self._pool, alpha=alpha)

    def record(self) -> PictureRecord:
        return {"picture": self.id, "width": int(self.pixels.shape[1]), "height": int(self.pixels.shape[0])}


def picture_id(pixels: npt.NDArray[np.uint8]) -> str:
    """The content id of (H, W, 3) uint8 pixels: SHA-256 of the shape and the bytes, 32 hex digits.

    Examples
    --------
    >>> a = picture_id(np.zeros((2, 3, 3), np.uint8)); len(a), a == picture_id(np.zeros((3, 2, 3), np.uint8))
    (32, False)
    """
    digest = hashlib.sha256(f"{pixels.shape}".encode())
    digest.update(np.ascontiguousarray(pixels).data)
    return digest.hexdigest()[:ID_LENGTH]


class PictureStore:
    """The pictures one server keeps, least recently used dropped first; safe to share between threads.

    Parameters
    ----------
    limit : at most this many pictures (each 0.75 MiB at 512x512x3)
    warm : this many of the most recently used keep their prepared forms
    threads : how many threads filter a picture (`PreparedImage`'s pool; 1: the calling thread alone).
        Two halve a weight edit's filtering on two idle cores; the numbers are the same. Default: 2, or
        1 on a one-core machine.

    Examples
    --------
    >>> store = PictureStore(limit=2)
    >>> first = store.add(np.zeros((4, 4, 3), np.uint8))["picture"]
    >>> store.get(first).pixels.shape
    (4, 4, 3)
    >>> _ = store.add(np.ones((4, 4, 3), np.uint8)); _ = store.add(np.full((4, 4, 3), 2, np.uint8))
    >>> store.get(first)
    Traceback (most recent call last):
    ...
    convscope.errors.SettingError: picture: ... is not kept (unknown, or dropped to make room); ...
    """

    def __init__(self, limit: int = 16, warm: int = 2, threads: int | None = None) -> None:
        self.limit = max(1, limit)
        self.warm = max(1, warm)
        threads = min(2, os.cpu_count() or 1) if threads is None else threads
        # Started lazily by the executor, idle threads cost nothing; they end with the process.
        self._pool = ThreadPoolExecutor(threads, "convscope-kernels") if threads > 1 else None
        if self._pool is not None:  # a store dropped (a test's, an app's) lets its threads go
            weakref.finalize(self, self._pool.shutdown, wait=False)
        self._pictures: OrderedDict[str, StoredPicture] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, pixels: npt.NDArray[np.uint8]) -> PictureRecord:
        """Keep (H, W, 3) uint8 pixels (a copy) and answer their record; the same pixels, the same id."""
        key = picture_id(pixels)
        with self._lock:
            stored = self._pictures.get(key)
            if stored is None:
                stored = StoredPicture(np.array(pixels, dtype=np.uint8, order="C"), key, self._pool)
                self._pictures[key] = stored
            self._touch(key)
        return stored.record()

    def get(self, key: str) -> StoredPicture:
        """The picture kept under ``key``, now the most recently used; "missing" if there is none."""
        with self._lock:
            stored = self._pictures.get(key)
            if stored is not None:
                self._touch(key)
        if stored is None:
            shown = key if len(key) <= ID_LENGTH else key[:ID_LENGTH] + "…"
            raise SettingError("picture", f"{shown!r} is not kept (unknown, or dropped to make room); upload "
                               "the picture again with POST /api/image-kernels/pictures", "missing")
        return stored

    def __len__(self) -> int:
        with self._lock:
            return len(self._pictures)

    def _touch(self, key: str) -> None:
        """Under the lock: ``key`` is the newest; past ``limit`` the oldest go, past ``warm`` they cool."""
        self._pictures.move_to_end(key)
        while len(self._pictures) > self.limit:
            self._pictures.popitem(last=False)
        for stored in list(self._pictures.values())[: -self.warm]:
            stored.cool()
