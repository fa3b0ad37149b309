"""Passages: the listenable stretches of a relevance curve.

A passage is a run of consecutive audible windows whose R_max is at or above
the threshold. Runs closer than ``min_gap`` seconds (or overlapping, at
segment resolution) merge; passages shorter than ``min_passage`` seconds are
dropped. The result is sorted by time and never overlaps, so it can be written
as Audacity labels or auditioned one after another.

Each passage carries its winner (the expert with the highest mean probability
over the passage's audible segments, evidence-weighted), its peak and mean
window relevance, and where the peak is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from relstudio.core.errors import ParameterError
from relstudio.core.windows import RelevanceWindows, pooled_winner

_EPS = 1e-9  # seconds: rounding tolerance of the gap and length rules


@dataclass(frozen=True)
class Passage:
    """One highlighted passage: ``start``/``end`` seconds, windows ``first:stop``, ``winner`` (expert index),
    ``peak`` and ``mean`` window R_max, ``peak_time`` (centre of the peak window)."""

    start: float
    end: float
    first: int
    stop: int
    winner: int
    peak: float
    mean: float
    peak_time: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def threshold_for_top(windows: RelevanceWindows, *, fraction: float = 0.1) -> float:
    """The R_max above which the top ``fraction`` of the **audible** windows lie (1.0 when none is audible)."""
    if not 0 < fraction <= 1:
        raise ParameterError(f"fraction must be in (0, 1], got {fraction!r}")
    rel = windows.relevance[windows.audible]
    return float(np.quantile(rel, 1.0 - fraction)) if rel.size else 1.0


def _runs(above: np.ndarray) -> list[tuple[int, int]]:
    """``[(first, stop), …]`` of the True runs of a bool array."""
    d = np.diff(np.concatenate([[0], above.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist()))


def find_passages(windows: RelevanceWindows, *, threshold: float, min_gap: float = 0.5,
                  min_passage: float = 1.0) -> list[Passage]:
    """Passages of ``windows`` at ``threshold`` (see the module docstring), sorted by start time.

    Parameters
    ----------
    windows : RelevanceWindows — from :func:`relstudio.core.windows.relevance_windows`.
    threshold : float — R_max a window needs (silent windows never qualify).
    min_gap : float ≥ 0 — seconds; closer runs merge.
    min_passage : float ≥ 0 — seconds; shorter passages are dropped.

    Returns
    -------
    list of Passage, non-overlapping, by start time.
    """
    if not np.isfinite(threshold):
        raise ParameterError(f"threshold must be a finite relevance, got {threshold!r}")
    if not (min_gap >= 0 and min_passage >= 0):
        raise ParameterError(f"min_gap and min_passage must be ≥ 0 seconds, got {min_gap!r}, {min_passage!r}")
    rel, times = windows.relevance, windows.times
    merged: list[list[int]] = []
    end = -np.inf
    for first, stop in _runs((rel >= threshold) & windows.audible):
        if merged and times[first, 0] - end < min_gap - _EPS:
            merged[-1][1] = stop
        else:
            merged.append([first, stop])
        end = max(end, times[first:stop, 1].max())
    out = []
    for first, stop in merged:
        start, finish = float(times[first, 0]), float(times[first:stop, 1].max())
        if finish - start < min_passage - _EPS:
            continue
        peak = first + int(np.argmax(rel[first:stop]))
        out.append(Passage(start, finish, first, stop, pooled_winner(windows, first, stop), float(rel[peak]),
                           float(rel[first:stop].mean()), float(times[peak].mean())))
    return out


def rank_passages(passages, *, by: str = "peak") -> list[Passage]:
    """``passages`` best first by ``"peak"`` or ``"mean"`` relevance (ties: earlier first)."""
    if by not in ("peak", "mean"):
        raise ParameterError(f"rank passages by 'peak' or 'mean', got {by!r}")
    return sorted(passages, key=lambda p: (-getattr(p, by), p.start))


def passage_share(passages, *, duration: float) -> float:
    """Share of the track's time (0 … 1) that ``passages`` cover — what a threshold really selects."""
    if not duration > 0:
        return 0.0
    return float(min(1.0, sum(p.duration for p in passages) / duration))


def passage_at(passages, t: float) -> Passage | None:
    """The passage holding time ``t`` (seconds), else ``None``."""
    for p in passages:
        if p.start <= t < p.end:
            return p
    return None


def next_passage(passages, t: float, *, backwards: bool = False) -> Passage | None:
    """The first passage starting after ``t`` (or, ``backwards``, the last one starting before it)."""
    if backwards:
        before = [p for p in passages if p.start < t - _EPS]
        return before[-1] if before else None
    return next((p for p in passages if p.start > t + _EPS), None)
