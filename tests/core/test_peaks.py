"""relstudio.core.peaks: local maxima and greedy spacing, against brute force and hand-made curves."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from relstudio.core.errors import ParameterError
from relstudio.core.peaks import local_peaks, spaced_peaks

curves = st.lists(st.floats(0.0, 1.0, allow_nan=False, width=32), min_size=0, max_size=60)


def test_local_peaks_hand_made():
    r = [0.1, 0.5, 0.2, 0.9, 0.9, 0.3, 0.4]
    assert list(local_peaks(r)) == [4, 1, 6]  # a plateau counts once, at its end; highest first
    assert list(local_peaks(r, threshold=0.45)) == [4, 1]
    assert list(local_peaks(r, start=2, stop=4)) == [3]  # the window's edges count as lower: what is seen is labelled
    assert list(local_peaks(r, start=5)) == [6]
    assert list(local_peaks(r, start=9)) == [] and list(local_peaks([])) == []


@given(curves, st.floats(0.0, 1.0), st.integers(-3, 70), st.integers(-3, 70))
def test_local_peaks_are_the_window_maxima(values, threshold, start, stop):
    r = np.asarray(values, dtype=float)
    got = local_peaks(r, threshold=threshold, start=start, stop=stop)
    lo, hi = max(0, start), min(len(r), stop)
    want = [k for k in range(lo, hi) if r[k] >= threshold
            and (k == lo or r[k] >= r[k - 1]) and (k == hi - 1 or r[k] > r[k + 1])]
    assert sorted(got.tolist()) == want
    assert all(r[a] >= r[b] for a, b in zip(got[:-1], got[1:]))  # highest first


def test_spaced_peaks_keeps_the_best_apart():
    positions = np.array([0.0, 1.0, 2.0, 10.0, 10.5, 30.0])
    order = [1, 0, 4, 3, 5, 2]
    assert spaced_peaks(order, positions=positions, half_widths=2.5, limit=10) == [1, 4, 5]  # ≥ 5 apart
    assert spaced_peaks(order, positions=positions, half_widths=2.5, limit=2) == [1, 4]
    assert spaced_peaks(order, positions=positions, half_widths=0.0, limit=10) == order
    widths = {1: 0.1, 0: 0.1, 4: 0.1, 3: 0.1, 5: 0.1, 2: 5.0}  # a wide label clashes with its neighbours
    assert spaced_peaks(order, positions=positions, half_widths=widths, limit=10) == [1, 0, 4, 3, 5]


@given(st.lists(st.floats(0, 100), min_size=1, max_size=40), st.floats(0.0, 20.0, allow_subnormal=False),
       st.integers(1, 50))
def test_spaced_peaks_are_apart_and_greedy(xs, spacing, limit):
    positions = np.asarray(xs)
    order = list(range(len(xs)))
    kept = spaced_peaks(order, positions=positions, half_widths=spacing / 2, limit=limit)
    assert kept[0] == 0 and len(kept) <= limit and kept == sorted(kept)
    assert all(abs(positions[a] - positions[b]) >= spacing for a in kept for b in kept if a != b)
    if len(kept) < limit:  # every candidate left out clashes with a better one that was kept
        for k in set(order) - set(kept):
            assert any(abs(positions[k] - positions[j]) < spacing for j in kept if j < k)


def test_bad_values_named():
    with pytest.raises(ParameterError, match="-1"):
        spaced_peaks([0], positions=[0.0], half_widths=-1.0, limit=3)
    with pytest.raises(ParameterError, match=r"\(2, 2\)"):
        local_peaks(np.zeros((2, 2)))
