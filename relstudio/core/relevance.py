"""Segment relevance (paper Eqs. 1–3) and the expert late fusions MV, SUM, PROD, RV.

All functions take ``probs`` of shape ``(n_experts, n_segments)``: the positive
probability of each expert for each segment. Rows follow the caller's expert
order; results do not depend on it (except which index is returned).
"""

from __future__ import annotations

import numpy as np

from relstudio.core.errors import ParameterError


def _check(probs) -> np.ndarray:
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2:
        raise ParameterError(f"probs must have shape (n_experts, n_segments), got {p.shape}")
    if p.size and (not np.isfinite(p).all() or p.min() < 0 or p.max() > 1):
        raise ParameterError("probs must be finite probabilities in [0, 1]")
    return p


def relevance_parts(probs) -> tuple[np.ndarray, np.ndarray]:
    """``(R, R_max)`` per segment.

    The positive probabilities are normalised over experts to a distribution,
    H is its entropy with log base N, R = 1 − H and R_max = R · max_n P_n.
    With N = 1 there is nothing to separate: R = 1 and R_max = P. A segment
    where every expert says 0 has relevance 0 (never NaN).
    """
    p = _check(probs)
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


def relevance(probs) -> np.ndarray:
    """R_max per segment, shape ``(n_segments,)``, in [0, 1]."""
    return relevance_parts(probs)[1]


def winning_expert(probs) -> np.ndarray:
    """Index of the expert with the highest positive probability per segment."""
    p = _check(probs)
    if p.shape[0] == 0:
        return np.zeros(p.shape[1], dtype=np.int64)
    return p.argmax(axis=0)


def _masked(p: np.ndarray, mask) -> np.ndarray:
    if mask is None:
        return p
    m = np.asarray(mask, dtype=bool)
    return p[:, m]


def fuse(probs, method: str, *, mask=None) -> np.ndarray:
    """Clip-level class scores ``(n_experts,)`` (summing to 1) by a late fusion.

    - ``MV``: each segment votes for its most probable class.
    - ``SUM``: positive probabilities summed over segments.
    - ``PROD``: positive probabilities multiplied over segments (in the log domain).
    - ``RV``: like MV, each vote weighted by the segment's R_max.
    """
    p = _masked(_check(probs), mask)
    n, s = p.shape
    if n == 0:
        raise ParameterError("fusion needs at least one expert")
    if s == 0:
        return np.full(n, 1.0 / n)
    method = method.upper()
    if method == "MV":
        scores = np.bincount(p.argmax(axis=0), minlength=n).astype(np.float64)
    elif method == "SUM":
        scores = p.sum(axis=1)
    elif method == "PROD":
        logs = np.log(np.clip(p, 1e-30, 1.0)).sum(axis=1)
        scores = np.exp(logs - logs.max())
    elif method == "RV":
        scores = np.bincount(p.argmax(axis=0), weights=relevance(p), minlength=n)
    else:
        raise ParameterError(f"fusion method must be MV, SUM, PROD or RV, got {method!r}")
    total = scores.sum()
    return scores / total if total > 0 else np.full(n, 1.0 / n)


FUSIONS = ("MV", "SUM", "PROD", "RV")
