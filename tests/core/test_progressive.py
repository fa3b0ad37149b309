"""Partial results while a track decodes and while it is analysed (issue 17): the growing waveform
pyramid and partial analyses, which end exactly where the whole-track results are."""

import numpy as np
import pytest

from relstudio.core.analysis import analyze
from relstudio.core.audio import BLOCK_FRAMES, clip_from_array, load_audio
from relstudio.core.errors import ParameterError
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.frontend import FrontendConfig
from relstudio.core.growing_waveform import DecodeWatch, GrowingPyramid
from relstudio.core.progress import run_task
from relstudio.core.waveform_lod import MinMaxPyramid
from tests.expert_factory import random_expert
from tests.synth import noise, tone, write_wav


def _signal(n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.sin(np.arange(n) * 0.001) * 20000 * np.linspace(0.1, 1.0, n) + rng.normal(0, 300, n)
    return np.clip(x, -32768, 32767).astype(np.int16)


def _levels_equal(a, b) -> None:
    assert [blk for blk, _, _ in a.levels] == [blk for blk, _, _ in b.levels]
    for (_, alo, ahi), (_, blo, bhi) in zip(a.levels, b.levels):
        np.testing.assert_array_equal(alo, blo)
        np.testing.assert_array_equal(ahi, bhi)


def test_growing_pyramid_shows_the_decoded_part_and_ends_as_the_whole_pyramid():
    x = _signal(64 * 4**5 + 1234)
    whole = MinMaxPyramid(x, rate=1000)
    buffer = np.zeros_like(x)
    grow = GrowingPyramid(buffer, rate=1000)
    step = 64 * 37
    for start in range(0, x.size, step):
        buffer[start:start + step] = x[start:start + step]
        grow.add(start, buffer[start:start + step])
        done = min(x.size, start + step)
        assert grow.filled == done and grow.covered == pytest.approx(done / 1000)
        # the decoded part already reads as the whole track's envelope at the finest level
        _, lo, hi = grow.levels[0]
        np.testing.assert_array_equal(lo[: done // 64], whole.levels[0][1][: done // 64])
        if done < x.size:  # the rest is empty
            assert not lo[-(-done // 64):].any() and not hi[-(-done // 64):].any()
    _levels_equal(grow, whole)
    _levels_equal(MinMaxPyramid(x, rate=1000, first_level=grow), whole)


def test_growing_pyramid_refuses_blocks_out_of_order():
    grow = GrowingPyramid(np.zeros(6400, np.int16), rate=1000)
    with pytest.raises(ParameterError, match="in order"):
        grow.add(640, np.zeros(640, np.int16))


def test_decoding_hands_over_the_full_length_buffer_at_the_first_block(tmp_path):
    n = 3 * BLOCK_FRAMES + 4321
    x = _signal(n, seed=2)
    path = tmp_path / "long.wav"
    write_wav(path, x.astype(np.float32) / 32768, rate=44100)
    seen = []  # (filled, buffer length) at each report, taken in the decoding thread

    watch = DecodeWatch(rate=44100, interval=0.0, on_partial=lambda p: seen.append((p.filled, p.samples.size)))
    clip = load_audio(path, rate=44100, on_buffer=watch.begin, on_block=watch.add)
    assert seen[0] == (BLOCK_FRAMES, n)  # a full-length waveform after one block of four
    assert [f for f, _ in seen] == sorted(f for f, _ in seen) and seen[-1] == (n, n)
    np.testing.assert_array_equal(clip.pcm, x)
    _levels_equal(MinMaxPyramid(clip.pcm, rate=44100, first_level=watch.first_level()), MinMaxPyramid(x, rate=44100))


def test_partial_analyses_grow_in_order_and_the_last_equals_the_whole_track(tmp_path):
    fe = FrontendConfig.small()
    experts = [load_expert(random_expert(tmp_path, f"e{i}", frontend=fe, seed=i).path) for i in range(2)]
    x = np.concatenate([tone(440, 50.0, harmonics=3), noise(60.0, seed=4), tone(300, 40.0)])
    clip = clip_from_array(x, rate=fe.sample_rate)
    task = analyze(clip, experts, device="cpu", chunk_seconds=30.0, keep_mel=False, partials=True)
    partials = []
    full = run_task(task, lambda p: partials.append(p.partial) if p.partial is not None else None)
    whole = run_task(analyze(clip, experts, device="cpu", chunk_seconds=1e6, keep_mel=False))
    known = [p.known_segments for p in partials]
    assert len(known) >= 4 and known == sorted(set(known)) and known[-1] == full.n_segments
    assert full.known_segments is None
    np.testing.assert_allclose(full.probs, whole.probs, atol=1e-6)  # chunked = whole-track (float rounding)
    for p in partials:
        k = p.known_segments
        np.testing.assert_array_equal(p.probs[:, :k], full.probs[:, :k])
        assert not p.relevance[k:].any() and (p.winners[k:] == -1).all()  # the rest is empty
        np.testing.assert_array_equal(p.relevance[:k], full.relevance[:k])
    np.testing.assert_array_equal(partials[-1].relevance, full.relevance)
    quiet = []  # callers that do not ask for partial analyses (the CLI) build none
    run_task(analyze(clip, experts, device="cpu", chunk_seconds=30.0, keep_mel=False), quiet.append)
    assert len(quiet) > len(known) and all(p.partial is None for p in quiet)
