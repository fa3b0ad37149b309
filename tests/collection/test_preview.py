"""Previews: the most relevant excerpt of N seconds, cut from the original, faded, plus a playlist."""

import numpy as np
import pytest
import soundfile as sf

from relstudio.core.collection.preview import PLAYLIST_NAME, fade, make_previews
from relstudio.core.errors import ParameterError
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.progress import run_task
from tests.collection.conftest import tone_in_silence
from tests.synth import noise


@pytest.fixture(scope="module")
def experts(tone_noise):
    return [load_expert(i.path) for i in tone_noise]


def test_preview_is_the_relevant_part_with_fades_and_a_playlist(tmp_path, experts):
    # the original is 44.1 kHz stereo; the experts listen at 16 kHz: the preview keeps the original
    x16 = tone_in_silence(3.0, 2.0, 3.0)
    t = np.arange(int(8.0 * 44100)) / 44100
    x = np.interp(t, np.arange(len(x16)) / 16000, x16).astype(np.float32)
    sf.write(tmp_path / "song.wav", np.stack([x, 0.5 * x], axis=1), 44100)
    sf.write(tmp_path / "short.wav", noise(1.0, seed=2), 16000)
    (tmp_path / "bad.wav").write_bytes(b"xx")
    out = tmp_path / "previews"
    previews, failures = run_task(make_previews([tmp_path / "song.wav", tmp_path / "short.wav", tmp_path / "bad.wav"],
                                                experts, output=out, seconds=2.0, fade_seconds=0.1))
    assert [f["path"].endswith("bad.wav") for f in failures] == [True]
    song, short = previews
    assert 2.6 <= song.start <= 3.4 and abs(song.end - song.start - 2.0) < 1e-9
    audio, rate = sf.read(song.file)
    assert rate == 44100 and audio.shape == (88200, 2)
    assert np.allclose(audio[:, 1], 0.5 * audio[:, 0], atol=2e-4)  # channels kept
    ramp = int(0.1 * rate)
    assert abs(audio[0, 0]) < 1e-3 and abs(audio[-1, 0]) < 1e-3
    assert np.abs(audio[:ramp // 4, 0]).max() < np.abs(audio[ramp:2 * ramp, 0]).max() / 2
    # a track shorter than the preview gives all of itself
    assert (short.start, short.end) == (0.0, 1.0) and sf.info(short.file).frames == 16000
    lines = (out / PLAYLIST_NAME).read_text().splitlines()
    assert lines[0] == "#EXTM3U" and lines[1].startswith("#EXTINF:2,song")
    assert [ln for ln in lines if not ln.startswith("#")] == ["song.preview.flac", "short.preview.flac"]


def test_fade_shapes_only_the_ends():
    x = np.ones((1000, 2), np.float32)
    y = fade(x, 1000, seconds=0.1)
    assert y.shape == x.shape and y[0, 0] == 0 and y[-1, 1] == 0 and np.all(y[100:900] == 1)
    assert np.all(np.diff(y[:100, 0]) >= 0) and x[0, 0] == 1  # input untouched
    assert np.all(fade(np.ones(8, np.float32), 1000, seconds=1.0)[2:6] == 1)  # at most a quarter each side


def test_preview_refuses_bad_arguments(tmp_path, experts):
    with pytest.raises(ParameterError, match="format"):
        run_task(make_previews([], experts, output=tmp_path, fmt="mp3"))
    with pytest.raises(ParameterError, match="seconds"):
        run_task(make_previews([], experts, output=tmp_path, seconds=0))


def test_preview_by_class_picks_that_class(tmp_path, experts):
    from relstudio.core.collection.preview import best_excerpt
    from relstudio.core.analysis import analyze
    from relstudio.core.audio import clip_from_array
    from tests.synth import tone

    x = np.concatenate([noise(3.0, seed=4), tone(330.0, 3.0, harmonics=3)])  # both parts are certain
    a = run_task(analyze(clip_from_array(x, rate=16000), experts, keep_mel=False))
    t_start, t_end, _ = best_excerpt(a, 2.0, by="class:tone")
    n_start, n_end, _ = best_excerpt(a, 2.0, by="class:noise")
    assert t_start >= 2.9 and n_end <= 3.1
    with pytest.raises(ParameterError, match="no class 'drums'"):
        run_task(make_previews([], experts, output=tmp_path, by="class:drums"))
