"""Ranking a collection table by relevance and by class."""

import numpy as np
import pytest

from relstudio.core.cache import ProbabilityCache
from relstudio.core.collection.batch import analyze_collection
from relstudio.core.collection.ranking import precision_at, rank
from relstudio.core.errors import ParameterError
from relstudio.core.progress import run_task
from tests.collection.conftest import make_collection
from tests.synth import noise, tone, write_wav


@pytest.fixture(scope="module")
def table(tmp_path_factory, tone_noise):
    folder = make_collection(tmp_path_factory.mktemp("music"), n_tone=3, n_noise=4, bad=False)
    # noise first, then a tone: its tone excerpt must lie in the tone part
    write_wav(folder / "half.wav", np.concatenate([noise(3.0, seed=5), tone(440.0, 2.0, harmonics=3)]))
    return run_task(analyze_collection(folder, tone_noise, cache=ProbabilityCache(None), workers=1))


@pytest.mark.parametrize("cls, members", [("tone", 3), ("noise", 4)])
def test_tracks_that_favour_a_class_rank_first(table, cls, members):
    ranked = rank(table, by=f"class:{cls}")
    first = [r["track"] for r in ranked[:members]]
    assert all(cls in t for t in first), first
    assert precision_at(ranked, lambda r: cls in r["track"], members) == 1.0
    assert [r["rank"] for r in ranked] == list(range(1, len(table.rows) + 1))
    scores = [r["score"] for r in ranked]
    assert scores == sorted(scores, reverse=True)


def test_class_excerpts_point_at_the_class(table):
    ranked = rank(table, by="class:tone", what="excerpts")
    half = [r for r in ranked if r["track"] == "half.wav"]
    assert half and half[0]["start"] >= 2.8 and half[0]["winner"] == "tone"
    noise_ex = rank(table, by="class:noise", what="excerpts", limit=5)
    assert len(noise_ex) == 5 and all(r["winner"] == "noise" for r in noise_ex)
    assert all(r["track"].startswith("noisy/") or (r["track"] == "half.wav" and r["end"] <= 3.3) for r in noise_ex)


def test_rank_by_relevance_and_errors(table):
    ranked = rank(table, by="relevance", limit=3)
    assert len(ranked) == 3
    means = sorted((r["mean_relevance"] for r in table.rows), reverse=True)
    assert [next(x for x in table.rows if x["track"] == r["track"])["mean_relevance"] for r in ranked] == means[:3]
    with pytest.raises(ParameterError, match="classes: tone, noise"):
        rank(table, by="class:metal")
    with pytest.raises(ParameterError, match="relevance"):
        rank(table, by="loudness")
    with pytest.raises(ParameterError, match="what"):
        rank(table, what="albums")


def test_excerpts_are_passages_best_first_and_apart(table):
    # excerpts are passages (issue 13): best first by peak, never overlapping within a track
    for row in table.rows:
        for group in [row["excerpts"], *row["class_excerpts"].values()]:
            assert [e["relevance"] for e in group] == sorted((e["relevance"] for e in group), reverse=True)
            spans = sorted((e["start"], e["end"]) for e in group)
            assert all(a_end <= b_start + 1e-6 for (_, a_end), (b_start, _) in zip(spans, spans[1:])), spans
            # min_passage; a clip too short for one gets its best window alone
            assert len(group) == 1 or all(e["end"] - e["start"] >= 1.0 - 1e-6 for e in group)
    assert all(row["excerpts"] for row in table.rows)


def test_a_class_name_finds_its_family_label():
    from relstudio.core.collection.ranking import parse_by

    labels = ["metal (genre)", "orchestral (genre)", "electronic (genre)", "electronic (sound)"]
    assert parse_by("class:metal", labels) == "metal (genre)"
    assert parse_by("class:electronic (sound)", labels) == "electronic (sound)"
    with pytest.raises(ParameterError, match="ambiguous"):
        parse_by("class:electronic", labels)


def test_classifier_classes_and_expert_labels_meet_by_class_name(table):
    import copy

    renamed = copy.deepcopy(table)  # a RELNET names its classes "tone"/"noise", the experts are "… (synth)"
    renamed.experts = [dict(e, label=f"{e['label']} (synth)") for e in table.experts]
    for row in renamed.rows:
        for group in [row["excerpts"]] + list(row["class_excerpts"].values()):
            for e in group:
                e["classes"] = {f"{k} (synth)": v for k, v in e["classes"].items()}
        row["class_excerpts"] = {f"{k} (synth)": v for k, v in row["class_excerpts"].items()}
    assert [r["track"] for r in rank(renamed, by="class:tone")] == [r["track"] for r in rank(table, by="class:tone")]
    got = rank(renamed, by="class:tone", what="excerpts")
    want = rank(table, by="class:tone", what="excerpts")
    assert [(r["track"], r["score"]) for r in got] == [(r["track"], r["score"]) for r in want] and got
