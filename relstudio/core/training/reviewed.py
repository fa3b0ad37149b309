"""Reviewed segments: a track's "is class X" / "is not class X" marks, and clips cut from them for training.

A :class:`ReviewLayer` holds the marks a user set on one track (by time, so
they survive another front end) and travels with the session. For training,
:func:`cut_reviewed` merges each class's overlapping or touching positive
marks into regions and writes every region as a WAV clip (temp file +
rename); :func:`union_dataset` adds those clips to a labelled dataset. All
clips of one track form one group, so the split by group never puts a
neighbouring excerpt of the same track on the other side.

"Is not X" marks are kept in the layer, but a one-vs-all training set needs
one class per clip: a segment with only negative marks is not trained on
(:func:`review_counts` says how many).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from relstudio.core.errors import DatasetError, ParameterError
from relstudio.core.progress import Progress, Task
from relstudio.core.training.dataset import ClipRecord, Dataset

_EPS = 1e-6


@dataclass(frozen=True)
class ReviewLabel:
    """``start``–``end`` seconds of a track are (``positive``) or are not class ``label``."""

    start: float
    end: float
    label: str
    positive: bool = True

    def __post_init__(self):
        if not isinstance(self.label, str) or not self.label.strip() or "/" in self.label:
            raise ParameterError(f"a review label needs a class name without '/', got {self.label!r}")
        if not (np.isfinite(self.start) and np.isfinite(self.end)) or not 0 <= self.start < self.end:
            raise ParameterError(f"a review mark needs 0 <= start < end, got {self.start}–{self.end}")

    def same_span(self, start: float, end: float) -> bool:
        return abs(self.start - start) < _EPS and abs(self.end - end) < _EPS

    def to_dict(self) -> dict:
        return {"start": round(float(self.start), 6), "end": round(float(self.end), 6), "label": self.label,
                "positive": bool(self.positive)}


@dataclass(frozen=True)
class ReviewLayer:
    """The marks of one track, identified by its path and content hash."""

    source: Path | None
    content_hash: str
    labels: tuple[ReviewLabel, ...] = ()

    def marks_at(self, start: float, end: float) -> list[ReviewLabel]:
        return [m for m in self.labels if m.same_span(start, end)]

    def with_mark(self, mark: ReviewLabel) -> "ReviewLayer":
        """This layer with ``mark`` set; it replaces a mark of the same span and class (either sign)."""
        keep = tuple(m for m in self.labels if not (m.same_span(mark.start, mark.end) and m.label == mark.label))
        return replace(self, labels=tuple(sorted(keep + (mark,), key=lambda m: (m.start, m.label))))

    def without(self, start: float, end: float, label: str | None = None) -> "ReviewLayer":
        """This layer without the marks of the span (of class ``label`` only, when given)."""
        return replace(self, labels=tuple(m for m in self.labels if not (
            m.same_span(start, end) and (label is None or m.label == label))))

    def classes(self) -> list[str]:
        """Classes with at least one positive mark, sorted."""
        return sorted({m.label for m in self.labels if m.positive})

    def to_dict(self) -> dict:
        return {"source": str(self.source) if self.source else None, "content_hash": self.content_hash,
                "labels": [m.to_dict() for m in self.labels]}

    @classmethod
    def from_dict(cls, d: dict, *, source: str = "review marks") -> "ReviewLayer":
        """Read a layer written by :meth:`to_dict`, checked against :class:`ReviewLayerSchema`.

        Raises :class:`FileFormatError` (a :class:`ParameterError`) naming ``source`` and the bad field.
        """
        from relstudio.core.errors import FileFormatError
        from relstudio.core.schemas import validated
        from relstudio.core.schemas.documents import ReviewLayerSchema

        layer = validated(ReviewLayerSchema, d, path=source)
        try:
            labels = tuple(ReviewLabel(m.start, m.end, m.label, m.positive) for m in layer.labels)
        except ParameterError as exc:
            raise FileFormatError(source, str(exc)) from exc
        return cls(Path(layer.source) if layer.source else None, layer.content_hash or "", labels)


def merged_regions(layer: ReviewLayer, classes=None) -> list[tuple[str, float, float]]:
    """``(class, start, end)`` of the layer's positive marks, overlapping or touching ones merged per class."""
    out = []
    for c in layer.classes():
        if classes is not None and c not in classes:
            continue
        spans = sorted((m.start, m.end) for m in layer.labels if m.positive and m.label == c)
        cur = list(spans[0])
        for a, b in spans[1:]:
            if a <= cur[1] + _EPS:
                cur[1] = max(cur[1], b)
            else:
                out.append((c, cur[0], cur[1]))
                cur = [a, b]
        out.append((c, cur[0], cur[1]))
    return out


