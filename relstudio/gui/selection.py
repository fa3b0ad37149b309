"""The range selection: one ``[start, end)`` span of the open track, shown on every view.

:class:`RangeSelection` belongs to the :class:`~relstudio.gui.document.Document`
(``doc.range_selection``); views draw it, the selection commands
(:mod:`relstudio.gui.commands.selection`) play, loop, zoom to and export it.
A new track clears it. :func:`write_clip` and :func:`clip_labels` are the
selection's exports: the audio between the bounds as WAV/FLAC and the
highlighted passages inside it (the relevance view's, cut to the selection,
never overlapping) as Audacity labels, timed from the clip's start so both
line up when opened together.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from relstudio.core.errors import ParameterError
from relstudio.core.fileio import atomic_write_bytes

MIN_SPAN = 0.01  # seconds: a shorter drag is a click, not a selection
CLIP_FORMATS = {".wav": "WAV", ".flac": "FLAC"}


class RangeSelection(QObject):
    """``span``: ``(start, end)`` seconds or ``None``; ``changed(span)`` on every change; ``loop`` flag."""

    changed = Signal(object)
    loopChanged = Signal(bool)

    def __init__(self, doc):
        super().__init__(doc)
        self.doc = doc
        self.span: tuple[float, float] | None = None
        self.loop = False
        doc.trackChanged.connect(self.clear)

    def set(self, start: float, end: float) -> None:
        """Select ``start``–``end`` (either order), clamped to the track; a span under MIN_SPAN clears."""
        duration = self.doc.track.clip.duration if self.doc.track is not None else 0.0
        a, b = sorted((float(start), float(end)))
        a, b = min(max(a, 0.0), duration), min(max(b, 0.0), duration)
        span = (a, b) if b - a >= MIN_SPAN else None
        if span != self.span:
            self.span = span
            self.changed.emit(span)

    def clear(self) -> None:
        if self.span is not None:
            self.span = None
            self.changed.emit(None)

    def set_loop(self, on: bool) -> None:
        if bool(on) != self.loop:
            self.loop = bool(on)
            self.loopChanged.emit(self.loop)

    def segments(self) -> list[int]:
        """Segments of the analysis whose centre lies inside the selection."""
        a = self.doc.analysis
        if a is None or self.span is None:
            return []
        inside = (a.centres >= self.span[0]) & (a.centres < self.span[1])
        return [int(k) for k in np.flatnonzero(inside)]


def write_clip(samples: np.ndarray, rate: int, span: tuple[float, float], path) -> Path:
    """Write ``samples[span]`` (``(n,)`` or ``(n, channels)``) to ``path`` as WAV or FLAC (by suffix)."""
    import soundfile as sf

    path = Path(path)
    fmt = CLIP_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ParameterError(f"{path.name}: the clip must end in one of {sorted(CLIP_FORMATS)}")
    a, b = (min(max(int(round(t * rate)), 0), len(samples)) for t in span)
    if b <= a:
        raise ParameterError(f"nothing to write: the selection {span} is empty")
    buf = io.BytesIO()
    sf.write(buf, np.asarray(samples[a:b], dtype=np.float32), int(rate), format=fmt,
             subtype="PCM_24" if fmt == "FLAC" else "FLOAT")
    atomic_write_bytes(path, buf.getvalue())
    return path


def clip_labels(analysis, passages, span: tuple[float, float]) -> str:
    """Audacity labels of ``passages`` (the view's, which never overlap) cut to ``span``, timed from its start.

    ``analysis`` names the winners; passages outside ``span`` are left out, those across its edges are cut.
    """
    from relstudio.core.export import write_segments

    t0, t1 = span
    cut = [dataclasses.replace(p, start=max(p.start, t0) - t0, end=min(p.end, t1) - t0)
           for p in passages if p.end > t0 and p.start < t1]
    return write_segments(analysis, fmt="audacity", passages=cut)
