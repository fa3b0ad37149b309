"""16-bit mono files stay int16 (issue 17: half the memory of an hour) and give the same numbers as float32.

Every consumer of a clip — the experts' chunks, the segment levels, the waveform pyramid, the mel
filters — must see exactly what the float32 decode gives; these tests compare bit for bit.
"""

import numpy as np
import pytest
import soundfile as sf

from relstudio.core.analysis import analyze
from relstudio.core.audibility import segment_levels_db
from relstudio.core.audio import AudioClip, load_audio
from relstudio.core.frontend import FrontendConfig
from relstudio.core.progress import run_task
from relstudio.core.waveform_lod import MinMaxPyramid
from tests.expert_factory import random_expert
from tests.synth import noise, tone, write_wav

FE = FrontendConfig.small()
RATE = FE.sample_rate


@pytest.fixture()
def track(tmp_path):
    x = np.concatenate([tone(440, 2.0, rate=RATE, harmonics=3), noise(3.0, rate=RATE, seed=2) * 0.3,
                        np.zeros(RATE // 2, np.float32), tone(880, 1.3, rate=RATE)])
    x[5] = 1.0  # full scale: +32767 after quantising
    x[6] = -1.0
    path = tmp_path / "sixteen.wav"
    write_wav(path, x, RATE, subtype="PCM_16")
    return path


def float_twin(clip: AudioClip) -> AudioClip:
    """The same clip held as float32, as the decoder gave it before issue 17."""
    return AudioClip(clip.samples.copy(), clip.rate, clip.source, clip.native_rate, clip.channels, clip.content_hash)


def test_sixteen_bit_mono_is_kept_as_int16_and_reads_as_libsndfile_floats(track):
    clip = load_audio(track, rate=RATE)
    assert clip.pcm.dtype == np.int16
    want, _ = sf.read(str(track), dtype="float32")
    assert clip.samples.dtype == np.float32 and np.array_equal(clip.samples, want)
    assert np.array_equal(clip.window(1000, 1500), want[1000:1500])
    assert clip.n_samples == len(want) and clip.duration == pytest.approx(len(want) / RATE)


@pytest.mark.parametrize("subtype, channels", [("FLOAT", 1), ("PCM_16", 2), ("PCM_24", 1)])
def test_other_sources_stay_float32(tmp_path, subtype, channels):
    x = np.stack([tone(330, 1.0, rate=RATE)] * channels, axis=1) * 0.5
    path = tmp_path / "other.wav"
    write_wav(path, x, RATE, subtype=subtype)
    assert load_audio(path, rate=RATE).pcm.dtype == np.float32


def test_analysis_of_int16_equals_float32_whole_and_chunked(track, tmp_path):
    from relstudio.core.experts.expert_file import load_expert

    clip = load_audio(track, rate=RATE)
    twin = float_twin(clip)
    experts = [load_expert(random_expert(tmp_path, f"e{s}", seed=s, frontend=FE).path) for s in (1, 2)]
    for chunk_seconds in (1000.0, 1.0):  # the same chunks: bit for bit
        compact = run_task(analyze(clip, experts, keep_mel=True, chunk_seconds=chunk_seconds))
        full = run_task(analyze(twin, experts, keep_mel=True, chunk_seconds=chunk_seconds))
        assert np.array_equal(compact.probs, full.probs) and np.array_equal(compact.mel_db, full.mel_db)
    whole = run_task(analyze(twin, experts, keep_mel=True, chunk_seconds=1000.0))
    assert np.allclose(compact.probs, whole.probs, atol=1e-5)  # chunks against the whole (as test_analysis)


def test_segment_levels_of_int16_are_bit_identical(track):
    clip = load_audio(track, rate=RATE)
    n_seg = FE.n_segments(FE.n_frames(clip.n_samples))
    want = segment_levels_db(clip.samples, frontend=FE)
    assert np.array_equal(segment_levels_db(clip.pcm, frontend=FE), want)
    assert np.array_equal(segment_levels_db(clip.pcm, frontend=FE, start=3, stop=n_seg - 2), want[3:n_seg - 2])


@pytest.mark.parametrize("t0, t1, pixels", [(0.0, 8.8, 300), (1.0, 1.01, 400), (2.0, 2.5, 600), (0.3, 4.0, 50)])
def test_waveform_pyramid_of_int16_equals_float32(track, t0, t1, pixels):
    clip = load_audio(track, rate=RATE)
    compact, full = MinMaxPyramid(clip.pcm, rate=RATE), MinMaxPyramid(clip.samples, rate=RATE)
    assert compact.samples.dtype == np.int16
    for a, b in zip(compact.envelope(t0, t1, pixels=pixels), full.envelope(t0, t1, pixels=pixels)):
        assert a.dtype == b.dtype and np.array_equal(a, b)


def test_long_tracks_are_paged_from_a_file_with_the_same_numbers(track, tmp_path, monkeypatch):
    from relstudio.core import paged_pcm

    monkeypatch.setattr(paged_pcm, "PAGED_MIN_SAMPLES", 1000)  # this short track counts as long
    clip = load_audio(track, rate=RATE)
    if not paged_pcm.sys.platform.startswith("linux"):
        pytest.skip("paging is used on Linux only")
    assert paged_pcm.is_paged(clip.pcm)
    want, _ = sf.read(str(track), dtype="float32")
    paged_pcm.release_pages(clip.pcm, 0, clip.n_samples)  # released pages read back from the file
    assert np.array_equal(clip.samples, want) and np.array_equal(clip.window(4000, 9000), want[4000:9000])
    assert np.array_equal(segment_levels_db(clip.pcm, frontend=FE), segment_levels_db(want, frontend=FE))
    from relstudio.core import audio

    released = []
    monkeypatch.setattr(audio, "release_pages", lambda a, s, e: released.append((s, e)))
    clip.window(100, 5000)
    assert released == [(100, 5000)]  # every converted window leaves memory (an hour never piles up)
    paged, full = MinMaxPyramid(clip.pcm, rate=RATE), MinMaxPyramid(want, rate=RATE)
    for a, b in zip(paged.envelope(0.0, 8.8, pixels=300), full.envelope(0.0, 8.8, pixels=300)):
        assert np.array_equal(a, b)


def test_release_pages_never_touches_ordinary_memory():
    from relstudio.core.paged_pcm import is_paged, release_pages

    x = np.arange(1 << 20, dtype=np.int16)
    release_pages(x, 0, x.size)
    assert not is_paged(x) and np.array_equal(x, np.arange(1 << 20, dtype=np.int16))


def test_pyramid_built_while_decoding_equals_the_one_built_after(track, monkeypatch):
    from relstudio.core import audio
    from relstudio.core.waveform_lod import FirstLevel

    monkeypatch.setattr(audio, "BLOCK_FRAMES", 1 << 12)  # many blocks, the last one partial
    first = FirstLevel()
    clip = load_audio(track, rate=RATE, on_block=first.add)
    assert first.result(clip.n_samples) is not None
    during, after = MinMaxPyramid(clip.pcm, rate=RATE, first_level=first), MinMaxPyramid(clip.samples, rate=RATE)
    assert len(during.levels) == len(after.levels)
    for (b1, lo1, hi1), (b2, lo2, hi2) in zip(during.levels, after.levels):
        assert b1 == b2 and np.array_equal(lo1, lo2) and np.array_equal(hi1, hi2)
    broken = FirstLevel()
    broken.add(0, clip.pcm[:100])  # a block that is not a multiple of the level's 64 samples …
    broken.add(100, clip.pcm[100:300])  # … makes the next one misaligned: the pyramid reads the track itself
    assert broken.result(300) is None
