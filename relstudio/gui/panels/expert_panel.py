"""Expert panel: the library with enable boxes, colours, descriptions; import, remove, delete, model card.

*Remove from view* unticks the selected expert (its file stays); *Delete…*
deletes the file of one of your own or imported experts after a confirmation
(shipped experts cannot be deleted). The list keeps room for
:data:`MIN_VISIBLE_ROWS` experts, so a small window still shows more than two.

Broken or incompatible files are listed greyed with the reason (front-end
differences named) and cannot be enabled. Ticking a box calls
``Document.set_expert_enabled`` — relevance is redrawn from cached
probabilities at once; experts new to the track run in the background.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from relstudio.core.experts.expert_file import EXPERT_SUFFIX
from relstudio.gui import theme
from relstudio.gui.panels.delegates import BROKEN_ROLE, DESC_ROLE, TwoLineDelegate

FP_ROLE = Qt.ItemDataRole.UserRole
PATH_ROLE = Qt.ItemDataRole.UserRole + 2
ORIGIN_ROLE = Qt.ItemDataRole.UserRole + 4  # (+3 is the delegate's BROKEN_ROLE)
MIN_VISIBLE_ROWS = 3.5  # two-line rows the list always has room for


def ask_delete(parent, name: str, path: str) -> bool:
    """The confirmation before an expert file is deleted (a test replaces ``ExpertPanel.confirm``)."""
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(parent, "Delete expert", f"Delete the expert “{name}”?\n\n{path}\n\n"
                                  "The file is removed from disk; this cannot be undone.",
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                  QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes


def swatch(colour: str, size: int = 14) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(colour))
    p.setPen(QColor(0, 0, 0, 0))
    p.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    p.end()
    return QIcon(pix)


class ExpertPanel(QWidget):
    importRequested = Signal(list)  # paths dropped or chosen
    importDialogRequested = Signal()
    modelCardRequested = Signal(str)  # path of the expert file

    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.confirm = ask_delete  # (parent, name, path) -> bool
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(8)
        self.tree.setItemDelegate(TwoLineDelegate(self.tree))
        self.tree.setUniformRowHeights(False)
        self.tree.setIconSize(QSize(14, 14))
        self.tree.setMinimumHeight(round(MIN_VISIBLE_ROWS * (self.fontMetrics().height() * 2 + 10)) + 4)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.itemDoubleClicked.connect(lambda item, _c: self._card(item))
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.import_button = QPushButton("Import…")
        self.remove_button = QPushButton("Remove from view")
        self.remove_button.setToolTip("Untick the selected expert: it leaves the analysis, its file stays")
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setToolTip("Delete the file of one of your own experts (shipped experts cannot be deleted)")
        self.delete_button.clicked.connect(self.delete_selected)
        self.card_button = QPushButton("Model card")
        self.import_button.clicked.connect(self.importDialogRequested)
        self.remove_button.clicked.connect(self.remove_selected)
        self.card_button.clicked.connect(lambda: self._card(self.tree.currentItem()))
        buttons = QHBoxLayout()
        for b in (self.import_button, self.remove_button, self.delete_button, self.card_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.loading = QLabel("loading experts…")  # until the window has imported torch (engine_warmup)
        self.loading.setVisible(not doc.engine_ready)
        doc.engineReady.connect(self.loading.hide)  # a method of the label: disconnected when it is deleted
        layout.addWidget(self.loading)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.setAcceptDrops(True)
        self._filling = False
        doc.libraryChanged.connect(self.refill)
        doc.relevanceChanged.connect(self._sync_checks)
        doc.relevanceChanged.connect(self._update_buttons)  # Remove from view: only for ticked experts
        doc.analysisChanged.connect(self._sync_checks)
        doc.runner.busyChanged.connect(self._busy_changed)
        self.refill()

    # -- contents ----------------------------------------------------------------------
    def refill(self) -> None:
        self._filling = True
        self.tree.clear()
        groups = {"shipped": "Shipped experts", "user": "Your experts", "imported": "Imported"}
        parents: dict[str, QTreeWidgetItem] = {}
        for entry in self.doc.library.entries:
            key = entry.origin if entry.origin in groups else "user"
            if key not in parents:
                head = QTreeWidgetItem([groups[key]])
                head.setFlags(Qt.ItemFlag.ItemIsEnabled)
                head.setForeground(0, QColor(theme.TEXT_DIM))
                self.tree.addTopLevelItem(head)
                head.setExpanded(True)
                parents[key] = head
            parents[key].addChild(self._make_item(entry))
        if not self.doc.library.entries:
            hint = QTreeWidgetItem(["No experts yet"])
            hint.setData(0, DESC_ROLE, "Import one (Ctrl+I) or drop a *.expert.safetensors file here")
            hint.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(hint)
        self._filling = False
        self._sync_checks()
        self._update_buttons()

    def _make_item(self, entry) -> QTreeWidgetItem:
        item = QTreeWidgetItem()
        item.setData(0, PATH_ROLE, str(entry.path))
        item.setData(0, ORIGIN_ROLE, entry.origin)
        if entry.ok:
            fp = entry.info.fingerprint
            item.setText(0, self.doc.roster.display_label(fp))
            item.setData(0, FP_ROLE, fp)
            item.setData(0, DESC_ROLE, entry.info.description or "(no description)")
            item.setIcon(0, swatch(self.doc.roster.colour(fp)))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Unchecked)
            item.setToolTip(0, f"{entry.info.description}\n{entry.path}\nfingerprint {fp}")
        else:
            item.setText(0, entry.label)
            item.setData(0, DESC_ROLE, f"unusable: {entry.error}")
            item.setData(0, BROKEN_ROLE, True)
            item.setIcon(0, swatch("#4a4f59"))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setToolTip(0, f"{entry.path}\n{entry.error}")
        return item

    def items(self) -> list[QTreeWidgetItem]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            out.extend(head.child(j) for j in range(head.childCount()))
        return out

    def item_for(self, fingerprint: str) -> QTreeWidgetItem | None:
        return next((it for it in self.items() if it.data(0, FP_ROLE) == fingerprint), None)

    def _busy_changed(self, _busy: bool) -> None:
        self._sync_checks()

    def _sync_checks(self) -> None:
        self._filling = True
        enabled = set(self.doc.enabled)
        pending = set(self.doc.pending())
        for it in self.items():
            fp = it.data(0, FP_ROLE)
            if fp:
                it.setCheckState(0, Qt.CheckState.Checked if fp in enabled else Qt.CheckState.Unchecked)
                label = self.doc.roster.display_label(fp)
                it.setText(0, f"{label}  (running…)" if fp in pending and self.doc.runner.busy else label)
        self._filling = False

    # -- actions -----------------------------------------------------------------------
    def _item_changed(self, item, column) -> None:
        if self._filling or column != 0:
            return
        fp = item.data(0, FP_ROLE)
        if fp:
            self.doc.set_expert_enabled(fp, item.checkState(0) == Qt.CheckState.Checked)

    def remove_selected(self) -> None:
        item = self.tree.currentItem()
        fp = item.data(0, FP_ROLE) if item is not None else None
        if fp:
            self.doc.set_expert_enabled(fp, False)

    def delete_selected(self) -> bool:
        """Delete the selected expert's file after confirmation (own or imported experts only)."""
        item = self.tree.currentItem()
        if item is None or not self._deletable(item):
            return False
        path = Path(item.data(0, PATH_ROLE))
        if not self.confirm(self, item.text(0), str(path)):
            return False
        fp = item.data(0, FP_ROLE)
        if fp:
            self.doc.set_expert_enabled(fp, False)
        try:
            path.unlink()
        except OSError as exc:
            self.doc.problem.emit("Cannot delete the expert", f"{path}: {exc.strerror or exc}")
            return False
        self.doc.rescan_library()
        return True

    @staticmethod
    def _deletable(item) -> bool:
        return bool(item.data(0, PATH_ROLE)) and item.data(0, ORIGIN_ROLE) in ("user", "imported")

    def selected_path(self) -> str | None:
        """The file of the selected expert (``None`` when nothing is selected)."""
        item = self.tree.currentItem()
        return item.data(0, PATH_ROLE) if item is not None else None

    def _card(self, item) -> None:
        path = item.data(0, PATH_ROLE) if item is not None else None
        if path:
            self.modelCardRequested.emit(path)

    def _update_buttons(self) -> None:
        item = self.tree.currentItem()
        self.card_button.setEnabled(bool(item is not None and item.data(0, PATH_ROLE)))
        self.remove_button.setEnabled(bool(item is not None and item.data(0, FP_ROLE) in self.doc.enabled))
        self.delete_button.setEnabled(bool(item is not None and self._deletable(item)))

    # -- drag and drop -------------------------------------------------------------------
    @staticmethod
    def expert_paths(mime) -> list[str]:
        if not mime.hasUrls():
            return []
        paths = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        return [p for p in paths if Path(p).name.endswith(EXPERT_SUFFIX)]

    def dragEnterEvent(self, event):
        if self.expert_paths(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event):
        if self.expert_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event):
        paths = self.expert_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.importRequested.emit(paths)
