"""The window over every corpus file: a dialog naming the file and the problem, never a crash, the window stays.

Runs offscreen with no sound card (a player backend that reports none), through
the GUI's public API: ``MainWindow.open_path`` / ``window.models.import_models``, the
``Document`` signals and the expert panel's items.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

pytest.importorskip("PySide6")

from relstudio.core.experts.expert_file import EXPERT_SUFFIX  # noqa: E402
from relstudio.core.experts.library import ExpertLibrary  # noqa: E402
from tests.reliability.corpus import (AUDIO_CASES, AUDIO_DIR, BAD_EXPERTS, EXPERT_CASES, EXPERT_DIR,  # noqa: E402
                                      GOOD_EXPERT, MARKER, matches)


class NoAudioDevice:
    """A player backend on a machine without a sound card."""

    def probe(self):
        return "no audio output device"

    def open(self, **_):
        raise RuntimeError("no audio output device")


class Recorder:
    """Stands in for the window's dialogs: records what would be shown."""

    def __init__(self):
        self.errors: list[tuple[str, str]] = []
        self.infos: list[tuple[str, str]] = []

    def error(self, title, message):
        self.errors.append((title, message))

    def info(self, title, message):
        self.infos.append((title, message))

    def open_file(self, *a, **k):
        return ""

    def open_files(self, *a, **k):
        return []

    def save_file(self, *a, **k):
        return ""

    def text(self, *a, **k):
        return None


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    from relstudio.gui.document import Document
    from relstudio.gui.main_window import MainWindow
    from relstudio.gui.playback import Player

    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "experts"
    folder.mkdir()
    shutil.copy(GOOD_EXPERT, folder)
    doc = Document(library=ExpertLibrary([(folder, "user")]), device="cpu",
                   viewpoint_folder=tmp_path / "viewpoints")
    win = MainWindow(doc, player=Player(NoAudioDevice()), dialogs=Recorder())
    qtbot.addWidget(win)
    win.show()
    win.crashes, win.messages = [], []
    doc.crashed.connect(lambda title, exc, tb: win.crashes.append((title, exc, tb)))
    doc.message.connect(win.messages.append)
    doc.set_enabled(doc.roster.usable_fingerprints())
    yield win
    doc.close()
    assert not (tmp_path / MARKER).exists(), "a corpus pickle was unpickled: code from a file ran"


def _settled(win, path):
    doc = win.doc
    if win.dialogs.errors or win.crashes:
        return True
    return (doc.path == path and doc.analysis is not None and not doc.runner.busy and not doc.pending())


def test_window_over_the_audio_corpus(qtbot, window):
    """One window opens every file in turn; a refused file leaves the previous track open."""
    doc, dialogs = window.doc, window.dialogs
    assert not window.player.available
    previous = None
    for case in AUDIO_CASES:
        path = AUDIO_DIR / case.name
        dialogs.errors.clear()
        window.messages.clear()
        window.open_path(str(path))
        qtbot.waitUntil(lambda: _settled(window, path), timeout=30000)
        assert window.crashes == [], (case.name, window.crashes)
        assert window.isVisible()
        if case.outcome == "refused":
            assert len(dialogs.errors) == 1, (case.name, dialogs.errors)
            title, text = dialogs.errors[0]
            assert str(path) in text and matches(case.reason, text), (case.name, text)
            assert doc.path == previous  # the track that was open stays open
        else:
            assert dialogs.errors == [], (case.name, dialogs.errors)
            current = doc.current()
            assert current is not None and np.isfinite(current.relevance).all(), case.name
            if case.reason:  # load warnings reach the status bar; analysis warnings the Document
                said = window.messages + list(doc.analysis.warnings)
                assert any(matches(case.reason, m) for m in said), (case.name, said)
            if case.name == "silence.wav":
                assert np.ptp(current.relevance) == 0.0
            previous = path


def test_expert_panel_lists_every_bad_file_greyed(qtbot, tmp_path, window):
    from relstudio.gui.panels.delegates import BROKEN_ROLE, DESC_ROLE
    from relstudio.gui.panels.expert_panel import PATH_ROLE

    library_dir = tmp_path / "corpus"
    shutil.copytree(EXPERT_DIR, library_dir)
    window.doc.library.folders.append((library_dir, "user"))
    window.doc.rescan_library()
    items = {it.data(0, PATH_ROLE): it for it in window.expert_panel.items()}
    for case in EXPERT_CASES:
        if not case.name.endswith(EXPERT_SUFFIX):
            continue
        item = items[str(library_dir / case.name)]
        if case.outcome == "ok":
            assert not item.data(0, BROKEN_ROLE)
        else:
            assert item.data(0, BROKEN_ROLE) is True, case.name
            assert matches(case.reason, item.data(0, DESC_ROLE)), (case.name, item.data(0, DESC_ROLE))
    assert window.crashes == []


@pytest.mark.parametrize("case", BAD_EXPERTS, ids=lambda c: c.name)
def test_importing_a_bad_expert_explains_it(qtbot, window, case):
    path = EXPERT_DIR / case.name
    window.models.import_models([str(path)])
    assert window.crashes == []
    assert len(window.dialogs.errors) == 1
    title, text = window.dialogs.errors[0]
    if case.name.endswith(EXPERT_SUFFIX) and case.outcome == "incompatible":  # another front end: kept, greyed
        assert title == "Expert imported but unusable" and matches(case.reason, text), text
        entry = next(e for e in window.doc.library.entries if e.path.name == case.name)
        assert not entry.ok
        window.models.show_model_card(str(entry.path))  # the card of a broken file opens without loading it
    elif case.name.endswith(EXPERT_SUFFIX):  # checked before copying: refused, never enters the user folder
        from relstudio.core.paths import user_experts_dir

        assert title == "Cannot import model" and matches(case.reason, text) and str(path) in text, text
        assert not (user_experts_dir() / case.name).exists()
        assert all(e.path.name != case.name for e in window.doc.library.entries)
    else:  # the .pt checkpoint is not even copied
        assert "not an expert file" in text and str(path) in text
    assert [e.label for e in window.doc.library.usable()] == ["good"]
