import numpy as np
import pytest
import torch

from relstudio.core.errors import ParameterError
from relstudio.core.frontend import FrontendConfig, features, mel_db, to_tensor
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
                                 dict(fmax=30000.0), dict(level_norm="peak")])
def test_config_rejects_bad_values(bad):
    with pytest.raises(ParameterError):
        FrontendConfig(**bad)


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
