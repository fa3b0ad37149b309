"""The relevance pane and playback on passages (issue 13): silence, resolution, H from the cursor, N / Shift+N,
the threshold label's share, sessions. A synthetic track with digital silence and −60 dBFS hiss."""

import numpy as np
import pytest

from relstudio.core.passages import passage_share
from relstudio.core.relevance import SILENCE
from relstudio.core.relevance_settings import RelevanceSettings
from relstudio.gui import session
from relstudio.gui.document import Document
from tests.gui.conftest import FRONTEND, FakeBackend, play_out, wait_idle
from tests.gui.test_window import _window
from tests.synth import EVIDENCE_REGIONS, evidence_clip, write_wav


@pytest.fixture
def quiet_track(tmp_path):
    path = tmp_path / "quiet.wav"
    write_wav(path, evidence_clip(rate=FRONTEND.sample_rate))
    return path


@pytest.fixture
def window(qtbot, library, cache, tmp_path, quiet_track):
    w = _window(qtbot, library, cache, tmp_path, FakeBackend())
    w.resize(1300, 860)
    w.open_path(quiet_track)
    wait_idle(qtbot, w.doc)
    qtbot.wait(30)
    yield w
    w.close()


def _inside(span, region) -> bool:
    return region[0] <= span[0] and span[1] <= region[1]


def test_silence_and_hiss_are_grey_with_no_winner_and_no_passage(qtbot, window):
    doc, pane = window.doc, window.timeline.relevance
    view = doc.relevance.view()
    win = view.windows
    reach = float(np.diff(doc.current().times[0])[0])  # a segment reads this far around its centre
    for name in ("silence", "hiss"):
        a, b = EVIDENCE_REGIONS[name]
        inner = [w for w in range(win.n_windows) if _inside(win.times[w], (a + reach, b - reach))]
        assert inner and all(win.winners[w] == SILENCE and win.relevance[w] == 0.0 for w in inner), name
        assert any(a <= win.times[inner[0], 0] and win.times[inner[-1], 1] <= b for a, b in pane.passage_overlay.silent)
    doc.set_threshold(0.0)  # even at threshold 0 no passage lies in silence
    assert doc.relevance.passages()
    for p in doc.relevance.passages():
        assert not _inside((p.start, p.end), EVIDENCE_REGIONS["silence"])
    # no coloured bar stands on a silent window; the silent runs are labelled
    silent_x = win.times[win.winners == SILENCE].mean(axis=1)
    for bar in pane.bars:
        assert not np.isin(np.round(bar.opts["x"], 6), np.round(silent_x, 6)).any()
    shown = [label for a, b, label in pane.passage_overlay.silence_labels if label.isVisible()]
    assert shown and all(label.textItem.toPlainText() == "silence" for label in shown)
    assert "silence" in pane.legend.entries


def test_resolution_recomputes_windows_from_the_mean_probabilities(qtbot, window):
    doc, pane = window.doc, window.timeline.relevance
    combo = window.act.relevance.combo
    combo.activated.emit(combo.findData(2.0))  # as a user's pick does
    assert doc.relevance.settings.resolution == 2.0 and window.act.relevance.resolutions[2.0].isChecked()
    cur = doc.current()
    x, y = pane.curve.getData()
    e, p, n = cur.evidence, cur.probs.astype(np.float64), cur.probs.shape[0]
    window_of = np.minimum(np.floor(cur.centres / 2.0), np.ceil(cur.duration / 2.0) - 1).astype(int)
    assert len(y) == window_of.max() + 1
    for w in range(len(y)):
        k = window_of == w
        if e[k].sum() == 0:
            assert y[w] == 0.0
            continue
        mean_p = (p[:, k] * e[k]).sum(axis=1) / e[k].sum()  # the window's mean probabilities
        q = mean_p / mean_p.sum()
        r = 1.0 + (q * np.log(np.clip(q, 1e-12, 1))).sum() / np.log(n)  # 1 − entropy, base N
        assert y[w] == pytest.approx(r * mean_p.max() * e[k].mean(), abs=1e-6)
        assert x[w] == pytest.approx(min(2.0 * w + 1.0, (2.0 * w + min(2.0 * w + 2.0, cur.duration)) / 2))
    # segment resolution: the curve is the raw segment curve itself
    window.act.relevance.resolutions["segment"].trigger()
    np.testing.assert_allclose(pane.curve.getData()[1], cur.relevance, atol=1e-9)


def _calls(window, monkeypatch):
    calls = []
    monkeypatch.setattr(window.player, "play_ranges", lambda ranges, **kw: calls.append(list(ranges)))
    return calls


