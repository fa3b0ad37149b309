import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from relstudio.core.errors import ParameterError
from relstudio.core.relevance import fuse, relevance, relevance_parts, vote_scores, winning_expert

probs_arrays = st.integers(1, 6).flatmap(lambda n: st.integers(1, 20).flatmap(
    lambda s: arrays(np.float64, (n, s), elements=st.floats(0.0, 1.0))))


@settings(max_examples=150, deadline=None)
@given(probs_arrays)
def test_range_and_finiteness(p):
    r, rmax = relevance_parts(p)
    assert np.all(np.isfinite(rmax)) and np.all((rmax >= 0) & (rmax <= 1))
    assert np.all((r >= 0) & (r <= 1 + 1e-12))
    assert np.all(rmax <= p.max(axis=0) + 1e-12)


@settings(max_examples=100, deadline=None)
@given(probs_arrays, st.randoms())
def test_invariant_to_expert_order(p, rnd):
    order = list(range(p.shape[0]))
    rnd.shuffle(order)
    assert np.allclose(relevance(p), relevance(p[order]))
    winners = winning_expert(p)
    assert np.allclose(p[winners, np.arange(p.shape[1])], p.max(axis=0))


def test_one_confident_expert_is_relevant():
    p = np.array([[0.98], [0.01], [0.01], [0.01]])
    assert relevance(p)[0] > 0.8
    assert winning_expert(p)[0] == 0


def test_all_equal_is_irrelevant():
    for level in (0.1, 0.5, 0.9):
        assert relevance(np.full((3, 4), level)) == pytest.approx(np.zeros(4), abs=1e-12)


def test_all_low_is_damped_by_max():
    # same distribution over experts, but lower probabilities → lower R_max (Eq. 3)
    high = relevance(np.array([[0.9], [0.1]]))[0]
    low = relevance(np.array([[0.09], [0.01]]))[0]
    assert relevance_parts(np.array([[0.09], [0.01]]))[0][0] == pytest.approx(relevance_parts(np.array([[0.9], [0.1]]))[0][0])
    assert low == pytest.approx(high / 10)


def test_zero_columns_give_zero_not_nan():
    p = np.array([[0.0, 0.7], [0.0, 0.1]])
    r = relevance(p)
    assert r[0] == 0.0 and np.isfinite(r).all() and r[1] > 0


def test_single_expert_relevance_is_its_probability():
    p = np.array([[0.2, 0.0, 0.95]])
    assert np.allclose(relevance(p), p[0])


def test_entropy_uses_log_base_n():
    # uniform over 2 of 4 experts: H = log(2)/log(4) = 0.5
    p = np.array([[0.5], [0.5], [0.0], [0.0]])
    r, rmax = relevance_parts(p)
    assert r[0] == pytest.approx(0.5) and rmax[0] == pytest.approx(0.25)


def test_bad_input_named():
    with pytest.raises(ParameterError, match="shape"):
        relevance(np.zeros(3))
    with pytest.raises(ParameterError, match="probabilities"):
        relevance(np.array([[1.5]]))


def test_fusions():
    p = np.array([[0.9, 0.8, 0.1, 0.2],
                  [0.2, 0.3, 0.6, 0.7]])
    assert fuse(p, "MV").tolist() == [0.5, 0.5]
    assert fuse(p, "SUM").argmax() == 0  # 2.0 vs 1.8
    assert fuse(p, "PROD").argmax() == 1  # 0.0144 vs 0.0252
    confident = np.array([[0.95, 0.5, 0.5], [0.02, 0.6, 0.6]])
    assert fuse(confident, "MV").argmax() == 1  # two weak votes beat one strong one…
    rv = fuse(confident, "RV")
    assert rv.sum() == pytest.approx(1.0) and rv.argmax() == 0  # …unless votes are weighted by relevance
    masked = fuse(p, "SUM", mask=[False, False, True, True])
    assert masked.argmax() == 1
    with pytest.raises(ParameterError):
        fuse(p, "MAX")


@settings(max_examples=120, deadline=None)
@given(probs_arrays, st.data())
def test_evidence_weights_scale_relevance_and_silence_has_no_winner(p, data):
    from relstudio.core.relevance import SILENCE

    w = data.draw(arrays(np.float64, (p.shape[1],), elements=st.sampled_from([0.0, 0.3, 1.0])))
    r, rmax = relevance_parts(p, weights=w)
    r0, rmax0 = relevance_parts(p)
    assert np.allclose(rmax, rmax0 * w) and np.allclose(r, r0 * w)
    win = winning_expert(p, weights=w)
    assert np.all(win[w == 0] == SILENCE) and np.array_equal(win[w > 0], winning_expert(p)[w > 0])
    assert np.array_equal(relevance(p, weights=np.ones(p.shape[1])), relevance(p))


@settings(max_examples=120, deadline=None)
@given(probs_arrays, st.data(), st.sampled_from(["MV", "SUM", "PROD", "RV"]))
def test_fusions_exclude_silent_segments(p, data, method):
    keep = data.draw(arrays(bool, (p.shape[1],)))
    w = keep.astype(np.float64)
    assert np.allclose(fuse(p, method, weights=w), fuse(p[:, keep], method))
    assert np.allclose(fuse(p, method, weights=np.ones(p.shape[1])), fuse(p, method))


@settings(max_examples=120, deadline=None)
@given(probs_arrays, st.data())
def test_vote_scores_from_cached_winners_equal_the_rv_fusion(p, data):
    w = data.draw(arrays(np.float64, (p.shape[1],), elements=st.sampled_from([0.0, 0.25, 1.0])))
    rmax, win = relevance(p, weights=w), winning_expert(p, weights=w)
    assert np.allclose(vote_scores(win, rmax, n_experts=p.shape[0]), fuse(p, "RV", weights=w))


def test_vote_scores_name_bad_shapes():
    with pytest.raises(ParameterError, match=r"\(3,\) and \(2,\)"):
        vote_scores(np.zeros(3, int), np.zeros(2), n_experts=2)


def test_fractional_evidence_weights_votes():
    p = np.array([[0.9, 0.1, 0.1], [0.1, 0.9, 0.9]])
    assert fuse(p, "MV", weights=[1.0, 0.2, 0.2]).tolist() == pytest.approx([1 / 1.4, 0.4 / 1.4])
    with pytest.raises(ParameterError, match=r"shape \(3,\)"):
        fuse(p, "MV", weights=[1.0, 0.5])
    with pytest.raises(ParameterError, match="weights"):
        relevance(p, weights=[1.0, 2.0, 0.0])
