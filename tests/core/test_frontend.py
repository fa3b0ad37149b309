import numpy as np
import pytest
import torch

from relstudio.core.errors import ParameterError
from relstudio.core.frontend import FrontendConfig, features, features_from_db, mel_db, to_tensor
from tests.synth import noise, tone


def librosa_db(x, cfg):
    import librosa

    mel = librosa.feature.melspectrogram(y=x, sr=cfg.sample_rate, n_fft=cfg.n_fft, hop_length=cfg.hop_length,
                                         n_mels=cfg.n_mels, fmin=cfg.fmin, fmax=cfg.fmax, htk=cfg.mel_htk,
                                         norm=cfg.mel_norm, center=True, pad_mode="constant", power=2.0,
                                         window="hann")
    db = librosa.power_to_db(mel, ref=cfg.db_ref, amin=cfg.amin, top_db=None)
    return np.maximum(db, -cfg.top_db)


@pytest.mark.parametrize("cfg", [FrontendConfig.small(), FrontendConfig()], ids=["small", "default"])
def test_mel_matches_librosa(cfg):
    x = tone(440, 1.5, rate=cfg.sample_rate, harmonics=4) + noise(1.5, rate=cfg.sample_rate, amp=0.05)
    ours = mel_db(to_tensor(x), cfg).numpy()
    ref = librosa_db(x, cfg)
    assert ours.shape == ref.shape == (cfg.n_mels, cfg.n_frames(len(x)))
    loud = ref > -60  # float32 rounding dominates only far below the signal
    assert np.abs(ours - ref)[loud].max() < 0.02
    assert np.abs(ours - ref).max() < 0.5


def test_chunks_equal_whole():
    cfg = FrontendConfig.small()
    x = noise(3.0, rate=cfg.sample_rate, seed=3)
    whole = mel_db(to_tensor(x), cfg)
    for a, b in [(0, 7), (5, 40), (100, cfg.n_frames(len(x)))]:
        assert torch.allclose(mel_db(to_tensor(x), cfg, start=a, stop=b), whole[:, a:b], atol=1e-3)


def test_level_invariance_of_features():
    cfg = FrontendConfig.small()
    x = tone(300, 1.0, rate=cfg.sample_rate, harmonics=3, amp=0.2) + noise(1.0, rate=cfg.sample_rate, amp=0.02)
    base = features(to_tensor(x), cfg)
    for gain_db in (-12.0, 12.0):
        other = features(to_tensor(x * 10 ** (gain_db / 20)), cfg)
        assert torch.allclose(base, other, atol=2e-3)
    assert float(features(to_tensor(np.zeros(4000, np.float32)), cfg).abs().max()) == 0.0


def _decaying_note(cfg):
    """A note decaying 36 dB a second from −6 to −78 dBFS: its last frames lie under the relevance rule's
    −70 dBFS floor, the frames before it are still evidence."""
    x = tone(440, 2.0, rate=cfg.sample_rate, harmonics=4)
    return (x * 10 ** ((-6.0 - 36.0 * np.arange(len(x)) / cfg.sample_rate) / 20)).astype(np.float32)


def test_decaying_note_keeps_its_features_12_db_quieter():
    """Issue 14: ±12 dB must not change the features of any frame the app counts as evidence; the
    reference's old −40 dB floor lifted the note's quiet frames by up to 12 dB at −12 dB gain."""
    x = _decaying_note(FrontendConfig.small())
    for cfg, same in ((FrontendConfig.small(), True),
                      (FrontendConfig.small(silence_db=-40.0, top_db=120.0, amin=1e-12), False)):
        audible = mel_db(to_tensor(x * 10 ** (-12 / 20)), cfg).amax(dim=0) > -70.0
        base = features(to_tensor(x), cfg)[:, audible]
        for gain_db in (-12.0, 12.0):
            other = features(to_tensor(x * 10 ** (gain_db / 20)), cfg)[:, audible]
            assert torch.allclose(base, other, atol=1e-4) is same, (cfg.silence_db, gain_db)


@pytest.mark.parametrize("window", [1, 4, 10])
def test_level_window_references_the_loudest_frame_near_each(window):
    cfg = FrontendConfig.small(level_window=window)
    x = _decaying_note(cfg)
    db = mel_db(to_tensor(x), cfg).numpy()
    peak = db.max(axis=0)
    ref = np.array([peak[max(0, j - window):j + window + 1].max() for j in range(len(peak))])
    expected = np.maximum(db - np.maximum(ref, cfg.silence_db), -cfg.dynamic_range_db) / cfg.dynamic_range_db + 1
    assert np.allclose(features(to_tensor(x), cfg).numpy(), expected, atol=1e-6)
    assert not np.allclose(features(to_tensor(x), FrontendConfig.small(level_window=0)).numpy(), expected, atol=1e-3)
    batch = torch.from_numpy(np.stack([db, db[:, ::-1].copy()]))
    assert torch.equal(features_from_db(batch, cfg)[0], features_from_db(batch[0], cfg))


