"""Track classification helpers: RELNET choice, segment shares of a fused score, top segments."""

import numpy as np
import pytest

from relstudio.core.classification import segment_shares, top_segments
from relstudio.core.experts.library import matching_relnet
from relstudio.core.errors import ParameterError
from relstudio.core.relevance import fuse, relevance


class _Info:
    def __init__(self, name, fps):
        self.path, self.experts, self.frontend = name, tuple((f, f) for f in fps), None


def test_matching_relnet_needs_all_its_experts_enabled_and_prefers_the_largest():
    small, big, other = _Info("a", ["x", "y"]), _Info("b", ["x", "y", "z"]), _Info("c", ["w", "x"])
    assert matching_relnet([small, big, other], ["x", "y"]) is small
    assert matching_relnet([small, big, other], ["z", "y", "x", "q"]) is big
    assert matching_relnet([small, big, other], ["x"]) is None


def test_segment_shares_add_up_to_the_fused_scores():
    rng = np.random.default_rng(0)
    p = rng.uniform(0, 1, (3, 40))
    for method in ("SUM", "RV"):
        fused = fuse(p, method)
        for i in range(3):
            s = segment_shares(p, method, i)
            assert s.sum() == pytest.approx(1.0) or fused[i] == 0
    # RV: a segment counts only for the expert that wins it, weighted by its relevance
    s = segment_shares(p, "RV", 0)
    wins = p.argmax(axis=0) == 0
    assert np.all(s[~wins] == 0)
    np.testing.assert_allclose(s[wins], relevance(p)[wins] / relevance(p)[wins].sum())
    np.testing.assert_allclose(segment_shares(p, "SUM", 2), p[2] / p[2].sum())
    assert list(top_segments([0.1, 0.0, 0.5, 0.4], 3)) == [2, 3, 0]
    assert list(top_segments([0.0, 0.0], 3)) == []
    with pytest.raises(ParameterError):
        segment_shares(p, "PROD", 0)


def test_clip_scores_and_shares_ignore_silence():
    from relstudio.core.classification import clip_scores, segment_shares

    seg = np.array([[0.9, 0.1], [0.9, 0.1], [0.2, 0.8]])
    rel = np.array([0.5, 0.5, 0.4])
    loud = clip_scores(seg, rel)
    assert loud.argmax() == 0 and loud.sum() == pytest.approx(1.0)
    quiet = clip_scores(seg, rel, evidence=[0.0, 0.0, 1.0])  # the class-0 segments were silence
    assert np.allclose(quiet, [0.2, 0.8])
    assert np.allclose(clip_scores(seg, np.zeros(3), evidence=[0, 1, 1]), [0.55, 0.45])
    assert np.allclose(clip_scores(seg, rel, evidence=np.zeros(3)), [0.5, 0.5])
    probs = seg.T
    shares = segment_shares(probs, "SUM", 0, weights=[1.0, 0.0, 1.0])
    assert shares[1] == 0.0 and shares.sum() == pytest.approx(1.0)
    assert segment_shares(probs, "RV", 0, weights=[0.0, 0.0, 1.0]).sum() == 0.0
