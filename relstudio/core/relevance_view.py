"""One call from probabilities to what a person looks at and listens to.

:func:`relevance_view` takes the experts' per-segment probabilities, the
segments' evidence weights and times, the :class:`RelevanceSettings` and a
threshold, and returns the windows (times, R_max, winner) and the passages.
It is pure and cheap (milliseconds for an hour of segments), so the GUI can
call it again while a threshold is dragged or an expert is toggled, and the
CLI, exports, ranking and previews all read passages from the same place.

Typical use with an :class:`~relstudio.core.analysis.Analysis` ``a`` and its
clip's samples::

    levels = segment_levels_db(samples, frontend=a.frontend)       # chunk by chunk for long tracks
    weights = evidence_weights(levels, settings=settings, segment_seconds=a.frontend.segment_hop_seconds)
    view = relevance_view(probs=a.probs, weights=weights, times=a.times, centres=a.centres,
                          duration=a.duration, settings=settings)
    for p in view.passages: ...
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from relstudio.core.passages import Passage, find_passages, passage_share, threshold_for_top
from relstudio.core.relevance import SILENCE
from relstudio.core.relevance_settings import RelevanceSettings
from relstudio.core.windows import RelevanceWindows, relevance_windows


@dataclass(frozen=True, eq=False)
class RelevanceView:
    """Windows and passages of one track under one set of experts and settings.

    ``threshold`` is the R_max the passages were cut at; ``share`` the share of
    the track's time they cover; ``silent_share`` the share of segments with no evidence.
    """

    settings: RelevanceSettings
    windows: RelevanceWindows
    passages: tuple[Passage, ...]
    threshold: float
    share: float
    silent_share: float

    def winner_labels(self, labels) -> list[str]:
        """Per window: the winning expert's label, or ``"silence"``."""
        return [labels[i] if i != SILENCE else "silence" for i in self.windows.winners]


def relevance_view(*, probs, weights=None, times, centres, duration: float,
                   settings: RelevanceSettings | None = None, threshold: float | None = None) -> RelevanceView:
    """Windows and passages from per-segment probabilities.

    Parameters
    ----------
    probs : array, shape (N, S) — each expert's positive probability per segment.
    weights : array, shape (S,), optional — segment evidence in [0, 1]
        (:func:`relstudio.core.audibility.evidence_weights`); all 1 when omitted.
    times : array, shape (S, 2) — segment start/end seconds.
    centres : array, shape (S,) — segment centres in seconds.
    duration : float — track length in seconds.
    settings : RelevanceSettings, optional — resolution and passage rules (defaults when omitted).
    threshold : float, optional — R_max a window needs; by default the top
        ``settings.top_fraction`` of the audible windows.

    Returns
    -------
    RelevanceView
    """
    settings = RelevanceSettings() if settings is None else settings
    if weights is not None and not settings.audibility:
        weights = None
    win = relevance_windows(probs=probs, weights=weights, times=times, centres=centres, duration=duration,
                            seconds=settings.window_seconds)
    if threshold is None:
        threshold = threshold_for_top(win, fraction=settings.top_fraction)
    passages = tuple(find_passages(win, threshold=float(threshold), min_gap=settings.min_gap,
                                   min_passage=settings.min_passage)) if win.probs.shape[0] else ()  # no expert
    n_seg = np.shape(centres)[0]
    silent = 0.0 if weights is None or n_seg == 0 else float(np.mean(np.asarray(weights) <= 0))
    return RelevanceView(settings, win, passages, float(threshold), passage_share(passages, duration=duration),
                         silent)
