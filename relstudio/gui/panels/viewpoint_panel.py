"""Viewpoints: keep the enabled experts under a name, switch to one, overlay a second one's curve."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout)

from relstudio.gui.panels.delegates import DESC_ROLE, TwoLineDelegate

NAME_ROLE = Qt.ItemDataRole.UserRole


class ViewpointPanel(QGroupBox):
    keepRequested = Signal()  # the window asks for a name

    def __init__(self, doc, parent=None):
        super().__init__("Viewpoints", parent)
        self.doc = doc
        self.list = QListWidget()
        self.list.setMaximumHeight(132)
        self.list.setSizeAdjustPolicy(QListWidget.SizeAdjustPolicy.AdjustToContents)  # no empty box
        self.list.setItemDelegate(TwoLineDelegate(self.list))
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemDoubleClicked.connect(lambda item: doc.apply_viewpoint(item.data(NAME_ROLE)))
        self.keep_button = QPushButton("Keep current…")
        self.keep_button.setToolTip("Keep the enabled experts as a named viewpoint (Ctrl+K)")
        self.apply_button = QPushButton("Use")
        self.apply_button.setToolTip("Enable exactly this viewpoint's experts")
        self.delete_button = QPushButton("Delete")
        self.compare = QComboBox()
        self.compare.setToolTip("Overlay this viewpoint's relevance curve (dashed)")
        self.keep_button.clicked.connect(self.keepRequested)
        self.apply_button.clicked.connect(self._apply)
        self.delete_button.clicked.connect(self._delete)
        self.compare.currentIndexChanged.connect(self._compare_changed)
        buttons = QHBoxLayout()
        for b in (self.keep_button, self.apply_button, self.delete_button):
            buttons.addWidget(b)
        row = QGridLayout()
        row.addWidget(QLabel("Compare with"), 0, 0)
        row.addWidget(self.compare, 0, 1)
        row.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addLayout(row)
        self._filling = False
        doc.viewpointsChanged.connect(self.refill)
        doc.libraryChanged.connect(self.refill)
        doc.relevanceChanged.connect(self._sync_compare)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.refill()

    def refill(self) -> None:
        self._filling = True
        self.list.clear()
        self.compare.clear()
        self.compare.addItem("— none —", None)
        for name, fps in sorted(self.doc.viewpoints.items()):
            labels = ", ".join(self.doc.roster.display_label(f) for f in fps)
            item = QListWidgetItem(name)
            item.setData(NAME_ROLE, name)
            item.setData(DESC_ROLE, labels)
            item.setToolTip(labels)
            self.list.addItem(item)
            self.compare.addItem(name, name)
        self._filling = False
        self._sync_compare()
        self._update_buttons()

    def _sync_compare(self) -> None:
        self._filling = True
        idx = self.compare.findData(self.doc.compare) if self.doc.compare else 0
        self.compare.setCurrentIndex(max(0, idx))
        self._filling = False

    def _compare_changed(self, index: int) -> None:
        if not self._filling:
            self.doc.set_compare(self.compare.itemData(index))

    def _selected(self) -> str | None:
        item = self.list.currentItem()
        return item.data(NAME_ROLE) if item is not None else None

    def _apply(self) -> None:
        name = self._selected()
        if name:
            self.doc.apply_viewpoint(name)

    def _delete(self) -> None:
        name = self._selected()
        if name:
            self.doc.remove_viewpoint(name)

    def _update_buttons(self) -> None:
        has = self._selected() is not None
        self.apply_button.setEnabled(has)
        self.delete_button.setEnabled(has)
