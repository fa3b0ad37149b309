"""Datasets, splits by group, the feature cache and padded/augmented batches."""

import csv
import dataclasses

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from relstudio.core.errors import AudioReadError, DatasetError, ParameterError
from relstudio.core.frontend import features, to_tensor
from relstudio.core.nets.expert_cnn import ExpertCNN, ExpertCNNConfig
from relstudio.core.progress import run_task
from relstudio.core.training import feature_cache
from relstudio.core.training.augment import make_batch
from relstudio.core.training.config import AugmentConfig, TrainingConfig
from relstudio.core.training.dataset import read_dataset
from relstudio.core.training.feature_cache import extract_features
from relstudio.core.training.scan import scan_dataset
from relstudio.core.training.split import split_indices
from tests.synth import noise, tone, write_wav
from tests.training_factory import FRONTEND, RATE, make_dataset, signal


def test_folder_with_manifest_takes_labels_and_groups(tmp_path):
    ds = read_dataset(make_dataset(tmp_path / "d", per_class=4, groups=2))
    assert ds.classes == ("clicks", "noise", "tone") and len(ds) == 12
    assert ds.groups() == {"clicks": 2, "noise": 2, "tone": 2}
    assert ds.licences()["tone"] == ["CC0"]


def test_folder_without_manifest_and_class_selection(tmp_path):
    root = make_dataset(tmp_path / "d", per_class=3, manifest=False)
    (root / "notes.txt").write_text("not a class folder")
    ds = read_dataset(root, classes="tone,clicks")
    assert ds.classes == ("tone", "clicks") and len(ds) == 6
    assert len({c.group for c in ds.clips}) == 6  # no manifest: every clip is its own group
    with pytest.raises(DatasetError, match="'violin'"):
        read_dataset(root, classes=["tone", "violin"])
    with pytest.raises(DatasetError, match="at least 2 classes"):
        read_dataset(root, classes="tone")


def test_csv_and_dcase_style_csv(tmp_path):
    root = make_dataset(tmp_path / "d", per_class=2, manifest=False)
    (tmp_path / "plain.csv").write_text("d/tone/tone_0.wav,tone,g1\nd/noise/noise_0.wav,noise,g2\n"
                                        "d/noise/gone.wav,noise,g2\n")
    ds = read_dataset(tmp_path / "plain.csv")
    assert [c.group for c in ds.clips] == ["g1", "g2"] and ds.missing == ("d/noise/gone.wav",)
    audio = tmp_path / "audio_train"
    audio.mkdir()
    for label in ("tone", "clicks"):
        (root / label / f"{label}_1.wav").rename(audio / f"{label}1.wav")
    (tmp_path / "train.csv").write_text("fname,label,manually_verified\ntone1.wav,tone,1\nclicks1.wav,clicks,0\n")
    dcase = read_dataset(tmp_path / "train.csv")
    assert dcase.classes == ("clicks", "tone") and all(c.path.parent == audio for c in dcase.clips)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 9)), min_size=12, max_size=80), st.integers(0, 5))
def test_split_never_puts_a_group_on_two_sides(pairs, seed):
    labels = [f"c{c}" for c, _ in pairs]
    groups = [f"c{c}-g{g}" for c, g in pairs]
    try:
        split = split_indices(labels, groups, val_fraction=0.2, test_fraction=0.2, seed=seed)
    except DatasetError:
        return  # a class lost all its training clips: refused, never silently
    sides = [set(split.train), set(split.val), set(split.test)]
    assert sorted(i for s in sides for i in s) == list(range(len(labels)))
    for cls in set(labels):
        if split.by[cls] != "group":
            continue
        for a in range(3):
            for b in range(a + 1, 3):
                ga = {groups[i] for i in sides[a] if labels[i] == cls}
                gb = {groups[i] for i in sides[b] if labels[i] == cls}
                assert not ga & gb


def test_split_by_group_holds_out_whole_groups_and_notes_single_group_classes():
    labels = ["metal"] * 40 + ["organ"] * 10
    groups = [f"song{i // 8}" for i in range(40)] + ["stop0"] * 10
    split = split_indices(labels, groups, val_fraction=0.2, test_fraction=0.2, seed=1)
    test_songs = {groups[i] for i in split.test if labels[i] == "metal"}
    train_songs = {groups[i] for i in split.train if labels[i] == "metal"}
    assert len(test_songs) == 1 and not test_songs & train_songs
    assert split.by["metal"] == "group" and split.by["organ"] == "clip"
    assert any("organ" in n and "by clip" in n for n in split.notes)
    assert split == split_indices(labels, groups, val_fraction=0.2, test_fraction=0.2, seed=1)


