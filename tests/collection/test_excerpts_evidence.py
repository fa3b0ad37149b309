"""Collection rows from passages and evidence: excerpts and previews never point at silence (issue 13)."""

import numpy as np
import pytest

from relstudio.core.analysis import analyze
from relstudio.core.audio import clip_from_array
from relstudio.core.collection.excerpts import best_passages, summarise
from relstudio.core.collection.preview import best_excerpt, grown_span
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.progress import run_task
from relstudio.core.relevance_settings import RelevanceSettings
from tests.collection.conftest import tone_in_silence
from tests.synth import noise

TONE = (3.0, 5.0)  # tone_in_silence(3, 2, 3): where the tone is


@pytest.fixture(scope="module")
def analysis(tone_noise):
    experts = [load_expert(i.path) for i in tone_noise]
    x = np.concatenate([tone_in_silence(3.0, 2.0, 3.0), 0.3 * noise(2.0, seed=9)]).astype(np.float32)
    return run_task(analyze(clip_from_array(x, rate=16000), experts, keep_mel=False))


def test_row_excerpts_are_audible_passages(analysis):
    row = summarise(analysis, top_k=3)
    silent = analysis.evidence == 0
    assert silent.sum() > 20
    assert row["mean_relevance"] == pytest.approx(analysis.relevance[~silent].mean(), abs=1e-5)
    assert row["silent_share"] == pytest.approx(silent.mean(), abs=1e-5)
    groups = [row["excerpts"], *row["class_excerpts"].values()]
    assert all(groups)
    for group in groups:
        for e in group:  # inside the tone (3–5 s) or the noise (8–10 s), never in the silence between
            assert TONE[0] - 0.5 <= e["start"] < e["end"] <= TONE[1] + 0.5 or e["start"] >= 7.5, e
    assert {e["winner"] for e in row["class_excerpts"]["tone"]} == {"tone"}
    assert {e["winner"] for e in row["class_excerpts"]["noise"]} == {"noise"}


def test_a_silent_clip_has_no_excerpt(tone_noise):
    experts = [load_expert(i.path) for i in tone_noise]
    a = run_task(analyze(clip_from_array(np.zeros(3 * 16000, np.float32), rate=16000), experts, keep_mel=False))
    assert best_passages(a) == [] and summarise(a)["excerpts"] == []
    assert best_excerpt(a, 2.0) == (0.0, 2.0, 0.0)


def test_a_preview_grows_into_the_music_not_the_silence(analysis):
    for settings in (RelevanceSettings(), RelevanceSettings(resolution=0.5)):
        start, end, score = best_excerpt(analysis.with_settings(settings), 2.0, by="class:tone")
        assert (start, end) == pytest.approx(TONE, abs=0.25) and score > 0.5
    rel, times = np.array([0.0, 0.2, 0.9, 0.5, 0.1]), np.array([[i, i + 1.0] for i in range(5)])
    assert grown_span(rel, times, 2, 3, length=3.0) == (1, 4)
    assert grown_span(rel, times, 2, 3, length=10.0) == (0, 5)
    assert grown_span(rel, times, 2, 3, length=0.5) == (2, 3)
