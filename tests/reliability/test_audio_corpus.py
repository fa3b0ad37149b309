"""Core over every audio file of the corpus: refused with a reason naming the file, or analysed without NaN."""

from __future__ import annotations

import numpy as np
import pytest

from relstudio.core.analysis import analyze
from relstudio.core.audio import load_audio
from relstudio.core.errors import AudioReadError
from relstudio.core.frontend import FrontendConfig
from relstudio.core.progress import run_task
from tests.reliability.corpus import (ANALYSED, AUDIO_CASES, AUDIO_DIR, REFUSED_AUDIO, case_id, generator,
                                      matches)


def test_corpus_is_complete():
    """Every committed file has a case and every case a file (a new file needs an expectation)."""
    on_disk = {p.name for p in AUDIO_DIR.iterdir()}
    assert on_disk == {c.name for c in AUDIO_CASES}
    assert {c.outcome for c in AUDIO_CASES} == {"analysed", "refused"}


def test_corpus_stays_small():
    total = sum(p.stat().st_size for p in AUDIO_DIR.parent.rglob("*") if p.is_file())
    assert total < 2_000_000


@pytest.mark.parametrize("case", REFUSED_AUDIO, ids=case_id)
def test_refused_with_reason(case):
    path = AUDIO_DIR / case.name
    with pytest.raises(AudioReadError) as info:
        load_audio(path, rate=44100)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)
    assert matches(case.reason, info.value.problem), info.value.problem
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("case", ANALYSED, ids=case_id)
def test_analysed_without_nan(case, good_expert):
    path = AUDIO_DIR / case.name
    clip = load_audio(path, rate=44100)
    assert clip.source == path and clip.rate == 44100 and clip.samples.dtype == np.float32
    assert np.isfinite(clip.samples).all() and np.abs(clip.samples).max() <= 64.0
    analysis = run_task(analyze(clip, [good_expert]))
    notes = list(clip.warnings) + list(analysis.warnings)
    if case.reason:
        assert any(matches(case.reason, n) for n in notes), notes
    else:
        assert notes == []
    assert analysis.n_segments >= 1
    assert np.isfinite(analysis.probs).all() and np.isfinite(analysis.relevance).all()
    assert 0.0 <= analysis.probs.min() and analysis.probs.max() <= 1.0
    fe = analysis.frontend  # segments cover the clip up to less than one pooling stride
    assert 0.0 <= clip.duration - analysis.times[-1, 1] < fe.pool_stride * fe.hop_length / fe.sample_rate
    assert np.isfinite(analysis.mel_db.astype(np.float32)).all()


def test_silence_is_a_flat_curve_not_nan(good_expert):
    clip = load_audio(AUDIO_DIR / "silence.wav", rate=44100)
    assert not clip.samples.any()
    analysis = run_task(analyze(clip, [good_expert]))
    assert analysis.n_segments > 5
    assert np.isfinite(analysis.relevance).all()
    assert np.ptp(analysis.relevance) == 0.0 and np.ptp(analysis.probs) == 0.0


def test_nan_cleaned_before_resampling():
    """102 NaN/Inf samples at 16 kHz are reported as 102, not smeared over the resampled signal."""
    clip = load_audio(AUDIO_DIR / "nan_inf_float.wav", rate=44100)
    assert clip.warnings == ("102 non-finite samples (NaN/Inf) were replaced by silence",)
    native = load_audio(AUDIO_DIR / "nan_inf_float.wav", rate=16000)
    assert native.warnings == clip.warnings
    assert (native.samples[1000:1100] == 0).all() and native.samples[999] != 0


def test_odd_formats_keep_their_description():
    eight = load_audio(AUDIO_DIR / "eight_channels.wav", rate=16000)
    assert (eight.channels, eight.native_rate, eight.duration) == (8, 8000, 0.5)
    hi = load_audio(AUDIO_DIR / "rate_192k_24bit.wav", rate=44100)
    assert hi.native_rate == 192000 and hi.duration == pytest.approx(0.5, abs=1e-3)
    # a 1 kHz tone survives the 192 kHz → 44.1 kHz conversion
    spectrum = np.abs(np.fft.rfft(hi.samples))
    assert np.argmax(spectrum) * 44100 / len(hi.samples) == pytest.approx(1000, abs=5)
    mp3 = load_audio(AUDIO_DIR / "tone.mp3", rate=16000)
    assert mp3.native_rate == 16000 and mp3.duration == pytest.approx(1.0, abs=0.1)
    assert np.abs(mp3.samples).max() > 0.2


def test_truncated_wav_keeps_what_exists():
    clip = load_audio(AUDIO_DIR / "truncated.wav", rate=16000)
    assert clip.duration == pytest.approx(0.5, abs=0.01)
    assert "declares 32000 bytes" in clip.warnings[0]


def test_streamed_wav_sizes_read_whole():
    clip = load_audio(AUDIO_DIR / "bogus_sizes_ffffffff.wav", rate=16000)
    assert clip.duration == pytest.approx(1.0) and clip.warnings == ()


@pytest.mark.parametrize("make,problem", [
    (lambda tmp: tmp / "missing.wav", "no such file"),
    (lambda tmp: (tmp / "folder.wav").mkdir() or tmp / "folder.wav", "is a folder"),
])
def test_missing_and_folder(tmp_path, make, problem):
    path = make(tmp_path)
    with pytest.raises(AudioReadError, match=problem) as info:
        load_audio(path)
    assert info.value.path == str(path)


def test_hour_long_file_is_analysed_in_chunks(tmp_path):
    """An hour at 8 kHz (57.6 MB) decodes block-wise and is analysed chunk by chunk."""
    from tests.expert_factory import random_expert
    from relstudio.core.experts.expert_file import load_expert

    fe = FrontendConfig.small(sample_rate=8000, fmax=4000.0, hop_length=512)
    path = generator.write_hour_long(tmp_path / "an hour.wav")
    expert = load_expert(random_expert(tmp_path, "hour", frontend=fe, seed=4).path)
    clip = load_audio(path, rate=8000)
    assert clip.duration == 3600.0 and clip.warnings == ()
    fractions = []
    analysis = run_task(analyze(clip, [expert], chunk_seconds=300), lambda p: fractions.append(p.fraction))
    assert len(fractions) >= 12 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert analysis.n_segments == fe.n_segments(fe.n_frames(3600 * 8000))
    assert 3600.0 - analysis.times[-1, 1] < fe.pool_stride * fe.hop_length / fe.sample_rate
    assert np.isfinite(analysis.probs).all()
    # tone bursts for 20 s of every minute: silent segments share one value, tone segments another
    centres = analysis.centres
    silent = (centres % 60 > 22) & (centres % 60 < 58)
    tonal = (centres % 60 > 2) & (centres % 60 < 18)
    assert np.ptp(analysis.probs[0, silent]) == 0.0
    assert abs(analysis.probs[0, tonal].mean() - analysis.probs[0, silent][0]) > 1e-3


def test_generator_reproduces_the_corpus(tmp_path):
    """make_corpus.py writes the same files; PCM/float WAVs byte for byte (encoders and model
    metadata may change with library and app versions, so those are compared by name)."""
    generator.write_all(tmp_path)
    for sub in ("audio", "experts"):
        made, committed = (tmp_path / sub).iterdir(), (AUDIO_DIR.parent / sub).iterdir()
        assert sorted(p.name for p in made) == sorted(p.name for p in committed)
    for case in AUDIO_CASES:
        if case.name.endswith(".wav"):
            assert (tmp_path / "audio" / case.name).read_bytes() == (AUDIO_DIR / case.name).read_bytes(), case.name
