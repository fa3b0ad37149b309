import csv
import io
import json

import numpy as np
import pytest

from relstudio.cli import main
from tests.expert_factory import tone_noise_experts
from tests.synth import noise, tone, write_wav

RATE = 16000


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lib")
    tone_noise_experts(folder)
    return folder


@pytest.fixture()
def track(tmp_path):
    path = tmp_path / "track one.wav"
    write_wav(path, np.concatenate([tone(440, 1.5, rate=RATE, harmonics=3), noise(1.5, rate=RATE, seed=4)]), RATE)
    return path


def test_analyze_csv(library, track, capsys):
    assert main(["analyze", str(track), "--library", str(library), "--no-cache"]) == 0
    out = capsys.readouterr().out
    comment, body = out.split("\n", 1)
    assert comment.startswith("# relevance settings: ") and json.loads(comment.split(": ", 1)[1])["resolution"] == 1.0
    rows = list(csv.DictReader(io.StringIO(body)))
    assert set(rows[0]) == {"start", "end", "level_db", "evidence", "relevance", "winner", "window_relevance",
                            "window_winner", "passage", "p_noise", "p_tone"}
    winners = [r["winner"] for r in rows]
    assert winners[2] == "tone" and winners[-3] == "noise"
    assert all(0 <= float(r["relevance"]) <= 1 for r in rows)


def test_analyze_json_and_audacity_to_file(library, track, tmp_path, capsys):
    out = tmp_path / "out.json"
    assert main(["analyze", str(track), "--library", str(library), "--format", "json", "-o", str(out),
                 "--experts", "tone", "noise"]) == 0
    data = json.loads(out.read_text())
    assert [e["label"] for e in data["experts"]] == ["tone", "noise"]
    assert len(data["segments"]) > 10
    labels = tmp_path / "labels.txt"
    assert main(["analyze", str(track), "--library", str(library), "--format", "audacity", "-o", str(labels)]) == 0
    lines = labels.read_text().strip().splitlines()
    assert lines and all(len(line.split("\t")) == 3 for line in lines)
    start, end, _ = lines[0].split("\t")
    assert float(end) > float(start) >= 0


@pytest.mark.parametrize("content", [b"", b"just some text"])
def test_bad_track_one_line_exit_2(library, tmp_path, capsys, content):
    bad = tmp_path / "broken.wav"
    bad.write_bytes(content)
    assert main(["analyze", str(bad), "--library", str(library)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "broken.wav" in err[0] and "Traceback" not in err[0]


def test_unknown_expert_named(library, track, capsys):
    assert main(["analyze", str(track), "--library", str(library), "--experts", "violin"]) == 2
    err = capsys.readouterr().err
    assert "violin" in err and "tone" in err


def test_experts_list_show_check(library, tmp_path, capsys):
    (library / "junk.expert.safetensors").write_bytes(b"junk")
    try:
        assert main(["experts", "list", "--library", str(library)]) == 0
        out = capsys.readouterr().out
        assert "tone" in out and "noise" in out and "UNUSABLE" in out
        path = library / "tone.expert.safetensors"
        assert main(["experts", "show", str(path)]) == 0
        assert json.loads(capsys.readouterr().out)["label"] == "tone"
        assert main(["experts", "check", str(path)]) == 0
        assert main(["experts", "check", str(library / "junk.expert.safetensors")]) == 2
    finally:
        (library / "junk.expert.safetensors").unlink()


def test_demo_lists_the_best_passages(library, track, capsys):
    assert main(["demo", str(track), "--library", str(library), "--top", "3", "--resolution", "0.5",
                 "--min-passage", "0.5", "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("track one.wav: 3.0 s, ") and "experts: " in out and "windows of 0.5 s" in out
    table = out.split("winner\n", 1)[1].split("\n\n", 1)[0].splitlines()
    rows = [line.split() for line in table]
    spans = [tuple(float(m) * 60 + float(s) for m, s in (t.split(":") for t in row[0].split("–"))) for row in rows]
    peaks = [float(row[1]) for row in rows]
    assert 1 <= len(rows) <= 3 and peaks == sorted(peaks, reverse=True)
    assert all(end - start >= 0.5 - 0.05 for start, end in spans)
    ordered = sorted(spans)
    assert all(a[1] <= b[0] + 1e-6 for a, b in zip(ordered, ordered[1:]))  # passages never overlap
    assert {row[3] for row in rows} <= {"tone", "noise"}
    assert "winner share over the track: " in out
