"""Excerpts: the best contiguous windows of a relevance curve, and a track's summary row.

Segments overlap (pool 10, stride 5), so an excerpt of ``seconds`` is a run of
``w`` consecutive segments; its score is the mean of a per-segment score over
the run (the same ordering as the paper-style "sliding window sum"). Picking
several excerpts is greedy and non-overlapping in segment indices.

Per class ``c`` the per-segment score is ``R(k) · P_c(k)`` — the certainty of
the segment times the probability of that class, so that the maximum over
classes is the paper's ``R_max(k)`` (Eq. 3).
"""

from __future__ import annotations

import numpy as np

from relstudio.core.errors import ParameterError

CURVE_POINTS = 64


def window_segments(frontend, seconds: float, n_segments: int) -> int:
    """How many consecutive segments make an excerpt of about ``seconds`` (1 … n_segments)."""
    if not seconds > 0:
        raise ParameterError(f"excerpt length must be positive seconds, got {seconds!r}")
    step, span = frontend.segment_hop_seconds, frontend.segment_span_seconds
    w = 1 + int(round((seconds - span) / step)) if seconds > span else 1
    return int(min(max(w, 1), max(n_segments, 1)))


def best_windows(score, width: int, k: int = 1) -> list[tuple[int, int, float]]:
    """Top ``k`` non-overlapping windows of ``width`` segments by mean ``score``.

    Parameters
    ----------
    score : array, shape (n_segments,)
    width : int ≥ 1 (clipped to n_segments)
    k : int ≥ 1

    Returns
    -------
    list of ``(first, stop, mean_score)`` (segment indices ``first:stop``), best first;
    fewer than ``k`` when the windows do not fit. Ties go to the earliest window.
    """
    s = np.asarray(score, dtype=np.float64)
    if s.ndim != 1:
        raise ParameterError(f"score must be 1-D (n_segments,), got shape {s.shape}")
    if width < 1 or k < 1:
        raise ParameterError(f"width and k must be ≥ 1, got width={width}, k={k}")
    n = s.size
    if n == 0:
        return []
    width = min(width, n)
    csum = np.concatenate([[0.0], np.cumsum(s)])
    means = (csum[width:] - csum[:-width]) / width  # (n - width + 1,) one per start
    free = np.ones(means.size, bool)
    picked = []
    while len(picked) < k and free.any():
        cand = np.where(free, means, -np.inf)
        first = int(np.argmax(cand))
        picked.append((first, first + width, float(means[first])))
        free[max(0, first - width + 1):first + width] = False
    return picked


def class_scores(probs, certainty) -> np.ndarray:
    """``R(k) · P_c(k)``, shape ``(n_experts, n_segments)``."""
    return np.asarray(probs, np.float64) * np.asarray(certainty, np.float64)[None, :]


def excerpt_dict(analysis, first: int, stop: int, scores: np.ndarray) -> dict:
    """One excerpt of ``analysis`` (segments ``first:stop``) as a plain dict."""
    labels = analysis.labels
    mean_p = analysis.probs[:, first:stop].mean(axis=1) if labels else np.zeros(0)
    return {
        "start": round(float(analysis.times[first, 0]), 3),
        "end": round(float(analysis.times[stop - 1, 1]), 3),
        "relevance": round(float(analysis.relevance[first:stop].mean()), 5),
        "winner": labels[int(np.argmax(mean_p))] if labels else "",
        "classes": {lab: round(float(scores[i, first:stop].mean()), 5) for i, lab in enumerate(labels)},
    }


def curve(values, points: int = CURVE_POINTS) -> list[float]:
    """A short max-pooled version of a per-segment curve (for sparklines)."""
    v = np.asarray(values, np.float64)
    if v.size == 0:
        return []
    if v.size <= points:
        return [round(float(x), 4) for x in v]
    edges = np.linspace(0, v.size, points + 1).astype(int)
    return [round(float(v[a:b].max()), 4) for a, b in zip(edges[:-1], edges[1:])]


def summarise(analysis, *, top_k: int = 3, excerpt_seconds: float = 2.0,
              classification: tuple[str, dict, str] | None = None) -> dict:
    """The collection-table row of one analysed track (without path/identity fields).

    ``classification`` is ``(label, scores, method)``; by default SUM fusion of
    the experts' segment probabilities.
    """
    from relstudio.core.relevance import fuse

    if top_k < 1:
        raise ParameterError(f"top_k must be ≥ 1, got {top_k}")
    labels = analysis.labels
    rel = analysis.relevance
    scores = class_scores(analysis.probs, analysis.certainty)
    width = window_segments(analysis.frontend, excerpt_seconds, analysis.n_segments)
    if classification is None:
        fused = fuse(analysis.probs, "SUM")
        classification = (labels[int(np.argmax(fused))], dict(zip(labels, map(float, fused))), "SUM")
    label, class_probs, method = classification
    return {
        "duration": round(float(analysis.duration), 3),
        "classification": label,
        "method": method,
        "scores": {k: round(float(v), 5) for k, v in class_probs.items()},
        "mean_relevance": round(float(rel.mean()) if rel.size else 0.0, 5),
        "peak_relevance": round(float(rel.max()) if rel.size else 0.0, 5),
        "excerpts": [excerpt_dict(analysis, a, b, scores) for a, b, _ in best_windows(rel, width, top_k)],
        "class_excerpts": {lab: [excerpt_dict(analysis, a, b, scores)
                                 for a, b, _ in best_windows(scores[i], width, top_k)]
                           for i, lab in enumerate(labels)},
        "curve": curve(rel),
    }
