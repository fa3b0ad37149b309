"""Every training clip several times an epoch (TrainingConfig.epoch_repeats), each class's smaller sources
more often (TrainingConfig.source_balance)."""

from collections import Counter

import pytest

from relstudio.core.errors import ParameterError
from relstudio.core.progress import run_task
from relstudio.core.training import expert_training, relnet_training
from relstudio.core.training.config import NegativeConfig, TrainingConfig
from relstudio.core.training.model_cards import config_text
from relstudio.core.training.prepared import prepare
from relstudio.core.training.split import repeated, source_balanced
from tests.training_factory import FRONTEND, TINY, make_dataset


def test_repeated_keeps_each_row_together_and_in_order():
    assert repeated([4, 1, 7], 2) == (4, 4, 1, 1, 7, 7)
    assert repeated((3, 2), 1) == (3, 2)
    assert repeated([], 3) == ()


def test_source_balanced_repeats_a_class_smaller_sources_up_to_the_cap():
    labels = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
    sources = ["A", "A", "A", "A", "B", "C", "C", "D", "D", "E"]
    rows = list(range(10))
    got = Counter(source_balanced(rows, labels, sources, 3))
    # class 0: A has 4 → once, B has 1 → round(4/1) = 4, capped at 3; class 1: C, D 2 each → once, E 1 → twice
    assert got == Counter({0: 1, 1: 1, 2: 1, 3: 1, 4: 3, 5: 1, 6: 1, 7: 1, 8: 1, 9: 2})
    assert Counter(source_balanced(rows, labels, sources, 10))[4] == 4
    assert source_balanced(rows, labels, sources, 1) == tuple(rows)
    assert source_balanced([9, 4], labels, sources, 3) == (9, 4)  # counted among the rows given: one each


@pytest.mark.parametrize("name", ["epoch_repeats", "source_balance"])
def test_the_setting_is_checked_kept_in_files_and_named_in_the_card(name):
    for bad in (0, -1, 101, 2.5, "2", True):
        with pytest.raises(ParameterError, match=name):
            TrainingConfig(**{name: bad})
    cfg = TrainingConfig(**{name: 2})
    assert getattr(TrainingConfig.from_dict(cfg.to_dict()), name) == 2
    old = cfg.to_dict()
    del old[name]  # files written before the setting passed every clip once an epoch
    assert getattr(TrainingConfig.from_dict(old), name) == 1
    said = "every clip 2 times an epoch" if name == "epoch_repeats" else "smaller sources repeated up to 2×"
    assert said in config_text(cfg.to_dict())


def test_epoch_repeats_is_named_in_the_card_only_when_used():
    assert "times an epoch" not in config_text(TrainingConfig().to_dict())
    assert "×" not in config_text(TrainingConfig().to_dict())


class _Stop(Exception):
    pass


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    cfg = TINY.replace(val_fraction=0.25, test_fraction=0.0, negatives=NegativeConfig(fraction=0.5))
    root = make_dataset(tmp_path_factory.mktemp("repeats"), per_class=7, groups=3)  # groups of 3, 2, 2 clips
    return run_task(prepare(root, config=cfg, frontend=FRONTEND, cache_folder=None)), cfg


@pytest.mark.parametrize("module", [expert_training, relnet_training])
def test_experts_and_classifiers_see_every_training_clip_that_many_times(prepared, module, monkeypatch, tmp_path):
    prep, cfg = prepared
    seen = []

    def fit(model, loss_fn, features, train_rows, val_rows, **kw):
        seen.append(([int(r) for r in train_rows], [int(r) for r in val_rows], len(features)))
        raise _Stop

    monkeypatch.setattr(module, "fit", fit)
    for times in (1, 3):
        with pytest.raises(_Stop):
            if module is expert_training:
                run_task(expert_training.train_experts(None, out_dir=tmp_path, prepared=prep,
                                                       config=cfg.replace(epoch_repeats=times)))
            else:
                run_task(relnet_training.train_classifiers(None, out_dir=tmp_path, experts=[], kinds=("convnet",),
                                                           config=cfg.replace(epoch_repeats=times), prepared=prep))
    (once, val1, n1), (thrice, val3, n3) = seen
    clips = set(prep.split.train)
    assert Counter(r for r in thrice if r in clips) == Counter({r: 3 for r in clips})
    assert Counter(r for r in once if r in clips) == Counter({r: 1 for r in clips})
    assert not set(val3) & clips and len(set(val3)) == len(val3)  # validation clips are never repeated
    if module is expert_training:  # the negatives are made from the repeated rows: three times as many
        assert len(thrice) - 3 * len(clips) == pytest.approx(3 * (len(once) - len(clips)), abs=2)
        assert n3 - n1 == (len(thrice) - 3 * len(clips)) - (len(once) - len(clips))  # new negative clips, not copies


@pytest.mark.parametrize("module", [expert_training, relnet_training])
def test_both_trainers_take_an_epoch_balanced_across_sources(prepared, module, monkeypatch, tmp_path):
    prep, cfg = prepared
    cfg = cfg.replace(source_balance=3, epoch_repeats=2)
    seen = []

    def fit(model, loss_fn, features, train_rows, val_rows, **kw):
        seen.append([int(r) for r in train_rows])
        raise _Stop

    monkeypatch.setattr(module, "fit", fit)
    with pytest.raises(_Stop):
        if module is expert_training:
            run_task(expert_training.train_experts(None, out_dir=tmp_path, prepared=prep, config=cfg))
        else:
            run_task(relnet_training.train_classifiers(None, out_dir=tmp_path, experts=[], kinds=("convnet",),
                                                       config=cfg, prepared=prep))
    labels = prep.features.labels.tolist()
    sources = [prep.dataset.clips[c].source_key for c in prep.features.clip_index]  # no source column: the group
    want = Counter(repeated(source_balanced(prep.split.train, labels, sources, 3), 2))
    assert Counter(r for r in seen[0] if r in set(prep.split.train)) == want
