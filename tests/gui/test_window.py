"""The window, offscreen with a fake audio stream: what is drawn and what is played."""

import sys

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage

from relstudio.core.analysis import analyze
from relstudio.core.audio import load_audio
from relstudio.core.export import write_segments
from relstudio.core.progress import run_task
from relstudio.gui.document import Document
from relstudio.gui.main_window import MainWindow
from relstudio.gui.panels.delegates import BROKEN_ROLE, DESC_ROLE
from relstudio.gui.playback import Player
from tests.gui.conftest import FRONTEND, FakeBackend, ScriptedDialogs, make_expert, play_out, wait_idle


def _window(qtbot, library, cache, tmp_path, backend):
    doc = Document(library=library, cache=cache, device="cpu", viewpoint_folder=tmp_path / "viewpoints")
    w = MainWindow(doc, player=Player(backend), dialogs=ScriptedDialogs())
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    w.backend = backend
    return w


@pytest.fixture
def window(qtbot, library, cache, tmp_path):
    w = _window(qtbot, library, cache, tmp_path, FakeBackend())
    yield w
    w.close()


@pytest.fixture
def opened(qtbot, window, track):
    window.open_path(track)
    wait_idle(qtbot, window.doc)
    qtbot.wait(30)  # deferred redraws (labels, envelopes) run
    return window


def _samples(window):
    return window.doc.track.clip.samples


def _padded(t0, t1, margin, rate, n):
    return max(0, int(round((t0 - margin) * rate))), min(n, int(round((t1 + margin) * rate)))


def test_curve_shows_the_core_relevance(opened, library, track):
    view, doc = opened.timeline.relevance, opened.doc
    assert doc.enabled == doc.roster.usable_fingerprints()  # first start: every usable expert (no shipped families)
    clip = load_audio(track, rate=FRONTEND.sample_rate)
    expected = run_task(analyze(clip, [library.load(e) for e in library.usable()], device="cpu"))
    windows = expected.view().windows  # the default settings: 1-s windows
    x, y = view.curve.getData()
    np.testing.assert_allclose(x, windows.times.mean(axis=1))
    np.testing.assert_allclose(y, windows.relevance, atol=1e-6)
    x, y = view.segment_curve.getData()  # the raw segment curve behind the windows
    np.testing.assert_allclose(x, expected.centres)
    np.testing.assert_allclose(y, expected.relevance, atol=1e-6)
    assert len(view.bars) >= 1 and view.labels.passages
    assert all(p.peak >= doc.threshold for p in view.labels.passages)
    wave = opened.timeline.waveform
    assert 0 < wave.points_drawn <= 2 * wave.pixel_width() + 4  # min/max envelope, not 128 000 samples
    assert opened.timeline.spectrogram.columns_drawn > 0
    assert opened.dialogs.errors == []


def test_toggling_an_expert_redraws_without_inference(opened):
    doc, view = opened.doc, opened.timeline.relevance
    a, b, c = doc.roster.usable_fingerprints()
    runs, misses = doc.runs, doc.cache.misses
    item = opened.expert_panel.item_for(b)
    item.setCheckState(0, Qt.CheckState.Unchecked)
    assert doc.enabled == [a, c]
    _, y = view.curve.getData()
    np.testing.assert_allclose(y, doc.analysis.select([a, c]).view().windows.relevance, atol=1e-9)
    assert not np.allclose(y, doc.analysis.view().windows.relevance)
    assert doc.runs == runs and doc.cache.misses == misses and not doc.runner.busy


