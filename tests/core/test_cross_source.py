"""Validation across sources and the instrument render script of ``make retrain``."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from relstudio.core.experts.expert_file import load_expert
from relstudio.core.progress import run_task
from relstudio.core.training.cross_source import clip_decisions, cross_source, pooled_table, source_folds, source_of
from relstudio.core.training.dataset import ClipRecord, Dataset, read_dataset
from relstudio.core.training.prepared import prepare
from tests.training_factory import FRONTEND, TINY, make_dataset


def _ds(sources):
    clips = tuple(ClipRecord(Path(f"{i}.wav"), "ab"[i % 2], f"g{i}", "", s) for i, s in enumerate(sources))
    return Dataset(Path("."), "x", clips, ("a", "b"))


def test_every_source_is_held_out_exactly_once_and_folds_are_balanced():
    ds = _ds(["p"] * 6 + ["q"] * 5 + ["r"] * 3 + ["s"] * 2 + ["t+sf"] * 2)
    folds = source_folds(ds, 3)
    assert sorted(s for f in folds for s in f) == ["p", "q", "r", "s", "t"]  # the MIDI package of a render
    assert folds == source_folds(ds, 3)
    assert sorted(sum(source_of(c) in f for c in ds.clips) for f in folds) == [5, 6, 7]  # largest first, to the emptiest
    assert len(source_folds(ds, 10)) == 5
    assert source_of(ClipRecord(Path("a"), "a", "grp")) == "grp"  # no source column: the group


def test_clip_decisions_follow_relevance_window_and_sum():
    probs = np.array([[0.9, 0.1, 0.1, 0.1, 0.1],
                      [0.2, 0.6, 0.6, 0.6, 0.6]])
    got = clip_decisions(probs, window=3)
    assert got["top_segment"] == 0  # one very clear segment
    assert got["top_window"] == 1 and got["sum"] == 1


def test_clip_decisions_take_saturated_windows():
    # nine segments at exactly 1.0 average to 1.0000000000000002 in float64: still a probability
    probs = np.array([[1.0] * 12, [0.0] * 12])
    assert np.convolve(probs[0], np.ones(9) / 9, mode="valid").max() > 1.0
    assert clip_decisions(probs, window=9) == {"top_segment": 0, "top_window": 0, "sum": 0}


def test_pooled_table_weights_folds_by_clips():
    class Rep:
        def __init__(self, clips, acc):
            self.clips = clips
            self.rows = [{"model": "SUM", "map@3_padded": acc, "map@3": acc, "accuracy_padded": acc, "accuracy": acc}]
    rows = pooled_table([Rep(10, 1.0), Rep(30, 0.0)])
    assert rows[0]["clips"] == 40 and rows[0]["accuracy"] == pytest.approx(0.25)


def test_cross_source_predicts_every_clip_with_experts_that_never_heard_its_source(tmp_path):
    root = make_dataset(tmp_path / "d", per_class=8, groups=4)
    ds = read_dataset(root)
    ds = Dataset(ds.root, ds.name, tuple(ClipRecord(c.path, c.label, c.group, c.licence, f"pkg{i % 4}")
                                         for i, c in enumerate(ds.clips)), ds.classes)
    cfg = TINY.replace(max_epochs=6, test_fraction=0.0)
    prepared = run_task(prepare(ds, config=cfg, frontend=FRONTEND, cache_folder=None))
    res = run_task(cross_source(prepared, config=cfg, k=2, work_dir=tmp_path / "w"))
    assert res["clips"] == len(ds) and sorted(s for f in res["folds"] for s in f) == ["pkg0", "pkg1", "pkg2", "pkg3"]
    for rule in ("top_segment", "top_window", "sum"):
        m = np.array(res["rules"][rule]["confusion"])
        assert m.sum() == len(ds)
        assert res["rules"][rule]["accuracy"] == pytest.approx(np.trace(m) / len(ds))
    for j, held in enumerate(res["folds"]):  # each fold's experts held out exactly its sources' clips
        e = load_expert(next((tmp_path / "w" / f"fold{j}").glob("*.expert.safetensors")))
        assert set(e.info.meta["data"]["test_clips"]) == {ds.relative(c) for c in ds.clips if c.source in held}


@pytest.mark.skipif(not shutil.which("fluidsynth"), reason="fluidsynth is not installed")
def test_render_script_is_deterministic_and_writes_a_manifest(tmp_path):
    from benchmarks.render_instruments import SOUNDFONTS, folder_digest, render

    fonts = [n for n, (f, _, _) in SOUNDFONTS.items() if Path(f).exists()][:2]
    if not fonts:
        pytest.skip("no allowed soundfont installed")
    a = render(tmp_path / "a", clips=2, seed=3, soundfonts=fonts, instruments=("piano", "flute"), log=lambda s: None)
    b = render(tmp_path / "b", clips=2, seed=3, soundfonts=fonts, instruments=("piano", "flute"), log=lambda s: None)
    assert folder_digest(a) == folder_digest(b)
    ds = read_dataset(a)
    assert ds.classes == ("flute", "piano") and len(ds) == 2 * 2 * len(fonts)
    import soundfile as sf

    x, rate = sf.read(str(ds.clips[0].path))
    assert rate == 44100 and len(x) == 4 * 44100 and np.abs(x).max() > 1e-3
    assert not (tmp_path / "a.partial").exists()
