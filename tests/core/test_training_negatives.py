"""Silence / noise negatives, the full augmentation and the presets that turn them on."""

import numpy as np
import pytest
import torch

from relstudio.core.analysis import analyze
from relstudio.core.audio import clip_from_array
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.progress import run_task
from relstudio.core.training.augment import make_batch
from relstudio.core.training.config import AugmentConfig, NegativeConfig, TrainingConfig
from relstudio.core.training.expert_training import class_weights, train_experts
from relstudio.core.training.negatives import NEGATIVE, negative_clips, noise
from tests.synth import tone, write_wav
from tests.training_factory import FRONTEND, RATE, TINY


def _db(n_clips=4, frames=60, seed=0):
    g = torch.Generator().manual_seed(seed)
    db = (torch.rand(n_clips, FRONTEND.n_mels, frames, generator=g) * 40 - 10).half()
    return db, torch.tensor([frames - 7 * k for k in range(n_clips)])


def test_noise_colours_have_their_spectral_slopes():
    rng = np.random.default_rng(0)
    f = np.fft.rfftfreq(1 << 16)
    band = lambda x, lo, hi: np.mean(np.abs(np.fft.rfft(x))[(f >= lo) & (f < hi)] ** 2)  # noqa: E731
    for colour, want_db in (("white", 0.0), ("pink", -10.0), ("brown", -20.0)):
        x = noise(colour, 1 << 16, rng)
        assert abs(np.sqrt(np.mean(x ** 2)) - 1.0) < 1e-4
        drop = 10 * np.log10(band(x, 0.2, 0.3) / band(x, 0.02, 0.03))  # one decade up
        assert abs(drop - want_db) < 2.0, (colour, drop)
    with pytest.raises(ValueError, match="purple"):
        noise("purple", 10, rng)


def test_negative_clips_are_silence_noise_and_near_silence_and_repeat_with_the_seed():
    db, lengths = _db()
    cfg = NegativeConfig(fraction=2.0)
    a_db, a_len, kinds = negative_clips(db, lengths, [0, 1, 2, 3], cfg, FRONTEND, seed=5)
    b_db, b_len, _ = negative_clips(db, lengths, [0, 1, 2, 3], cfg, FRONTEND, seed=5)
    c_db, _, _ = negative_clips(db, lengths, [0, 1, 2, 3], cfg, FRONTEND, seed=6)
    assert len(kinds) == 8 and np.array_equal(a_db, b_db) and np.array_equal(a_len, b_len)
    assert not np.array_equal(a_db, c_db)
    assert {k.split("-")[0] for k in kinds} == {"silence", "noise", "quiet"}
    floor = -FRONTEND.top_db
    for clip, n, kind in zip(a_db.astype(np.float32), a_len, kinds):
        assert np.all(clip[:, n:] == floor)  # padding stays silence
        if kind == "silence":
            assert np.all(clip == floor)
        elif kind == "quiet":  # loud frames well below the level the front end lifts to full scale
            assert np.percentile(clip[:, :n].max(axis=0), 95) <= FRONTEND.silence_db - 14.9
        else:
            assert clip[:, :n].max() > floor + 10
    none = negative_clips(db, lengths, [0, 1], NegativeConfig.off(), FRONTEND, seed=5)
    assert none[0].shape[0] == 0


def test_class_weights_count_negatives_against_every_expert():
    labels = torch.tensor([0] * 10 + [1] * 10 + [NEGATIVE] * 20)
    w = class_weights(labels, 2, "weights")
    assert torch.allclose(w[:, 1], torch.tensor([2.0, 2.0]))  # 40 / (2·10)
    assert torch.allclose(w[:, 0], torch.tensor([40 / 60, 40 / 60]))


