"""Cache of finished collection rows, so a rerun (or a resumed, interrupted run) skips tracks.

A row is keyed by the audio content hash, the front end, the experts' fingerprints
(in order), the classifier and the summary settings: change any of them and the
track is summarised again (its probabilities usually still come from the
:class:`~relstudio.core.cache.ProbabilityCache`). Entries are small JSON files
written through temp file + rename; an unreadable entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def row_key(content_hash: str, frontend_fp: str, expert_fps, classifier: str, settings: dict) -> str:
    blob = json.dumps([content_hash, frontend_fp, list(expert_fps), classifier, settings], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def _read_row(path: Path) -> dict | None:
    """A cached row checked against :class:`RowSchema`; ``None`` (a miss) when missing or malformed."""
    from relstudio.core.errors import RelstudioError
    from relstudio.core.schemas import read_json_file, validated
    from relstudio.core.schemas.documents import RowSchema

    if not path.exists():
        return None
    try:
        row = read_json_file(path, what="cached row", max_bytes=16 * 1024 * 1024)
        validated(RowSchema, row, path=path)
        return row
    except RelstudioError:
        return None


class RowCache:
    """Rows on disk in ``folder`` (or only in memory when ``folder`` is None)."""

    def __init__(self, folder: Path | None):
        self.folder = Path(folder) if folder is not None else None
        self._memory: dict[str, dict] = {}
        self.hits = self.misses = 0

    @classmethod
    def beside(cls, prob_cache) -> "RowCache":
        """The row cache that lives with a probability cache (``<its folder>/rows``)."""
        folder = getattr(prob_cache, "folder", None)
        return cls(Path(folder) / "rows" if folder is not None else None)

    def get(self, key: str) -> dict | None:
        row = self._memory.get(key)
        if row is None and self.folder is not None:
            path = self.folder / f"{key}.json"
            row = _read_row(path)
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        self._memory[key] = row
        return dict(row)

    def put(self, key: str, row: dict) -> None:
        self._memory[key] = dict(row)
        if self.folder is None:
            return
        from relstudio.core.fileio import atomic_write_bytes

        try:
            atomic_write_bytes(self.folder / f"{key}.json", json.dumps(row).encode("utf-8"))
        except OSError:
            pass  # a read-only cache only costs speed
