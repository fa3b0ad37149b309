"""Long 16-bit tracks paged from a file, like Raven or Sonic Visualiser, instead of held in memory.

:func:`paged_buffer` gives a long track's int16 samples a home in an unnamed temporary file mapped
into memory (``np.memmap``): decoding writes into it and every reader slices it like any array.
:func:`release_pages` tells the kernel this process is done with a range for now — its pages
leave the process's resident memory and come back from the file (the page cache, usually) when
read again. Whole-track passes (decode, waveform pyramid, mel chunks, segment levels) release
what they read, so an hour of audio never sits in the process at once (issue 17: an hour-long
track in ≤ 0.8 GB). For any array that is not such a mapping, :func:`release_pages` does nothing:
anonymous memory must never be released (it would read back as zeros).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import mmap
import sys
import tempfile

import numpy as np

PCM_SCALE = np.float32(1.0 / 32768.0)  # int16 PCM → float in ±1, as libsndfile reads 16-bit files
PAGED_MIN_SAMPLES = 1 << 22  # ~95 s at 44.1 kHz: shorter tracks stay in ordinary memory
_MADV_DONTNEED = 4  # Linux
_libc = None


def pcm_to_float(pcm: np.ndarray) -> np.ndarray:
    """int16 PCM → float32 in ±1 (``x / 32768``, exact); float arrays are returned as they are."""
    return np.multiply(pcm, PCM_SCALE, dtype=np.float32) if pcm.dtype == np.int16 else pcm


def paged_buffer(n: int, dtype) -> np.ndarray:
    """A zero-filled ``(n,)`` array of ``dtype``: file-mapped when ``n ≥ PAGED_MIN_SAMPLES`` on Linux."""
    if n < PAGED_MIN_SAMPLES or not sys.platform.startswith("linux"):
        return np.zeros(n, dtype)
    try:
        with tempfile.TemporaryFile(prefix="relstudio-pcm-") as f:  # unnamed: gone when the mapping is
            f.truncate(n * np.dtype(dtype).itemsize)
            return np.memmap(f, dtype=dtype, mode="r+", shape=(n,))
    except (OSError, ValueError):  # no room in the temporary folder: ordinary memory
        return np.zeros(n, dtype)


def is_paged(a) -> bool:
    """Whether ``a`` is (a view of) a shared file mapping made by :func:`paged_buffer`."""
    return isinstance(a, np.memmap) and getattr(a, "_mmap", None) is not None and a.mode == "r+"


def release_pages(a: np.ndarray, start: int, stop: int) -> None:
    """Drop the whole pages of ``a[start:stop]`` from this process's memory if ``a`` is file-mapped."""
    global _libc
    if stop <= start or not is_paged(a) or a.ndim != 1:
        return
    if _libc is None:
        try:
            _libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        except OSError:
            _libc = False
    if not _libc:
        return
    page = mmap.PAGESIZE
    begin = a.ctypes.data + max(start, 0) * a.itemsize
    end = a.ctypes.data + min(stop, a.size) * a.itemsize
    first, last = -(-begin // page) * page, (end // page) * page
    if last > first:
        _libc.madvise(ctypes.c_void_p(first), ctypes.c_size_t(last - first), _MADV_DONTNEED)
