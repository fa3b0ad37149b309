"""The range selection: Shift+drag or a drag in the ruler selects on every view; play, loop, zoom, export, mark."""

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from relstudio.gui.playback import PCM_SCALE
from tests.gui.conftest import play_out
from tests.gui.test_window import opened, window  # noqa: F401 — fixtures

SHIFT = Qt.KeyboardModifier.ShiftModifier


def _drag(widget, a: QPoint, b: QPoint, modifiers=Qt.KeyboardModifier.NoModifier, steps=6):
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton

    def send(kind, pos, button, buttons):
        QApplication.sendEvent(widget, QMouseEvent(kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), button,
                                                   buttons, modifiers))

    send(QMouseEvent.Type.MouseButtonPress, a, left, left)
    for i in range(1, steps + 1):
        send(QMouseEvent.Type.MouseMove, a + (b - a) * (i / steps), none, left)
    send(QMouseEvent.Type.MouseButtonRelease, b, left, none)


def _audio(player, a, b):
    """What the player should write for samples ``a:b`` (int16 PCM buffers play scaled to ±1)."""
    x = player._buffer[a:b, 0].astype(np.float32)
    return x * PCM_SCALE if player._buffer.dtype == np.int16 else x


def _view_point(view, t, y):
    return view.view_to_widget(t, y)


def _select(window, t0, t1):
    view = window.timeline.waveform
    _drag(view.viewport(), _view_point(view, t0, 0.0), _view_point(view, t1, 0.0), SHIFT)
    return window.doc.range_selection.span


def test_shift_drag_selects_a_range_shown_on_every_view(qtbot, opened):
    before = opened.timeline.view_range()
    span = _select(opened, 2.0, 5.0)
    assert span == pytest.approx((2.0, 5.0), abs=0.1)
    assert opened.timeline.view_range() == pytest.approx(before)  # a Shift+drag does not pan
    for v in opened.timeline.views:
        assert v.range_region.isVisible() and v.range_region.getRegion() == pytest.approx(span)
    assert opened.act.play_selection.isEnabled() and opened.act.zoom_selection.isEnabled()


def test_a_drag_in_the_time_ruler_selects_and_a_plain_drag_still_pans(qtbot, opened):
    rel = opened.timeline.relevance
    opened.timeline.set_view_range(0.0, 4.0)
    axis = rel.getPlotItem().getAxis("bottom")
    y = rel.mapFromScene(QPointF(0, rel.vb.sceneBoundingRect().bottom() + 0.5 * axis.height())).y()
    a, b = _view_point(rel, 1.0, 0.5), _view_point(rel, 3.0, 0.5)
    _drag(rel.viewport(), QPoint(a.x(), y), QPoint(b.x(), y))
    assert opened.doc.range_selection.span == pytest.approx((1.0, 3.0), abs=0.1)
    wave = opened.timeline.waveform
    _drag(wave.viewport(), _view_point(wave, 3.0, 0.0), _view_point(wave, 2.0, 0.0))  # no Shift: pans
    assert opened.timeline.view_range()[0] == pytest.approx(1.0, abs=0.15)
    assert opened.doc.range_selection.span == pytest.approx((1.0, 3.0), abs=0.1)


def test_a_plain_drag_in_the_relevance_view_pans_and_shift_drag_selects(qtbot, opened):
    doc, tl, rel = opened.doc, opened.timeline, opened.timeline.relevance
    passage = doc.relevance.view().passages[0]
    mid = (passage.start + passage.end) / 2
    step = -1.0 if mid < doc.track.clip.duration / 2 else 1.0  # drag away from the nearer end: the view can follow
    threshold, position = doc.threshold, doc.position
    for y in (0.3, -0.015, 1.0 + 0.5 * (rel.y_top - 1.0)):  # inside a passage, on its strip, in the label band
        tl.set_view_range(mid - 1.5, mid + 1.5)
        qtbot.wait(10)
        start = tl.view_range()[0]  # a view past the track's end is moved inside it
        a = _view_point(rel, mid, y)
        _drag(rel.viewport(), a, _view_point(rel, mid + step, y))
        assert tl.view_range()[0] == pytest.approx(start - step, abs=0.1), y  # the content follows the mouse
        assert doc.range_selection.span is None and doc.threshold == threshold and doc.position == position
    tl.set_view_range(mid - 1.5, mid + 1.5)
    qtbot.wait(10)
    _drag(rel.viewport(), _view_point(rel, mid - 0.5, 0.3), _view_point(rel, mid + 0.5, 0.3), SHIFT)
    assert doc.range_selection.span == pytest.approx((mid - 0.5, mid + 0.5), abs=0.1)


def test_play_selection_plays_exactly_the_span_and_escape_stops_then_clears(qtbot, opened):
    sel, player = opened.doc.range_selection, opened.player
    sel.set(1.0, 1.5)
    opened.act.play_selection.trigger()
    assert player.state == "playing" and player.position == pytest.approx(1.0)
    rec = play_out(player, opened.backend.stream)
    a, b = player.seconds_to_samples(1.0, 1.5)
    np.testing.assert_array_equal(rec[: b - a, 0], _audio(player, a, b))
    assert not rec[b - a:].any()
    opened.act.play_selection.trigger()
    opened.act.stop.trigger()  # Escape: stops playback first …
    assert player.state == "stopped" and sel.span is not None
    opened.act.stop.trigger()  # … then clears the selection
    assert sel.span is None and not opened.timeline.waveform.range_region.isVisible()
    assert not opened.act.play_selection.isEnabled()