def _low_threshold(doc):
    """A threshold with at least three passages."""
    rel = doc.relevance.view().windows.relevance
    for q in (0.5, 0.4, 0.3, 0.2, 0.1):
        doc.set_threshold(float(np.quantile(rel[rel > 0], q)))
        if len(doc.relevance.passages()) >= 3:
            return doc.relevance.passages()
    pytest.skip("the test experts give fewer than three passages")


def test_h_plays_the_passages_from_the_cursor_on(qtbot, window):
    doc = window.doc
    passages = _low_threshold(doc)
    window.playback.set_margin(0.0)
    t = (passages[0].end + passages[1].start) / 2  # between the first two passages
    window.playback.seek(t)
    assert doc.position == pytest.approx(t)
    window.act.play_highlighted.trigger()
    rec = play_out(window.player, window.backend.stream)
    x, rate = doc.track.clip.samples, FRONTEND.sample_rate
    expected = np.concatenate([x[int(round(p.start * rate)):int(round(p.end * rate))] for p in passages[1:]])
    np.testing.assert_array_equal(rec[: len(expected), 0], expected)
    assert not rec[len(expected):].any()  # nothing before the cursor was played


def test_h_inside_a_passage_starts_at_the_cursor(window, monkeypatch):
    doc = window.doc
    passages = _low_threshold(doc)
    calls = _calls(window, monkeypatch)
    p = passages[1]
    window.playback.seek((p.start + p.end) / 2)
    window.act.play_highlighted.trigger()
    assert calls[-1] == [((p.start + p.end) / 2, p.end)] + [(q.start, q.end) for q in passages[2:]]
    window.playback.seek(doc.track.clip.duration)  # at the end: nothing left, said in the status bar
    window.act.play_highlighted.trigger()
    assert len(calls) == 1 and "after the cursor" in window.status.currentMessage()


def test_n_and_shift_n_step_through_the_passages(window, monkeypatch):
    doc = window.doc
    passages = _low_threshold(doc)
    calls = _calls(window, monkeypatch)
    window.playback.set_margin(0.2)
    window.playback.seek(0.0)
    window.act.next_highlighted.trigger()
    first = passages[0] if passages[0].start > 0 else passages[1]
    assert calls[-1] == [(first.start, first.end)]
    i = passages.index(first)
    doc.set_position(first.start - 0.15)  # playback starts a margin early: still this passage
    window.act.next_highlighted.trigger()
    assert calls[-1] == [(passages[i + 1].start, passages[i + 1].end)]
    doc.set_position((passages[i + 1].start + passages[i + 1].end) / 2)
    window.act.prev_highlighted.trigger()  # Shift+N from inside a passage: the one before it
    assert calls[-1] == [(first.start, first.end)]
    doc.set_position(passages[-1].end + 0.5)
    window.act.prev_highlighted.trigger()  # from a gap: the passage just behind
    assert calls[-1] == [(passages[-1].start, passages[-1].end)]
    n = len(calls)
    window.act.next_highlighted.trigger()  # nothing after the last one
    assert len(calls) == n


def test_threshold_label_shows_the_share_of_the_passages_also_while_dragging(window):
    doc, pane = window.doc, window.timeline.relevance
    line = pane.threshold_line
    share = passage_share(doc.relevance.passages(), duration=doc.track.clip.duration)
    assert f"passages: {100 * share:.3g} % of the track" in line.label.toPlainText()
    assert "(top 10 %)" in line.label.toPlainText()
    before = doc.threshold
    value = float(np.quantile(doc.relevance.view().windows.relevance, 0.3))
    line.setValue(value)  # what a drag does before the button is released
    dragged = passage_share(doc.current().view(threshold=value).passages, duration=doc.track.clip.duration)
    assert dragged != share and f"passages: {100 * dragged:.3g} % of the track" in line.label.toPlainText()
    assert doc.threshold == before  # the document changes on release only
    line.sigPositionChangeFinished.emit(line)
    assert doc.threshold == pytest.approx(value) and doc.relevance.view().share == pytest.approx(dragged)


def test_sessions_keep_the_relevance_settings(qtbot, window, library, cache, tmp_path):
    doc = window.doc
    doc.relevance.set_resolution(0.5)
    state = session.session_dict(doc)
    assert state["relevance"] == RelevanceSettings(resolution=0.5).to_dict()
    path = session.write_session(tmp_path / "s.relstudio", state)
    other = Document(library=library, cache=cache, device="cpu", viewpoint_folder=tmp_path / "vp2")
    try:
        assert session.apply_session(other, session.read_session(path), session_path=path) == []
        assert other.relevance.settings == RelevanceSettings(resolution=0.5)
        wait_idle(qtbot, other)
        assert other.relevance.view().windows.n_windows == int(np.ceil(other.track.clip.duration / 0.5))
    finally:
        other.close()
    bad = dict(state, relevance={"resolution": 3.0})
    with pytest.raises(Exception, match="resolution"):
        session.check_state(bad)
