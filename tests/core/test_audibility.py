import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relstudio.core.audibility import (MIN_DB, evidence_weights, fade_weights, loud_reference_db,
                                       segment_levels_db, segment_sample_spans, track_evidence)
from relstudio.core.errors import ParameterError
from relstudio.core.frontend import FrontendConfig
from relstudio.core.relevance import SILENCE, relevance, winning_expert
from relstudio.core.relevance_settings import RelevanceSettings
from tests.synth import EVIDENCE_REGIONS, evidence_clip, tone

FE = FrontendConfig.small()
RATE = FE.sample_rate


def _inside(name, fe=FE, n=None, duration=16.0):
    """Segments whose whole span lies inside region ``name``."""
    n = n if n is not None else fe.n_segments(fe.n_frames(int(duration * RATE)))
    t = fe.segment_times(n, duration)
    a, b = EVIDENCE_REGIONS[name]
    return (t[:, 0] >= a) & (t[:, 1] <= b)


def fake_probs(n, fe=FE, duration=16.0):
    """Experts (tone, noise, speech, metal) that are confidently wrong about silence and hiss."""
    c = fe.segment_centres(n)
    p = np.full((4, n), 0.02)
    for name, expert in [("tone", 0), ("tone2", 0), ("fade", 0), ("noise", 1), ("silence", 2), ("tail", 2),
                         ("hiss", 3)]:
        a, b = EVIDENCE_REGIONS[name]
        p[expert, (c >= a) & (c < b)] = 0.998
    return p


def test_level_is_rms_of_the_span():
    x = tone(440, 2.0, rate=RATE, amp=0.5)
    lv = segment_levels_db(x, frontend=FE)
    spans = segment_sample_spans(frontend=FE, n_segments=len(lv), n_samples=len(x))
    k = len(lv) // 2
    a, b = spans[k]
    assert lv[k] == pytest.approx(10 * np.log10(np.mean(x[a:b].astype(np.float64) ** 2)), abs=1e-9)
    assert lv[k] == pytest.approx(20 * np.log10(0.5 / np.sqrt(2)), abs=0.1)
    assert segment_levels_db(np.zeros(RATE, np.float32), frontend=FE).max() == MIN_DB


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 600), max_size=4))
def test_chunks_are_bit_identical(cuts):
    fe = FrontendConfig.small(pool_stride=1)  # many segments for a short signal
    x = evidence_clip(rate=RATE)[: 5 * RATE]
    whole = segment_levels_db(x, frontend=fe)
    edges = sorted({0, len(whole), *[min(c, len(whole)) for c in cuts]})
    parts = [segment_levels_db(x, frontend=fe, start=a, stop=b) for a, b in zip(edges[:-1], edges[1:])]
    assert np.array_equal(np.concatenate(parts), whole)


def test_silence_and_hiss_carry_no_evidence():
    x = evidence_clip(rate=RATE)
    levels, w = track_evidence(x, frontend=FE)
    assert loud_reference_db(levels) == pytest.approx(-12.0, abs=0.5)
    for name in ("silence", "hiss", "tail"):
        assert w[_inside(name, n=len(w))].max() == 0.0, name
    for name in ("tone", "noise", "tone2"):
        assert w[_inside(name, n=len(w))].min() == 1.0, name
    fade = w[_inside("fade", n=len(w))]
    assert fade[0] == 1.0 and fade[-1] == 0.0 and ((fade > 0) & (fade < 1)).any()
    assert np.all(np.diff(fade) <= 1e-9)  # fading out never gains evidence
    p = fake_probs(len(w))
    assert relevance(p)[_inside("hiss", n=len(w))].min() > 0.75  # without evidence, hiss "is metal"
    rmax, win = relevance(p, weights=w), winning_expert(p, weights=w)
    for name in ("silence", "hiss", "tail"):
        assert rmax[_inside(name, n=len(w))].max() == 0.0 and np.all(win[_inside(name, n=len(w))] == SILENCE)
    assert np.all(win[_inside("tone", n=len(w))] == 0) and np.all(win[_inside("noise", n=len(w))] == 1)


