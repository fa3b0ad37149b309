"""Decoder results without audio, files beside a manifest, labels that would escape a folder or a terminal."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import soundfile as sf

from relstudio.cli import main
from relstudio.core.errors import AudioReadError
from relstudio.core.names import printable, safe_filename
from tests.reliability.corpus import AUDIO_DIR, GOOD_EXPERT
from tests.reliability.crafted import crafted
from tests.synth import tone

RANDOM_FLAC = AUDIO_DIR / "random_bytes.flac"
NO_AUDIO = [(np.zeros((1, 100), np.float32), 0), (np.zeros((1, 100), np.float32), -8000),
            (np.zeros(0, np.float32), 44100), (np.zeros((0, 100), np.float32), 44100),
            (np.zeros((2, 0), np.float32), 44100), (np.zeros(100, np.float32), float("nan")),
            (np.zeros(100, np.float32), 10 ** 12)]


@pytest.fixture
def ffmpeg_decoder(monkeypatch):
    """The fallback decoder (librosa / audioread + ffmpeg) returning ``result`` for any file."""
    import librosa

    def use(result):
        monkeypatch.setattr(librosa, "load", lambda *a, **k: result)
    return use


@pytest.mark.parametrize("result", NO_AUDIO, ids=lambda r: f"{getattr(r, 'shape', r)}")
def test_decoder_result_without_audio_is_unreadable(ffmpeg_decoder, result):
    from relstudio.core.audio import load_audio

    ffmpeg_decoder(result)
    with pytest.raises(AudioReadError, match="not a readable audio file .the decoder reports rate") as err:
        load_audio(RANDOM_FLAC)
    assert str(RANDOM_FLAC) in str(err.value)


def test_cli_analyze_with_a_rate_zero_decoder_is_one_line(ffmpeg_decoder, capsys):
    ffmpeg_decoder((np.zeros((1, 100), np.float32), 0))
    assert main(["analyze", str(RANDOM_FLAC), "--experts", str(GOOD_EXPERT), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "rate 0" in err and "Traceback" not in err


def test_rate_zero_file_in_a_training_folder_is_listed_not_fatal(ffmpeg_decoder, tmp_path):
    from relstudio.core.training.scan import scan_dataset
    from tests.training_factory import make_dataset

    root = make_dataset(tmp_path / "ds", manifest=False)
    shutil.copy(RANDOM_FLAC, root / "tone" / "broken.flac")
    ffmpeg_decoder((np.zeros((1, 100), np.float32), 0))
    summary = scan_dataset(root)
    assert [p for p, _ in summary.unreadable] == ["tone/broken.flac"]
    assert "rate 0" in summary.unreadable[0][1]


def test_files_beside_a_manifest_are_reported(tmp_path):
    from relstudio.core.training.scan import scan_dataset
    from tests.training_factory import make_dataset

    root = make_dataset(tmp_path / "ds")
    assert (root / "manifest.csv").exists()
    for name in ("stray_a.wav", "stray_b.wav"):
        shutil.copy(next((root / "tone").glob("*.wav")), root / "tone" / name)
    summary = scan_dataset(root)
    assert "2 audio files not in manifest.csv, ignored" in summary.describe()
    assert not any("stray" in str(c.path) for c in summary.dataset.clips)


@pytest.mark.parametrize("label,name", [("..", "unnamed"), ("../../etc", "_.._etc"), ("a/b", "a_b"),
                                        ("\x1b[2Jx", "_[2Jx"), (".hidden", "hidden"), ("ok name", "ok name")])
def test_safe_filename(label, name):
    assert safe_filename(label) == name
    assert "/" not in name and name not in (".", "..")


def test_review_label_dotdot_stays_inside_the_folder(tmp_path):
    from relstudio.core.progress import run_task
    from relstudio.core.training.reviewed import ReviewLabel, ReviewLayer, cut_reviewed

    track = tmp_path / "song.wav"
    sf.write(track, tone(440, 2.0), 16000)
    layer = ReviewLayer(track, "", (ReviewLabel(0.0, 1.0, ".."), ReviewLabel(1.0, 2.0, "..\\..")))
    out = tmp_path / "deep" / "reviewed"
    clips = run_task(cut_reviewed([layer], folder=out, rate=16000))
    assert len(clips) == 2 and {c.label for c in clips} == {"..", "..\\.."}
    for c in clips:
        assert out.resolve() in c.path.resolve().parents and c.path.exists()
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["reviewed"]


def test_experts_list_strips_terminal_codes(tmp_path, capsys):
    folder = tmp_path / "lib"
    folder.mkdir()
    crafted(folder / "evil.expert.safetensors", lambda meta, header: meta.update(label="\x1b[2J\x1b[31mred\x07",
                                                                                 description="\x1b]0;title\x07"))
    assert main(["experts", "list", "--library", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "red" in out and "ok" in out
    assert not any(ch in out for ch in "\x1b\x07\r")
    assert printable("a\u202eb\x00c") == "a?b?c"
