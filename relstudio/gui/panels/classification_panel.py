"""Classification panel: which classes the open track is about (RELNET, SUM and RV fusion) and why.

One row per enabled expert's class; the RELNET column is filled when a RELNET
whose experts are all enabled is in the library (``doc.classification``
finds and runs it). Clicking a cell highlights, in the relevance view, the
passages that contributed most to that score, and lists them here (click shows
one, double click plays it). The panel draws what the Document computed; it computes nothing.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QStyledItemDelegate, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from relstudio.gui import theme
from relstudio.gui.classification import METHODS
from relstudio.gui.panels.expert_panel import swatch
from relstudio.gui.views.common import format_time
from relstudio.gui.wording import plural

VALUE_ROLE = Qt.ItemDataRole.UserRole + 10
COLOUR_ROLE = Qt.ItemDataRole.UserRole + 11
FP_ROLE = Qt.ItemDataRole.UserRole
PASSAGE_ROLE = Qt.ItemDataRole.UserRole + 12


class BarDelegate(QStyledItemDelegate):
    """A value cell: a bar of the row's colour behind the number."""

    def paint(self, painter, option, index):
        value = index.data(VALUE_ROLE)
        if isinstance(value, float):
            colour = QColor(index.data(COLOUR_ROLE) or theme.ACCENT)
            colour.setAlpha(90)
            r = option.rect.adjusted(3, 4, -3, -4)
            painter.save()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(r.x(), r.y(), max(1.0, r.width() * min(max(value, 0.0), 1.0)),
                                           r.height()), 2, 2)
            painter.restore()
        super().paint(painter, option, index)


