"""The review layer: "is class X" / "is not class X" marks on segments, kept per track and saved with the session.

:class:`ReviewState` belongs to the :class:`~relstudio.gui.document.Document`
(``doc.review``). Marks are stored by time in a
:class:`~relstudio.core.training.reviewed.ReviewLayer` per track (keyed by the
audio's content hash), so the layers of every track reviewed in a session
can join a training run (see the training wizard).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from relstudio.core.errors import ParameterError
from relstudio.core.experts.choice import expert_class
from relstudio.core.training.reviewed import ReviewLabel, ReviewLayer, review_counts


class ReviewState(QObject):
    changed = Signal()

    def __init__(self, doc):
        super().__init__(doc)
        self.doc = doc
        self.layers: dict[str, ReviewLayer] = {}  # content hash → layer
        doc.trackChanged.connect(self._track_changed)

    # -- queries ---------------------------------------------------------------------
    def current(self) -> ReviewLayer | None:
        track = self.doc.track
        if track is None:
            return None
        return self.layers.get(track.clip.content_hash) or ReviewLayer(track.clip.source, track.clip.content_hash)

    def span(self, k: int) -> tuple[float, float] | None:
        a = self.doc.analysis
        if a is None or not 0 <= k < a.n_segments:
            return None
        t0, t1 = (float(v) for v in a.times[k])
        return (t0, t1) if t1 > t0 else None

    def marks_for(self, k: int) -> list[ReviewLabel]:
        span, layer = self.span(k), self.current()
        return layer.marks_at(*span) if span and layer else []

    def nonempty_layers(self) -> list[ReviewLayer]:
        return [layer for layer in self.layers.values() if layer.labels]

    def counts(self, classes=None) -> dict:
        """What a training would take from the marks (see ``core.training.reviewed.review_counts``)."""
        return review_counts(self.nonempty_layers(), classes)

    def known_classes(self) -> list[str]:
        """Classes to offer when marking: those of the enabled experts, then ones already used in marks."""
        out = []
        for fp in self.doc.enabled:
            e = self.doc.roster.entry(fp)
            if e is not None and e.ok and expert_class(e) not in out:
                out.append(expert_class(e))
        for layer in self.layers.values():
            out.extend(m.label for m in layer.labels if m.label not in out)
        return list(dict.fromkeys(out))

    def winner_class(self, k: int) -> str | None:
        """The class of the expert that wins segment ``k`` among the enabled ones (``None`` where it is silent)."""
        cur = self.doc.relevance.segments()
        if cur is None or not cur.experts or not 0 <= k < cur.n_segments or cur.winners[k] < 0:
            return None
        e = self.doc.roster.entry(cur.experts[int(cur.winners[k])].fingerprint)
        return expert_class(e) if e is not None else cur.experts[int(cur.winners[k])].label

    # -- commands --------------------------------------------------------------------
    def mark(self, k: int, label: str, positive: bool = True) -> bool:
        """Mark segment ``k`` of the open track as (not) ``label``; returns False when there is no such segment."""
        span, layer = self.span(k), self.current()
        if span is None or layer is None:
            return False
        try:
            mark = ReviewLabel(span[0], span[1], label.strip(), positive)
        except ParameterError as exc:
            self.doc.problem.emit("Cannot mark the segment", str(exc))
            return False
        self._set(layer.with_mark(mark))
        return True

    def clear(self, k: int, label: str | None = None) -> None:
        span, layer = self.span(k), self.current()
        if span is not None and layer is not None:
            self._set(layer.without(*span, label))

    def _set(self, layer: ReviewLayer) -> None:
        self.layers[layer.content_hash] = layer
        self.changed.emit()

    def _track_changed(self) -> None:
        """A reviewed track opened from another path (moved, renamed): its marks follow it."""
        clip = self.doc.track.clip
        layer = self.layers.get(clip.content_hash)
        if layer is not None and layer.source != clip.source:
            self.layers[clip.content_hash] = replace(layer, source=clip.source)
        self.changed.emit()

    # -- session ---------------------------------------------------------------------
    def to_list(self) -> list[dict]:
        return [layer.to_dict() for layer in self.nonempty_layers()]

    def load(self, items) -> None:
        """Replace the layers by those of a session (``to_list`` output); malformed ones raise ParameterError."""
        layers = [ReviewLayer.from_dict(d) for d in (items or [])]
        self.layers = {layer.content_hash: layer for layer in layers if layer.content_hash}
        self.changed.emit()