def test_loop_selection_wraps_seamlessly_and_follows_a_new_selection(qtbot, opened):
    sel, player, stream = opened.doc.range_selection, opened.player, opened.backend.stream
    sel.set(2.0, 2.1)
    opened.act.loop_selection.trigger()  # on: starts looping the selection
    assert sel.loop and player.looping and opened.act.loop_selection.isChecked()
    a, b = player.seconds_to_samples(2.0, 2.1)
    out = stream.pump(5, 700)[:, 0]
    period = _audio(player, a, b)
    np.testing.assert_array_equal(out, np.tile(period, out.size // period.size + 1)[: out.size])
    sel.set(3.0, 3.2)  # a new selection replaces the loop at once
    c, d = player.seconds_to_samples(3.0, 3.2)
    np.testing.assert_array_equal(stream.pump(1, 300)[:, 0], _audio(player, c, c + 300))
    opened.act.loop_selection.trigger()  # off: this pass finishes, then silence
    assert not sel.loop and not player.looping
    rec = play_out(player, stream)
    assert player.state == "stopped" and not rec[d - c:].any()


def test_zoom_to_selection(opened):
    opened.doc.range_selection.set(3.0, 5.0)
    opened.act.zoom_selection.trigger()
    t0, t1 = opened.timeline.view_range()
    assert t0 == pytest.approx(2.9, abs=0.02) and t1 == pytest.approx(5.1, abs=0.02)


@pytest.mark.parametrize("suffix", [".wav", ".flac"])
def test_export_selection_writes_the_clip_and_its_labels(opened, tmp_path, suffix):
    opened.doc.range_selection.set(2.0, 6.0)
    opened.doc.set_threshold(0.0)  # everything highlighted: labels cover the clip
    opened.dialogs.answers.append(str(tmp_path / f"clip{suffix}"))
    opened.act.export_selection.trigger()
    data, rate = sf.read(str(tmp_path / f"clip{suffix}"), dtype="float32")
    clip = opened.doc.track.clip
    original, native = clip.load_original()
    assert rate == native and len(data) == round(4.0 * native)
    np.testing.assert_allclose(data, original[round(2.0 * native):round(6.0 * native), 0], atol=1e-4)
    lines = (tmp_path / "clip.txt").read_text().splitlines()
    starts_ends = [tuple(float(v) for v in line.split("\t")[:2]) for line in lines]
    assert starts_ends and starts_ends[0][0] == pytest.approx(0.0) and starts_ends[-1][1] == pytest.approx(4.0)


def test_exported_labels_are_the_views_passages_cut_to_the_selection(opened, tmp_path):
    doc = opened.doc
    doc.relevance.set_settings(doc.relevance.settings.replace(resolution=0.5, min_passage=0.5, min_gap=0.0))
    win = doc.relevance.view().windows
    doc.set_threshold(float(np.median(win.relevance[win.audible])))  # several passages, not one
    passages = doc.relevance.view().passages
    assert len(passages) >= 2
    t0, t1 = passages[0].start + 0.2, passages[-1].end - 0.2  # cuts through the first and the last
    doc.range_selection.set(t0, t1)
    opened.dialogs.answers.append(str(tmp_path / "cut.wav"))
    opened.act.export_selection.trigger()
    spans = [tuple(float(v) for v in line.split("\t")[:2])
             for line in (tmp_path / "cut.txt").read_text().splitlines()]
    want = [(max(p.start, t0) - t0, min(p.end, t1) - t0) for p in passages if p.end > t0 and p.start < t1]
    np.testing.assert_allclose(spans, want, atol=1e-5)
    assert spans[0][0] == pytest.approx(0.0) and spans[-1][1] == pytest.approx(t1 - t0, abs=1e-5)
    assert all(end <= nxt + 1e-9 for (_, end), (nxt, _) in zip(spans, spans[1:]))  # never overlapping


def test_marks_on_a_selection_mark_its_segments_through_the_review_api(opened):
    doc = opened.doc
    doc.range_selection.set(2.0, 4.0)
    inside = doc.range_selection.segments()
    a = doc.analysis
    assert inside == [k for k in range(a.n_segments) if 2.0 <= a.centres[k] < 4.0]
    opened.dialogs.answers.append("noise")
    opened.act.mark_selection_not.trigger()
    layer = doc.review.current()
    assert len(layer.labels) >= 1 and all(not m.positive and m.label == "noise" for m in layer.labels)
    assert all(doc.review.marks_for(k) for k in inside)
    outside = [k for k in range(a.n_segments) if a.times[k, 1] < 1.9 or a.times[k, 0] > 4.1]
    assert not any(doc.review.marks_for(k) for k in outside)
