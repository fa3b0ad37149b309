"""Publishing a finished training: one folder move to a free name; folder names from any text."""

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relstudio.core.training import publish
from relstudio.core.training.publish import MAX_SLUG, free_folder, publish_folder, slug


def _models(folder):
    folder.mkdir(parents=True)
    (folder / "a.expert.safetensors").write_bytes(b"weights")
    (folder / "report.json").write_text("{}")
    return folder


def test_publish_moves_the_folder_whole_to_a_free_name(tmp_path):
    root = tmp_path / "experts"
    first = publish_folder(_models(tmp_path / "s1" / "models"), root=root, name="birds")
    second = publish_folder(_models(tmp_path / "s2" / "models"), root=root, name="birds")
    assert (first, second) == (root / "birds", root / "birds-2")
    assert sorted(p.name for p in second.iterdir()) == ["a.expert.safetensors", "report.json"]
    assert not (tmp_path / "s1" / "models").exists()
    assert free_folder(root, "birds") == root / "birds-3"


def test_across_file_systems_it_copies_and_a_failed_copy_leaves_nothing(tmp_path, monkeypatch):
    def no_rename(src, dst):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(publish.os, "replace", no_rename)
    root = tmp_path / "experts"
    target = publish_folder(_models(tmp_path / "s" / "models"), root=root, name="x")
    assert (target / "a.expert.safetensors").read_bytes() == b"weights"

    def broken_copy(src, dst, **kw):
        os.makedirs(dst)
        (dst / "half").write_bytes(b"")
        raise OSError("disk full")

    monkeypatch.setattr(publish.shutil, "copytree", broken_copy)
    with pytest.raises(OSError, match="disk full"):
        publish_folder(_models(tmp_path / "t" / "models"), root=root, name="y")
    assert not (root / "y").exists()


@given(st.text(max_size=200))
def test_slug_is_always_a_short_safe_folder_name(text):
    s = slug(text)
    assert s and len(s) <= MAX_SLUG and all(c.isascii() and (c.isalnum() or c == "-") for c in s)
    assert s == s.lower() and not s.startswith("-")


def test_slug_examples():
    assert slug("My Birds (2024)!") == "my-birds-2024"
    assert slug("—") == "experts"
