"""benchmarks/relnet_diagnosis.py: its decompositions of RELNET and its fold rows (no model files needed)."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np

from benchmarks.relnet_diagnosis import clip_scores_of
from relstudio.core.relevance import fuse
from relstudio.core.training.cross_source import fold_rows
from relstudio.core.training.dataset import ClipRecord


def test_decompositions_weight_segments_as_relnet():
    experts = np.array([[0.9, 0.0, 0.3], [0.0, 0.0, 0.3]])  # (N, S): R_max 0.9, 0 (silent), 0 (a tie)
    branch = np.array([[0.7, 0.3], [0.0, 1.0], [0.2, 0.8]])  # (S, C)
    seg = [{"un": (experts, branch, np.array([0.5, 0.0, 0.5]))}]
    out = clip_scores_of(seg=seg, which="un")
    np.testing.assert_allclose(out["SUM"][0], fuse(experts, "SUM"))
    np.testing.assert_allclose(out["BRANCH (uniform)"][0], branch.mean(axis=0))
    np.testing.assert_allclose(out["RELNET"][0], branch[[0, 2]].mean(axis=0), atol=1e-6)  # R_max 0: no part
    np.testing.assert_allclose(out["EXPERTS x R_max"][0], [1.0, 0.0], atol=1e-6)  # only the one-expert segment
    np.testing.assert_allclose(out["SUM"][0], [0.8, 0.2])


def test_fold_rows_hold_out_whole_sources_and_never_train_only_clips():
    clips = [ClipRecord(Path(f"{lab}/{src}{g}.wav"), lab, f"{src}-{g}", source=src, train_only=src == "render")
             for lab in "ab" for src in ("p", "q", "r", "render") for g in range(4)]
    cfg = SimpleNamespace(val_by="group", val_fraction=0.25, seed=0)
    test, train, val, _by = fold_rows(SimpleNamespace(clips=clips), ["q"], cfg)
    assert {clips[i].source_key for i in test} == {"q"} and len(test) == 8
    assert train and not set(train) & set(test)
    assert all(not clips[i].train_only and clips[i].source_key in ("p", "r") for i in train)
    assert len(train) < 16  # the validation groups are left out, as cross_source leaves them out
    assert val and not set(val) & (set(train) | set(test))
