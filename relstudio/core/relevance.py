"""Segment relevance (paper Eqs. 1–3) and the expert late fusions MV, SUM, PROD, RV.

All functions take ``probs`` of shape ``(n_experts, n_segments)``: the positive
probability of each expert for each segment. Rows follow the caller's expert
order; results do not depend on it (except which index is returned).

Evidence: every function takes an optional ``weights`` of shape
``(n_segments,)`` in [0, 1] (see :mod:`relstudio.core.audibility`). A segment
with weight 0 is silence: R_max 0, winner :data:`SILENCE`, and no part in a
fusion; in between, R and R_max are scaled by the weight. Without ``weights``
every segment counts fully (the paper's behaviour).
"""

from __future__ import annotations

import numpy as np

from relstudio.core.errors import ParameterError

SILENCE = -1  # the "winner" of a segment or window that carries no evidence


def check_probs(probs) -> np.ndarray:
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2:
        raise ParameterError(f"probs must have shape (n_experts, n_segments), got {p.shape}")
    if p.size and (not np.isfinite(p).all() or p.min() < 0 or p.max() > 1):
        raise ParameterError("probs must be finite probabilities in [0, 1]")
    return p


def check_weights(weights, n_segments: int) -> np.ndarray | None:
    """``weights`` as float64 ``(n_segments,)`` in [0, 1], or ``None`` when not given."""
    if weights is None:
        return None
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (n_segments,):
        raise ParameterError(f"weights must have shape ({n_segments},), got {w.shape}")
    if w.size and (not np.isfinite(w).all() or w.min() < 0 or w.max() > 1):
        raise ParameterError(f"weights must be finite values in [0, 1], got range [{w.min()}, {w.max()}]")
    return w


def relevance_parts(probs, *, weights=None) -> tuple[np.ndarray, np.ndarray]:
    """``(R, R_max)`` per segment.

    The positive probabilities are normalised over experts to a distribution,
    H is its entropy with log base N, R = 1 − H and R_max = R · max_n P_n.
    With N = 1 there is nothing to separate: R = 1 and R_max = P. A segment
    where every expert says 0 has relevance 0 (never NaN). ``weights``
    ``(n_segments,)`` multiply both R and R_max (0: silence).
    """
    p = check_probs(probs)
    w = check_weights(weights, p.shape[1])
    r, rmax = _parts(p)
    return (r, rmax) if w is None else (r * w, rmax * w)


def _parts(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n, s = p.shape
    if n == 0:
        return np.zeros(s), np.zeros(s)
    peak = p.max(axis=0)
    if n == 1:
        return np.ones(s), p[0].copy()
    total = p.sum(axis=0)
    alive = total > 0
    dist = np.divide(p, total, out=np.zeros_like(p), where=alive)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(dist > 0, dist * np.log(dist), 0.0)
    h = np.clip(-terms.sum(axis=0) / np.log(n), 0.0, 1.0)
    r = np.where(alive, 1.0 - h, 0.0)
    return r, r * peak


def relevance(probs, *, weights=None) -> np.ndarray:
    """R_max per segment, shape ``(n_segments,)``, in [0, 1] (scaled by ``weights`` when given)."""
    return relevance_parts(probs, weights=weights)[1]


def winning_expert(probs, *, weights=None) -> np.ndarray:
    """Index of the expert with the highest positive probability per segment, ``(n_segments,)``.

    Segments whose weight is 0 get :data:`SILENCE` (−1).
    """
    p = check_probs(probs)
    w = check_weights(weights, p.shape[1])
    if p.shape[0] == 0:
        return np.zeros(p.shape[1], dtype=np.int64)
    win = p.argmax(axis=0)
    return win if w is None else np.where(w > 0, win, SILENCE)


def _masked(p: np.ndarray, mask, w) -> tuple[np.ndarray, np.ndarray | None]:
    if mask is None:
        return p, w
    m = np.asarray(mask, dtype=bool)
    return p[:, m], (None if w is None else w[m])


def fuse(probs, method: str, *, mask=None, weights=None) -> np.ndarray:
    """Clip-level class scores ``(n_experts,)`` (summing to 1) by a late fusion.

    - ``MV``: each segment votes for its most probable class.
    - ``SUM``: positive probabilities summed over segments.
    - ``PROD``: positive probabilities multiplied over segments (in the log domain).
    - ``RV``: like MV, each vote weighted by the segment's R_max.

    ``mask`` (bool ``(n_segments,)``) keeps segments; ``weights`` (evidence in
    [0, 1]) scale each segment's vote, probabilities or log-probabilities, so
    weight-0 segments take no part. No segment left: equal scores.
    """
    p = check_probs(probs)
    p, w = _masked(p, mask, check_weights(weights, p.shape[1]))
    if w is not None:
        p, w = p[:, w > 0], w[w > 0]
    n, s = p.shape
    if n == 0:
        raise ParameterError("fusion needs at least one expert")
    if s == 0:
        return np.full(n, 1.0 / n)
    method = method.upper()
    w = np.ones(s) if w is None else w
    if method == "MV":
        scores = np.bincount(p.argmax(axis=0), weights=w, minlength=n)
    elif method == "SUM":
        scores = p @ w
    elif method == "PROD":
        logs = np.log(np.clip(p, 1e-30, 1.0)) @ w
        scores = np.exp(logs - logs.max())
    elif method == "RV":
        scores = np.bincount(p.argmax(axis=0), weights=relevance(p, weights=w), minlength=n)
    else:
        raise ParameterError(f"fusion method must be MV, SUM, PROD or RV, got {method!r}")
    total = scores.sum()
    return scores / total if total > 0 else np.full(n, 1.0 / n)


def vote_scores(winners, rmax, *, n_experts: int) -> np.ndarray:
    """RV scores ``(n_experts,)`` from each segment's known winner (:data:`SILENCE`: no vote) and R_max.

    Equal to ``fuse(probs, "RV", weights=w)`` when ``winners`` and ``rmax`` come from
    :func:`winning_expert` and :func:`relevance` of the same ``probs`` and ``w``, without
    recomputing them (the classification panel has them cached).
    """
    win, r = np.asarray(winners), np.asarray(rmax, dtype=np.float64)
    if win.shape != r.shape or win.ndim != 1:
        raise ParameterError(f"winners and rmax must have one equal shape (n_segments,), got {win.shape} and {r.shape}")
    if n_experts < 1:
        raise ParameterError(f"n_experts must be at least 1, got {n_experts}")
    votes = win >= 0
    scores = np.bincount(win[votes], weights=r[votes], minlength=n_experts)[:n_experts]
    total = scores.sum()
    return scores / total if total > 0 else np.full(n_experts, 1.0 / n_experts)


FUSIONS = ("MV", "SUM", "PROD", "RV")
