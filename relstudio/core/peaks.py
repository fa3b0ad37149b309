"""Picking peaks from a per-segment curve: local maxima, and the best ones kept apart.

Pure numpy, no Qt. The relevance view labels the visible peaks with
:func:`local_peaks` + :func:`spaced_peaks` (labels must not overlap on screen);
``relstudio demo`` lists the most relevant moments with :func:`spaced_peaks`
(moments at least ``--spacing`` seconds apart).
"""

from __future__ import annotations

import numpy as np

from relstudio.core.errors import ParameterError


def local_peaks(values, *, threshold: float = -np.inf, start: int = 0, stop: int | None = None) -> np.ndarray:
    """Local maxima of ``values[start:stop]`` at or above ``threshold``, highest first.

    A plateau counts once, at its last index. Returns indices into the whole
    of ``values`` (ties keep their order).
    """
    r = np.asarray(values, dtype=float)
    if r.ndim != 1:
        raise ParameterError(f"values must be one-dimensional, got shape {r.shape}")
    start, stop = max(0, int(start)), len(r) if stop is None else min(len(r), int(stop))
    if stop - start < 1:
        return np.zeros(0, int)
    seg = r[start:stop]
    left = np.concatenate([[-np.inf], seg[:-1]])
    right = np.concatenate([seg[1:], [-np.inf]])
    idx = np.flatnonzero((seg >= left) & (seg > right) & (seg >= threshold)) + start
    return idx[np.argsort(-r[idx], kind="stable")]


def spaced_peaks(order, *, positions, half_widths, limit: int) -> list[int]:
    """Greedily keep candidates (in ``order``, best first) that stay apart; at most ``limit`` of them.

    ``positions[k]`` is candidate ``k``'s position and ``half_widths[k]`` half
    the room it takes (a mapping, an array, or one number for all), in the
    same unit: two candidates clash when their positions are closer than the
    sum of their half widths. With a number ``w`` the kept ones are at least
    ``2 w`` apart. The first candidate is always kept.
    """
    if np.isscalar(half_widths):
        if not float(half_widths) >= 0:
            raise ParameterError(f"half_widths must be ≥ 0, got {half_widths}")
        half = float(half_widths)
        width_of = lambda _k: half  # noqa: E731
    else:
        width_of = half_widths.__getitem__
    kept: list[int] = []
    for k in order:
        k = int(k)
        if all(abs(positions[k] - positions[j]) >= width_of(k) + width_of(j) for j in kept):
            kept.append(k)
            if len(kept) >= limit:
                break
    return kept
