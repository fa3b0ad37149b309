"""The window while a track decodes and while it is analysed (issue 17): the waveform is drawn before
decoding ends, partial analyses arrive in order, and the finished track and analysis replace them."""

import threading

import numpy as np
import pytest

from relstudio.core.analysis import analyze
from relstudio.core.audio import AudioClip, load_audio
from relstudio.core.progress import run_task
from relstudio.gui import jobs
from relstudio.gui.document import Document
from tests.gui.conftest import FRONTEND, make_window, wait_idle
from tests.synth import noise, tone, write_wav


@pytest.fixture
def doc(qtbot, library, cache, tmp_path):
    d = Document(library=library, cache=cache, device="cpu", viewpoint_folder=tmp_path / "viewpoints")
    yield d
    d.close()


def test_the_waveform_is_drawn_before_decoding_ends(qtbot, library, cache, tmp_path, monkeypatch, track):
    """A slow fake decoder: one block, then it waits until the test has seen the waveform."""
    rate, n, block = FRONTEND.sample_rate, 64 * 4000, 64 * 500
    x = (np.sin(np.arange(n) * 0.01) * 12000).astype(np.int16)
    go = threading.Event()

    def slow_decode(path, *, rate, on_block=None, on_buffer=None):
        buffer = np.zeros(n, np.int16)
        on_buffer(buffer)
        for start in range(0, n, block):
            buffer[start:start + block] = x[start:start + block]
            on_block(start, buffer[start:start + block])
            assert go.wait(30)
        return AudioClip(buffer, rate, path, rate, 1, "slow-fake")

    monkeypatch.setattr(jobs, "load_audio", slow_decode)
    w = make_window(qtbot, library, cache, tmp_path)
    doc, view = w.doc, w.timeline.waveform
    try:
        doc.open_track(track)
        qtbot.waitUntil(lambda: view.points_drawn > 0, timeout=10000)
        assert doc.track is None and not go.is_set()  # still decoding: only one block of eight is in
        growing = doc.progressive.pyramid
        assert growing.filled == block and growing.samples.size == n
        assert w.timeline.duration == pytest.approx(n / rate)  # full length from the first block
        assert view.unread.isVisible() and view.unread.getRegion() == pytest.approx((block / rate, n / rate))
        assert doc.analysis is None and not doc.progressive.analysis
        go.set()
        wait_idle(qtbot, doc)
        np.testing.assert_array_equal(doc.track.clip.pcm, x)  # playback and analysis see every sample
        assert doc.progressive.pyramid is None and not view.unread.isVisible()
        assert doc.progressive.waveform() is doc.track.pyramid and view.points_drawn > 0
    finally:
        go.set()
        doc.runner.wait()


def test_partial_analyses_arrive_in_order_and_the_final_is_the_whole_track(qtbot, doc, library, tmp_path):
    x = np.concatenate([tone(440, 30.0, harmonics=3), noise(30.0, seed=5), tone(300, 25.0)])
    path = tmp_path / "long.wav"
    write_wav(path, x)  # five chunks of the window's 20 s (jobs.WINDOW_CHUNK_SECONDS)
    doc.set_enabled(doc.roster.usable_fingerprints())
    doc.progressive.interval = 0.0  # every chunk shown (the window shows at most one a second)
    seen, drawn = [], []
    doc.progressive.analysisGrew.connect(seen.append)
    doc.relevanceChanged.connect(lambda: drawn.append(doc.current()))
    doc.open_track(path)
    wait_idle(qtbot, doc)
    known = [a.known_segments for a in seen]
    assert len(known) >= 4 and known == sorted(set(known)) and known[-1] == doc.analysis.n_segments
    assert any(a is not None and a.known_segments == known[0] for a in drawn)  # views read the partial one
    assert doc.analysis.known_segments is None and doc.current().known_segments is None
    assert doc.progressive.analysis is None  # replaced by the finished one (and its views dropped)
    np.testing.assert_array_equal(seen[-1].probs, doc.analysis.probs)
    np.testing.assert_array_equal(seen[-1].relevance, doc.analysis.relevance)
    clip = load_audio(path, rate=FRONTEND.sample_rate)
    experts = [library.load(e) for e in library.usable()]
    whole = run_task(analyze(clip, experts, device="cpu", chunk_seconds=1e6, keep_mel=False))
    np.testing.assert_allclose(doc.analysis.probs, whole.probs, atol=1e-6)
    for a in seen[:-1]:  # the part not analysed yet is empty
        k = a.known_segments
        np.testing.assert_array_equal(a.probs[:, :k], doc.analysis.probs[:, :k])
        assert not a.relevance[k:].any()


def test_the_spectrogram_grows_with_the_partial_analyses(qtbot, library, cache, tmp_path):
    x = np.concatenate([tone(440, 30.0, harmonics=3), noise(30.0, seed=5), tone(300, 25.0)])
    path = tmp_path / "long.wav"
    write_wav(path, x)
    window = make_window(qtbot, library, cache, tmp_path)
    doc, view = window.doc, window.timeline.spectrogram
    doc.set_enabled(doc.roster.usable_fingerprints())
    doc.progressive.interval = 0.0
    drawn = []  # (known segments, the spectrogram's image at full resolution, the final analysis if there)
    doc.progressive.analysisGrew.connect(
        lambda a: drawn.append((a.known_segments, view.pyramid.levels[0].copy() if view.pyramid else None,
                                doc.analysis)))
    doc.open_track(path)
    wait_idle(qtbot, doc)
    partial = [(k, img) for k, img, final in drawn if final is None and img is not None]
    assert len(partial) >= 3
    mel = doc.analysis.mel_db
    frames = [img.shape[1] for _k, img in partial]
    assert frames == sorted(frames) and 0 < frames[0] < mel.shape[1]  # it grows before the analysis ends
    for k, img in partial:  # what it drew are the finished mel's frames, as far as the chunks had come
        np.testing.assert_array_equal(img, mel[:, :img.shape[1]])
        assert img.shape[1] == min(mel.shape[1], (k - 1) * FRONTEND.pool_stride + FRONTEND.segment_frames)
    assert view.pyramid.levels[0] is mel  # the finished analysis replaces it
