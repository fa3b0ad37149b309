"""Per-expert probability cache: memory LRU in front of npz files on disk.

Keys combine the audio content hash, the front-end fingerprint and the expert
fingerprint, so toggling experts never re-runs inference for a track that was
seen before. Files are written through temp + rename and carry a checksum; a
corrupt or unreadable entry is deleted and reported as a miss.
"""

from __future__ import annotations

import io
import zlib
from collections import OrderedDict
from pathlib import Path

import numpy as np

from relstudio.core.experts.model_file import atomic_write_bytes


def write_checked_npz(path: Path, arr: np.ndarray) -> None:
    """Store ``arr`` with a CRC in an npz file, through temp + rename; OSError propagates."""
    buf = io.BytesIO()
    np.savez(buf, data=arr, crc=np.array([zlib.crc32(arr.tobytes())], dtype=np.int64))
    atomic_write_bytes(path, buf.getvalue())


def read_checked_npz(path: Path, *, dtype, ndim: int) -> np.ndarray | None:
    """The array of a :func:`write_checked_npz` file, or ``None`` (file deleted) when it is corrupt."""
    try:
        with np.load(path, allow_pickle=False) as z:
            arr, crc = z["data"], int(z["crc"][0])
        if arr.dtype != dtype or arr.ndim != ndim or zlib.crc32(arr.tobytes()) != crc:
            raise ValueError("checksum mismatch")
        return arr
    except Exception:
        try:
            path.unlink()
        except OSError:
            pass
        return None


def cache_key(content_hash: str, frontend_fp: str, expert_fp: str) -> str:
    return f"{content_hash}-{frontend_fp}-{expert_fp}"


class ProbabilityCache:
    def __init__(self, folder: Path | None = None, *, memory_items: int = 256):
        self.folder = Path(folder) if folder is not None else None
        self.memory_items = memory_items
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()
        self.hits = self.misses = self.corrupt = 0

    @classmethod
    def default(cls) -> "ProbabilityCache":
        from relstudio.core.paths import cache_dir

        return cls(cache_dir() / "probs")

    def _path(self, key: str) -> Path | None:
        return self.folder / f"{key}.npz" if self.folder is not None else None

    def get(self, key: str) -> np.ndarray | None:
        if key in self._memory:
            self._memory.move_to_end(key)
            self.hits += 1
            return self._memory[key]
        path = self._path(key)
        if path is not None and path.exists():
            arr = self._read(path)
            if arr is not None:
                self._remember(key, arr)
                self.hits += 1
                return arr
        self.misses += 1
        return None

    def put(self, key: str, probs: np.ndarray) -> None:
        arr = np.ascontiguousarray(probs, dtype=np.float32)
        self._remember(key, arr)
        path = self._path(key)
        if path is None:
            return
        try:
            write_checked_npz(path, arr)
        except OSError:
            pass  # a read-only cache folder only costs speed

    def _remember(self, key: str, arr: np.ndarray) -> None:
        self._memory[key] = arr
        self._memory.move_to_end(key)
        while len(self._memory) > self.memory_items:
            self._memory.popitem(last=False)

    def _read(self, path: Path) -> np.ndarray | None:
        arr = read_checked_npz(path, dtype=np.float32, ndim=1)
        if arr is None:
            self.corrupt += 1
        return arr
