"""Excerpts: a track's best passages as collection-table entries, and its summary row.

An excerpt is a passage (:mod:`relstudio.core.passages`) of the analysis's
view under its :class:`~relstudio.core.relevance_settings.RelevanceSettings`:
contiguous audible windows above the top-fraction threshold, merged across
short gaps, never overlapping and never silence. Excerpts are ranked by their
peak window relevance.

Per class ``c`` the per-window score is ``R(w) · P̄_c(w) · ē(w)`` — the window's
certainty times the class's mean probability, scaled by its evidence, so that
the maximum over classes is the window's ``R_max`` (paper Eq. 3, on the
window's mean probabilities). A class's excerpts are the passages of that
curve (:func:`best_passages`).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from relstudio.core.errors import ParameterError
from relstudio.core.passages import Passage, find_passages, rank_passages, threshold_for_top
from relstudio.core.relevance import SILENCE, fuse, relevance_parts
from relstudio.core.windows import pooled_winner

CURVE_POINTS = 64


def class_scores(windows) -> np.ndarray:
    """``R(w) · P̄_c(w) · ē(w)`` per class and window, shape ``(n_experts, n_windows)``."""
    certainty = relevance_parts(windows.probs, weights=windows.evidence)[0]
    return windows.probs * certainty[None, :]


def class_windows(analysis, index: int | None = None):
    """The windows of ``analysis.view()``, with expert ``index``'s class curve (:func:`class_scores`)
    as their relevance (``index=None``: the windows as they are)."""
    windows = analysis.view().windows
    return windows if index is None else dataclasses.replace(windows, relevance=class_scores(windows)[index])


def best_passages(analysis, index: int | None = None) -> list[Passage]:
    """Passages best first (by peak): of the R_max windows, or (``index``) of that expert's class curve.

    Class passages take the top ``settings.top_fraction`` of the audible windows
    above 0. When no passage is long enough (a clip of a few seconds), the best
    audible window alone stands in; a silent clip has none.
    """
    settings = analysis.settings
    windows = class_windows(analysis, index)
    if index is None:
        passages = analysis.view().passages
    else:
        threshold = max(threshold_for_top(windows, fraction=settings.top_fraction), 1e-9)
        passages = find_passages(windows, threshold=threshold, min_gap=settings.min_gap,
                                 min_passage=settings.min_passage)
    ranked = rank_passages(passages)
    if ranked or not windows.audible.any():
        return ranked
    k = int(np.argmax(np.where(windows.audible, windows.relevance, -np.inf)))
    peak = float(windows.relevance[k])
    return [Passage(float(windows.times[k, 0]), float(windows.times[k, 1]), k, k + 1, pooled_winner(windows, k, k + 1),
                    peak, peak, float(windows.times[k].mean()))]


def excerpt_dict(analysis, passage: Passage, scores: np.ndarray) -> dict:
    """One passage of ``analysis`` as a plain dict: ``start``, ``end``, ``relevance`` (its peak window
    R_max), ``mean``, ``winner`` and per class the peak class score over its windows."""
    labels = analysis.labels
    rel = analysis.view().windows.relevance[passage.first:passage.stop]
    return {
        "start": round(float(passage.start), 3),
        "end": round(float(passage.end), 3),
        "relevance": round(float(rel.max()), 5),
        "mean": round(float(rel.mean()), 5),
        "winner": labels[passage.winner] if labels and passage.winner != SILENCE else "",
        "classes": {lab: round(float(scores[i, passage.first:passage.stop].max()), 5) for i, lab in enumerate(labels)},
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


def summarise(analysis, *, top_k: int = 3, classification: tuple[str, dict, str] | None = None) -> dict:
    """The collection-table row of one analysed track (without path/identity fields).

    ``classification`` is ``(label, scores, method)``; by default SUM fusion of
    the experts' segment probabilities over the audible segments. Relevance
    figures count audible segments only; excerpts are the ``top_k`` passages
    (overall and per class) under ``analysis.settings``.
    """
    from relstudio.core.collection.results import class_label, keyed_by_label

    if top_k < 1:
        raise ParameterError(f"top_k must be ≥ 1, got {top_k}")
    labels = analysis.labels
    rel = analysis.relevance
    audible = rel[analysis.evidence > 0]
    view = analysis.view()
    scores = class_scores(view.windows)
    if classification is None:
        fused = fuse(analysis.probs, "SUM", weights=analysis.evidence)
        classification = (labels[int(np.argmax(fused))], dict(zip(labels, map(float, fused))), "SUM")
    label, class_probs, method = classification
    class_probs = keyed_by_label(class_probs, labels)  # one key for classes: the experts' labels
    label = class_label(label, labels) or label
    return {
        "duration": round(float(analysis.duration), 3),
        "classification": label,
        "method": method,
        "scores": {k: round(float(v), 5) for k, v in class_probs.items()},
        "mean_relevance": round(float(audible.mean()) if audible.size else 0.0, 5),
        "peak_relevance": round(float(rel.max()) if rel.size else 0.0, 5),
        "silent_share": round(view.silent_share, 5),
        "excerpts": [excerpt_dict(analysis, p, scores) for p in best_passages(analysis)[:top_k]],
        "class_excerpts": {lab: [excerpt_dict(analysis, p, scores) for p in best_passages(analysis, i)[:top_k]]
                           for i, lab in enumerate(labels)},
        "curve": curve(rel),
    }
