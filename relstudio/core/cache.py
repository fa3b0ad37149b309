"""Per-expert probability cache: memory LRU in front of npz files on disk.

Keys combine the audio content hash, the front-end fingerprint and the expert
fingerprint, so toggling experts never re-runs inference for a track that was
seen before. Files are written through temp + rename and carry a checksum; a
corrupt or unreadable entry is deleted and reported as a miss.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import numpy as np

from relstudio.core.fileio import read_checked_npz, write_checked_npz


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
