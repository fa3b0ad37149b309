"""relstudio analyze --batch, rank, preview and viewpoints from the command line."""

import json

from relstudio.cli import main
from tests.collection.conftest import make_collection


def test_batch_rank_preview_and_viewpoints(tmp_path, tone_noise, capsys):
    lib = str(tone_noise[0].path.parent)
    folder = make_collection(tmp_path / "music", n_tone=2, n_noise=2)
    assert main(["viewpoints", "save", "tn", "--experts", "tone", "noise", "--library", lib]) == 0
    out = tmp_path / "res"
    assert main(["analyze", "--batch", str(folder), "--viewpoint", "tn", "--library", lib, "-o", str(out),
                 "--workers", "1", "--device", "cpu"]) == 0
    err = capsys.readouterr().err
    assert "4 tracks in the table: 4 analysed, 0 already analysed, 1 unreadable" in err and "broken.wav" in err
    assert main(["analyze", "--batch", str(folder), "--viewpoint", "tn", "--library", lib, "-o", str(out)]) == 0
    assert "4 already analysed" in capsys.readouterr().err
    # other relevance settings: other rows (the settings are part of the row key and of the table)
    fine = tmp_path / "fine"
    assert main(["analyze", "--batch", str(folder), "--viewpoint", "tn", "--library", lib, "-o", str(fine),
                 "--resolution", "0.5", "--min-passage", "0.5"]) == 0
    assert "4 analysed, 0 already analysed" in capsys.readouterr().err
    table = json.loads((fine / "collection.json").read_text())
    assert table["settings"]["relevance"]["resolution"] == 0.5 and table["settings"]["relevance"]["min_passage"] == 0.5
    assert all(e["end"] - e["start"] <= 1.0 for row in table["rows"] for e in row["excerpts"])  # 0.5-s windows
    assert main(["rank", str(fine), "--what", "excerpts", "--format", "json"]) == 0
    excerpts = json.loads(capsys.readouterr().out)["excerpts"]
    assert excerpts and [e["score"] for e in excerpts] == sorted((e["score"] for e in excerpts), reverse=True)

    assert main(["rank", str(out), "--by", "class:noise", "--what", "tracks", "--format", "json"]) == 0
    ranked = json.loads(capsys.readouterr().out)["tracks"]
    assert [r["track"].split("/")[0] for r in ranked] == ["noisy", "noisy", "tone0.wav", "tone1.wav"]
    assert main(["rank", str(out), "--by", "class:drums"]) == 2
    assert "no class 'drums'" in capsys.readouterr().err

    prev = tmp_path / "prev"
    assert main(["preview", str(folder), "--seconds", "1", "--library", lib, "--viewpoint", "tn",
                 "-o", str(prev), "--format", "wav"]) == 0
    assert len(list(prev.glob("*.preview.wav"))) == 4 and (prev / "previews.m3u").exists()
    assert main(["analyze", "--library", lib]) == 2
    assert "needs a TRACK" in capsys.readouterr().err