def review_counts(layers, classes=None) -> dict:
    """``{"clips": {class: regions}, "unused_negative": n, "other_classes": [...]}`` of what training would use."""
    clips: dict[str, int] = {}
    other, unused = set(), 0
    for layer in layers:
        for c, _a, _b in merged_regions(layer):
            if classes is None or c in classes:
                clips[c] = clips.get(c, 0) + 1
            else:
                other.add(c)
        positive_spans = [(m.start, m.end) for m in layer.labels if m.positive]
        unused += sum(1 for m in layer.labels if not m.positive
                      and not any(abs(m.start - a) < _EPS and abs(m.end - b) < _EPS for a, b in positive_spans))
    return {"clips": clips, "unused_negative": unused, "other_classes": sorted(other)}


def _wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    import soundfile as sf

    buf = io.BytesIO()
    sf.write(buf, samples.astype(np.float32), rate, format="WAV", subtype="FLOAT")
    return buf.getvalue()


def cut_reviewed(layers, *, folder, classes=None, rate: int = 44100) -> Task[list[ClipRecord]]:
    """Write each merged positive region of ``layers`` as ``folder/<class>/<track>-<ms>-<ms>.wav``.

    Audio is decoded at ``rate`` Hz mono (use the front end's rate). A track
    whose content changed since it was reviewed is refused
    (:class:`DatasetError` naming it). Returns the clips, grouped per track.
    """
    from relstudio.core.audio import load_audio
    from relstudio.core.fileio import atomic_write_bytes
    from relstudio.core.names import safe_filename

    folder = Path(folder)
    todo = [(layer, merged_regions(layer, classes)) for layer in layers]
    todo = [(layer, regions) for layer, regions in todo if regions]
    total = sum(len(r) for _, r in todo)
    clips: list[ClipRecord] = []
    for layer, regions in todo:
        if layer.source is None:
            raise DatasetError("a review layer without a track file cannot be cut into clips")
        yield Progress(len(clips) / max(1, total), f"cutting reviewed segments of {layer.source.name}")
        clip = load_audio(layer.source, rate=rate)
        if layer.content_hash and clip.content_hash != layer.content_hash:
            raise DatasetError(f"{layer.source}: the file changed since its segments were reviewed")
        group = f"review:{layer.source.stem}:{clip.content_hash[:10]}"
        for c, a, b in regions:
            i0, i1 = int(round(a * rate)), min(clip.n_samples, int(round(b * rate)))
            if i1 - i0 < 2:
                continue
            stem = safe_filename(layer.source.stem, fallback="track")
            path = folder / safe_filename(c) / f"{stem}-{int(a * 1000):07d}-{int(b * 1000):07d}.wav"
            atomic_write_bytes(path, _wav_bytes(clip.window(i0, i1), rate))
            clips.append(ClipRecord(path, c, group, "reviewed by the user"))
            yield Progress(len(clips) / max(1, total), f"cut {len(clips)} of {total} reviewed segments")
    return clips


def union_dataset(dataset: Dataset, extra, *, classes) -> Dataset:
    """``dataset``'s clips of ``classes`` plus the ``extra`` clips of those classes, classes in that order.

    A class may come from the extra clips only. Raises :class:`DatasetError`
    when fewer than two classes have clips.
    """
    classes = tuple(classes)
    if len(set(classes)) != len(classes):
        raise DatasetError(f"classes listed twice: {list(classes)}")
    clips = tuple(c for c in dataset.clips if c.label in classes) + tuple(c for c in extra if c.label in classes)
    empty = [c for c in classes if not any(r.label == c for r in clips)]
    if empty or len(classes) < 2:
        raise DatasetError(f"{dataset.root}: need at least 2 classes with clips; no clips for {empty or list(classes)}")
    return replace(dataset, clips=clips, classes=classes)
