"""The command line over every corpus file: one line on stderr naming the file and the problem, exit 2."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest

from relstudio.cli import main
from tests.reliability.corpus import (ANALYSED, AUDIO_DIR, BAD_EXPERTS, EXPERT_CASES, EXPERT_DIR, GOOD_EXPERT,
                                      MARKER, REFUSED_AUDIO, RELNET_CASES, case_id, generator, matches)

REPO = AUDIO_DIR.parents[3]


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    """``relstudio ARGS`` in-process, in an empty working folder, with an empty expert library."""
    monkeypatch.chdir(tmp_path)
    empty = tmp_path / "no-experts"
    empty.mkdir()

    def run(*args, library=True):
        argv = [str(a) for a in args]
        if library and argv[0] in ("analyze", "experts") and "--library" not in argv:
            argv += ["--library", str(empty)]
        code = main(argv)
        out, err = capsys.readouterr()
        return code, out, err

    yield run
    assert not (tmp_path / MARKER).exists(), "a corpus pickle was unpickled: code from a file ran"


def assert_one_line_error(err: str, path, reason: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("relstudio: error: ") and str(path) in lines[0], lines[0]
    assert matches(reason, lines[0]), lines[0]
    assert "Traceback" not in err


@pytest.mark.parametrize("case", REFUSED_AUDIO, ids=case_id)
def test_bad_audio_one_line_exit_2(case, run):
    path = AUDIO_DIR / case.name
    code, out, err = run("analyze", path, "--experts", GOOD_EXPERT, "--no-cache")
    assert code == 2 and out == ""
    assert_one_line_error(err, path, case.reason)


@pytest.mark.parametrize("case", ANALYSED, ids=case_id)
def test_odd_audio_analysed(case, run):
    path = AUDIO_DIR / case.name
    code, out, err = run("analyze", path, "--experts", GOOD_EXPERT, "--no-cache", "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["source"] == str(path) and result["segments"]
    assert all(math.isfinite(s["relevance"]) and math.isfinite(s["probs"]["good"]) for s in result["segments"])
    warnings = err.splitlines()
    assert all(w.startswith(f"warning: {path}: ") for w in warnings), err
    if case.reason:
        assert any(matches(case.reason, w) for w in warnings), err
    else:
        assert warnings == []
    if case.name == "silence.wav":
        assert len({s["relevance"] for s in result["segments"]}) == 1


@pytest.mark.parametrize("case", BAD_EXPERTS, ids=case_id)
def test_bad_expert_refused_by_analyze(case, run):
    path = EXPERT_DIR / case.name
    code, out, err = run("analyze", AUDIO_DIR / "rate_8k.wav", "--experts", GOOD_EXPERT, path, "--no-cache")
    assert code == 2 and out == ""
    assert_one_line_error(err, path, case.reason)


@pytest.mark.parametrize("case", [c for c in BAD_EXPERTS if c.outcome == "refused"], ids=case_id)
def test_bad_expert_refused_by_check(case, run):
    path = EXPERT_DIR / case.name
    code, out, err = run("experts", "check", path, library=False)
    assert code == 2 and out == ""
    assert_one_line_error(err, path, case.reason)


@pytest.mark.parametrize("case", [c for c in RELNET_CASES if c.outcome != "ok"], ids=case_id)
def test_bad_relnet_refused_by_evaluate(case, run, tmp_path):
    dataset = generator.write_datasets(tmp_path / "datasets")["unreadable_mixed"]
    path = EXPERT_DIR / case.name
    code, out, err = run("evaluate", dataset, "--relnet", path, "--library", EXPERT_DIR, "--device", "cpu",
                         library=False)
    assert code == 2 and out == ""
    assert_one_line_error(err, path, case.reason)


def test_experts_list_explains_every_file(run):
    code, out, err = run("experts", "list", "--library", EXPERT_DIR, library=False)
    assert code == 0 and err == ""
    lines = out.splitlines()
    for case in EXPERT_CASES:
        if not case.name.endswith(".expert.safetensors"):
            continue
        line = next(ln for ln in lines if ln.endswith(f"[{EXPERT_DIR / case.name}]"))
        if case.outcome == "ok":
            assert " ok " in line
        else:
            assert "UNUSABLE: " in line and matches(case.reason, line), line


def test_missing_track_and_missing_expert(run, tmp_path):
    code, _, err = run("analyze", tmp_path / "nope.wav", "--experts", GOOD_EXPERT)
    assert code == 2
    assert_one_line_error(err, tmp_path / "nope.wav", "no such file")
    code, _, err = run("analyze", AUDIO_DIR / "rate_8k.wav", "--experts", tmp_path / "gone.expert.safetensors")
    assert code == 2
    assert_one_line_error(err, tmp_path / "gone.expert.safetensors", "no such file")


def test_no_gpu_asked_for_cuda(run, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    code, out, err = run("analyze", AUDIO_DIR / "rate_8k.wav", "--experts", GOOD_EXPERT, "--device", "cuda")
    assert code == 2 and out == ""
    assert err.startswith("relstudio: error: ") and "no CUDA device" in err and len(err.splitlines()) == 1


def test_unwritable_output_named(run, tmp_path, read_only):
    folder = read_only(tmp_path / "locked")
    target = folder / "segments.csv"
    code, out, err = run("analyze", AUDIO_DIR / "rate_8k.wav", "--experts", GOOD_EXPERT, "--no-cache", "-o", target)
    assert code == 2 and out == ""
    assert_one_line_error(err, target, "[Pp]ermission denied")
    assert not target.exists() and list(folder.iterdir()) == []


def _relstudio(*args, cwd, **env):
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen", **env)
    return subprocess.run([sys.executable, "-m", "relstudio", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_real_process_no_traceback(tmp_path):
    """The same contract from a real process (C locale, non-ASCII name): exit 2, one stderr line, nothing run."""
    track = tmp_path / "bad – ünï 音.flac"
    track.write_bytes((AUDIO_DIR / "random_bytes.flac").read_bytes())
    bad = _relstudio("analyze", track, "--experts", GOOD_EXPERT, "--library", tmp_path, cwd=tmp_path, LC_ALL="C",
                     LANG="C")
    assert bad.returncode == 2 and bad.stdout == ""
    assert_one_line_error(bad.stderr, track, "not a readable audio file")
    pickled = EXPERT_DIR / "pickle_renamed.expert.safetensors"
    refused = _relstudio("experts", "check", pickled, cwd=tmp_path)
    assert refused.returncode == 2
    assert_one_line_error(refused.stderr, pickled, "Python pickle")
    assert not (tmp_path / MARKER).exists()