def test_clicking_a_peak_label_plays_its_passage_with_margin(qtbot, opened):
    doc, view = opened.doc, opened.timeline.relevance
    opened.playback.set_margin(0.1)
    p = view.labels.passages[0]
    label = view.labels.items[0]
    pos = view.mapFromScene(label.sceneBoundingRect().center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert opened.player.state == "playing" and doc.selected == doc.segment_at(p.peak_time)
    rec = play_out(opened.player, opened.backend.stream)
    a, b = _padded(p.start, p.end, 0.1, FRONTEND.sample_rate, len(_samples(opened)))
    expected = _samples(opened)[a:b]
    np.testing.assert_array_equal(rec[: len(expected), 0], expected)
    assert not rec[len(expected):].any()


def test_play_highlighted_plays_the_passages_in_sequence(qtbot, opened):
    doc, n = opened.doc, len(_samples(opened))
    opened.playback.set_margin(0.05)
    doc.set_threshold(float(np.quantile(doc.relevance.view().windows.relevance, 0.5)))
    passages = doc.relevance.passages()
    assert len(passages) >= 1
    opened.act.play_highlighted.trigger()
    rec = play_out(opened.player, opened.backend.stream)
    merged = []
    for p in passages:
        a, b = _padded(p.start, p.end, 0.05, FRONTEND.sample_rate, n)
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    expected = np.concatenate([_samples(opened)[a:b] for a, b in merged])
    np.testing.assert_array_equal(rec[: len(expected), 0], expected)
    assert not rec[len(expected):].any()


def test_no_output_device_disables_playback_but_not_analysis(qtbot, library, cache, tmp_path, track):
    w = _window(qtbot, library, cache, tmp_path, FakeBackend("no audio output device (Error querying device -1)"))
    try:
        w.open_path(track)
        wait_idle(qtbot, w.doc)
        assert w.doc.current().n_segments > 0
        assert not w.act.play.isEnabled() and not w.act.play_highlighted.isEnabled()
        assert "no audio output device" in w.act.play_label.text()
        assert w.status.audio_label.text() == "no audio output"
        w.playback.play_segment(0)  # a click on a peak: refused quietly, nothing crashes
        assert w.player.state == "stopped" and w.backend.streams == []
    finally:
        w.close()


def test_space_toggles_playback_and_shortcuts_are_in_menus(qtbot, opened):
    assert opened.act.play.shortcut().toString() == "Space"
    opened.activateWindow()
    opened.timeline.relevance.setFocus()
    qtbot.keyClick(opened.timeline.relevance, Qt.Key.Key_Space)
    assert opened.player.state == "playing"
    qtbot.keyClick(opened.timeline.relevance, Qt.Key.Key_Space)
    assert opened.player.state == "paused"


def test_zoom_fit_and_follow(opened):
    tl, d = opened.timeline, opened.doc.track.clip.duration
    assert tl.view_range() == pytest.approx((0.0, d), abs=0.05)
    tl.zoom_in()
    t0, t1 = tl.view_range()
    assert t1 - t0 == pytest.approx(d / 1.6, rel=0.02)
    opened.doc.set_position(d - 0.5)  # a seek while stopped does not move the view
    assert tl.view_range()[1] < d - 0.5
    opened.player.play(d - 0.5)  # playback leaves the view: follow pages along
    t0, t1 = tl.view_range()
    assert t0 <= d - 0.5 <= t1
    opened.player.stop()
    tl.fit()
    assert tl.view_range() == pytest.approx((0.0, d), abs=0.05)


def test_exports_write_core_text_and_images(opened, tmp_path):
    doc = opened.doc
    for fmt in ("csv", "json", "audacity", "sv", "raven"):
        target = tmp_path / f"out-{fmt}"
        opened.dialogs.answers.append(str(target))
        opened.files.export_segments(fmt)
        written = next(tmp_path.glob(f"out-{fmt}.*"))
        assert written.read_text() == write_segments(doc.current(), fmt=fmt, threshold=doc.threshold)
    opened.dialogs.answers.append(str(tmp_path / "view.png"))
    opened.files.export_view("png")
    img = QImage(str(tmp_path / "view.png"))
    assert (img.width(), img.height()) == (opened.timeline.width(), opened.timeline.height())
    opened.dialogs.answers.append(str(tmp_path / "curve.svg"))
    opened.files.export_view("svg")
    assert "<svg" in (tmp_path / "curve.svg").read_text()
    assert opened.dialogs.errors == []


def test_drop_imports_expert_and_broken_files_are_greyed(qtbot, window, library_dir, tmp_path):
    from relstudio.core.paths import user_experts_dir

    outside = tmp_path / "downloads"
    outside.mkdir()
    info = make_expert(outside, "dropped", seed=77)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(info.path))])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.expert_panel.dropEvent(event)
    assert (user_experts_dir() / info.path.name).exists()
    item = window.expert_panel.item_for(info.fingerprint)
    assert item is not None
    window.expert_panel.tree.setCurrentItem(item)
    window.act.model_card.trigger()
    from relstudio.gui.panels.model_card import ModelCardDialog

    cards = [d for d in window.findChildren(ModelCardDialog) if d.isVisible()]
    assert len(cards) == 1 and cards[0].meta["label"] == "dropped"
    assert cards[0].meta["fingerprint"] == info.fingerprint
    cards[0].close()

    (library_dir / "broken.expert.safetensors").write_bytes(b"not a model")
    window.doc.rescan_library()
    broken = [it for it in window.expert_panel.items() if it.data(0, BROKEN_ROLE)]
    assert len(broken) == 1 and broken[0].text(0) == "broken"
    assert not broken[0].flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert broken[0].data(0, DESC_ROLE).startswith("unusable:")


