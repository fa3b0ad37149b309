"""Wizard pages 1–2: choose a labelled folder or CSV, then see its classes and pick the ones to train.

The scan is the core's (:func:`relstudio.core.training.scan.scan_dataset_task`,
the same one ``relstudio train`` prints): classes with clip and group counts,
unreadable files and the split by group. It runs in the background.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QProgressBar, QPushButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWizardPage)

from relstudio.core.errors import RelstudioError
from relstudio.core.training.config import TrainingConfig
from relstudio.gui import theme
from relstudio.gui.tasks import TaskRunner

COLUMNS = ("Class", "Clips", "Groups", "Train", "Val.", "Test", "Split by", "Reviewed")


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


class SourcePage(QWizardPage):
    def __init__(self, wizard):
        super().__init__()
        self.wiz = wizard
        self.setTitle("Labelled data")
        self.setSubTitle("A folder with one sub-folder per class, or a CSV of path,label[,group].")
        self.path = QLineEdit()
        self.path.setPlaceholderText("/path/to/dataset  or  /path/to/labels.csv")
        self.path.textChanged.connect(lambda _t: self.completeChanged.emit())
        folder = QPushButton("Folder…")
        folder.clicked.connect(self._choose_folder)
        csv = QPushButton("CSV file…")
        csv.clicked.connect(self._choose_csv)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(folder)
        row.addWidget(csv)
        self.reviewed = QCheckBox()
        self.unused = _hint("")
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(_hint(
            "A folder's manifest.csv with path, label and group columns supplies the groups (a song, a speaker, "
            "a recording session). Clips of one group are near-duplicates, so the held-out clips are chosen by "
            "group, never by clip. DCASE 2018 Task 2 CSVs (fname,label,…) work too."))
        layout.addSpacing(12)
        layout.addWidget(self.reviewed)
        layout.addWidget(self.unused)
        layout.addStretch(1)

    def initializePage(self) -> None:
        """The review marks as they are now (the user may have marked more since the wizard opened)."""
        counts = self.wiz.doc.review.counts()
        n = sum(counts["clips"].values())
        detail = ", ".join(f"{c} {k}" for c, k in sorted(counts["clips"].items()))
        self.reviewed.setText(f"Add the segments you reviewed: {n} clip{'s' if n != 1 else ''} ({detail})" if n else
                              "Add the segments you reviewed (none yet: mark segments with Y / X or the "
                              "relevance view's context menu)")
        self.reviewed.setEnabled(n > 0)
        self.reviewed.setChecked(n > 0)
        unused = counts["unused_negative"]
        self.unused.setText(f"{unused} “is not …” mark{'s have' if unused != 1 else ' has'} no positive class and "
                            "cannot be trained on: every training clip needs exactly one class." if unused else "")

    def _choose_folder(self) -> None:
        chosen = self.wiz.dialogs.open_folder("Labelled folder", self.path.text())
        if chosen:
            self.path.setText(chosen)

    def _choose_csv(self) -> None:
        chosen = self.wiz.dialogs.open_file("Labels CSV", "CSV (*.csv);;All files (*)", self.path.text())
        if chosen:
            self.path.setText(chosen)

    def isComplete(self) -> bool:
        text = self.path.text().strip()
        return bool(text) and Path(text).exists()


class ClassesPage(QWizardPage):
    def __init__(self, wizard):
        super().__init__()
        self.wiz = wizard
        self.setTitle("Classes")
        self.setSubTitle("Tick the classes to train an expert for (at least two).")
        self.runner = TaskRunner(self)
        self.runner.progress.connect(self._progress)
        self.summary = None
        self.error = ""
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.table = QTreeWidget()
        self.table.setHeaderLabels(list(COLUMNS))
        self.table.setRootIsDecorated(False)
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.header().setStretchLastSection(True)
        self.table.itemChanged.connect(lambda *_: self.completeChanged.emit())
        self.unreadable = QTreeWidget()
        self.unreadable.setHeaderLabels(["Unreadable file (skipped)", "Reason"])
        self.unreadable.setRootIsDecorated(False)
        self.unreadable.setMaximumHeight(110)
        self.notes = _hint("")
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes)
        layout.addWidget(self.unreadable)

    def initializePage(self) -> None:
        from relstudio.core.training.scan import scan_dataset_task

        self.summary, self.error = None, ""
        self.table.clear()
        self.unreadable.clear()
        self.unreadable.hide()
        self.notes.setText("")
        path = Path(self.wiz.source_page.path.text().strip())
        self.status.setText(f"Reading {path} …")
        self.bar.show()
        self.bar.setValue(0)
        self.runner.submit(scan_dataset_task(path, config=TrainingConfig()), name=f"scanning {path.name}",
                           on_done=self._scanned, on_error=self._failed)

    def cleanupPage(self) -> None:
        self.runner.cancel()

    def _progress(self, fraction: float, message: str) -> None:
        self.bar.setValue(int(1000 * fraction))
        if message:
            self.status.setText(message)

    def _failed(self, exc, tb: str) -> None:
        self.bar.hide()
        self.error = str(exc) if isinstance(exc, RelstudioError) else f"{type(exc).__name__}: {exc}"
        self.status.setText(f"<span style='color:#ff8a70'>{self.error}</span>")
        self.completeChanged.emit()

    def _scanned(self, summary) -> None:
        self.summary = summary
        self.bar.hide()
        ds = summary.dataset
        self.status.setText(f"<b>{ds.name}</b>: {len(ds)} readable clips in {len(summary.classes)} classes"
                            + (f", {len(summary.unreadable)} unreadable files skipped" if summary.unreadable else "")
                            + (f", {len(ds.missing)} files listed but missing" if ds.missing else ""))
        reviewed = self.wiz.reviewed_counts() if self.wiz.source_page.reviewed.isChecked() else {}
        self.table.blockSignals(True)
        for c in summary.classes:
            s = summary.split_counts.get(c, {})
            self._add_row([c, summary.counts[c], summary.groups[c], s.get("train", 0), s.get("val", 0),
                           s.get("test", 0), summary.split.by.get(c, "?"), reviewed.get(c, "")])
        for c in sorted(set(reviewed) - set(summary.classes)):
            self._add_row([c, 0, 1, "", "", "", "reviewed only", reviewed[c]], checked=False)
        self.table.blockSignals(False)
        notes = list(summary.split.notes)
        self.notes.setText("\n".join(f"• {n}" for n in notes))
        for rel, why in summary.unreadable:
            self.unreadable.addTopLevelItem(QTreeWidgetItem([rel, why]))
        self.unreadable.setVisible(bool(summary.unreadable))
        self.completeChanged.emit()

    def _add_row(self, values, checked: bool = True) -> None:
        item = QTreeWidgetItem([str(v) for v in values])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
        item.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        for col in range(1, 6):
            item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if values[6] == "clip":
            item.setForeground(6, QColor(theme.THRESHOLD))
            item.setToolTip(6, "a single group: clips of one group are split one by one (see the note)")
        self.table.addTopLevelItem(item)

    def selected_classes(self) -> tuple[str, ...]:
        out = []
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            if item.checkState(0) == Qt.CheckState.Checked:
                out.append(item.text(0))
        return tuple(out)

    def set_checked(self, classes) -> None:
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            item.setCheckState(0, Qt.CheckState.Checked if item.text(0) in classes else Qt.CheckState.Unchecked)

    def isComplete(self) -> bool:
        return self.summary is not None and len(self.selected_classes()) >= 2