class ClassificationPanel(QWidget):
    passageActivated = Signal(object)  # double click on a listed passage: play it
    passageChosen = Signal(object)  # click on a listed passage: bring it into view

    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc, self.state = doc, doc.classification
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.enable_button = QPushButton("Enable its experts")
        self.enable_button.setToolTip("Enable exactly the experts of this RELNET so it can classify the track")
        self.enable_button.clicked.connect(self._enable_candidate)
        self.chooser = QComboBox()
        self.chooser.setToolTip("Several RELNETs have all their experts enabled: pick one")
        self.chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.chooser.setMinimumContentsLength(16)  # long names never widen the dock
        self.chooser.activated.connect(lambda i: self.state.choose(self.chooser.itemData(i)))
        self.table = QTreeWidget()
        self.table.setColumnCount(1 + len(METHODS))
        self.table.setHeaderLabels(["Class", *METHODS])
        self.table.setRootIsDecorated(False)
        self.table.setIndentation(0)
        self.table.setUniformRowHeights(True)
        delegate = BarDelegate(self.table)
        for col in range(1, 1 + len(METHODS)):
            self.table.setItemDelegateForColumn(col, delegate)
            self.table.headerItem().setTextAlignment(col, Qt.AlignmentFlag.AlignRight)
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 1 + len(METHODS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(col, 62)
        self.table.headerItem().setToolTip(1, "RELNET clip probability (paper §4)")
        self.table.headerItem().setToolTip(2, "SUM fusion of the enabled experts")
        self.table.headerItem().setToolTip(3, "relevance-weighted vote (RV) of the enabled experts")
        self.table.itemClicked.connect(self._clicked)
        self.caption = QLabel("Click a score to see the passages behind it.")
        self.caption.setObjectName("hint")
        self.caption.setWordWrap(True)
        self.passages = QListWidget()
        self.passages.setMaximumHeight(104)
        self.passages.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.passages.itemClicked.connect(lambda it: self.passageChosen.emit(it.data(PASSAGE_ROLE)))
        self.passages.itemDoubleClicked.connect(lambda it: self.passageActivated.emit(it.data(PASSAGE_ROLE)))
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.enable_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.chooser)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.passages)
        self.state.changed.connect(self.refresh)
        self.state.highlightChanged.connect(self._refresh_passages)
        self.state.runner.busyChanged.connect(self._busy_changed)  # a method: disconnected when the panel is deleted
        self.refresh()

    # -- drawing -----------------------------------------------------------------------
    def _busy_changed(self, _busy: bool) -> None:
        self.refresh()

    def refresh(self) -> None:
        st, rows = self.state, self.state.rows()
        if st.relnet is not None:
            n = len(st.relnet.experts)
            busy = " — running…" if st.busy and st.result is None else ""
            self.header.setText(f"RELNET <b>{html.escape(st.relnet.path.name)}</b> over {plural(n, 'expert')}{busy}")
        elif st.candidates():
            names = ", ".join(html.escape(lab) for lab, _ in st.candidates()[0].experts)
            self.header.setText(f"No RELNET for the enabled experts. <span style='color:{theme.TEXT_DIM}'>"
                                f"{html.escape(st.candidates()[0].path.name)} needs: {names}</span>")
        else:
            self.header.setText(f"<span style='color:{theme.TEXT_DIM}'>No RELNET for these experts — train one "
                                "with Experts ▸ Train new experts… SUM and RV fusion below.</span>")
        self.enable_button.setVisible(st.relnet is None and bool(st.candidates()))
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for r in st.matches:
            self.chooser.addItem(f"{r.path.name} — {plural(len(r.experts), 'expert')}: {', '.join(r.classes)}", r.fingerprint)
        if st.relnet is not None:
            self.chooser.setCurrentIndex(max(0, self.chooser.findData(st.relnet.fingerprint)))
        self.chooser.blockSignals(False)
        self.chooser.setVisible(len(st.matches) > 1)
        self.table.clear()
        for row in rows:
            item = QTreeWidgetItem([row.label])
            item.setIcon(0, swatch(row.colour))
            item.setData(0, FP_ROLE, row.fingerprint)
            item.setToolTip(0, f"{row.label}: class {row.cls}")
            for col, value in enumerate((row.relnet, row.sum, row.rv), start=1):
                item.setText(col, "–" if value is None else f"{value:.3f}")
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setData(col, VALUE_ROLE, value)
                item.setData(col, COLOUR_ROLE, row.colour)
            self.table.addTopLevelItem(item)
        if not rows:
            hint = "open a track and enable experts" if self.doc.track is None or not self.doc.enabled else "analysing…"
            item = QTreeWidgetItem([hint])
            item.setForeground(0, QColor(theme.TEXT_DIM))
            self.table.addTopLevelItem(item)
        self._refresh_passages()

    def value(self, fingerprint: str, method: str):
        """The number shown for ``fingerprint`` × ``method`` (``None`` for "–"); tests read the panel with it."""
        col = 1 + METHODS.index(method)
        for i in range(self.table.topLevelItemCount()):
            it = self.table.topLevelItem(i)
            if it.data(0, FP_ROLE) == fingerprint:
                return it.data(col, VALUE_ROLE)
        raise KeyError(fingerprint)

    def _refresh_passages(self) -> None:
        st = self.state
        self.passages.clear()
        if st.highlight_key is None or self.doc.analysis is None:
            self.caption.setText("Click a score to see the passages behind it.")
            return
        fp, method = st.highlight_key
        label = self.doc.roster.display_label(fp)
        if st.shares(fp, method) is None or not st.highlighted:
            self.caption.setText(f"No {method} score for {label}.")
            return
        self.caption.setText(f"Passages behind {label} ({method}), highlighted in the relevance view:")
        for rank, (p, share) in enumerate(st.highlighted, start=1):
            item = QListWidgetItem(f"#{rank}  {format_time(p.start)}–{format_time(p.end)}  {100 * share:.0f} %  "
                                   f"{st.explain(fp, p)}")
            item.setToolTip(f"This passage holds {100 * share:.2g} % of the score; P: the class's mean probability "
                            "over it. Click: show it; double click: play it.")
            item.setData(PASSAGE_ROLE, p)
            self.passages.addItem(item)

    # -- actions -----------------------------------------------------------------------
    def _clicked(self, item, column: int) -> None:
        fp = item.data(0, FP_ROLE)
        if not fp:
            return
        if column >= 1:
            method = METHODS[column - 1]
        else:
            method = "RELNET" if item.data(1, VALUE_ROLE) is not None else "RV"
        self.state.highlight(fp, method)

    def _enable_candidate(self) -> None:
        cands = self.state.candidates()
        if cands:
            self.doc.set_enabled([fp for _, fp in cands[0].experts])