@pytest.mark.parametrize("gain_db", [-12.0, 12.0])
def test_louder_or_quieter_gives_identical_weights(gain_db):
    _, base = track_evidence(evidence_clip(rate=RATE), frontend=FE)
    _, other = track_evidence(evidence_clip(rate=RATE, gain_db=gain_db), frontend=FE)
    assert np.allclose(base, other, atol=1e-6)
    assert np.array_equal(base > 0, other > 0)
    p = fake_probs(len(base))
    assert np.array_equal(winning_expert(p, weights=base), winning_expert(p, weights=other))


def test_absolute_floor_binds_for_quiet_tracks():
    levels = np.array([-40.0, -40.0, -68.0, -71.0, -75.0])
    s = RelevanceSettings(fade_db=0.0)  # floors alone (the ending here would be a fade-out)
    w = evidence_weights(levels, settings=s)  # relative floor -85 dB, absolute -70 dBFS binds
    assert w.tolist() == [1.0, 1.0, pytest.approx(2 / 6), 0.0, 0.0]
    assert evidence_weights(levels, settings=s.replace(absolute_floor_db=-200.0)).min() > 0
    assert evidence_weights(levels, settings=RelevanceSettings.raw()).tolist() == [1.0] * 5
    assert evidence_weights(levels, settings=s, reference_db=-20.0).tolist() == [1.0, 1.0, 0.0, 0.0, 0.0]


def test_a_fade_out_and_a_fade_in_carry_evidence_by_their_level():
    hop = 0.5  # seconds per segment, so 20 s of fade = 40 segments
    body, fade = np.full(60, -10.0), np.linspace(-12.0, -60.0, 9)  # reference −10 dBFS, floor −55
    levels = np.concatenate([fade[::-1], body, fade, [-200.0] * 5])
    w = evidence_weights(levels, segment_seconds=hop)
    # the fade's gain (amplitude re the −10-dBFS reference; −12 dBFS is body, within 6 dB) times the floor's ramp
    gain = np.where(fade >= -16.0, 1.0, 10.0 ** ((fade + 10.0) / 20.0))
    want = gain * np.clip((fade + 55.0) / 6.0, 0.0, 1.0)
    np.testing.assert_allclose(w[69:78], want)  # the fade-out: 1 in the body, 0.1 at −30 dBFS, 0 at the floor
    assert want[3] == pytest.approx(0.1)
    np.testing.assert_allclose(w[:9], want[::-1])  # the fade-in
    assert (w[9:69] == 1.0).all() and (w[78:] == 0.0).all()
    # off, or an ending longer than fade_seconds (a quiet coda, not a fade): only the floor counts
    floor_only = np.clip((levels + 55.0) / 6.0, 0.0, 1.0)
    np.testing.assert_allclose(evidence_weights(levels, segment_seconds=hop, settings=RelevanceSettings(fade_db=0.0)),
                               floor_only)
    np.testing.assert_allclose(evidence_weights(levels, segment_seconds=hop,
                                                settings=RelevanceSettings(fade_seconds=2.0)), floor_only)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-120.0, 0.0), min_size=1, max_size=80), st.floats(-80.0, -1.0), st.integers(0, 80))
def test_fade_weights_touch_only_the_ends_and_stay_in_range(levels, body_db, max_segments):
    lv = np.array(levels)
    w = fade_weights(lv, body_db=body_db, floor_db=body_db - 30.0, max_segments=max_segments)
    assert ((0.0 <= w) & (w <= 1.0)).all()
    body = np.flatnonzero(lv >= body_db)
    if body.size:
        assert (w[body[0]:body[-1] + 1] == 1.0).all()  # nothing between the first and the last body segment
    else:
        assert (w == 1.0).all()


def test_bad_inputs_are_named():
    with pytest.raises(ParameterError, match="mono"):
        segment_levels_db(np.zeros((10, 2)), frontend=FE)
    with pytest.raises(ParameterError, match=r"\[3, 999\)"):
        segment_levels_db(np.zeros(RATE), frontend=FE, start=3, stop=999)
    with pytest.raises(ParameterError, match="finite"):
        evidence_weights(np.array([0.0, np.nan]))
    with pytest.raises(ParameterError, match="percentile"):
        loud_reference_db(np.zeros(3), percentile=0)
