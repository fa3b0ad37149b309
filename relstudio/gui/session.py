"""``.relstudio`` sessions: track, enabled experts (by fingerprint), viewpoints, threshold, view range,
and the review layers ("is class X" / "is not class X" marks of every reviewed track).

A session is a small JSON file written atomically. Experts are stored by
fingerprint with their label and file path as hints, so a session still opens
when an expert moved or is missing (it is then reported and left out).
"""

from __future__ import annotations

import json
from pathlib import Path

from relstudio.core.errors import FileFormatError
from relstudio.core.experts.model_file import atomic_write_bytes

FORMAT = "relstudio-session"
SUFFIX = ".relstudio"


def session_dict(doc, *, view_range=None, margin: float | None = None) -> dict:
    """The state of ``doc`` worth restoring."""
    refs = {}
    for fp in dict.fromkeys(list(doc.enabled) + [f for fps in doc.viewpoints.values() for f in fps]):
        e = doc.entry(fp)
        refs[fp] = {"label": e.label if e else doc.display_label(fp), "path": str(e.path) if e else None}
    return {
        "format": FORMAT, "version": 1,
        "track": str(doc.path) if doc.path else None,
        "content_hash": doc.track.clip.content_hash if doc.track is not None else None,
        "enabled": list(doc.enabled),
        "experts": refs,
        "viewpoints": {name: list(fps) for name, fps in doc.viewpoints.items()},
        "compare": doc.compare,
        "threshold": None if doc.threshold_is_auto else doc.threshold,
        "view": list(view_range) if view_range is not None else None,
        "margin": margin,
        "review": doc.review.to_list(),
    }


def write_session(path, state: dict) -> Path:
    path = Path(path)
    if path.suffix != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    atomic_write_bytes(path, (json.dumps(state, indent=1) + "\n").encode("utf-8"))
    return path


def read_session(path) -> dict:
    """Read and check a session file (``SessionSchema``); raises :class:`FileFormatError` naming the file and field."""
    from relstudio.core.schemas import read_json_file, validated
    from relstudio.core.schemas.documents import SessionSchema
    from relstudio.core.training.reviewed import ReviewLayer

    path = Path(path)
    state = read_json_file(path, what="session", max_bytes=64 * 1024 * 1024)
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise FileFormatError(path, "not a relstudio session file")
    validated(SessionSchema, state, path=path)
    for i, layer in enumerate(state.get("review", [])):
        ReviewLayer.from_dict(layer, source=f"{path} (review layer {i})")
    return state


def apply_session(doc, state: dict) -> list[str]:
    """Restore ``state`` into ``doc`` (opening its track); returns what could not be restored."""
    missing = []
    refs = state.get("experts", {}) or {}

    def find(fp):
        if doc.entry(fp) is not None and doc.entry(fp).ok:
            return fp
        hint = refs.get(fp, {}).get("path")
        if hint and Path(hint).exists():
            entry = doc.library.add(hint)
            if entry.ok and entry.info.fingerprint == fp:
                return fp
        missing.append(refs.get(fp, {}).get("label") or fp)
        return None

    enabled = [fp for fp in (find(f) for f in state.get("enabled", [])) if fp]
    for name, fps in (state.get("viewpoints") or {}).items():
        kept = [fp for fp in (find(f) for f in fps) if fp]
        if kept:
            doc.viewpoints[str(name)] = tuple(kept)
    doc.viewpointsChanged.emit()
    doc.libraryChanged.emit()
    doc.enabled = enabled
    doc.compare = state.get("compare") if state.get("compare") in doc.viewpoints else None
    doc.set_threshold(state.get("threshold"))
    doc.review.load(state.get("review", []))
    track = state.get("track")
    if track:
        if not Path(track).exists():
            missing.append(f"track {track}")
        else:
            view = state.get("view")
            if view:
                t0, t1 = float(view[0]), float(view[1])
                doc.trackChanged.connect(_once(doc, lambda: doc.viewRangeRequested.emit(t0, t1)))
            doc.open_track(track)
    doc.relevanceChanged.emit()
    return list(dict.fromkeys(missing))


def _once(doc, fn):
    def slot():
        doc.trackChanged.disconnect(slot)
        fn()
    return slot
