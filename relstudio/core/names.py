"""Labels from files made safe where they go: file names (no separators, no ``..``) and terminals (no control codes).

A class name, an expert label or a track name read from a user's file may hold
``/``, ``..``, NUL or terminal escape sequences. :func:`safe_filename` is used
wherever such a text becomes part of a path (review clips, trained expert files),
:func:`printable` wherever it is printed (``relstudio experts list``, ``viewpoints list``).
"""

from __future__ import annotations

import re
import unicodedata

_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_UNSAFE = re.compile(r"[/\\:\x00]+")


def printable(text, *, limit: int = 200) -> str:
    """``text`` without control characters (ESC, CR, NUL …, bidi overrides), shortened to ``limit`` characters."""
    s = "".join(ch if not (unicodedata.category(ch) == "Cc" or ch in _BIDI) else "?" for ch in str(text))
    return s if len(s) <= limit else s[:limit - 1] + "…"


def safe_filename(text, *, limit: int = 100, fallback: str = "unnamed") -> str:
    """One path component from ``text``: printable, no separators or ``:``, no leading dots, never ``.``/``..``."""
    s = _UNSAFE.sub("_", printable(text, limit=limit)).replace("?", "_").strip(" .")
    return s or fallback
