"""Batch analysis of a folder: table, unreadable files, resume, runners, exact batching."""

import json

import numpy as np
import pytest

from relstudio.core.analysis import analyze
from relstudio.core.audio import clip_from_array
from relstudio.core.cache import ProbabilityCache
from relstudio.core.collection import batched
from relstudio.core.collection.batch import analyze_collection, find_tracks
from relstudio.core.collection.results import read_results
from relstudio.core.errors import ParameterError
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.progress import run_task
from relstudio.core import runner
from tests.collection.conftest import make_collection
from tests.synth import noise, tone


def run(folder, experts, **kw):
    seen = []
    results = run_task(analyze_collection(folder, experts, **kw), seen.append)
    return results, seen


def test_find_tracks_is_recursive_and_skips_hidden_and_excluded(tmp_path):
    make_collection(tmp_path)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.wav").write_bytes(b"")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "p.flac").write_bytes(b"")
    names = [p.relative_to(tmp_path).as_posix() for p in find_tracks(tmp_path, exclude=[tmp_path / "out"])]
    assert names == ["broken.wav", "noisy/noise0.wav", "noisy/noise1.wav", "noisy/noise2.wav",
                     "tone0.wav", "tone1.wav", "tone2.wav"]
    with pytest.raises(ParameterError, match="not a folder"):
        find_tracks(tmp_path / "tone0.wav")


def test_batch_writes_table_classifies_and_lists_unreadable(tmp_path, tone_noise):
    folder = make_collection(tmp_path / "music")
    out = tmp_path / "results"
    results, seen = run(folder, tone_noise, output=out, cache=ProbabilityCache(tmp_path / "cache"), workers=1)
    assert [r["track"] for r in results.rows] == ["noisy/noise0.wav", "noisy/noise1.wav", "noisy/noise2.wav",
                                                  "tone0.wav", "tone1.wav", "tone2.wav"]
    assert [f["path"].endswith("broken.wav") for f in results.failures] == [True]
    for r in results.rows:
        want = "tone" if r["track"].startswith("tone") else "noise"
        assert r["classification"] == want and r["method"] == "SUM"
        assert r["scores"][want] > 0.9 and abs(sum(r["scores"].values()) - 1) < 1e-3
        assert 0 <= r["mean_relevance"] <= r["peak_relevance"] <= 1
        assert 1 <= len(r["excerpts"]) <= 3 and len(r["curve"]) > 0
        for e in r["excerpts"]:
            assert 0 <= e["start"] < e["end"] <= r["duration"] + 1e-6 and e["winner"] == want
        assert set(r["class_excerpts"]) == {"tone", "noise"}
    assert results.stats["analysed"] == 6 and results.stats["failed"] == 1 and results.complete
    # progress streamed every row and the failure, with counts
    assert sum("row" in p.metrics for p in seen) == 6 and sum("failure" in p.metrics for p in seen) == 1
    assert seen[-1].fraction == 1.0
    # both tables on disk; JSON reads back equal, CSV has a header + one line per track
    back = read_results(out)
    assert back.rows == json.loads(json.dumps(results.rows)) and back.complete
    lines = (out / "collection.csv").read_text().splitlines()
    assert lines[0].startswith("track,duration,classification,method,mean_relevance,peak_relevance,score_tone")
    assert len(lines) == 7 and lines[4].startswith("tone0.wav,2.000,tone,SUM,")


def test_rerun_and_interrupted_run_resume_from_the_cache(tmp_path, tone_noise, monkeypatch):
    folder = make_collection(tmp_path / "music", bad=False)
    cache = ProbabilityCache(tmp_path / "cache")
    task = analyze_collection(folder, tone_noise, output=tmp_path / "out", cache=cache, workers=1)
    done = 0
    for p in task:  # "Ctrl-C" after two finished tracks: the consumer closes the generator
        done += "row" in p.metrics
        if done == 2:
            task.close()
            break
    again, _ = run(folder, tone_noise, output=tmp_path / "out", cache=ProbabilityCache(tmp_path / "cache"), workers=1)
    assert (again.stats["reused"], again.stats["analysed"]) == (2, 4)
    third, _ = run(folder, tone_noise, output=tmp_path / "out", cache=ProbabilityCache(tmp_path / "cache"), workers=1)
    assert (third.stats["reused"], third.stats["analysed"]) == (6, 0)
    assert third.rows == again.rows
    # other summary settings re-summarise every track, but the probabilities come from the cache: no inference
    monkeypatch.setattr(runner, "_fused", lambda *a, **k: pytest.fail("inference ran despite cached probabilities"))
    fourth, _ = run(folder, tone_noise, cache=ProbabilityCache(tmp_path / "cache"), workers=1, top_k=1)
    assert fourth.stats["analysed"] == 6 and all(len(r["excerpts"]) == 1 for r in fourth.rows)


def test_worker_processes_give_the_same_table(tmp_path, tone_noise):
    folder = make_collection(tmp_path / "music", n_tone=2, n_noise=2)
    inline, _ = run(folder, tone_noise, cache=None, workers=1)
    pooled, seen = run(folder, tone_noise, cache=ProbabilityCache(tmp_path / "c"), workers=2)
    assert pooled.rows == inline.rows and len(pooled.failures) == 1
    assert pooled.stats["analysed"] == 4


def test_batched_clips_equal_one_by_one_analysis(tone_noise):
    experts = [load_expert(i.path) for i in tone_noise]
    signals = [tone(440, 1.3, harmonics=2), noise(0.1, seed=3), noise(2.7, seed=4), tone(220, 0.5)]
    clips = [clip_from_array(x, rate=16000, name=str(i)) for i, x in enumerate(signals)]
    cache = ProbabilityCache(None)
    together = batched.analyze_clips(clips, experts, cache=cache, device="cpu")
    for clip, a in zip(clips, together):
        alone = run_task(analyze(clip, experts, device="cpu", keep_mel=False))
        assert a.probs.shape == alone.probs.shape
        np.testing.assert_allclose(a.probs, alone.probs, atol=1e-5)
        np.testing.assert_allclose(a.times, alone.times)
    assert len(cache._memory) == 2 * len(clips)


def test_batch_refuses_bad_arguments(tmp_path, tone_noise):
    with pytest.raises(ParameterError, match="at least one expert"):
        run_task(analyze_collection(tmp_path, []))
    with pytest.raises(ParameterError, match="top_k"):
        run_task(analyze_collection(tmp_path, tone_noise, top_k=0))
