"""Train-only clips (renders): always trained on, never validated, held out or scored."""

from dataclasses import replace
from pathlib import Path

from relstudio.core.experts.expert_file import load_expert
from relstudio.core.progress import run_task
from relstudio.core.training.cross_source import cross_source, source_folds
from relstudio.core.training.dataset import ClipRecord, Dataset, read_dataset
from relstudio.core.training.prepared import prepare
from relstudio.core.training.split import split_dataset
from tests.training_factory import FRONTEND, TINY, make_dataset


def _ds(n=24, extra=6):
    clips = [ClipRecord(Path(f"{i}.wav"), "ab"[i % 2], f"g{i % 8}", "", f"p{i % 4}") for i in range(n)]
    clips += [ClipRecord(Path(f"x{i}.wav"), "ab"[i % 2], "render", "", "sf", train_only=True) for i in range(extra)]
    return Dataset(Path("."), "x", tuple(clips), ("a", "b"))


def test_split_puts_every_train_only_clip_in_train_and_splits_the_rest_as_without_them():
    ds = _ds()
    extra = {i for i, c in enumerate(ds.clips) if c.train_only}
    s = split_dataset(ds, val_fraction=0.25, test_fraction=0.25, seed=3)
    assert extra <= set(s.train) and not extra & (set(s.val) | set(s.test))
    plain = split_dataset(ds.subset(range(24)), val_fraction=0.25, test_fraction=0.25, seed=3)
    assert (set(s.train) - extra, s.val, s.test) == (set(plain.train), plain.val, plain.test)


def test_train_only_sources_are_never_a_fold():
    assert sorted(s for f in source_folds(_ds(), 3) for s in f) == ["p0", "p1", "p2", "p3"]


def test_a_train_only_clip_sharing_a_package_with_held_out_clips_stays_out():
    clips = (ClipRecord(Path("r.wav"), "a", "g", "", "midi-pkg+sf-a"),
             ClipRecord(Path("x1.wav"), "a", "r", "", "sf-a", train_only=True),
             ClipRecord(Path("x2.wav"), "a", "r", "", "sf-b+sf-a", train_only=True),
             ClipRecord(Path("x3.wav"), "b", "r", "", "sf-c", train_only=True),
             ClipRecord(Path("y.wav"), "b", "h", "", "other"))
    from relstudio.core.training.cross_source import _parts, extra_rows

    ds = Dataset(Path("."), "x", clips, ("a", "b"))
    assert extra_rows(ds, _parts(clips[0])) == [3]  # the render's soundfont sf-a is held out with it
    assert extra_rows(ds, _parts(clips[4])) == [1, 2, 3]


def test_cross_source_trains_every_fold_on_the_train_only_clips_and_scores_only_the_others(tmp_path):
    ds = read_dataset(make_dataset(tmp_path / "d", per_class=8, groups=4))
    clips = [replace(c, source="sf" if i % 4 == 0 else f"pkg{i % 3}", train_only=i % 4 == 0)
             for i, c in enumerate(ds.clips)]
    ds = Dataset(ds.root, ds.name, tuple(clips), ds.classes)
    n_extra = sum(c.train_only for c in clips)
    cfg = TINY.replace(max_epochs=3, test_fraction=0.0)
    prepared = run_task(prepare(ds, config=cfg, frontend=FRONTEND, cache_folder=None))
    res = run_task(cross_source(prepared, config=cfg, k=3, work_dir=tmp_path / "w"))
    assert res["clips"] == len(ds) - n_extra
    assert sum(v["clips"] for v in res["per_source"].values()) == len(ds) - n_extra
    for j, held in enumerate(res["folds"]):
        data = load_expert(next((tmp_path / "w" / f"fold{j}").glob("*.expert.safetensors"))).info.meta["data"]
        assert set(data["test_clips"]) == {ds.relative(c) for c in clips if c.source in held and not c.train_only}
        rest = sum(1 for c in clips if c.source not in held and not c.train_only)
        assert data["split"]["n_train"] + data["split"]["n_val"] == rest + n_extra
        assert data["split"]["n_train"] >= n_extra


def test_validation_by_source_never_splits_a_package_and_round_trips_in_the_config():
    from relstudio.core.training.config import TrainingConfig

    ds = _ds(n=48)
    s = split_dataset(ds, val_fraction=0.3, test_fraction=0.0, seed=1, unit="source")
    src = lambda rows: {ds.clips[i].source_key for i in rows if not ds.clips[i].train_only}  # noqa: E731
    assert s.val and not src(s.train) & src(s.val)
    by_group = split_dataset(ds, val_fraction=0.3, test_fraction=0.0, seed=1)
    assert src(by_group.train) & src(by_group.val)  # groups g0..g7 cut across the packages p0..p3
    cfg = TrainingConfig(val_by="source")
    assert TrainingConfig.from_dict(cfg.to_dict()) == cfg
    assert TrainingConfig.from_dict({k: v for k, v in cfg.to_dict().items() if k != "val_by"}).val_by == "group"
