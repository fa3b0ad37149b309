"""The shipped families' data: other data sets as train-only clips (``make retrain``'s TRAIN_SETS)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from benchmarks.retrain_cards import _data_table
from benchmarks.shipped_data import DEMO_GROUP, family_dataset
from relstudio.core.training.cross_source import extra_rows

COLUMNS = "path,label,group,source_pkg,source_file,offset_s,dur_s,license".split(",")


def _write_set(root: Path, rows: list[tuple[str, str, str]]) -> None:
    """A data set folder like ../shared/data/<set>: one short wav per (label, group, package) row."""
    root.mkdir(parents=True)
    with open(root / "manifest.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(COLUMNS)
        for i, (label, group, pkg) in enumerate(rows):
            rel = f"{label}/{label}_{i}.wav"
            (root / label).mkdir(exist_ok=True)
            sf.write(root / rel, np.zeros(4410, np.float32), 44100)
            out.writerow([rel, label, group, pkg, "x.ogg", 0, 0.1, "MIT"])


def test_train_sets_are_train_only_and_dropped_by_the_fold_that_holds_their_package(tmp_path):
    _write_set(tmp_path / "sound2", [("speech", "s1", "fillets"), ("speech", "s2", "asterisk"),
                                     ("organ", "o1", "grandorgue-demo"), ("drums", "d1", "hydrogen-data"),
                                     ("metal", "m1", "fretsonfire"), ("electronic", "e1", "naev")])
    _write_set(tmp_path / "main", [("speech", "k1", "klettres-data"), ("organ", "o2", "grandorgue-demo"),
                                   ("metal", DEMO_GROUP, "fretsonfire"), ("tabla", "t1", "sonic-pi-samples")])
    ds = family_dataset("sound", tmp_path, train_sets=("main",))
    own = [c for c in ds.clips if not c.train_only]
    extra = [c for c in ds.clips if c.train_only]
    assert len(own) == 6 and all(c.path.parent.parent.name == "sound2" for c in own)
    # main's clips of the family's classes, never the demo song's group, never another class
    assert sorted(c.group for c in extra) == ["k1", "o2"]
    # the fold that holds out grandorgue-demo does not train on main's GrandOrgue notes; others do
    assert [ds.clips[i].group for i in extra_rows(ds, ["grandorgue-demo"])] == ["k1"]
    assert sorted(ds.clips[i].group for i in extra_rows(ds, ["fillets"])) == ["k1", "o2"]
    table = _data_table(ds)
    assert "Plus 2 **train-only** clips of `main` (organ 1, speech 1; sources grandorgue-demo, klettres-data)" in table
    assert "rendered from generated phrases" not in table
    assert family_dataset("sound", tmp_path).clips == tuple(own)


def test_instrument_train_sets_take_their_soundfont_family_as_source(tmp_path):
    _write_set(tmp_path / "renders", [(c, "fluidr3", "fluid-soundfont-gm") for c in
                                      ("clarinet", "flute", "guitar", "piano", "trumpet", "violin")])
    _write_set(tmp_path / "sound2", [("piano", "drascula-1", "drascula-music"), ("organ", "o1", "grandorgue-demo"),
                                     ("piano", "render-openmsx-a", "openttd-openmsx+timgm6mb-soundfont")])
    _write_set(tmp_path / "instr_fluid", [("guitar", "FluidR3_GM", "fluid-soundfont-gm"), ("tabla", "FluidR3_GM", "x")])
    ds = family_dataset("instrument", tmp_path, tmp_path / "renders", train_sets=("sound2", "instr_fluid"))
    extra = {c.group: c.source for c in ds.clips if c.train_only}
    assert extra == {"drascula-1": "drascula-music", "render-openmsx-a": "openttd-openmsx+timgm6mb",
                     "FluidR3_GM": "fluidr3"}  # sound2's organ is no instrument class
    held_timgm = {ds.clips[i].group for i in extra_rows(ds, ["timgm6mb"])}
    held_fluid = {ds.clips[i].group for i in extra_rows(ds, ["fluidr3"])}
    assert held_timgm == {"drascula-1", "FluidR3_GM"} and held_fluid == {"drascula-1", "render-openmsx-a"}


def test_a_train_set_can_bring_only_some_classes(tmp_path):
    _write_set(tmp_path / "sound2", [("speech", "s1", "fillets"), ("organ", "o1", "grandorgue-demo")])
    _write_set(tmp_path / "main", [("speech", "k1", "klettres-data"), ("organ", "o2", "grandorgue-demo"),
                                   ("drums", "d2", "hydrogen-data")])
    ds = family_dataset("sound", tmp_path, train_sets=("main:drums,organ",))
    assert sorted(c.group for c in ds.clips if c.train_only) == ["d2", "o2"]
    with pytest.raises(ValueError, match="tabla"):
        family_dataset("sound", tmp_path, train_sets=("main:tabla",))


def test_rendered_instruments_split_by_phrase_and_hold_out_by_soundfont(tmp_path):
    fonts = ("fluid-soundfont-gm", "fluidr3mono-gm-soundfont", "minuet-data", "timgm6mb-soundfont")
    classes = ("clarinet", "flute", "guitar", "piano", "trumpet", "violin")
    _write_set(tmp_path / "renders", [(c, f"{c}-phrase{i:03d}", pkg) for c in classes for i in range(5) for pkg in fonts])
    ds = family_dataset("instrument", tmp_path, tmp_path / "renders")
    assert {c.source for c in ds.clips} == {"fluidr3", "generaluser", "timgm6mb"}  # FluidR3Mono is FluidR3
    from relstudio.core.training.cross_source import source_folds
    from relstudio.core.training.split import split_dataset

    assert sorted(sorted(f) for f in source_folds(ds, 3)) == [["fluidr3"], ["generaluser"], ["timgm6mb"]]
    split = split_dataset(ds, val_fraction=0.2, test_fraction=0.0, seed=3)
    val_clips = [ds.clips[i] for i in split.val]
    for c in classes:  # validation: whole phrases in every soundfont; training: every soundfont of every class
        val = {x.group for x in val_clips if x.label == c}
        assert val and all(sum(x.group == g for x in val_clips) == len(fonts) for g in val)
        assert {ds.clips[i].source for i in split.train if ds.clips[i].label == c} == {"fluidr3", "generaluser", "timgm6mb"}


def test_retrain_deals_the_families_into_side_by_side_lanes():
    from benchmarks.shipped_data import training_lanes as _lanes

    assert _lanes(["sound", "instrument", "genre"], 2) == [["sound"], ["instrument", "genre"]]
    assert _lanes(["sound", "instrument", "genre"], 1) == [["sound", "instrument", "genre"]]
    assert _lanes(["genre"], 2) == [["genre"]]
    assert sorted(map(sorted, _lanes(["sound", "instrument", "genre"], 3))) == [["genre"], ["instrument"], ["sound"]]


@pytest.mark.parametrize("family", ["sound", "genre", "instrument"])
def test_shipped_experts_record_the_retrain_settings(family):
    """Every shipped expert of ``family`` was trained with what ``make retrain`` sets for it now
    (``SETTINGS``: TrainingConfig and AugmentConfig fields), so a changed setting without a retrain fails."""
    from benchmarks.retrain_shipped import configs, family_config
    from relstudio.core.experts.expert_file import load_expert
    from relstudio.core.paths import shipped_experts_dir

    cfg = family_config(configs(False)[0], family)
    files = sorted(shipped_experts_dir().glob(f"{family}-*.expert.safetensors"))
    assert files
    for path in files:
        training = load_expert(path).info.meta["training"]
        assert training["augment"] == cfg.augment.to_dict(), path.name
        assert (training["epoch_repeats"], training["source_balance"]) == (cfg.epoch_repeats, cfg.source_balance)


def test_family_config_splits_training_and_augmentation_fields(monkeypatch):
    import benchmarks.retrain_shipped as rs

    monkeypatch.setitem(rs.SETTINGS, "probe", dict(epoch_repeats=4, lowpass_probability=0.25, reverb_s=(0.5, 2.0)))
    base = rs.configs(False)[0]
    cfg = rs.family_config(base, "probe")
    assert cfg.epoch_repeats == 4 and cfg.augment.lowpass_probability == 0.25 and cfg.augment.reverb_s == (0.5, 2.0)
    assert cfg.augment.tilt_db == base.augment.tilt_db and rs.family_config(base, "none") == base


def test_a_retrain_worker_stops_when_its_parent_is_gone():
    import os

    from benchmarks.retrain_shipped import _orphan_guard

    seen = []
    _orphan_guard(seen.append, os.getppid())("progress")
    assert seen == ["progress"]
    with pytest.raises(SystemExit, match="parent process"):
        _orphan_guard(seen.append, os.getppid() + 1)("progress")
    assert seen == ["progress"]  # nothing logged after the parent went


def test_loso_experiment_counts_sum_hits_per_source_and_class():
    """``recall_per_source`` reads the folds' SUM decisions per held-out source and class, scored rows only."""
    from benchmarks.loso_experiment import recall_per_source
    from relstudio.core.training.dataset import ClipRecord, Dataset

    clips = tuple(ClipRecord(Path(f"{lab}{i}.wav"), lab, f"g{i}", source=src) for i, (lab, src) in enumerate(
        [("piano", "fluid"), ("piano", "fluid"), ("guitar", "fluid"), ("piano", "timgm+x"), ("guitar", "timgm")]))
    ds = Dataset(Path("."), "t", clips, ("guitar", "piano"))
    loso = {"predictions": {"rows": [0, 1, 2, 3], "sum": [1, 0, 0, 1]}}  # row 4 not scored (train-only)
    assert recall_per_source(loso, ds) == {"fluid": {"guitar": "1/1", "piano": "1/2"}, "timgm": {"piano": "1/1"}}