def test_full_augmentation_is_valid_and_deterministic():
    db, lengths = _db(6, 80)
    labels = torch.tensor([0, 1, 2, 0, 1, NEGATIVE])
    aug = AugmentConfig.recommended()
    rows = torch.arange(6)
    run = lambda s: make_batch(db, lengths, rows, FRONTEND, augment=aug,  # noqa: E731
                               generator=torch.Generator().manual_seed(s), labels=labels)
    a, b, c = run(3), run(3), run(4)
    assert all(torch.equal(u, v) for u, v in zip(a, b))
    assert not torch.equal(a[0], c[0]) or not torch.equal(a[1], c[1])
    x, got_len, mask = a
    assert x.min() >= 0 and x.max() <= 1 and torch.isfinite(x).all()
    assert int(got_len.max()) <= int(np.ceil(aug.max_frames / (1 - aug.tempo))) + 1
    for k in range(6):
        assert torch.all(x[k, :, got_len[k]:] == 0)
        assert int(mask[k].sum()) == FRONTEND.n_segments(max(int(got_len[k]), 1))


def test_each_new_augmentation_changes_the_batch():
    db, lengths = _db(4, 80)
    labels = torch.tensor([0, 1, 2, 3])
    plain = make_batch(db, lengths, torch.arange(4), FRONTEND)[0]
    for change in (dict(tempo=0.3), dict(gain_db=30.0), dict(mix_probability=1.0), dict(reverb_probability=1.0)):
        x = make_batch(db, lengths, torch.arange(4), FRONTEND, augment=AugmentConfig(**change),
                       generator=torch.Generator().manual_seed(1), labels=labels)[0]
        assert x.shape != plain.shape or not torch.allclose(x, plain), change


def test_configs_record_negatives_and_old_files_read_as_without():
    cfg = TrainingConfig.recommended()
    assert cfg.augment.active and cfg.negatives.active and TrainingConfig().negatives.active
    back = TrainingConfig.from_dict(cfg.to_dict())
    assert back == cfg
    old = cfg.to_dict()
    del old["negatives"]
    assert not TrainingConfig.from_dict(old).negatives.active
    with pytest.raises(Exception, match="noise_dbfs"):
        NegativeConfig(noise_dbfs=(0, -10))


@pytest.mark.parametrize("negatives", [True, False])
def test_a_tiny_expert_learns_that_silence_and_noise_are_nobodys_class(tmp_path, negatives):
    data = tmp_path / "d"
    for label, (lo, hi) in (("low", (150, 400)), ("high", (1500, 3500))):
        (data / label).mkdir(parents=True)
        for k in range(10):
            rng = np.random.default_rng(k)
            write_wav(data / label / f"{k}.wav", tone(float(rng.uniform(lo, hi)), 0.6 + 0.05 * k, rate=RATE,
                                                      amp=float(rng.uniform(0.1, 0.8)), harmonics=3), RATE)
    cfg = TINY.replace(max_epochs=60, patience=60, val_fraction=0.2, test_fraction=0.0,
                       negatives=NegativeConfig(fraction=1.0, silence=2.0) if negatives else NegativeConfig.off())
    report = run_task(train_experts(data, out_dir=tmp_path / "m", config=cfg, frontend=FRONTEND))
    experts = [load_expert(p) for p in report.models.values()]
    assert all(e.info.meta["training"]["negatives"]["fraction"] == cfg.negatives.fraction for e in experts)
    rng = np.random.default_rng(9)
    probes = [np.zeros(RATE, np.float32)] + [noise(c, RATE, rng) * 10 ** (lvl / 20) for c in ("white", "pink", "brown")
                                              for lvl in (-60, -20)]
    worst = max(float(run_task(analyze(clip_from_array(x, rate=RATE), experts, keep_mel=False)).probs.max())
                for x in probes)
    own = [run_task(analyze(clip_from_array(tone(f, 1.0, rate=RATE, amp=0.3, harmonics=3), rate=RATE), experts,
                            keep_mel=False)) for f in (2500.0, 250.0)]  # classes in sorted order: high, low
    if negatives:
        assert worst < 0.3
        assert all(a.winners.tolist().count(k) > 0.7 * len(a.winners) for k, a in enumerate(own))
    else:
        assert worst > 0.3  # without negatives some expert claims silence or noise (the test can fail)
