"""Exports read the analysis under its RelevanceSettings: segments with level and evidence, windows and
passages in JSON, labels from passages that never overlap; the CLI's relevance options (issue 13)."""

import csv
import io
import json

import numpy as np
import pytest

from relstudio.cli import main
from relstudio.core.analysis import analyze
from relstudio.core.audio import clip_from_array
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.export import SETTINGS_COMMENT, write_segments
from relstudio.core.progress import run_task
from relstudio.core.relevance_settings import RelevanceSettings
from tests.expert_factory import tone_noise_experts
from tests.synth import EVIDENCE_REGIONS, evidence_clip, write_wav

RATE = 16000
FINE = RelevanceSettings(resolution="segment", min_gap=0.0, min_passage=0.0, top_fraction=0.5)


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lib")
    tone_noise_experts(folder)
    return folder


@pytest.fixture(scope="module")
def analysis(library):
    experts = [load_expert(p) for p in sorted(library.glob("*.expert.safetensors"))]
    clip = clip_from_array(evidence_clip(rate=RATE), rate=RATE, name="evidence")
    return run_task(analyze(clip, experts, keep_mel=False))


def label_spans(text, fmt):
    lines = text.strip().splitlines()
    if fmt == "audacity":
        return [(float(a), float(b)) for a, b, _ in (ln.split("\t") for ln in lines)]
    if fmt == "sv":
        return [(float(t), float(t) + float(d)) for t, _, d, _ in (ln.split(",") for ln in lines)]
    return [(float(f[3]), float(f[4])) for f in (ln.split("\t") for ln in lines[1:])]


@pytest.mark.parametrize("settings", [RelevanceSettings(top_fraction=0.5), FINE], ids=["windows", "segments"])
@pytest.mark.parametrize("fmt", ["audacity", "sv", "raven"])
def test_labels_are_the_passages_and_never_overlap(analysis, settings, fmt):
    a = analysis.with_settings(settings)
    view = a.view()
    spans = label_spans(write_segments(a, fmt=fmt), fmt)
    assert np.allclose(spans, [(p.start, p.end) for p in view.passages], atol=1e-5)
    assert len(spans) >= 2
    assert all(end <= nxt + 1e-9 for (_, end), (nxt, _) in zip(spans, spans[1:]))
    for name in ("silence", "hiss"):  # no label inside silence or hiss
        lo, hi = EVIDENCE_REGIONS[name]
        assert not any(s >= lo + 0.5 and e <= hi for s, e in spans), name


def test_raw_segment_runs_can_overlap_but_passages_do_not(analysis):
    # the old export (runs of consecutive segments, kept as the benchmark's BEFORE) produced overlapping labels
    from benchmarks.relevance_jitter import highlighted_regions

    a = analysis.with_settings(RelevanceSettings.raw())
    runs = highlighted_regions(a, a.threshold_for_top(0.5))
    overlaps = sum(e > s2 for (_, e, _, _), (s2, _, _, _) in zip(runs, runs[1:]))
    spans = label_spans(write_segments(a, fmt="audacity", top=0.5), "audacity")
    assert overlaps >= 1 and spans and all(e <= s2 + 1e-9 for (_, e), (s2, _) in zip(spans, spans[1:]))


def test_csv_has_settings_levels_evidence_windows_and_passages(analysis):
    text = write_segments(analysis, fmt="csv")
    comment, body = text.split("\n", 1)
    assert comment.startswith(SETTINGS_COMMENT)
    assert RelevanceSettings.from_dict(json.loads(comment[len(SETTINGS_COMMENT):])) == analysis.settings
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == analysis.n_segments
    level = np.array([float(r["level_db"]) for r in rows])
    assert np.allclose(level, analysis.levels_db, atol=0.051)
    evidence = np.array([float(r["evidence"]) for r in rows])
    assert np.allclose(evidence, analysis.evidence, atol=5e-4)
    silent = evidence == 0
    assert silent.any() and {r["winner"] for r, s in zip(rows, silent) if s} == {"silence"}
    view = analysis.view()
    numbers = {int(r["passage"]) for r in rows if r["passage"]}
    assert numbers == set(range(1, len(view.passages) + 1))
    for i, p in enumerate(view.passages, 1):
        inside = [float(r["start"]) + float(r["end"]) for r in rows if r["passage"] == str(i)]
        assert p.start - 0.01 <= min(inside) / 2 and max(inside) / 2 <= p.end + 0.01


def test_json_has_settings_segments_windows_and_passages(analysis):
    a = analysis.with_settings(RelevanceSettings(resolution=0.5))
    data = json.loads(write_segments(a, fmt="json", threshold=0.2))
    assert data["relevance_settings"] == a.settings.to_dict() and data["threshold"] == 0.2
    view = a.view(threshold=0.2)
    assert len(data["windows"]) == view.windows.n_windows == 32
    assert [(p["start"], p["end"]) for p in data["passages"]] == [(round(p.start, 4), round(p.end, 4))
                                                                   for p in view.passages]
    seg = data["segments"]
    assert len(seg) == a.n_segments and {"level_db", "evidence"} <= set(seg[0])
    assert any(s["winner"] == "silence" for s in seg) and any(w["winner"] == "silence" for w in data["windows"])


@pytest.fixture()
def track(tmp_path):
    path = tmp_path / "evidence.wav"
    write_wav(path, evidence_clip(rate=RATE), RATE)
    return path


def test_cli_relevance_options(library, track, tmp_path, capsys):
    out = tmp_path / "fine.json"
    assert main(["analyze", str(track), "--library", str(library), "--no-cache", "--format", "json", "-o", str(out),
                 "--resolution", "segment", "--min-passage", "0.25", "--min-gap", "0", "--top-fraction", "0.2"]) == 0
    data = json.loads(out.read_text())
    assert data["relevance_settings"] == RelevanceSettings(resolution="segment", min_passage=0.25, min_gap=0.0,
                                                           top_fraction=0.2).to_dict()
    assert len(data["windows"]) == len(data["segments"])
    assert all(p["end"] - p["start"] >= 0.25 - 1e-6 for p in data["passages"])
    raw = tmp_path / "raw.json"
    assert main(["analyze", str(track), "--library", str(library), "--no-cache", "--format", "json", "-o", str(raw),
                 "--no-audibility"]) == 0
    data = json.loads(raw.read_text())
    assert data["relevance_settings"]["audibility"] is False
    assert {s["evidence"] for s in data["segments"]} == {1.0} and "silence" not in {s["winner"] for s in data["segments"]}
    capsys.readouterr()
    assert main(["analyze", str(track), "--library", str(library), "--min-passage", "-1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "min_passage" in err[0]
    with pytest.raises(SystemExit):
        main(["analyze", str(track), "--library", str(library), "--resolution", "3"])
