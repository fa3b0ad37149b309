"""Finding a session's track again: by absolute path, by path relative to the session file, by content.

A session stores its track three ways (:func:`track_ref`): the absolute path,
the path relative to the session file (so a folder holding both can move or be
copied to another machine) and the hash of the file's bytes
(:func:`relstudio.core.fileio.file_hash`). :func:`find_track` tries them in
that order; the content search looks, near the session and the recorded
folder, at files of the recorded size (same name first) and keeps the one whose
hash matches. When all fail the window asks the user to *Locate…* the file.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from relstudio.core.fileio import file_hash

SEARCH_DEPTH = 2  # folders below the session's (and the recorded track's) folder searched by content
MAX_FILES = 5000  # files looked at by one content search


def track_ref(path) -> dict:
    """The v2 ``track`` entry of a session for the audio file ``path`` (``relative`` is filled on writing)."""
    path = Path(path).absolute()
    st = path.stat()
    return {"path": str(path), "relative": None, "name": path.name,
            "size": st.st_size, "file_hash": _hash(str(path), st.st_size, st.st_mtime_ns)}


@lru_cache(maxsize=16)
def _hash(path: str, _size: int, _mtime_ns: int) -> str:
    """The file's hash, read once per version of the file (every autosave and unsaved check asks)."""
    return file_hash(path)


def with_relative(ref: dict | None, session_path) -> dict | None:
    """``ref`` with its path relative to the folder of ``session_path`` (None across drives)."""
    if not ref or not ref.get("path"):
        return ref
    try:
        rel = os.path.relpath(ref["path"], Path(session_path).absolute().parent)
    except ValueError:  # another drive (Windows)
        rel = None
    return {**ref, "relative": None if rel is None else Path(rel).as_posix()}


def find_track(ref: dict | None, session_path=None) -> Path | None:
    """The track of a session: its absolute path, its path relative to the session, or a file with its content."""
    if not ref:
        return None
    here = Path(session_path).absolute().parent if session_path else None
    candidates = [Path(ref["path"])] if ref.get("path") else []
    if ref.get("relative") and here is not None:
        candidates.append(here / ref["relative"])
    for c in candidates:
        if c.is_file() and same_content(c, ref):
            return c
    roots = [r for r in (here, Path(ref["path"]).parent if ref.get("path") else None) if r is not None and r.is_dir()]
    return _search(ref, roots)


def same_content(path: Path, ref: dict) -> bool:
    """True unless ``ref`` has a hash and ``path``'s differs (a v1 session has none: the path decides)."""
    if not ref.get("file_hash"):
        return True
    if ref.get("size") is not None and path.stat().st_size != ref["size"]:
        return False
    return file_hash(path) == ref["file_hash"]


def _search(ref: dict, roots: list[Path]) -> Path | None:
    name, size, digest = ref.get("name"), ref.get("size"), ref.get("file_hash")
    found: list[Path] = []
    for root in roots:
        found += _walk(root, depth=SEARCH_DEPTH)
    if digest is None:  # a v1 session: the name alone, only when unique
        named = list(dict.fromkeys(p for p in found if p.name == name))
        return named[0] if len(named) == 1 else None
    sized = [p for p in dict.fromkeys(found) if _size(p) == size]
    sized.sort(key=lambda p: p.name != name)  # the same name first
    return next((p for p in sized if file_hash(p) == digest), None)


def _walk(root: Path, *, depth: int) -> list[Path]:
    out: list[Path] = []
    for folder, dirs, files in os.walk(root):
        level = len(Path(folder).relative_to(root).parts)
        if level >= depth:
            dirs[:] = []
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        out += [Path(folder) / f for f in files]
        if len(out) > MAX_FILES:
            break
    return out


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None
