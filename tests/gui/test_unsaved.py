"""No silent loss (issue 16, point 2): unsaved marks, experts, viewpoints, threshold and zoom prompt
Save / Discard / Cancel on quit and on opening another track; an autosave recovery file is offered
at the next start after a run that did not end well."""

import shutil

import pytest
from PySide6.QtCore import Qt

from relstudio.gui.commands.unsaved import offered_path, recovery_path
from tests.gui.conftest import make_window, wait_idle


@pytest.fixture
def opened(qtbot, library, cache, tmp_path, track):
    w = make_window(qtbot, library, cache, tmp_path)
    w.open_path(track)
    wait_idle(qtbot, w.doc)
    qtbot.wait(20)  # the baseline is taken once the track settled
    yield w
    w.close()


@pytest.mark.parametrize("change", ["mark", "threshold", "viewpoint", "experts", "zoom", "selection"])
def test_each_kind_of_change_is_unsaved_until_saved(qtbot, opened, tmp_path, change):
    w, doc = opened, opened.doc
    assert not w.files.unsaved.is_dirty()
    fps = doc.roster.usable_fingerprints()
    {"mark": lambda: doc.review.mark(2, "alpha", True),
     "threshold": lambda: doc.set_threshold(0.77),
     "viewpoint": lambda: doc.keep_viewpoint("two", fps[:2], persist=False),
     "experts": lambda: doc.set_enabled(fps[:1]),
     "zoom": lambda: w.timeline.set_view_range(1.0, 3.0),
     "selection": lambda: doc.range_selection.set(1.0, 2.5)}[change]()
    assert w.files.unsaved.is_dirty()
    w.dialogs.answers.append(str(tmp_path / "s"))
    assert w.files.save_session()
    assert not w.files.unsaved.is_dirty()


def test_quit_with_a_new_mark_asks_and_cancel_keeps_the_window(qtbot, opened, tmp_path):
    w = opened
    w.doc.review.mark(2, "alpha", True)
    w.dialogs.answers.append("cancel")
    assert not w.close() and w.isVisible()
    assert w.dialogs.asked[-1][0] == "Unsaved changes" and "quitting" in w.dialogs.asked[-1][1]
    w.dialogs.answers += ["save", str(tmp_path / "kept")]
    assert w.close()
    assert "alpha" in (tmp_path / "kept.relstudio").read_text()


def test_opening_another_track_asks_first(qtbot, opened, tmp_path, track):
    w = opened
    other = tmp_path / "other.wav"
    shutil.copy(track, other)
    w.doc.set_threshold(0.66)
    w.dialogs.answers.append("cancel")
    w.open_path(other)
    qtbot.wait(50)
    assert w.doc.path == track and len(w.dialogs.asked) == 1
    w.dialogs.answers.append("discard")
    w.open_path(other)
    wait_idle(qtbot, w.doc)
    qtbot.waitUntil(lambda: w.doc.path == other)
    assert len(w.dialogs.asked) == 2


def test_autosave_is_offered_after_a_crash(qtbot, library, cache, tmp_path, opened):
    w = opened
    assert w.files.unsaved.autosave() is None  # nothing changed, nothing written
    w.doc.review.mark(4, "beta", False)
    written = w.files.unsaved.autosave()
    assert written == recovery_path() and "beta" in written.read_text()
    # the process dies here: no closeEvent, the recovery file stays, and no more autosaves (its 60-s timer
    # could otherwise write a new recovery file while the next window runs, as on a loaded machine)
    w.files.unsaved.timer.stop()
    again = make_window(qtbot, library, cache, tmp_path / "next")
    try:
        qtbot.waitUntil(lambda: bool(again.dialogs.notes))  # offered once the window is up; nothing waits on it
        title, _message, actions = again.dialogs.notes[0]
        assert title == "Recover unsaved work" and list(actions) == ["Restore", "Discard it"]
        assert offered_path().is_file() and not recovery_path().exists()  # this run's autosaves cannot clobber it
        actions["Restore"]()
        wait_idle(qtbot, again.doc)
        assert [m.label for m in again.doc.review.marks_for(4)] == ["beta"] and not offered_path().exists()
        assert again.files.session_path is None and again.files.unsaved.is_dirty()
        again.dialogs.answers.append("discard")
        assert again.close()
        assert not recovery_path().exists()  # a clean quit leaves no recovery file
    finally:
        again.close()


def test_a_recovery_left_unanswered_is_offered_again_and_discard_drops_it(qtbot, library, cache, tmp_path, opened):
    opened.doc.review.mark(4, "gamma", True)
    opened.files.unsaved.autosave()
    opened.files.unsaved.timer.stop()  # the process dies: no more autosaves
    for attempt in ("close", "discard"):
        again = make_window(qtbot, library, cache, tmp_path / attempt)
        try:
            qtbot.waitUntil(lambda: bool(again.dialogs.notes))
            assert "gamma" in offered_path().read_text()
            if attempt == "discard":
                again.dialogs.notes[0][2]["Discard it"]()
                assert not offered_path().exists()
        finally:
            again.close()
    assert not again.files.offer_recovery()  # nothing left to offer


def test_the_note_is_not_modal_and_its_buttons_act(qtbot):
    from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

    from relstudio.gui.dialogs import Dialogs

    chosen, parent = [], QWidget()
    qtbot.addWidget(parent)
    Dialogs(parent).notify("Recover unsaved work", "Restore?", {"Restore": lambda: chosen.append("Restore")})
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
               and w.windowTitle() == "Recover unsaved work")
    assert box.windowModality() == Qt.WindowModality.NonModal and QApplication.activeModalWidget() is None
    restore = next(b for b in box.buttons() if b.text() == "Restore")
    qtbot.mouseClick(restore, Qt.MouseButton.LeftButton)
    assert chosen == ["Restore"]


def test_a_closed_window_autosaves_no_more(qtbot, library, cache, tmp_path, track):
    w = make_window(qtbot, library, cache, tmp_path)
    w.open_path(track)
    wait_idle(qtbot, w.doc)
    w.doc.review.mark(3, "delta", True)
    assert w.files.unsaved.timer.isActive()
    w.dialogs.answers.append("discard")
    assert w.close()
    # a closed window may live on (until the event loop deletes it): its 60-s timer must not write a recovery
    # file later, which the next start would offer as a crash's leftover
    assert not w.files.unsaved.timer.isActive() and not recovery_path().exists()
