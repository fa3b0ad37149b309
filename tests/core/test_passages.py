import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from relstudio.core.audibility import track_evidence
from relstudio.core.errors import ParameterError
from relstudio.core.frontend import FrontendConfig
from relstudio.core.passages import (find_passages, next_passage, passage_at, passage_share, rank_passages,
                                     threshold_for_top)
from relstudio.core.relevance import SILENCE
from relstudio.core.relevance_settings import RelevanceSettings
from relstudio.core.relevance_view import relevance_view
from relstudio.core.windows import RelevanceWindows
from tests.core.test_audibility import fake_probs
from tests.synth import EVIDENCE_REGIONS, evidence_clip

FE = FrontendConfig.small()


def _windows(rel, seconds=0.5, evidence=None, probs=None):
    rel = np.asarray(rel, np.float64)
    n = rel.size
    times = np.stack([np.arange(n) * seconds, (np.arange(n) + 1) * seconds], axis=1)
    ev = np.ones(n) if evidence is None else np.asarray(evidence, np.float64)
    probs = np.vstack([rel, 1 - rel]) if probs is None else probs
    return RelevanceWindows(times, probs, ev, ev.copy(), rel, np.where(ev > 0, 0, SILENCE), np.arange(n))


def test_runs_merge_across_short_gaps_and_short_ones_drop():
    rel = [1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1]
    w = _windows(rel)
    spans = [(p.start, p.end) for p in find_passages(w, threshold=0.5, min_gap=0.5, min_passage=1.0)]
    assert spans == [(0.0, 1.0), (1.5, 2.5), (5.0, 6.5)]  # a gap of exactly min_gap does not merge
    spans = [(p.start, p.end) for p in find_passages(w, threshold=0.5, min_gap=0.6, min_passage=1.0)]
    assert spans == [(0.0, 2.5), (5.0, 6.5)]  # the 0.5-s run at 3.5 s is dropped
    merged = find_passages(w, threshold=0.5, min_gap=0.6, min_passage=1.0)[0]
    assert (merged.first, merged.stop, merged.peak) == (0, 5, 1.0) and merged.mean == pytest.approx(0.8)
    assert find_passages(w, threshold=0.5, min_gap=0.0, min_passage=0.0)[2].duration == pytest.approx(0.5)


def test_silent_windows_never_qualify_and_winner_is_pooled():
    rel = np.array([0.9, 0.9, 0.9, 0.9])
    probs = np.array([[0.9, 0.2, 0.2, 0.99], [0.1, 0.7, 0.7, 0.0]])
    w = _windows(rel, seconds=1.0, evidence=[1, 1, 1, 0], probs=probs)
    (p,) = find_passages(w, threshold=0.0)
    assert (p.start, p.end, p.winner) == (0.0, 3.0, 1)  # mean (0.43, 0.5): the silent 0.99 is ignored


@settings(max_examples=150, deadline=None)
@given(arrays(np.float64, st.integers(1, 80), elements=st.floats(0, 1)), st.floats(0, 1),
       st.floats(0, 2), st.floats(0, 3))
def test_passages_never_overlap_at_segment_resolution(rel, threshold, min_gap, min_passage):
    n = rel.size
    centres = np.arange(n) * 0.116 + 0.16  # overlapping segments, like the real geometry
    times = np.stack([centres - 0.16, centres + 0.16], axis=1)
    ev = (rel > 0.05).astype(np.float64)
    w = RelevanceWindows(times, np.vstack([rel, 1 - rel]), ev, ev, rel * ev, np.where(ev > 0, 0, SILENCE),
                         np.arange(n))
    ps = find_passages(w, threshold=threshold, min_gap=min_gap, min_passage=min_passage)
    for a, b in zip(ps, ps[1:]):
        assert a.end <= b.start and b.start - a.end >= min_gap - 1e-9
    for p in ps:
        assert p.duration >= min_passage - 1e-9 and p.peak >= threshold and p.winner != SILENCE
        assert p.start <= p.peak_time <= p.end
    assert rank_passages(ps, by="mean") == sorted(ps, key=lambda p: (-p.mean, p.start))
    assert 0.0 <= passage_share(ps, duration=float(times[-1, 1])) <= 1.0


