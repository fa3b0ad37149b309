"""The relevance controls of the window: the resolution (View ▸ Resolution and a toolbar combo)
and View ▸ Show segment curve.

Both resolution controls set ``doc.relevance`` and follow its ``settingsChanged``,
so a session that restores other settings updates them too.
"""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox

from relstudio.core.relevance_settings import RESOLUTIONS, SEGMENT


def resolution_text(value) -> str:
    """``segment`` or ``1 s`` (how menus and the combo name a resolution)."""
    return "segment" if value == SEGMENT else f"{value:g} s"


def build(w, *, doc, relevance_view) -> SimpleNamespace:
    """Actions and the combo bound to ``doc.relevance``; ``relevance_view`` draws the segment curve."""
    r = SimpleNamespace(resolutions={})
    group = QActionGroup(w)
    for value in RESOLUTIONS:
        act = QAction(resolution_text(value), w, checkable=True)
        act.setStatusTip("Relevance, passages and the threshold read in windows of this length "
                         "(the paper's formula on each window's mean probabilities)")
        act.triggered.connect(lambda _on=False, v=value: doc.relevance.set_resolution(v))
        group.addAction(act)
        r.resolutions[value] = act
    r.combo = QComboBox()
    r.combo.setToolTip("Resolution of the relevance curve and its passages (segment: the raw 0.1-s curve)")
    for value in RESOLUTIONS:
        r.combo.addItem(resolution_text(value), value)
    r.combo.activated.connect(lambda i: doc.relevance.set_resolution(r.combo.itemData(i)))
    r.show_segments = QAction("Show &segment curve", w, checkable=True)
    r.show_segments.setChecked(relevance_view.show_segments)
    r.show_segments.setStatusTip("Draw the raw per-segment R_max thinly behind the windows")
    r.show_segments.toggled.connect(lambda on: (setattr(relevance_view, "show_segments", on),
                                                relevance_view.refresh()))

    def follow() -> None:
        value = doc.relevance.settings.resolution
        if value in r.resolutions:
            r.resolutions[value].setChecked(True)
        r.combo.setCurrentIndex(max(0, r.combo.findData(value)))

    doc.relevance.settingsChanged.connect(follow)
    follow()
    return r


def add_menu(menu, r) -> None:
    """View ▸ Resolution ▸ … and View ▸ Show segment curve."""
    sub = menu.addMenu("&Resolution")
    for act in r.resolutions.values():
        sub.addAction(act)
    menu.addAction(r.show_segments)
