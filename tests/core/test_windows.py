import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from relstudio.core.errors import ParameterError
from relstudio.core.frontend import FrontendConfig
from relstudio.core.relevance import SILENCE, relevance, winning_expert
from relstudio.core.windows import pooled_winner, relevance_windows, window_index

FE = FrontendConfig.small()


@st.composite
def tracks(draw):
    n = draw(st.integers(1, 5))
    s = draw(st.integers(1, 60))
    p = draw(arrays(np.float64, (n, s), elements=st.floats(0.0, 1.0)))
    w = draw(arrays(np.float64, (s,), elements=st.sampled_from([0.0, 0.0, 0.25, 0.5, 1.0, 1.0])))
    duration = float(draw(st.floats(0.05, 1.5))) * s * 0.08 + 0.4
    return p, w, duration


@settings(max_examples=150, deadline=None)
@given(tracks(), st.sampled_from([0.5, 1.0, 2.0]))
def test_window_relevance_is_the_formula_on_mean_probabilities(track, seconds):
    p, w, duration = track
    s = p.shape[1]
    centres = np.linspace(0, duration, s, endpoint=False)
    times = np.stack([centres - 0.1, centres + 0.1], axis=1)
    win = relevance_windows(probs=p, weights=w, times=times, centres=centres, duration=duration, seconds=seconds)
    for i in range(win.n_windows):  # independent reference: a plain loop over the window's segments
        inside = (centres >= i * seconds) & (centres < (i + 1) * seconds)
        if i == win.n_windows - 1:
            inside |= centres >= (i + 1) * seconds
        weights = w[inside]
        if weights.sum() == 0:
            assert win.relevance[i] == 0.0 and win.winners[i] == SILENCE
            continue
        mean_p = (p[:, inside] * weights).sum(axis=1) / weights.sum()
        expected = relevance(mean_p[:, None])[0] * weights.mean()
        assert win.relevance[i] == pytest.approx(expected, abs=1e-9)
        assert np.allclose(win.probs[:, i], mean_p)
        assert mean_p[win.winners[i]] == pytest.approx(mean_p.max())
    assert win.times[0, 0] == 0.0 and win.times[-1, 1] == pytest.approx(duration)


@settings(max_examples=80, deadline=None)
@given(tracks())
@example((np.array([[0.0], [5e-324]]), np.array([0.25]), 0.48))  # p·w/w underflowed to a tie (found by CI)
def test_segment_resolution_is_the_segment_curve(track):
    p, w, duration = track
    s = p.shape[1]
    centres = np.arange(s) * 0.1 + 0.15
    times = np.stack([centres - 0.15, centres + 0.15], axis=1)
    win = relevance_windows(probs=p, weights=w, times=times, centres=centres, duration=duration, seconds=None)
    assert np.allclose(win.relevance, relevance(p, weights=w))
    audible = w > 0
    assert np.array_equal(win.winners[audible], winning_expert(p)[audible])
    assert np.all(win.winners[~audible] == SILENCE)
    assert np.array_equal(win.times, times)


def test_window_of_silence_and_pooled_winner():
    p = np.array([[0.9, 0.9, 0.1, 0.1, 0.2, 0.2],
                  [0.1, 0.1, 0.8, 0.8, 0.9, 0.9]])
    w = np.array([1.0, 1.0, 1.0, 1.0, 0.0, 0.0])
    centres = np.array([0.1, 0.6, 1.1, 1.6, 2.1, 2.6])
    times = np.stack([centres - 0.1, centres + 0.1], axis=1)
    win = relevance_windows(probs=p, weights=w, times=times, centres=centres, duration=3.0, seconds=1.0)
    assert win.winners.tolist() == [0, 1, SILENCE] and win.relevance[2] == 0.0
    assert win.audible.tolist() == [True, True, False]
    assert pooled_winner(win, 0, 3) == 0  # mean over audible segments: 0.5 vs 0.45; silence ignored
    assert pooled_winner(win, 2, 3) == SILENCE


def test_window_index_and_errors():
    idx, n = window_index(centres=np.array([0.0, 0.99, 1.0, 2.4, 9.0]), duration=2.5, seconds=1.0)
    assert n == 3 and idx.tolist() == [0, 0, 1, 2, 2]
    with pytest.raises(ParameterError, match="-1"):
        window_index(centres=np.zeros(2), duration=1.0, seconds=-1)
    with pytest.raises(ParameterError, match=r"\(3, 2\)"):
        relevance_windows(probs=np.zeros((2, 3)), times=np.zeros((2, 2)), centres=np.zeros(3), duration=1.0,
                          seconds=1.0)
    with pytest.raises(ParameterError, match="weights"):
        relevance_windows(probs=np.zeros((2, 3)), weights=np.full(3, 2.0), times=np.zeros((3, 2)),
                          centres=np.zeros(3), duration=1.0, seconds=1.0)


def test_empty_inputs():
    from relstudio.core.relevance_view import relevance_view

    view = relevance_view(probs=np.zeros((3, 0)), weights=np.zeros(0), times=np.zeros((0, 2)), centres=np.zeros(0),
                          duration=0.0)
    assert view.windows.n_windows == 1 and view.passages == () and view.silent_share == 0.0
    no_experts = relevance_windows(probs=np.zeros((0, 4)), times=np.zeros((4, 2)), centres=np.arange(4.0),
                                   duration=4.0, seconds=1.0)
    assert no_experts.winners.tolist() == [SILENCE] * 4 and no_experts.relevance.tolist() == [0.0] * 4
