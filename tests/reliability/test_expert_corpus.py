"""Core over every expert file of the corpus: each refused with its reason, listed greyed, nothing executed."""

from __future__ import annotations

import pickle
import shutil

import pytest

from relstudio.core.errors import ExpertFileError, IncompatibleExpertError
from relstudio.core.experts.expert_file import EXPERT_SUFFIX, load_expert, verify_expert
from relstudio.core.experts.library import ExpertLibrary
from relstudio.core.frontend import FrontendConfig
from tests.reliability.corpus import (BAD_EXPERTS, EXPERT_CASES, EXPERT_DIR, GOOD_EXPERT, MARKER, RELNET_CASES,
                                      case_id, matches)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Work in an empty folder so the pickles' marker would land where we look for it."""
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    assert not (tmp_path / MARKER).exists(), "a corpus pickle was unpickled: code from a file ran"


def test_corpus_is_complete():
    assert {p.name for p in EXPERT_DIR.iterdir()} == {c.name for c in EXPERT_CASES + RELNET_CASES}


def test_the_payload_would_run_if_unpickled(tmp_path, monkeypatch):
    """Control: the marker test can fail — unpickling these files does create the marker."""
    import torch

    monkeypatch.chdir(tmp_path)
    pickle.loads((EXPERT_DIR / "pickle_renamed.expert.safetensors").read_bytes())
    assert (tmp_path / MARKER).exists()
    (tmp_path / MARKER).unlink()
    torch.load(EXPERT_DIR / "torch_checkpoint.pt", weights_only=False)
    assert (tmp_path / MARKER).exists()
    (tmp_path / MARKER).unlink()


@pytest.mark.parametrize("case", BAD_EXPERTS, ids=case_id)
def test_refused_with_reason(case, in_tmp):
    path = EXPERT_DIR / case.name
    error = IncompatibleExpertError if case.outcome == "incompatible" else ExpertFileError
    with pytest.raises(error) as info:
        load_expert(path, frontend=FrontendConfig())
    assert info.value.path == str(path) and str(path) in str(info.value)
    assert matches(case.reason, info.value.problem), info.value.problem


@pytest.mark.parametrize("case", [c for c in BAD_EXPERTS if c.outcome == "refused"], ids=case_id)
def test_full_check_refuses_too(case, in_tmp):
    """``verify_expert`` (what the library runs on every file) refuses each for the same reason."""
    with pytest.raises(ExpertFileError) as info:
        verify_expert(EXPERT_DIR / case.name)
    assert matches(case.reason, info.value.problem), info.value.problem


def test_library_lists_every_file_greyed_with_reason(tmp_path, in_tmp):
    folder = tmp_path / "library"
    shutil.copytree(EXPERT_DIR, folder)
    library = ExpertLibrary([folder])
    by_name = {e.path.name: e for e in library.entries}
    listed = {c.name for c in EXPERT_CASES if c.name.endswith(EXPERT_SUFFIX)}
    assert set(by_name) == listed  # the .pt is not an expert file and is not listed
    assert [e.path.name for e in library.usable()] == ["good.expert.safetensors"]
    for case in BAD_EXPERTS:
        if case.name in by_name:
            entry = by_name[case.name]
            assert not entry.ok and matches(case.reason, entry.error), (case.name, entry.error)
            with pytest.raises(ExpertFileError) as info:
                library.load(entry)
            assert info.value.path == str(entry.path)
    good = by_name["good.expert.safetensors"]
    assert good.ok and library.load(good).label == "good"


def test_differing_front_end_named_field_by_field(in_tmp):
    library = ExpertLibrary([EXPERT_DIR])
    entry = next(e for e in library.entries if e.path.name == "differing_frontend.expert.safetensors")
    assert not entry.ok and "n_mels: 128 ≠ 64" in entry.error
    assert entry.info is not None and entry.info.label == "differing"  # its card stays readable
    small = ExpertLibrary([EXPERT_DIR], frontend=FrontendConfig(n_mels=64, bands=((0, 13), (13, 38), (38, 64))))
    assert next(e for e in small.entries if e.label == "differing").ok


def test_good_expert_is_the_control(in_tmp):
    expert = load_expert(GOOD_EXPERT, frontend=FrontendConfig())
    assert expert.label == "good" and expert.info.frontend == FrontendConfig()


@pytest.mark.parametrize("case", RELNET_CASES, ids=case_id)
def test_relnet_files(case, in_tmp, good_expert):
    from relstudio.core.experts.relnet_file import load_classifier

    path = EXPERT_DIR / case.name
    if case.outcome == "ok":
        relnet = load_classifier(path, experts=[good_expert], frontend=FrontendConfig())
        assert relnet.info.kind == "relnet" and relnet.info.classes == ("tone", "other")
        return
    error = IncompatibleExpertError if case.outcome == "incompatible" else ExpertFileError
    with pytest.raises(error) as info:
        load_classifier(path, experts=[good_expert], frontend=FrontendConfig())
    assert info.value.path == str(path) and matches(case.reason, info.value.problem), info.value.problem
