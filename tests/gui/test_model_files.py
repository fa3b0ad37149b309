"""Model files opened or dropped are imported (never decoded as audio); analysis warnings reach the window."""

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from relstudio.core.experts.relnet_file import save_classifier
from relstudio.core.nets.relnet import RelNet
from relstudio.core.paths import user_experts_dir
from relstudio.gui.document import Document
from relstudio.gui.main_window import MainWindow
from relstudio.gui.playback import Player
from tests.gui.conftest import FRONTEND, NET, FakeBackend, ScriptedDialogs, make_expert, wait_idle
from tests.synth import tone, write_wav


@pytest.fixture
def window(qtbot, library, cache, tmp_path):
    doc = Document(library=library, cache=cache, device="cpu", viewpoint_folder=tmp_path / "vp")
    w = MainWindow(doc, player=Player(FakeBackend()), dialogs=ScriptedDialogs())
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def _relnet(folder, experts, name="made"):
    module = RelNet(FRONTEND, [e.module for e in experts], len(experts), NET)
    return save_classifier(folder / f"{name}.relnet.safetensors", module, classes=[e.label for e in experts],
                           experts=experts)


def _drop(window, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)


def test_opening_a_relnet_file_imports_it(qtbot, window, library, tmp_path):
    doc = window.doc
    experts = [library.load(e) for e in library.usable()]
    info = _relnet(tmp_path, experts)
    window.open_path(info.path)
    assert window.dialogs.errors == [] and not doc.runner.busy  # no attempt to decode it as audio
    copy = user_experts_dir() / info.path.name
    assert copy.read_bytes() == info.path.read_bytes()
    assert [r.fingerprint for r in doc.classification.relnets] == [info.fingerprint]
    doc.set_enabled([e.fingerprint for e in experts])
    assert doc.classification.candidates()[0].fingerprint == info.fingerprint


def test_dropping_models_imports_them_and_explains_missing_experts(qtbot, window, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    from relstudio.core.experts.expert_file import load_expert

    strangers = [load_expert(make_expert(other, n, seed=77 + i).path) for i, n in enumerate(("stranger", "guest"))]
    relnet = _relnet(other, strangers, name="lonely")
    junk = tmp_path / "weights.safetensors"
    junk.write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    _drop(window, [relnet.path, junk])
    assert not window.doc.runner.busy
    titles = [t for t, _ in window.dialogs.errors]
    assert titles == ["RELNET imported", "Cannot import model"]
    assert "stranger" in window.dialogs.errors[0][1]
    assert "not an expert file nor another relstudio model" in window.dialogs.errors[1][1]
    assert (user_experts_dir() / "lonely.relnet.safetensors").exists()


def test_analysis_warnings_are_shown_in_the_status_bar(qtbot, window, tmp_path):
    short = tmp_path / "blip.wav"
    write_wav(short, tone(440, 0.05))
    window.open_path(short)
    wait_idle(qtbot, window.doc)
    warnings = window.doc.warnings
    assert any("shorter than one segment" in w for w in warnings)
    button = window.status.warnings_button
    assert not button.isHidden() and "1 warning" in button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.dialogs.infos and "shorter than one segment" in window.dialogs.infos[-1][1]
    np.testing.assert_equal(window.doc.analysis.warnings, tuple(w.split(": ", 1)[1] for w in warnings))