def test_retrain_rewrites_the_training_table_and_keeps_the_notes_below_the_mark(tmp_path):
    from benchmarks.retrain_cards import KEEP_MARK, ROOT, documents_the_shipped_files, training_section

    doc = (f"# B\n\n## Speed\n\nfast\n\n## Training\n\nold table\n\n{KEEP_MARK}\nA note by hand.\n- a list\n\n"
           "## Collections\n\nrows\n")
    once = training_section(doc, "## Training\n\nnew table\n")
    assert "old table" not in once and "new table" in once
    assert "A note by hand.\n- a list\n\n## Collections\n\nrows\n" in once and once.startswith("# B\n\n## Speed\n\nfast\n\n")
    assert training_section(once, "## Training\n\nnew table\n") == once  # a second run: same text, no blank lines piled up
    unmarked = training_section("# B\n\n## Training\n\nold\n", "## Training\n\nt\n")
    assert unmarked == f"# B\n\n## Training\n\nt\n\n{KEEP_MARK}\n"
    assert training_section("# B\n", "## Training\n\nt\n").endswith(f"## Training\n\nt\n\n{KEEP_MARK}\n")
    assert documents_the_shipped_files(ROOT / "trained_experts", quick=False)
    assert not documents_the_shipped_files(tmp_path, quick=False)  # a repeat check into another folder
    assert not documents_the_shipped_files(ROOT / "trained_experts", quick=True)
