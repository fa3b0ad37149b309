"""Panels, layout and theme: dock toggles with check marks, reset layout, delete vs remove, a small screen,
visible check boxes and spin-box arrows, the time ruler's steps and the waveform's amplitude scale."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QStyle, QStyleOptionButton, QStyleOptionSpinBox, QVBoxLayout, \
    QWidget

from relstudio.core.experts.library import ExpertLibrary
from relstudio.gui import theme
from relstudio.gui.document import Document
from relstudio.gui.main_window import MainWindow
from relstudio.gui.panels.collection_table import CollectionModel
from relstudio.gui.playback import Player
from relstudio.gui.views.common import TICK_PIXELS, TICK_STEPS, tick_steps
from relstudio.gui.views.timeline import MIN_HEIGHT
from tests.gui.conftest import FRONTEND, FakeBackend, ScriptedDialogs, make_expert
from tests.gui.test_window import opened, window  # noqa: F401 — fixtures

ALLOWED = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600}


def _key(qtbot, w, key, mod=Qt.KeyboardModifier.ControlModifier):
    w.activateWindow()
    qtbot.keyClick(w, key, mod)
    qtbot.wait(20)


def test_panel_toggles_are_ticked_while_their_dock_shows(qtbot, window):
    by_text = {act.text(): act for act in window.act.docks}
    assert set(by_text) == {"Experts panel", "Collection panel", "Classification panel", "Training panel"}
    docks = window.docks
    for act, dock in zip(window.act.docks, (docks.experts, docks.collection, docks.classification, docks.training)):
        assert act.isCheckable() and act.isChecked() == dock.isVisible()
    assert not docks.collection.isVisible()
    _key(qtbot, window, Qt.Key.Key_4)  # Ctrl+4 shows the collection (as the README says) …
    assert docks.collection.isVisible() and by_text["Collection panel"].isChecked()
    _key(qtbot, window, Qt.Key.Key_4)  # … and hides it again
    assert not docks.collection.isVisible() and not by_text["Collection panel"].isChecked()
    assert docks.classification.isVisible() and by_text["Classification panel"].isChecked()
    docks.classification.close()  # closed by its title bar: the tick follows
    assert not by_text["Classification panel"].isChecked()
    _key(qtbot, window, Qt.Key.Key_5)
    assert docks.classification.isVisible() and by_text["Classification panel"].isChecked()


def test_reset_layout_gives_the_views_their_room_back(qtbot, window):
    docks, tl = window.docks, window.timeline
    docks.collection.show()
    window.resizeDocks([docks.collection], [700], Qt.Orientation.Vertical)
    tl.splitter.setSizes([400, 30, 30])
    qtbot.wait(30)
    squashed = tl.height()
    assert squashed >= MIN_HEIGHT  # a dock can never squash the views below their minimum
    assert docks.collection.height() > 350
    window.act.reset_layout.trigger()
    qtbot.wait(30)
    assert docks.collection.isVisible() and docks.collection.height() < 330
    assert tl.height() > squashed + 100
    wave, spec, rel = tl.splitter.sizes()
    assert rel > spec > wave  # the first split: relevance largest, waveform smallest


def test_delete_is_for_own_experts_only_and_asks_first(qtbot, tmp_path, cache):
    shipped, own = tmp_path / "shipped", tmp_path / "own"
    shipped.mkdir(), own.mkdir()
    make_expert(shipped, "alpha", seed=1)
    make_expert(own, "beta", seed=2)
    mine = own / "beta.expert.safetensors"
    library = ExpertLibrary([(shipped, "shipped"), (own, "user")], frontend=FRONTEND)
    doc = Document(library=library, cache=cache, device="cpu", viewpoint_folder=tmp_path / "vp")
    w = MainWindow(doc, player=Player(FakeBackend()), dialogs=ScriptedDialogs())
    qtbot.addWidget(w)
    panel = w.expert_panel
    asked = []
    panel.confirm = lambda parent, name, path: asked.append(path) or answer[0]
    answer = [False]
    items = {it.text(0).split()[0]: it for it in panel.items()}
    panel.tree.setCurrentItem(items["alpha"])
    assert not panel.delete_button.isEnabled() and not panel.delete_selected() and not asked
    panel.tree.setCurrentItem(items["beta"])
    assert panel.delete_button.isEnabled()
    beta = items["beta"].data(0, Qt.ItemDataRole.UserRole)
    doc.set_expert_enabled(beta, True)
    assert panel.remove_button.text() == "Remove from view" and panel.remove_button.isEnabled()
    assert not panel.delete_selected() and asked and mine.exists()  # cancelled: the file stays
    answer[0] = True
    assert panel.delete_selected() and not mine.exists()
    assert [it.text(0).split()[0] for it in panel.items()] == ["alpha"] and beta not in doc.enabled
    w.close()


def test_a_1280x760_window_shows_the_experts_the_collection_and_the_views(qtbot, window):
    window.resize(1280, 760)
    window.docks.collection.show()
    qtbot.wait(50)
    tree = window.expert_panel.tree
    row = tree.visualItemRect(window.expert_panel.items()[0]).height()
    assert row > 0 and tree.viewport().height() / row >= 3
    table = window.collection_panel.table
    assert table.viewport().height() / table.verticalHeader().defaultSectionSize() >= 3
    assert window.timeline.height() >= MIN_HEIGHT and window.width() <= 1280


def test_collection_table_elides_and_shows_full_names_as_tooltips():
    model = CollectionModel()
    model.reset(["orchestral (genre)"], [{"track": "a very long track name.ogg", "classification": "metal",
                                           "duration": 10.0, "mean_relevance": 0.4, "peak_relevance": 0.9,
                                           "excerpts": [], "scores": {"orchestral (genre)": 0.25}, "path": "/x/a.ogg"}])
    last = model.columnCount() - 1
    assert model.headerData(last, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == "P(orchestral (genre))"
    assert model.data(model.index(0, last), Qt.ItemDataRole.ToolTipRole) == "P(orchestral (genre)): 0.250"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == "/x/a.ogg"


def _lightest(image, rect) -> int:
    return max(QColor(image.pixel(QPoint(x, y))).lightness() for x in range(rect.left(), rect.right() + 1)
               for y in range(rect.top(), rect.bottom() + 1))


def test_unticked_boxes_and_spin_arrows_stand_out_on_the_dark_theme(qtbot, tmp_path):
    host = QWidget()
    host.setStyleSheet(theme.stylesheet(tmp_path))
    host.setStyleSheet(host.styleSheet() + f"QWidget {{ background: {theme.WINDOW}; }}")
    box, spin = QCheckBox("unticked"), QDoubleSpinBox()
    layout = QVBoxLayout(host)
    layout.addWidget(box)
    layout.addWidget(spin)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    background = QColor(theme.WINDOW).lightness()
    opt = QStyleOptionButton()
    box.initStyleOption(opt)
    rect = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, opt, box)
    assert _lightest(box.grab().toImage(), rect) > background + 80  # the frame of an unticked box shows
    sopt = QStyleOptionSpinBox()
    spin.initStyleOption(sopt)
    image = spin.grab().toImage()
    for sub in (QStyle.SubControl.SC_SpinBoxUp, QStyle.SubControl.SC_SpinBoxDown):
        r = spin.style().subControlRect(QStyle.ComplexControl.CC_SpinBox, sopt, sub, spin)
        assert r.width() >= 10 and _lightest(image, r) > 170  # a light arrow in each button


@pytest.mark.parametrize("span", [0.5, 3, 8, 40, 95, 170, 400, 900, 2400, 5000])
@pytest.mark.parametrize("pixels", [300, 900, 1600])
def test_time_ruler_steps(span, pixels):
    major, minor = tick_steps(span, pixels)
    if major >= 1:
        assert major in ALLOWED or major >= 1200
    assert span / major <= max(1.0, pixels / TICK_PIXELS) or (major, minor) == TICK_STEPS[-1]
    finer = [s for s, _ in TICK_STEPS if s < major]
    assert not finer or span / finer[-1] > max(1.0, pixels / TICK_PIXELS)  # the finest step that fits
    assert major % minor == pytest.approx(0) or major % minor == pytest.approx(minor)


def test_ruler_of_a_long_view_never_steps_by_50_s(opened):
    axis = opened.timeline.relevance.getPlotItem().getAxis("bottom")
    for span, size in ((170, 700), (300, 1200), (600, 800)):
        (major, _), *_ = axis.tickSpacing(0, span, size)
        assert major in ALLOWED


def test_waveform_has_an_amplitude_scale(opened):
    from PySide6.QtGui import QImage, QPainter

    wave = opened.timeline.waveform
    axis = wave.getPlotItem().getAxis("left")
    image = QImage(200, 200, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _axis, _ticks, texts = axis.generateDrawSpecs(painter)  # what the axis draws
    finally:
        painter.end()
    values = [float(text) for _rect, _flags, text in texts]
    assert any(v > 0 for v in values) and any(v < 0 for v in values) and 0.0 in values
    assert "amplitude" in axis.labelText
