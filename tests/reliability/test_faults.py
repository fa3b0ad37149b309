"""Faults: corrupt cache entries, read-only folders, CUDA out of memory, cancelled and failed writes."""

from __future__ import annotations

import errno
import io
import os
import pickle
import zlib

import numpy as np
import pytest
import torch

from relstudio.core import runner as runner_module
from relstudio.core.analysis import analyze
from relstudio.core.audio import clip_from_array, load_audio
from relstudio.core.cache import ProbabilityCache
from relstudio.core.experts.expert_file import save_expert
from relstudio.core.experts.library import ExpertLibrary
from relstudio.core.fileio import atomic_write_bytes
from relstudio.core.progress import run_task
from tests.reliability.corpus import AUDIO_DIR, GOOD_EXPERT, MARKER
from tests.synth import noise, tone


@pytest.fixture(scope="module")
def clip():
    x = np.concatenate([tone(440, 2.0, rate=44100, harmonics=3), noise(2.0, rate=44100, seed=1)])
    return clip_from_array(x, rate=44100, name="tone-noise")


def _entries(folder):
    return sorted(p.name for p in folder.iterdir())


# -- cache ---------------------------------------------------------------------
@pytest.mark.parametrize("damage", ["flip-bytes", "truncate", "bad-checksum", "wrong-shape", "pickle"])
def test_corrupt_cache_entry_detected_and_recomputed(tmp_path, monkeypatch, clip, good_expert, damage):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "cache"
    reference = run_task(analyze(clip, [good_expert], cache=ProbabilityCache(folder)))
    (entry,) = folder.glob("*.npz")
    raw = entry.read_bytes()
    probs = reference.probs[0]
    if damage == "flip-bytes":
        bad = bytearray(raw)
        bad[len(bad) // 2] ^= 0xFF
        entry.write_bytes(bytes(bad))
    elif damage == "truncate":
        entry.write_bytes(raw[: len(raw) // 3])
    else:
        buf = io.BytesIO()
        if damage == "bad-checksum":  # a well-formed file whose numbers changed after writing
            np.savez(buf, data=probs + 0.25, crc=np.array([zlib.crc32(probs.tobytes())], np.int64))
        elif damage == "wrong-shape":
            short = probs[:-3].copy()
            np.savez(buf, data=short, crc=np.array([zlib.crc32(short.tobytes())], np.int64))
        else:  # np.load(allow_pickle=False) must refuse it
            buf.write(pickle.dumps({"probs": probs}))
        entry.write_bytes(buf.getvalue())
    cache = ProbabilityCache(folder)  # a new session: nothing in memory
    again = run_task(analyze(clip, [good_expert], cache=cache))
    assert np.array_equal(again.probs, reference.probs)
    if damage == "wrong-shape":  # a readable entry of another length: the analysis does not use it
        assert cache.corrupt == 0
    else:
        assert cache.hits == 0 and cache.corrupt == 1
    assert not (tmp_path / MARKER).exists()
    # the recomputed entry replaced the broken one and is read back as a hit
    fresh = ProbabilityCache(folder)
    run_task(analyze(clip, [good_expert], cache=fresh))
    assert fresh.hits == 1 and fresh.corrupt == 0 and not list(folder.glob("*.tmp"))


# -- read-only folders -----------------------------------------------------------
def test_read_only_library_lists_loads_and_refuses_saving(tmp_path, read_only, good_expert):
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / GOOD_EXPERT.name).write_bytes(GOOD_EXPERT.read_bytes())
    read_only(folder)
    library = ExpertLibrary([folder])
    assert [e.label for e in library.usable()] == ["good"]
    assert library.load(library.usable()[0]).fingerprint == good_expert.fingerprint
    target = folder / "new.expert.safetensors"
    with pytest.raises(PermissionError) as info:
        save_expert(target, good_expert.module, label="new")
    assert info.value.filename == str(target)
    assert _entries(folder) == [GOOD_EXPERT.name]  # no temp file, nothing half-written


def test_read_only_cache_only_costs_speed(tmp_path, read_only, clip, good_expert):
    folder = read_only(tmp_path / "cache")
    cache = ProbabilityCache(folder)
    first = run_task(analyze(clip, [good_expert], cache=cache))
    assert _entries(folder) == []
    second = run_task(analyze(clip, [good_expert], cache=cache))  # the memory layer still works
    assert np.array_equal(first.probs, second.probs) and cache.hits == 1


# -- CUDA out of memory ------------------------------------------------------------
def _oom_once(monkeypatch, times=1):
    real, calls = runner_module.mel_db, []

    def mel_db(*args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(*args, **kwargs)

    monkeypatch.setattr(runner_module, "mel_db", mel_db)
    return calls


def test_cuda_out_of_memory_falls_back_to_cpu(monkeypatch, clip, good_expert):
    reference = run_task(analyze(clip, [good_expert], chunk_seconds=1.0))
    calls = _oom_once(monkeypatch)
    messages = []
    result = run_task(analyze(clip, [good_expert], chunk_seconds=1.0), lambda p: messages.append(p.message))
    assert np.array_equal(result.probs, reference.probs)
    assert np.array_equal(result.mel_db, reference.mel_db)
    assert len(result.warnings) == 1 and "ran out of memory" in result.warnings[0]
    assert "continued on the CPU" in result.warnings[0]
    assert any("ran out of memory" in m for m in messages)
    assert len(calls) == 1 + len([m for m in messages if m.startswith("analysed")])


def test_out_of_memory_twice_is_reported_not_retried_forever(monkeypatch, clip, good_expert):
    calls = _oom_once(monkeypatch, times=10)
    with pytest.raises(torch.cuda.OutOfMemoryError):
        run_task(analyze(clip, [good_expert]))
    assert len(calls) == 2


def test_cli_reports_the_fallback(monkeypatch, tmp_path, capsys, good_expert):
    from relstudio.cli import main

    _oom_once(monkeypatch)
    code = main(["analyze", str(AUDIO_DIR / "rate_8k.wav"), "--experts", str(GOOD_EXPERT), "--no-cache",
                 "--library", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0 and out.startswith("# relevance settings: ")  # then the segments' header (issue 13)
    assert out.splitlines()[1].startswith("start,end,level_db,evidence,relevance")
    assert "ran out of memory; the analysis continued on the CPU" in err and "Traceback" not in err


# -- cancelled and failed writes ------------------------------------------------------
def test_cancelled_analysis_writes_nothing(tmp_path, clip, good_expert):
    folder = tmp_path / "cache"
    task = analyze(clip, [good_expert], cache=ProbabilityCache(folder), chunk_seconds=0.5)
    next(task)
    next(task)
    task.close()
    assert not folder.exists() or _entries(folder) == []


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch, failure):
    target = tmp_path / "segments.csv"
    atomic_write_bytes(target, b"old")

    def broken(*args, **kwargs):
        raise failure

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(type(failure)) as info:
        atomic_write_bytes(target, b"new and longer")
    if isinstance(failure, OSError):
        assert info.value.filename == str(target) and info.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"old" and _entries(tmp_path) == ["segments.csv"]


def test_written_files_get_ordinary_permissions(tmp_path):
    """Not mkstemp's 0600: a saved expert or export is readable like any other file."""
    from relstudio.core import fileio

    atomic_write_bytes(tmp_path / "new.csv", b"x")
    assert (tmp_path / "new.csv").stat().st_mode & 0o777 == 0o666 & ~fileio.UMASK
    (tmp_path / "new.csv").chmod(0o640)
    atomic_write_bytes(tmp_path / "new.csv", b"y")  # a replaced file keeps its mode
    assert (tmp_path / "new.csv").stat().st_mode & 0o777 == 0o640


def test_clip_shorter_than_a_segment_is_padded_and_said(good_expert):
    clip = load_audio(AUDIO_DIR / "single_sample.wav", rate=44100)
    result = run_task(analyze(clip, [good_expert]))
    assert result.n_segments == 1 and np.isfinite(result.probs).all()
    assert result.warnings == (f"clip is shorter than one segment ({clip.duration:.3g} s); "
                               "it was padded with silence",)
