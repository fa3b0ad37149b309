"""``.relstudio`` sessions: track, enabled experts (by fingerprint), viewpoints, threshold, view range,
the range selection (``selection``: ``[start, end]`` seconds or null; optional), the relevance settings (``RelevanceSettings.to_dict``: audibility, resolution, passage rules)
and the review layers ("is class X" / "is not class X" marks of every reviewed track).

A session is a small JSON file written atomically (format version 2). The
track is stored by absolute path, by path relative to the session file and by
the hash of its bytes (:mod:`relstudio.gui.session_track`), so a session copied
with its audio to another folder or machine still opens. Experts are stored by
fingerprint with their label and file path as hints, so a session still opens
when an expert moved or is missing (it is then reported and left out).
Version 1 files (the track as a path relative to the folder the app was
started from) are upgraded on reading (:func:`upgrade`).
"""

from __future__ import annotations

import json
from pathlib import Path

from relstudio.core.errors import FileFormatError, ParameterError
from relstudio.core.fileio import atomic_write_bytes
from relstudio.core.relevance_settings import RelevanceSettings
from relstudio.gui.session_track import find_track, track_ref, with_relative

FORMAT = "relstudio-session"
SUFFIX = ".relstudio"
VERSION = 2


def session_dict(doc, *, view_range=None, margin: float | None = None, with_track: bool = True) -> dict:
    """The state of ``doc`` worth restoring (``with_track=False``: without the track's entry, which hashes
    the file — the unsaved-changes check compares the track by its path)."""
    refs = {}
    for fp in dict.fromkeys(list(doc.enabled) + [f for fps in doc.viewpoints.values() for f in fps]):
        e = doc.roster.entry(fp)
        refs[fp] = {"label": e.label if e else doc.roster.display_label(fp), "path": str(e.path) if e else None}
    track = track_ref(doc.path) if with_track and doc.path and Path(doc.path).is_file() else None
    if track is not None and doc.track is not None:
        track["content_hash"] = doc.track.clip.content_hash
    return {
        "format": FORMAT, "version": VERSION,
        "track": track,
        "enabled": list(doc.enabled),
        "experts": refs,
        "viewpoints": {name: list(fps) for name, fps in doc.viewpoints.items()},
        "compare": doc.compare,
        "threshold": None if doc.threshold_is_auto else doc.threshold,
        "view": list(view_range) if view_range is not None else None,
        "selection": list(doc.range_selection.span) if doc.range_selection.span is not None else None,
        "margin": margin,
        "review": doc.review.to_list(),
        "relevance": doc.relevance.settings.to_dict(),  # audibility, resolution, passage rules
    }


def write_session(path, state: dict) -> Path:
    path = Path(path)
    if path.suffix != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    state = {**state, "track": with_relative(state.get("track"), path)}
    atomic_write_bytes(path, (json.dumps(state, indent=1) + "\n").encode("utf-8"))
    return path


def upgrade(state: dict) -> dict:
    """A version-2 copy of a session ``state`` of any known version (1: the track as a bare path)."""
    version = state.get("version", 1)
    if version == VERSION:
        return state
    if version != 1:
        raise ParameterError(f"session format version {version!r} is not known (this relstudio reads 1 and {VERSION})")
    track = state.get("track")
    ref = {"path": track, "relative": track, "name": Path(track).name, "size": None, "file_hash": None,
           "content_hash": state.get("content_hash")} if isinstance(track, str) and track else None
    upgraded = {k: v for k, v in state.items() if k != "content_hash"}
    return {**upgraded, "version": VERSION, "track": ref}


def read_session(path) -> dict:
    """Read, upgrade and check a session file; raises :class:`FileFormatError` naming the file and the field."""
    from relstudio.core.schemas import read_json_file

    path = Path(path)
    state = read_json_file(path, what="session")
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise FileFormatError(path, "not a relstudio session file")
    try:
        state = upgrade(state)
    except ParameterError as exc:
        raise FileFormatError(path, str(exc)) from exc
    check_state(state, source=path)
    return state


def check_state(state: dict, *, source="session") -> None:
    """Check a version-2 ``state`` against ``SessionSchema`` (types, ranges, sizes), its review layers and
    relevance settings; :class:`FileFormatError` naming ``source`` and the field."""
    from relstudio.core.schemas import validated
    from relstudio.core.schemas.documents import SessionSchema
    from relstudio.core.training.reviewed import ReviewLayer

    validated(SessionSchema, state, path=source)
    for i, layer in enumerate(state.get("review", [])):
        ReviewLayer.from_dict(layer, source=f"{source} (review layer {i})")
    if state.get("relevance") is not None:
        try:
            RelevanceSettings.from_dict(state["relevance"])
        except ParameterError as exc:
            raise FileFormatError(source, str(exc), "relevance") from exc


def apply_session(doc, state: dict, *, session_path=None, locate=None) -> list[str]:
    """Restore ``state`` into ``doc`` (opening its track); returns what could not be restored.

    The track is looked for by :func:`~relstudio.gui.session_track.find_track`; when it is not found,
    ``locate(ref)`` (the *Locate…* dialog) may return its new path.
    """
    state = upgrade(state)
    missing = []
    refs = state.get("experts", {}) or {}

    def find(fp):
        if doc.roster.entry(fp) is not None and doc.roster.entry(fp).ok:
            return fp
        hint = (refs.get(fp) or {}).get("path")
        if hint and Path(hint).exists():
            entry = doc.library.add(hint)
            if entry.ok and entry.info.fingerprint == fp:
                return fp
        missing.append((refs.get(fp) or {}).get("label") or fp)
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
    doc.relevance.set_settings(RelevanceSettings.from_dict(state.get("relevance") or {}))
    doc.set_threshold(state.get("threshold"))
    doc.review.load(state.get("review", []))
    ref = state.get("track")
    if ref:
        track = find_track(ref, session_path) or (locate(ref) if locate is not None else None)
        if track is None:
            missing.append(f"track {ref['path']}")
        else:
            doc.trackChanged.connect(_once(doc, lambda: _restore_range(doc, state)))
            doc.open_track(track)
    doc.relevanceChanged.emit()
    return list(dict.fromkeys(missing))


def _restore_range(doc, state: dict) -> None:
    """Once the track is open: the session's view range and range selection (a new track clears the selection
    first)."""
    view, selection = state.get("view"), state.get("selection")
    if view:
        doc.viewRangeRequested.emit(float(view[0]), float(view[1]))
    if selection:
        doc.range_selection.set(float(selection[0]), float(selection[1]))


def _once(doc, fn):
    def slot():
        doc.trackChanged.disconnect(slot)
        fn()
    return slot