def test_scan_lists_unreadable_files_without_crashing(tmp_path):
    root = make_dataset(tmp_path / "d", per_class=5, manifest=False)
    (root / "tone" / "empty.wav").write_bytes(b"")
    (root / "noise" / "text.wav").write_text("hello, I am not audio\n" * 20)
    summary = scan_dataset(root, config=TrainingConfig(val_fraction=0.2, test_fraction=0.2))
    bad = dict(summary.unreadable)
    assert set(bad) == {"tone/empty.wav", "noise/text.wav"} and "empty" in bad["tone/empty.wav"]
    assert summary.counts == {"clicks": 5, "noise": 5, "tone": 5}
    assert "2 unreadable files" in summary.describe()


def test_features_are_computed_once_and_follow_file_changes(tmp_path, monkeypatch):
    root = make_dataset(tmp_path / "d", per_class=2, manifest=False)
    folder = tmp_path / "cache"
    ds = read_dataset(root)
    feature_cache._MEMORY.clear()  # same synthetic files as other tests: start cold
    first = run_task(extract_features(ds, FRONTEND, folder=folder))
    assert len(list(folder.glob("*.npz"))) == 6
    feature_cache._MEMORY.clear()

    def refuse(*a, **k):
        raise AssertionError("decoded again")
    monkeypatch.setattr("relstudio.core.audio.load_audio", refuse)
    again = run_task(extract_features(ds, FRONTEND, folder=folder))
    assert torch.equal(first.db, again.db) and torch.equal(first.n_frames, again.n_frames)
    monkeypatch.undo()
    write_wav(root / "tone" / "tone_0.wav", noise(0.7, rate=RATE, seed=9), RATE)  # edited file → new key
    changed = run_task(extract_features(ds, FRONTEND, folder=folder))
    assert len(list(folder.glob("*.npz"))) == 7
    assert not torch.equal(changed.db, first.db)


