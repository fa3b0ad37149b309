"""A bounded monkey: random clicks, drags, wheel turns and keys over a loaded window raise nothing.

pytest-qt fails the test on any exception raised in a slot or Qt virtual;
pyqtgraph reports errors inside its own mouse handlers on stderr, which is
checked too. The seed is fixed, so a failure replays exactly.
"""

import random

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from relstudio.gui.document import Document
from relstudio.gui.main_window import MainWindow
from relstudio.gui.playback import Player
from tests.gui.conftest import FakeBackend, ScriptedDialogs, wait_idle

KEYS = [
    (Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Home, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_H, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier), (Qt.Key.Key_Plus, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Minus, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_F, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_L, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Left, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier), (Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier), (Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier), (Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier), (Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Period, Qt.KeyboardModifier.ControlModifier), (Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier),
]


def _mouse(widget, kind, pos, button, buttons):
    ev = QMouseEvent(kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), button, buttons,
                     Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, ev)


def _drag(widget, a: QPoint, b: QPoint, steps=4):
    left = Qt.MouseButton.LeftButton
    _mouse(widget, QMouseEvent.Type.MouseButtonPress, a, left, left)
    for i in range(1, steps + 1):
        p = a + (b - a) * (i / steps)
        _mouse(widget, QMouseEvent.Type.MouseMove, p, Qt.MouseButton.NoButton, left)
    _mouse(widget, QMouseEvent.Type.MouseButtonRelease, b, left, Qt.MouseButton.NoButton)


def _wheel(widget, pos: QPoint, delta: int):
    ev = QWheelEvent(QPointF(pos), QPointF(widget.mapToGlobal(pos)), QPoint(0, 0), QPoint(0, delta),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, ev)


def test_random_interaction_raises_nothing(qtbot, capfd, library, cache, track, tmp_path):
    rng = random.Random(20240521)
    backend = FakeBackend()
    dialogs = ScriptedDialogs()
    doc = Document(library=library, cache=cache, device="cpu", viewpoint_folder=tmp_path / "vp")
    w = MainWindow(doc, player=Player(backend), dialogs=dialogs)
    qtbot.addWidget(w)
    w.resize(1100, 750)
    w.show()
    qtbot.waitExposed(w)
    w.open_path(track)
    wait_idle(qtbot, doc)
    views = list(w.timeline.views)
    panel = w.expert_panel
    for step in range(400):
        roll = rng.random()
        target = rng.choice([v for v in views if v.isVisible() and v.viewport().height() > 1])
        vp = target.viewport()
        p = QPoint(rng.randrange(vp.width()), rng.randrange(vp.height()))
        if roll < 0.25:
            qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=p)
        elif roll < 0.4:
            q = QPoint(rng.randrange(vp.width()), rng.randrange(vp.height()))
            _drag(vp, p, q)
        elif roll < 0.5:
            _wheel(vp, p, rng.choice([-240, -120, 120, 240]))
        elif roll < 0.55:
            _mouse(vp, QMouseEvent.Type.MouseMove, p, Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
        elif roll < 0.8:
            key, mod = rng.choice(KEYS)
            qtbot.keyClick(rng.choice([w, vp, panel.tree]), key, mod)
        elif roll < 0.9:
            items = panel.items()
            item = rng.choice(items)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                on = item.checkState(0) == Qt.CheckState.Checked
                item.setCheckState(0, Qt.CheckState.Unchecked if on else Qt.CheckState.Checked)
        elif roll < 0.95:
            w.viewpoint_panel.compare.setCurrentIndex(rng.randrange(w.viewpoint_panel.compare.count()))
        else:
            doc.set_threshold(rng.choice([None, rng.random()]))
        if backend.streams and w.player.state == "playing":
            backend.stream.pump(1, rng.choice([64, 512, 2048]))
            w.player.poll()
        if step % 25 == 0:
            qtbot.wait(5)
    wait_idle(qtbot, doc)
    w.close()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Error sending" not in err, err[-3000:]
