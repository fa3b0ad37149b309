"""``relstudio --selftest`` (what the bundle runs) and the bundle's entry dispatch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from relstudio import bundle_entry, selftest
from relstudio.cli import main as cli_main
from relstudio.core.paths import demo_track
from tests.reliability.corpus import AUDIO_DIR, EXPERT_DIR, GOOD_EXPERT

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """A stand-in for trained_experts/ holding the corpus' control expert."""
    folder = tmp_path / "trained_experts"
    folder.mkdir()
    shutil.copy(GOOD_EXPERT, folder)
    monkeypatch.setenv("RELSTUDIO_SHIPPED_EXPERTS", str(folder))
    return folder


def test_selftest_analyses_the_demo_track(shipped, capsys):
    assert demo_track().is_file()
    code = cli_main(["--selftest", "--seconds", "40"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"loaded 1 experts from {shipped}: good" in out
    assert "decoded feelings.ogg: 40.0 s" in out and "selftest passed" in out


@pytest.mark.parametrize("setup,problem", [
    (lambda folder: None, "no experts in"),
    (lambda folder: shutil.copy(EXPERT_DIR / "truncated.expert.safetensors", folder), "unusable shipped experts"),
    (lambda folder: shutil.rmtree(folder), "no expert folder"),
])
def test_selftest_fails_loudly(tmp_path, monkeypatch, capsys, setup, problem):
    folder = tmp_path / "trained_experts"
    folder.mkdir()
    setup(folder)
    monkeypatch.setenv("RELSTUDIO_SHIPPED_EXPERTS", str(folder))
    code = cli_main(["--selftest"])
    _, err = capsys.readouterr()
    assert code == 1 and err.startswith("selftest FAILED: ") and problem in err


def test_selftest_refuses_a_track_it_cannot_read(shipped, capsys):
    code = selftest.main(["--track", str(AUDIO_DIR / "text_renamed.wav")])
    _, err = capsys.readouterr()
    assert code == 1 and "text_renamed.wav" in err and "text file" in err


def test_check_analysis_catches_nan(shipped):
    import numpy as np

    result = selftest.run(track=AUDIO_DIR / "rate_8k.wav", out=lambda *_: None)
    selftest.check_analysis(result, 1)
    result.probs[0, 0] = np.nan
    with pytest.raises(selftest.SelftestFailure, match="finite"):
        selftest.check_analysis(result, 1)


def test_bundle_entry_dispatches_cli_and_gui_selftest(shipped, capsys):
    assert bundle_entry.main(["experts", "list", "--library", str(shipped)]) == 0
    assert "good" in capsys.readouterr().out
    assert bundle_entry.main(["--selftest", "--seconds", "5"]) == 0
    out = capsys.readouterr().out
    assert "selftest passed" in out
    assert "the main window analysed feelings.ogg with 1 experts (2479 segments)" in out


def test_gui_selftest_reports_a_track_the_window_refuses(shipped, capsys):
    assert bundle_entry.gui_selftest(track=AUDIO_DIR / "text_renamed.wav", timeout=60) == 1
    err = capsys.readouterr().err
    assert err.startswith("selftest FAILED: GUI: ") and "text_renamed.wav" in err and "text file" in err


def test_spec_ships_experts_and_resources_and_excludes_unused_qt():
    spec = (REPO / "relstudio.spec").read_text()
    assert '"trained_experts"' in spec and '"resources"' in spec and "bundle_entry.py" in spec
    for module in ("QtQml", "QtQuick", "QtNetwork", "QtSql"):
        assert f'"{module}"' in spec
    makefile = (REPO / "Makefile").read_text()
    assert "pyinstaller --noconfirm --clean relstudio.spec" in makefile
    assert "dist/relstudio/relstudio --selftest" in makefile
