"""Analysis carries audibility (issue 13): levels from the runner, evidence, winners −1 for silence,
windows and passages through ``Analysis.view``, the same under every path through the runner."""

import numpy as np
import pytest

from relstudio.core.analysis import analyze, analyze_clips
from relstudio.core.audibility import segment_levels_db
from relstudio.core.audio import clip_from_array
from relstudio.core.cache import ProbabilityCache
from relstudio.core.errors import ParameterError
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.progress import run_task
from relstudio.core.relevance import SILENCE, relevance, winning_expert
from relstudio.core.relevance_settings import RelevanceSettings
from tests.expert_factory import tone_noise_experts
from tests.synth import EVIDENCE_REGIONS, evidence_clip

RATE = 16000


@pytest.fixture(scope="module")
def experts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("experts")
    return [load_expert(i.path) for i in tone_noise_experts(folder)]


@pytest.fixture(scope="module")
def clip():
    return clip_from_array(evidence_clip(rate=RATE), rate=RATE, name="evidence")


@pytest.fixture(scope="module")
def analysis(clip, experts):
    return run_task(analyze(clip, experts, keep_mel=False))


def inside(a, name, margin=0.0):
    """Segments whose samples lie wholly inside the region ``name`` (``margin`` s in from its edges)."""
    lo, hi = EVIDENCE_REGIONS[name]
    return (a.times[:, 0] >= lo + margin) & (a.times[:, 1] <= hi - margin)


def test_levels_come_with_the_analysis(analysis, clip):
    assert analysis.levels_db.shape == (analysis.n_segments,)
    np.testing.assert_array_equal(analysis.levels_db, segment_levels_db(clip.samples, frontend=analysis.frontend))
    assert analysis.settings == RelevanceSettings()
    assert analysis.evidence.shape == (analysis.n_segments,) and 0 <= analysis.evidence.min() <= 1


@pytest.mark.parametrize("name", ["silence", "hiss", "tail"])
def test_silence_and_hiss_have_no_relevance_and_no_winner(analysis, name):
    seg = inside(analysis, name)
    assert seg.sum() >= 3
    assert analysis.relevance[seg].max() <= 0.05
    assert np.all(analysis.winners[seg] == SILENCE)
    assert set(np.array(analysis.winner_labels())[seg]) == {"silence"}
    view = analysis.view(threshold=0.0)
    second = {"silence": 4, "hiss": 9, "tail": 15}[name]  # a 1-s window whose segments read no music
    assert view.windows.relevance[second] <= 0.05 and view.windows.winners[second] == SILENCE
    lo, hi = EVIDENCE_REGIONS[name]
    assert not any(p.start >= lo + 0.5 and p.end <= hi for p in view.passages)  # even at threshold 0


def test_the_audible_parts_keep_their_winners(analysis):
    labels = np.array(analysis.labels)
    for name, want in (("tone", "tone"), ("noise", "noise"), ("tone2", "tone")):
        seg = inside(analysis, name, margin=0.2)
        assert list(set(labels[analysis.winners[seg]])) == [want], name
        assert analysis.relevance[seg].min() > 0.5, name


def test_ranking_and_threshold_skip_silence(analysis):
    top = analysis.top_segments(analysis.n_segments)
    assert np.all(analysis.evidence[top] > 0) and len(top) == int((analysis.evidence > 0).sum())
    audible = analysis.relevance[analysis.evidence > 0]
    assert analysis.threshold_for_top(0.2) == pytest.approx(np.quantile(audible, 0.8))
    assert analysis.threshold_for_top() == pytest.approx(np.quantile(audible, 0.9))  # settings.top_fraction
    with pytest.raises(ParameterError, match="fraction"):
        analysis.threshold_for_top(0.0)


def test_with_settings_select_and_merged_keep_levels_and_settings(analysis):
    raw = analysis.with_settings(RelevanceSettings.raw())
    assert raw.settings.audibility is False and np.all(raw.evidence == 1)
    np.testing.assert_allclose(raw.relevance, relevance(analysis.probs))
    np.testing.assert_array_equal(raw.winners, winning_expert(analysis.probs))
    assert analysis.with_settings(RelevanceSettings()) is analysis
    with pytest.raises(ParameterError, match="RelevanceSettings"):
        analysis.with_settings({"resolution": 1})
    coarse = analysis.with_settings(RelevanceSettings(resolution=2.0))
    one = coarse.select(["noise"])
    assert one.settings == coarse.settings and one.levels_db is analysis.levels_db
    np.testing.assert_array_equal(one.evidence, analysis.evidence)
    both = one.merged(analysis.select(["tone"]))
    assert both.labels == ["noise", "tone"] and both.settings.resolution == 2.0
    np.testing.assert_array_equal(both.levels_db, analysis.levels_db)
    assert np.diff(both.view().windows.times, axis=1).max() == pytest.approx(2.0)


def test_view_is_relevance_view_of_the_analysis(analysis):
    from relstudio.core.relevance_view import relevance_view

    want = relevance_view(probs=analysis.probs, weights=analysis.evidence, times=analysis.times,
                          centres=analysis.centres, duration=analysis.duration, settings=analysis.settings)
    got = analysis.view()
    assert got.passages == want.passages and got.threshold == want.threshold
    np.testing.assert_array_equal(got.windows.winners, want.windows.winners)
    assert analysis.view(threshold=0.5).threshold == 0.5


def test_levels_are_the_same_chunked_cached_and_batched(clip, experts, analysis, tmp_path):
    cache = ProbabilityCache(tmp_path / "cache")
    first = run_task(analyze(clip, experts, cache=cache, chunk_seconds=0.7, keep_mel=False))
    again = run_task(analyze(clip, experts, cache=cache, keep_mel=False))  # probabilities from the cache
    batched = run_task(analyze_clips([clip, clip_from_array(evidence_clip(rate=RATE)[:RATE], rate=RATE)], experts,
                                     batch_seconds=60.0))[0]
    for other in (first, again, batched):
        np.testing.assert_array_equal(other.levels_db, analysis.levels_db)
        np.testing.assert_array_equal(other.winners, analysis.winners)


def test_settings_pass_through_analyze(clip, experts):
    s = RelevanceSettings(resolution="segment", min_passage=0.0)
    a = run_task(analyze(clip, experts, keep_mel=False, settings=s))
    assert a.settings is s and a.view().windows.n_windows == a.n_segments
