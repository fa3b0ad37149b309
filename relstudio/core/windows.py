"""Relevance at a chosen time resolution, computed from the model's probabilities.

A window's relevance is not a blur of the segment curve: it is the paper's
formula (normalise over experts, entropy with log base N, R · max P) applied
to the window's **mean per-expert probabilities over its audible segments**,
weighted by each segment's evidence, then scaled by the window's mean
evidence (so a window that is half silence counts half):

    P̄_n(w) = Σ_k∈w e_k P_n(k) / Σ_k∈w e_k
    R_max(w) = R(P̄(w)) · max_n P̄_n(w) · mean_k∈w e_k

A segment belongs to the window holding its centre. Windows are
``[i·T, (i+1)·T)`` clipped to the track. A window without an audible segment
has R_max 0 and winner :data:`~relstudio.core.relevance.SILENCE`. At
``"segment"`` resolution every segment is its own window (its own, overlapping,
times), which gives ``relevance(probs, weights=evidence)`` exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from relstudio.core.errors import ParameterError
from relstudio.core.relevance import SILENCE, check_probs, check_weights, relevance, winning_expert


@dataclass(frozen=True, eq=False)
class RelevanceWindows:
    """Windows of one track under one set of experts.

    Attributes
    ----------
    times : (W, 2) float64 — start/end seconds.
    probs : (N, W) float64 — evidence-weighted mean probability per expert (0 where silent).
    evidence : (W,) float64 — mean segment evidence in the window, in [0, 1].
    weight : (W,) float64 — summed segment evidence (for pooling windows further).
    relevance : (W,) float64 — R_max of the window.
    winners : (W,) int64 — expert index, or SILENCE (−1) where ``evidence`` is 0.
    segment_window : (S,) int64 — the window of each segment.
    """

    times: np.ndarray
    probs: np.ndarray
    evidence: np.ndarray
    weight: np.ndarray
    relevance: np.ndarray
    winners: np.ndarray
    segment_window: np.ndarray

    @property
    def n_windows(self) -> int:
        return int(self.times.shape[0])

    @property
    def audible(self) -> np.ndarray:
        """``(W,)`` bool: windows holding evidence."""
        return self.evidence > 0


def window_index(*, centres, duration: float, seconds: float | None) -> tuple[np.ndarray, int]:
    """``(segment_window (S,), n_windows)``: which window holds each segment centre.

    ``seconds=None`` (segment resolution) maps segment k to window k.
    """
    c = np.asarray(centres, np.float64)
    if c.ndim != 1:
        raise ParameterError(f"centres must be 1-D (n_segments,), got shape {c.shape}")
    if seconds is None:
        return np.arange(c.size, dtype=np.int64), int(c.size)
    if not seconds > 0:
        raise ParameterError(f"window length must be positive seconds, got {seconds!r}")
    if not duration >= 0:
        raise ParameterError(f"duration must be ≥ 0 seconds, got {duration!r}")
    n_win = max(1, math.ceil(duration / seconds - 1e-9))
    return np.clip(np.floor(c / seconds), 0, n_win - 1).astype(np.int64), n_win


def relevance_windows(*, probs, weights=None, times, centres, duration: float,
                      seconds: float | None) -> RelevanceWindows:
    """Window relevance from per-expert probabilities (see the module docstring).

    Parameters
    ----------
    probs : array, shape (N, S) — positive probability of each expert per segment.
    weights : array, shape (S,), optional — segment evidence in [0, 1] (default: all 1).
    times : array, shape (S, 2) — segment start/end seconds (used at segment resolution).
    centres : array, shape (S,) — segment centres in seconds.
    duration : float — track length in seconds.
    seconds : float or None — window length; ``None`` for segment resolution.

    Returns
    -------
    RelevanceWindows
    """
    p = check_probs(probs)
    n, s = p.shape
    w = check_weights(weights, s)
    w = np.ones(s) if w is None else w
    t = np.asarray(times, np.float64)
    if t.shape != (s, 2):
        raise ParameterError(f"times must have shape ({s}, 2), got {t.shape}")
    if np.shape(centres) != (s,):
        raise ParameterError(f"centres must have shape ({s},), got {np.shape(centres)}")
    index, n_win = window_index(centres=centres, duration=duration, seconds=seconds)
    if seconds is None:
        wtimes = t.copy()
    else:
        edges = np.arange(n_win + 1, dtype=np.float64) * seconds
        wtimes = np.stack([edges[:-1], np.minimum(edges[1:], max(duration, 0.0))], axis=1)
    weight = np.bincount(index, weights=w, minlength=n_win).astype(np.float64)
    count = np.bincount(index, minlength=n_win)
    evidence = np.divide(weight, count, out=np.zeros(n_win), where=count > 0)
    if seconds is None:  # one segment a window: its mean is the segment itself (p·w/w can underflow to 0)
        mean_p = np.where(weight > 0, p, 0.0)
    else:
        sums = np.zeros((n, n_win))
        for i in range(n):
            sums[i] = np.bincount(index, weights=p[i] * w, minlength=n_win)
        mean_p = np.divide(sums, weight, out=np.zeros_like(sums), where=weight > 0)
    mean_p = np.clip(mean_p, 0.0, 1.0)  # rounding of the weighted mean
    evidence = np.where(weight > 0, np.clip(evidence, 0.0, 1.0), 0.0)
    winners = winning_expert(mean_p, weights=evidence) if n else np.full(n_win, SILENCE, np.int64)
    return RelevanceWindows(wtimes, mean_p, evidence, weight, relevance(mean_p, weights=evidence), winners, index)


def pooled_probabilities(windows: RelevanceWindows, first: int, stop: int) -> np.ndarray:
    """``(N,)`` mean probability per expert over the audible segments of windows ``first:stop``."""
    wt = windows.weight[first:stop]
    total = wt.sum()
    if total <= 0:
        return np.zeros(windows.probs.shape[0])
    return windows.probs[:, first:stop] @ wt / total


def pooled_winner(windows: RelevanceWindows, first: int, stop: int) -> int:
    """Expert with the highest mean probability over windows ``first:stop`` (SILENCE when none is audible)."""
    if windows.weight[first:stop].sum() <= 0 or windows.probs.shape[0] == 0:
        return SILENCE
    return int(np.argmax(pooled_probabilities(windows, first, stop)))
