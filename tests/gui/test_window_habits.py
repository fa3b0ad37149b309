"""Workstation habits (issue 16, points 9 and 10, the parts of the window's files, wizard and wording):
dialogs remember their folder per kind, sessions are proposed next to the track, the Open dialog shows
sessions, the wizard remembers its settings, counts and spans read naturally, model cards show words."""

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog

from relstudio.gui import dialogs as dialogs_module
from relstudio.gui.dialogs import OPEN_FILTER, Dialogs, filter_kind
from relstudio.gui.panels.model_card import card_html
from relstudio.gui.training import remembered
from relstudio.gui.training.run import PRESETS, preset_config
from relstudio.gui.wording import precision as _precision
from relstudio.gui.wording import plural, time_span
from tests.gui.conftest import ScriptedDialogs, make_window, wait_idle


class RecordingDialogs(ScriptedDialogs):
    def __init__(self):
        super().__init__()
        self.saves = []

    def save_file(self, title, filter_, suggestion="", **k):
        self.saves.append((title, suggestion))
        return self._next("")


@pytest.fixture
def opened(qtbot, library, cache, tmp_path, track):
    w = make_window(qtbot, library, cache, tmp_path, dialogs=RecordingDialogs())
    w.open_path(track)
    wait_idle(qtbot, w.doc)
    yield w
    w.close()


def test_file_dialogs_open_in_the_last_folder_of_their_kind(qtbot, tmp_path, monkeypatch):
    settings = QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)
    d = Dialogs(None, settings=settings)
    asked, answers = [], [str(tmp_path / "music" / "a.wav"), str(tmp_path / "sessions" / "s.relstudio"), ""]

    def fake(_parent, _title, start, _filter):
        asked.append(start)
        return answers.pop(0), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    d.open_file("Open", dialogs_module.AUDIO_FILTER)
    d.open_file("Open session", dialogs_module.SESSION_FILTER)
    d.save_file("Export", "PNG image (*.png)", "view.png")
    assert asked[:2] == ["", ""]  # nothing remembered yet
    assert asked[2] == "view.png"
    answers += ["", "", ""]
    d.open_file("Open", dialogs_module.AUDIO_FILTER)
    d.open_file("Open session", dialogs_module.SESSION_FILTER)
    d.save_file("Export", dialogs_module.AUDIO_FILTER, "clip.wav")
    assert asked[3:] == [str(tmp_path / "music"), str(tmp_path / "sessions"), str(tmp_path / "music" / "clip.wav")]
    assert Dialogs(None, settings=QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)).last_folder(
        "audio") == str(tmp_path / "music")  # kept across runs
    assert filter_kind(OPEN_FILTER) == "audio and sessions" and "*.relstudio" in OPEN_FILTER.split(";;")[0]


def test_save_session_proposes_a_name_next_to_the_track(opened, track):
    opened.files.save_session()
    assert opened.dialogs.saves[-1] == ("Save session", str(track.parent / "track.relstudio"))


def test_the_wizard_remembers_its_last_settings(qtbot, opened, tmp_path):
    first = opened.models.open_training_wizard()
    first.source_page.path.setText(str(tmp_path))
    page = first.settings_page
    page.epochs.setValue(7)
    page.lr.setValue(0.0123)
    page.baselines.setChecked(False)
    page.augment.setCurrentIndex(1)
    remembered.remember(first, opened.settings)  # what starting a training does
    first.reject()
    again = opened.models.open_training_wizard()
    page = again.settings_page
    try:
        assert again.source_page.path.text() == str(tmp_path) and page.epochs.value() == 7
        assert page.lr.value() == pytest.approx(0.0123) and not page.baselines.isChecked()
        default = preset_config(next(iter(PRESETS)))  # untouched fields keep the default preset's value
        assert page.augment.currentData() == "light" and page.patience.value() == default.patience
    finally:
        again.reject()


def test_small_words(qtbot, opened):
    assert plural(1, "expert") == "1 expert" and plural(2, "expert") == "2 experts"
    opened.doc.set_enabled(opened.doc.roster.usable_fingerprints()[:1])
    wait_idle(qtbot, opened.doc)
    assert "· 1 expert ·" in opened.status.analysis_label.text()
    opened.review.mark_winner(True)
    assert opened.status.currentMessage().startswith("marked 0:0") and " s " not in opened.status.currentMessage()
    assert time_span(152.07, 152.39) == "2:32.07–2:32.39"
    assert _precision({"tp": 0, "fp": 0, "fn": 3, "tn": 5, "precision": 0.0}) == "—"
    assert _precision({"tp": 1, "fp": 1, "precision": 0.5}) == "0.500"
    page = card_html({"label": "x", "model_card": {"gain_check_12db": 0.98, "best_epoch": 3,
                                                   "held_out": {"tp": 0, "fp": 0, "precision": float("nan")}}})
    assert "precision: —" in page and "nan" not in page.lower()
    assert "gain_check_12db" not in page.replace("title='gain_check_12db'", "") and "+12 dB" in page
    assert "Best epoch" in page


def test_the_keep_viewpoint_dialog_shows_the_whole_proposed_name(qtbot):
    seen = {}

    def look():
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible())
        seen["width"], seen["text"] = box.width(), box.textValue()
        box.reject()

    name = "electronic (genre) vs orchestral (genre) vs metal (genre)"
    QTimer.singleShot(100, look)
    assert Dialogs(None).text("Keep viewpoint", "Name of this set of experts:", name) is None
    from PySide6.QtGui import QFontMetrics

    line = QFontMetrics(QApplication.font()).horizontalAdvance(name)
    assert seen["text"] == name and seen["width"] >= line + 40
