"""Every training clip several times an epoch (TrainingConfig.epoch_repeats)."""

from collections import Counter

import pytest

from relstudio.core.errors import ParameterError
from relstudio.core.progress import run_task
from relstudio.core.training import expert_training, relnet_training
from relstudio.core.training.config import NegativeConfig, TrainingConfig
from relstudio.core.training.model_cards import config_text
from relstudio.core.training.prepared import prepare
from relstudio.core.training.split import repeated
from tests.training_factory import FRONTEND, TINY, make_dataset


def test_repeated_keeps_each_row_together_and_in_order():
    assert repeated([4, 1, 7], 2) == (4, 4, 1, 1, 7, 7)
    assert repeated((3, 2), 1) == (3, 2)
    assert repeated([], 3) == ()


def test_the_setting_is_checked_kept_in_files_and_named_in_the_card():
    for bad in (0, -1, 101, 2.5, "2", True):
        with pytest.raises(ParameterError, match="epoch_repeats"):
            TrainingConfig(epoch_repeats=bad)
    cfg = TrainingConfig(epoch_repeats=2)
    assert TrainingConfig.from_dict(cfg.to_dict()).epoch_repeats == 2
    old = cfg.to_dict()
    del old["epoch_repeats"]  # files written before the setting passed every clip once an epoch
    assert TrainingConfig.from_dict(old).epoch_repeats == 1
    assert "every clip 2 times an epoch" in config_text(cfg.to_dict())
    assert "times an epoch" not in config_text(TrainingConfig().to_dict())


class _Stop(Exception):
    pass


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    cfg = TINY.replace(val_fraction=0.25, test_fraction=0.0, negatives=NegativeConfig(fraction=0.5))
    root = make_dataset(tmp_path_factory.mktemp("repeats"), per_class=6, groups=3)
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
