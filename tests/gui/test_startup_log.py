"""RELSTUDIO_STARTUP_LOG: the window writes its start-up milestones once each, in order (no timing asserted)."""

from __future__ import annotations

from relstudio.gui import startup_log
from relstudio.gui.document import Document
from relstudio.gui.main_window import MainWindow
from relstudio.gui.playback import Player
from tests.gui.conftest import FakeBackend, ScriptedDialogs, wait_idle


def _milestones(path):
    lines = [line.split() for line in path.read_text().splitlines()] if path.exists() else []
    assert all(len(parts) == 4 and parts[0] == "relstudio-startup" for parts in lines), lines
    return [(parts[1], float(parts[2]), float(parts[3])) for parts in lines]


def test_window_waveform_and_analysis_are_logged_once_in_order(qtbot, library, cache, tmp_path, track, monkeypatch):
    log = tmp_path / "startup.log"
    monkeypatch.setenv(startup_log.ENV, str(log))
    doc = Document(library=library, cache=cache, device="cpu", viewpoint_folder=tmp_path / "viewpoints")
    window = MainWindow(doc, player=Player(FakeBackend()), dialogs=ScriptedDialogs())
    qtbot.addWidget(window)
    assert startup_log.install(window) is not None
    window.resize(1000, 700)
    window.show()
    qtbot.waitUntil(lambda: [e for e, _, _ in _milestones(log)] == ["window-shown"], timeout=10000)
    window.open_path(track)
    wait_idle(qtbot, doc)
    qtbot.waitUntil(lambda: len(_milestones(log)) == 3, timeout=20000)
    window.timeline.waveform.viewport().repaint()  # more paints log nothing more
    qtbot.wait(120)
    events = _milestones(log)
    assert [e for e, _, _ in events] == ["window-shown", "waveform-painted", "analysis-done"]
    assert [t for _, t, _ in events] == sorted(t for _, t, _ in events)
    assert all(rss > 0 for _, _, rss in events)
    window.close()


def test_nothing_is_installed_without_the_variable(qtbot, library, cache, tmp_path, monkeypatch):
    monkeypatch.delenv(startup_log.ENV, raising=False)
    doc = Document(library=library, cache=cache, device="cpu", viewpoint_folder=tmp_path / "viewpoints")
    window = MainWindow(doc, player=Player(FakeBackend()), dialogs=ScriptedDialogs())
    qtbot.addWidget(window)
    assert startup_log.install(window) is None
    window.close()