def test_level_norm_none_is_level_dependent():
    cfg = FrontendConfig.small(level_norm="none")
    x = tone(300, 1.0, rate=cfg.sample_rate, amp=0.2)
    a, b = features(to_tensor(x), cfg), features(to_tensor(x * 4), cfg)
    assert not torch.allclose(a, b, atol=1e-2)


def test_config_roundtrip_and_differences():
    cfg = FrontendConfig()
    assert FrontendConfig.from_dict(cfg.to_dict()) == cfg
    assert FrontendConfig.from_dict(cfg.to_dict()).fingerprint() == cfg.fingerprint()
    paper = FrontendConfig.paper()
    assert paper.bands == ((0, 20), (20, 60), (60, 100))
    assert sum(hi - lo for lo, hi in cfg.bands) == 128
    diffs = cfg.differences(FrontendConfig(n_mels=64, bands=((0, 10), (10, 30), (30, 64))))
    assert any(d.startswith("n_mels: 128") for d in diffs) and any(d.startswith("bands") for d in diffs)
    assert cfg.fingerprint() != paper.fingerprint()


@pytest.mark.parametrize("bad", [dict(n_mels=0), dict(window="hamming"), dict(bands=((0, 200),)),
                                 dict(fmax=30000.0), dict(level_norm="peak"), dict(level_window=-1),
                                 dict(level_window=2.5), dict(level_window=True), dict(top_db=120.0)])
def test_config_rejects_bad_values(bad):
    with pytest.raises(ParameterError):
        FrontendConfig(**bad)


def test_files_from_before_the_level_window_keep_their_front_end():
    old = {k: v for k, v in FrontendConfig(silence_db=-40.0, top_db=120.0, amin=1e-12).to_dict().items()
           if k != "level_window"}
    cfg = FrontendConfig.from_dict(old)
    assert cfg.level_window == 0 and cfg.silence_db == -40.0
    assert FrontendConfig().level_window == 10
    assert any(d.startswith("level_window: 0") for d in cfg.differences(FrontendConfig()))


def test_from_dict_rejects_unknown_fields():
    with pytest.raises(ParameterError, match="unknown"):
        FrontendConfig.from_dict({**FrontendConfig().to_dict(), "ref_max": True})


def test_segment_geometry():
    cfg = FrontendConfig()
    assert cfg.segment_frames == 13
    assert cfg.n_segments(13) == 1 and cfg.n_segments(17) == 1 and cfg.n_segments(18) == 2
    assert cfg.n_segments(3) == 1  # shorter inputs are padded to one segment
    times = cfg.segment_times(4, duration=10.0)
    stride = cfg.pool_stride * cfg.hop_length / cfg.sample_rate
    assert np.allclose(np.diff(times[:, 0])[1:], stride)
    assert times[0, 0] == 0.0
    span = (12 * cfg.hop_length + cfg.n_fft) / cfg.sample_rate
    assert np.isclose(times[2, 1] - times[2, 0], span)
    centres = cfg.segment_centres(4)
    assert np.allclose(centres[1:], (times[1:, 0] + times[1:, 1]) / 2)


@pytest.mark.parametrize("fe", [FrontendConfig(), FrontendConfig.small(), FrontendConfig(mel_htk=True, fmin=30.0)])
def test_mel_centres_match_librosa(fe):
    import librosa

    want = librosa.mel_frequencies(n_mels=fe.n_mels + 2, fmin=fe.fmin, fmax=fe.fmax, htk=fe.mel_htk)[1:-1]
    np.testing.assert_allclose(fe.mel_centres_hz(), want, rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("fe", [FrontendConfig(), FrontendConfig.small(), FrontendConfig(mel_htk=True, fmin=30.0),
                                FrontendConfig(mel_norm=None)])
def test_mel_filters_bit_identical_to_librosa(fe):
    import librosa

    from relstudio.core.frontend import _mel_basis_np

    want = librosa.filters.mel(sr=fe.sample_rate, n_fft=fe.n_fft, n_mels=fe.n_mels, fmin=fe.fmin, fmax=fe.fmax,
                               htk=fe.mel_htk, norm=fe.mel_norm)
    assert np.array_equal(_mel_basis_np(fe), want)
