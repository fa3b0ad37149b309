"""Review loop: mark segments "is class X" / "is not class X" from the window; the marks live in the session."""

import pytest
from PySide6.QtCore import QPointF

from relstudio.gui.document import Document
from relstudio.gui.main_window import MainWindow
from relstudio.gui.playback import Player
from tests.gui.conftest import FakeBackend, ScriptedDialogs, wait_idle


def _window(qtbot, library, cache, tmp_path):
    doc = Document(library=library, cache=cache, device="cpu", viewpoint_folder=tmp_path / "vp")
    w = MainWindow(doc, player=Player(FakeBackend()), dialogs=ScriptedDialogs())
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    return w


@pytest.fixture
def opened(qtbot, library, cache, tmp_path, track):
    w = _window(qtbot, library, cache, tmp_path)
    w.open_path(track)
    wait_idle(qtbot, w.doc)
    yield w
    w.close()


def _action(menu, text):
    return next(a for a in menu.actions() if a.text().split("\t")[0] == text)


def _sub(menu, title):
    return next(a.menu() for a in menu.actions() if a.menu() is not None and a.text() == title)


def test_keys_and_context_menu_mark_segments(qtbot, opened):
    doc = opened.doc
    view = opened.timeline.relevance
    cur = doc.current()
    k = int(cur.top_segments(1)[0])
    winner = doc.roster.display_label(cur.experts[int(cur.winners[k])].fingerprint)
    doc.select_segment(k)
    opened.act.mark_yes.trigger()  # Y
    t0, t1 = (float(v) for v in doc.analysis.times[k])
    assert [(m.start, m.end, m.label, m.positive) for m in doc.review.marks_for(k)] == [(t0, t1, winner, True)]
    assert view.review_overlay.marks == [(t0, t1, winner, True)]
    # right click on another segment: the view asks for the menu of the segment under the mouse
    j = k + 3 if k + 3 < cur.n_segments else k - 3
    with qtbot.waitSignal(view.contextRequested) as sig:
        view.on_context(float(cur.centres[j]), 0.5, QPointF(10, 10))
    assert sig.args[0] == j and doc.selected == j
    menu = opened.review.review_menu(j)
    other = next(c for c in doc.review.known_classes() if c != doc.review.winner_class(j))
    _action(_sub(menu, "Is not class"), other).trigger()
    opened.dialogs.answers.append("bird song")
    _action(_sub(menu, "Is class"), "Other class…").trigger()
    labels = {(m.label, m.positive) for m in doc.review.marks_for(j)}
    assert labels == {(other, False), ("bird song", True)}
    # labels that would overlap at this zoom are thinned; zoomed in, both show
    shown = lambda: [lab.isVisible() for _c, lab in view.review_overlay.labels]  # noqa: E731
    opened.timeline.fit()
    view.refresh_visible()
    assert shown().count(True) == 1
    lo, hi = sorted((float(cur.centres[k]), float(cur.centres[j])))
    opened.timeline.set_view_range(lo - 0.2, hi + 0.2)
    view.refresh_visible()
    assert shown() == [True, True]
    assert "bird song" in doc.review.known_classes()
    # X on the first segment turns its mark into "is not"; Delete removes it
    doc.select_segment(k)
    opened.act.mark_no.trigger()
    assert [(m.label, m.positive) for m in doc.review.marks_for(k)] == [(winner, False)]
    opened.act.clear_marks.trigger()
    assert doc.review.marks_for(k) == []
    assert len(view.review_overlay.marks) == 2
    counts = doc.review.counts()
    assert counts["clips"] == {"bird song": 1} and counts["unused_negative"] == 0


def test_marks_survive_session_save_and_load(qtbot, opened, library, cache, tmp_path):
    doc = opened.doc
    cur = doc.current()
    a, b = int(cur.top_segments(2)[0]), int(cur.top_segments(2)[1])
    doc.review.mark(a, "alpha", True)
    doc.review.mark(b, "gamma", False)
    saved = doc.review.current().labels
    opened.dialogs.answers.append(str(tmp_path / "reviewed"))
    opened.files.save_session()
    other = _window(qtbot, library, cache, tmp_path / "second")
    try:
        other.files.open_session(tmp_path / "reviewed.relstudio")
        wait_idle(qtbot, other.doc)
        assert other.dialogs.errors == []
        assert other.doc.review.current().labels == saved
        assert [m.label for m in other.doc.review.marks_for(a)] == ["alpha"]
        assert sorted(other.timeline.relevance.review_overlay.marks) == sorted(
            (m.start, m.end, m.label, m.positive) for m in saved)
    finally:
        other.close()


def test_a_broken_review_layer_is_refused_by_name(qtbot, opened, tmp_path):
    import json

    opened.dialogs.answers.append(str(tmp_path / "s"))
    opened.files.save_session()
    state = json.loads((tmp_path / "s.relstudio").read_text())
    state["review"] = [{"source": "x.wav", "content_hash": "h", "labels": [{"start": 2.0, "end": 1.0, "label": "a"}]}]
    (tmp_path / "s.relstudio").write_text(json.dumps(state))
    opened.files.open_session(tmp_path / "s.relstudio")
    assert opened.dialogs.errors and "start < end" in opened.dialogs.errors[-1][1]
