"""All-or-nothing output folders (issue 15): staging, the swap into a non-empty folder, recovery."""

import os

import pytest

from relstudio.core.staging import ASIDE_MARK, clean_stale, staged_output

DEAD_PID = 2**22 + 12345  # above Linux's pid_max default: never a live process


def test_a_new_folder_is_one_rename(tmp_path):
    out = tmp_path / "experts"
    with staged_output(out) as tmp:
        (tmp / "a.expert.safetensors").write_bytes(b"new")
        assert not out.exists()
    assert (out / "a.expert.safetensors").read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["experts"]


def test_a_non_empty_folder_is_swapped_whole_and_keeps_its_other_files(tmp_path):
    out = tmp_path / "experts"
    out.mkdir()
    (out / "mine.expert.safetensors").write_bytes(b"kept")
    (out / "a.expert.safetensors").write_bytes(b"old")
    inode = (out / "mine.expert.safetensors").stat().st_ino
    with staged_output(out) as tmp:
        (tmp / "a.expert.safetensors").write_bytes(b"new")
        (tmp / "report.json").write_bytes(b"{}")
        assert (out / "a.expert.safetensors").read_bytes() == b"old"  # nothing moves before the end
    assert (out / "a.expert.safetensors").read_bytes() == b"new"
    assert (out / "mine.expert.safetensors").read_bytes() == b"kept"
    assert (out / "mine.expert.safetensors").stat().st_ino == inode  # linked, not copied
    assert sorted(p.name for p in tmp_path.iterdir()) == ["experts"]  # no staging, nothing set aside


def test_a_failed_run_leaves_the_folder_as_it_was(tmp_path):
    out = tmp_path / "experts"
    out.mkdir()
    (out / "a.expert.safetensors").write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt), staged_output(out) as tmp:
        (tmp / "a.expert.safetensors").write_bytes(b"new")
        raise KeyboardInterrupt
    assert (out / "a.expert.safetensors").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["experts"]


def test_a_run_killed_between_the_two_renames_gets_the_old_folder_back(tmp_path):
    aside = tmp_path / f".experts{ASIDE_MARK}{DEAD_PID}"
    aside.mkdir()
    (aside / "a.expert.safetensors").write_bytes(b"old")
    staging = tmp_path / f".experts.staging-{DEAD_PID}-x"
    staging.mkdir()
    (staging / "a.expert.safetensors").write_bytes(b"new")
    clean_stale(tmp_path)
    assert (tmp_path / "experts" / "a.expert.safetensors").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["experts"]


def test_an_aside_folder_beside_its_replacement_is_removed(tmp_path):
    (tmp_path / "experts").mkdir()
    (tmp_path / "experts" / "a.expert.safetensors").write_bytes(b"new")
    aside = tmp_path / f".experts{ASIDE_MARK}{DEAD_PID}"
    aside.mkdir()
    (aside / "a.expert.safetensors").write_bytes(b"old")
    clean_stale(tmp_path)
    assert (tmp_path / "experts" / "a.expert.safetensors").read_bytes() == b"new"
    assert not aside.exists()


def test_an_aside_folder_of_a_live_run_is_left_alone(tmp_path):
    aside = tmp_path / f".experts{ASIDE_MARK}{os.getpid()}"
    aside.mkdir()
    clean_stale(tmp_path)
    assert aside.exists() and not (tmp_path / "experts").exists()
