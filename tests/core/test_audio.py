import numpy as np
import pytest
import soundfile as sf

from relstudio.core.audio import load_audio
from relstudio.core.errors import AudioReadError
from tests.synth import tone


def test_stereo_odd_rate_to_mono_target(tmp_path):
    x = tone(440, 1.0, rate=22050)
    stereo = np.stack([x, 0.5 * x], axis=1)
    path = tmp_path / "stéréo file.flac"
    sf.write(path, stereo, 22050)
    clip = load_audio(path, rate=44100)
    assert clip.rate == 44100 and clip.native_rate == 22050 and clip.channels == 2
    assert abs(len(clip.samples) - 44100) <= 2
    assert clip.samples.dtype == np.float32
    assert np.abs(clip.samples).max() == pytest.approx(0.75 * 0.5, rel=0.05)
    original, rate = clip.load_original()
    assert rate == 22050 and original.shape == (22050, 2)


def test_same_rate_reads_exact_samples(tmp_path):
    x = tone(1000, 0.5, rate=44100)
    path = tmp_path / "a.wav"
    sf.write(path, x, 44100, subtype="FLOAT")
    clip = load_audio(path)
    assert np.array_equal(clip.samples, x)
    assert clip.content_hash == load_audio(path).content_hash


def test_nan_samples_replaced_with_warning(tmp_path):
    x = tone(440, 0.5, rate=44100)
    x[100:110] = np.nan
    x[200] = np.inf
    path = tmp_path / "nan.wav"
    sf.write(path, x, 44100, subtype="FLOAT")
    clip = load_audio(path)
    assert np.isfinite(clip.samples).all() and "11 non-finite" in clip.warnings[0]


@pytest.mark.parametrize("content,problem", [(b"", "empty"), (b"hello, I am text" * 10, "not a readable audio"),
                                             (bytes(range(256)) * 8, "not a readable audio")])
def test_bad_files_named(tmp_path, content, problem):
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(AudioReadError, match=problem) as info:
        load_audio(path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(AudioReadError, match="no such file"):
        load_audio(tmp_path / "nope.wav")