def test_unreadable_files_are_skipped_by_feature_extraction(tmp_path):
    root = make_dataset(tmp_path / "d", per_class=2, manifest=False)
    (root / "tone" / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    fs = run_task(extract_features(read_dataset(root), FRONTEND, folder=None))
    assert len(fs) == 6 and [p for p, _ in fs.unreadable] == ["tone/broken.wav"]


def _features_of(signals):
    ds_db = []
    from relstudio.core.frontend import mel_db

    for x in signals:
        ds_db.append(mel_db(to_tensor(x), FRONTEND))
    width = max(d.shape[1] for d in ds_db)
    db = torch.full((len(ds_db), FRONTEND.n_mels, width), -FRONTEND.top_db)
    for k, d in enumerate(ds_db):
        db[k, :, :d.shape[1]] = d
    return db.half(), torch.tensor([d.shape[1] for d in ds_db])


def test_padded_segments_never_count():
    signals = [signal("tone", 0), signal("noise", 5), tone(500, 0.05, rate=RATE)]  # 0.5 s, 1.0 s, < 1 segment
    db, lengths = _features_of(signals)
    x, got_len, mask = make_batch(db, lengths, torch.arange(3), FRONTEND)
    assert torch.equal(got_len, lengths)
    for k in range(3):
        assert torch.all(x[k, :, lengths[k]:] == 0)  # padding is silence in feature space
        assert int(mask[k].sum()) == FRONTEND.n_segments(int(lengths[k]))
    torch.manual_seed(0)
    net = ExpertCNN(FRONTEND, ExpertCNNConfig((4, 4, 4), 8)).eval()
    with torch.no_grad():
        batched = net(x, mask)
        for k, sig in enumerate(signals):
            alone = net(features(to_tensor(sig), FRONTEND)[None])[0]
            assert torch.allclose(batched[k], alone, atol=2e-3)  # float16 cache: ±0.01 dB
        assert not torch.allclose(net(x)[0], batched[0], atol=1e-3)  # unmasked, padding would count


def test_augmented_batches_are_valid_random_and_reproducible():
    db, lengths = _features_of([signal("tone", 1), signal("clicks", 3), signal("noise", 2)])
    aug = AugmentConfig(tilt_db=10, eq_db=6, mel_shift=2, shift_frames=4, crop_fraction=0.5, noise_probability=1.0)
    rows = torch.arange(3)
    a = make_batch(db, lengths, rows, FRONTEND, augment=aug, generator=torch.Generator().manual_seed(3))
    b = make_batch(db, lengths, rows, FRONTEND, augment=aug, generator=torch.Generator().manual_seed(3))
    plain = make_batch(db, lengths, rows, FRONTEND)
    assert all(torch.equal(u, v) for u, v in zip(a, b))
    x, got_len, mask = a
    assert x.min() >= 0 and x.max() <= 1
    assert torch.all(got_len <= lengths) and torch.all(got_len >= torch.clamp(lengths, max=FRONTEND.segment_frames))
    assert torch.all(got_len >= lengths // 2 - 4)
    for k in range(3):
        assert torch.all(x[k, :, got_len[k]:] == 0)
        assert int(mask[k].sum()) == FRONTEND.n_segments(int(got_len[k]))
    assert x.shape != plain[0].shape or not torch.equal(x, plain[0])


def test_lowpass_augmentation_removes_only_the_high_bins():
    db, lengths = _features_of([signal("noise", 2)] * 2)
    aug = AugmentConfig(lowpass_probability=1.0, lowpass_hz=(2000.0, 2000.0))
    x, _, _ = make_batch(db, lengths, torch.arange(2), FRONTEND, augment=aug, generator=torch.Generator().manual_seed(1))
    plain, _, _ = make_batch(db, lengths, torch.arange(2), FRONTEND)
    from relstudio.core.training.augment import _mel_centres

    hz = _mel_centres(FRONTEND)
    low, high = hz < 1900, hz > 4500  # ≥ 1 octave above the cut: ≥ 48 dB down
    shape = lambda f: f[:, low] - f[:, low].amax(dim=1, keepdim=True)  # noqa: E731 (frame_max level norm)
    assert torch.allclose(shape(x), shape(plain), atol=1e-3)  # below the cut: the same spectrum
    drop = (plain[:, high] - plain[:, low].mean(dim=1, keepdim=True)) - (x[:, high] - x[:, low].mean(dim=1, keepdim=True))
    assert torch.all(drop > 0.1) and x.min() >= 0
    with pytest.raises(ParameterError):
        AugmentConfig(lowpass_probability=1.5)
    from relstudio.core.training.model_cards import config_text

    assert "lowpass" not in config_text(TrainingConfig.recommended().to_dict())  # off: not listed
    assert "weights averaged over about 8 epochs" in config_text(TrainingConfig.recommended().to_dict())
    assert "cosine" not in config_text(TrainingConfig.recommended().to_dict())
    assert "lr 0.002 falling along half a cosine" in config_text(TrainingConfig.recommended(lr_schedule="cosine").to_dict())
    assert "averaged" not in config_text(TrainingConfig().to_dict())
    with pytest.raises(ParameterError):
        TrainingConfig(average_epochs=-1.0)
    assert "lowpass_hz [2000.0, 2000.0]" in config_text(TrainingConfig(augment=aug).to_dict())
    rec = AugmentConfig.recommended()
    assert "reverb_s [0.2, 1.0]" in config_text(TrainingConfig(augment=rec).to_dict())
    dry = config_text(TrainingConfig(augment=dataclasses.replace(rec, reverb_probability=0.0, mix_probability=0.0)).to_dict())
    assert "reverb_s" not in dry and "mix_db" not in dry and "tilt_db 8.0" in dry  # a range whose effect is off: not listed


def test_manifest_csv_is_read_with_extra_columns(tmp_path):
    root = make_dataset(tmp_path / "d", per_class=2, groups=1)
    with open(root / "manifest.csv") as f:
        assert next(csv.reader(f)) == ["path", "label", "group", "license"]
    ds = read_dataset(root)
    assert {c.group for c in ds.clips} == {"clicks-g0", "noise-g0", "tone-g0"}


def test_missing_dataset_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match="no such folder"):
        read_dataset(tmp_path / "nope")
    with pytest.raises(AudioReadError):
        feature_cache.clip_mel_db(tmp_path / "nope.wav", FRONTEND)  # a missing file names itself
    assert np.isfinite(signal("tone", 0)).all()


def test_forced_test_groups_are_always_held_out():
    labels = ["metal"] * 40 + ["organ"] * 40
    groups = [f"song{i // 8}" for i in range(40)] + [f"stop{i // 8}" for i in range(40)]
    for seed in range(4):
        split = split_indices(labels, groups, test_fraction=0.2, seed=seed, test_groups=["song3"])
        test_groups = {groups[i] for i in split.test}
        assert "song3" in test_groups and sum(groups[i] == "song3" for i in split.test) == 8
        assert not {groups[i] for i in split.train + split.val} & test_groups
    with pytest.raises(DatasetError, match="song9"):
        split_indices(labels, groups, test_groups=["song9"])
