"""The render caches' staging (benchmarks/render_instruments.py): a stage per run, published whole."""

from __future__ import annotations

import subprocess
import sys

import benchmarks.render_instruments as ri


def _stage(out, monkeypatch, stamp="s1"):
    monkeypatch.setattr(ri, "missing_tools", lambda: [])
    return ri.open_stage(out, stamp, what="test set")


def _exited_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_two_runs_get_their_own_stage_and_the_last_publish_wins(tmp_path, monkeypatch):
    out = tmp_path / "cache" / "extras"
    a, b = _stage(out, monkeypatch), _stage(out, monkeypatch)
    assert a != b and a.is_dir() and b.is_dir()
    (a / "x.txt").write_text("a")
    (b / "x.txt").write_text("b")
    ri.publish_stage(a, out, rows=["h"], stamp="s1")
    assert (b / "x.txt").read_text() == "b"  # publishing one run leaves the other's stage alone
    ri.publish_stage(b, out, rows=["h"], stamp="s1")
    assert (out / "x.txt").read_text() == "b" and (out / "stamp.json").read_text() == "s1"
    assert sorted(p.name for p in out.parent.iterdir()) == ["extras"]  # no stage or old set left behind


def test_a_published_set_with_the_same_stamp_is_reused(tmp_path, monkeypatch):
    out = tmp_path / "extras"
    ri.publish_stage(_stage(out, monkeypatch), out, rows=["h"], stamp="s1")
    assert _stage(out, monkeypatch, "s1") is None
    assert _stage(out, monkeypatch, "s2") is not None


def test_a_killed_runs_stage_is_removed_by_the_next_run_a_live_ones_stays(tmp_path, monkeypatch):
    out = tmp_path / "extras"
    live = _stage(out, monkeypatch)
    dead = live.with_name(f".extras.staging-{_exited_pid()}-abcd")  # what a killed run leaves
    dead.mkdir()
    (dead / "half.flac").write_bytes(b"x")
    fresh = _stage(out, monkeypatch)
    assert not dead.exists() and live.is_dir() and fresh.is_dir()
    ri.publish_stage(fresh, out, rows=["h"], stamp="s1")
    assert sorted(p.name for p in out.iterdir()) == ["manifest.csv", "stamp.json"]


def test_a_set_moved_aside_by_a_killed_publish_is_put_back(tmp_path, monkeypatch):
    out = tmp_path / "extras"
    ri.publish_stage(_stage(out, monkeypatch), out, rows=["h"], stamp="s1")
    out.rename(out.with_name(f".extras.old-{_exited_pid()}-abcd"))  # killed between its two renames
    assert _stage(out, monkeypatch, "s1") is None  # the old set is back in place, and reused
    assert (out / "stamp.json").read_text() == "s1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["extras"]