def test_helpers():
    w = _windows([0.2, 0.9, 0.9, 0.1, 0.5, 0.6, 0.3], seconds=1.0)
    ps = find_passages(w, threshold=0.5, min_passage=1.0)
    assert [(p.start, p.end) for p in ps] == [(1.0, 3.0), (4.0, 6.0)]
    assert [p.start for p in rank_passages(ps)] == [1.0, 4.0]
    assert passage_share(ps, duration=7.0) == pytest.approx(4 / 7)
    assert passage_at(ps, 4.5) is ps[1] and passage_at(ps, 3.5) is None
    assert next_passage(ps, 1.0) is ps[1] and next_passage(ps, 4.0, backwards=True) is ps[0]
    assert threshold_for_top(w, fraction=0.3) == pytest.approx(np.quantile(w.relevance, 0.7))
    with pytest.raises(ParameterError, match="'median'"):
        rank_passages(ps, by="median")
    with pytest.raises(ParameterError, match="nan"):
        find_passages(w, threshold=float("nan"))


@pytest.mark.parametrize("gain_db", [0.0, -12.0, 12.0])
def test_synthetic_track_end_to_end(gain_db):
    x = evidence_clip(rate=FE.sample_rate, gain_db=gain_db)
    duration = len(x) / FE.sample_rate
    _, weights = track_evidence(x, frontend=FE)
    n = len(weights)
    probs = fake_probs(n)
    view = relevance_view(probs=probs, weights=weights, times=FE.segment_times(n, duration),
                          centres=FE.segment_centres(n), duration=duration, threshold=0.5)
    win, labels = view.windows, ["tone", "noise", "speech", "metal"]
    names = view.winner_labels(labels)
    for second in (4, 9, 15):  # windows wholly inside silence, hiss and the silent tail
        assert win.relevance[second] == 0.0 and names[second] == "silence"
    assert [names[s] for s in (0, 1, 2, 6, 7, 11, 12)] == ["tone"] * 3 + ["noise"] * 2 + ["tone"] * 2
    spans = [(p.start, p.end, labels[p.winner]) for p in view.passages]
    assert spans[:2] == [(0.0, 3.0, "tone"), (6.0, 8.0, "noise")]
    # the fade (40 dB/s from 13 s) keeps its gain as evidence, 0.2 on average over its first second: under 0.5
    assert spans[2][0] == 11.0 and 13.0 <= spans[2][1] < 14.0 and spans[2][2] == "tone" and len(spans) == 3
    silent = [EVIDENCE_REGIONS[k] for k in ("silence", "hiss", "tail")]
    for p in view.passages:
        assert not any(p.start < b - 0.25 and p.end > a + 0.25 for a, b in silent)
    assert 0.3 < view.silent_share < 0.5


def test_audacity_labels_from_passages_never_overlap():
    from relstudio.core.analysis import Analysis, ExpertRef
    from relstudio.core.export import write_segments

    x = evidence_clip(rate=FE.sample_rate)
    duration = len(x) / FE.sample_rate
    _, weights = track_evidence(x, frontend=FE)
    n = len(weights)
    times, centres = FE.segment_times(n, duration), FE.segment_centres(n)
    experts = tuple(ExpertRef(lab, lab) for lab in ("tone", "noise", "speech", "metal"))
    a = Analysis(None, duration, FE, times, centres, experts, fake_probs(n).astype(np.float32))
    for settings_ in (RelevanceSettings(), RelevanceSettings(resolution="segment"), RelevanceSettings(resolution=0.5)):
        view = relevance_view(probs=a.probs, weights=weights, times=times, centres=centres, duration=duration,
                              settings=settings_, threshold=0.3)
        text = write_segments(a, fmt="audacity", passages=view.passages)
        rows = [line.split("\t") for line in text.strip().splitlines()]
        spans = [(float(r[0]), float(r[1])) for r in rows]
        assert spans and all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:]))
        assert not any(r[2].startswith(("speech", "metal")) for r in rows)