def test_uncaught_exception_is_logged_and_shown(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QApplication, QMessageBox

    from relstudio.core.paths import log_dir
    from relstudio.gui.crash_log import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook(lambda: window)
    try:
        raise ZeroDivisionError("a bug in a slot")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    log = (log_dir() / "relstudio-gui.log").read_text()
    assert "ZeroDivisionError: a bug in a slot" in log and "Traceback" in log
    boxes = [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()]
    assert boxes and str(log_dir()) in boxes[-1].text()
    for b in boxes:
        b.close()
    assert window.isVisible()


def test_session_saved_from_the_window_restores_view_and_recent_files(qtbot, opened, library, cache, tmp_path):
    opened.timeline.set_view_range(2.0, 5.0)
    opened.doc.keep_viewpoint("first two", opened.doc.roster.usable_fingerprints()[:2], persist=False)
    opened.dialogs.answers.append(str(tmp_path / "work"))
    opened.files.save_session()
    assert opened.files.session_path == tmp_path / "work.relstudio" and opened.files.session_path.exists()
    assert opened.files.recent_files()[0] == str(opened.doc.path)

    other = _window(qtbot, library, cache, tmp_path, FakeBackend())
    try:
        other.open_path(tmp_path / "work.relstudio")
        wait_idle(qtbot, other.doc)
        qtbot.wait(30)
        assert other.timeline.view_range() == pytest.approx((2.0, 5.0), abs=1e-6)
        assert other.doc.viewpoints["first two"] == tuple(opened.doc.roster.usable_fingerprints()[:2])
        assert other.doc.enabled == opened.doc.enabled and other.dialogs.errors == []
    finally:
        other.close()


def test_hover_shows_window_and_segment_relevance_winner_and_every_probability(qtbot, opened):
    doc, view = opened.doc, opened.timeline.relevance
    cur, win = doc.relevance.segments(), doc.relevance.view().windows
    k = cur.n_segments // 2
    w = int(win.segment_window[k])
    qtbot.mouseMove(view.viewport(), view.view_to_widget(float(cur.centres[k]), 0.3))
    assert view.hover.box.isVisible()
    text = view.hover.text.toPlainText()
    from relstudio.gui.views.common import format_time

    assert format_time(win.times[w, 0], decimals=2) in text and f"Rmax {win.relevance[w]:.3f}" in text
    assert "(agreement: 1 − entropy) × top P" in text  # R and R_max explained in one line
    assert f"winner {cur.labels[win.winners[w]]}" in text
    assert f"Rmax {cur.relevance[k]:.3f}" in text  # the segment's own value
    for i, label in enumerate(cur.labels):
        assert f"{label} {win.probs[i, w]:.3f}" in text


def test_dropping_an_audio_file_on_the_window_opens_it(qtbot, window, track):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(track))])
    window.dropEvent(QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier))
    wait_idle(qtbot, window.doc)
    assert window.doc.path == track and window.windowTitle().startswith(track.name)
