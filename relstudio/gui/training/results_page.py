"""Wizard page 5: held-out scores of every new expert and the RELNET table (MAP@3 of RELNET, baselines, fusions).

Numbers come from :func:`relstudio.core.training.evaluate.evaluate` on the
held-out test clips (chosen by group) — the same report as ``relstudio evaluate``.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QFont
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWizardPage)

from relstudio.core.training.tables import DISPLAY, GROUPS
from relstudio.gui import model_import, theme
from relstudio.gui.wording import UNDEFINED, plural, precision, score

EXPERT_COLUMNS = ("Expert", "Precision", "Recall", "Balanced acc.", "Test clips (pos./neg.)", "Best epoch")
MODEL_COLUMNS = ("Group", "Model", "MAP@3", "MAP@3 padded", "Accuracy", "Accuracy padded")


def _table(columns) -> QTableWidget:
    t = QTableWidget(0, len(columns))
    t.setHorizontalHeaderLabels(list(columns))
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    t.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    t.setShowGrid(False)
    t.setAlternatingRowColors(True)
    for c, name in enumerate(columns):
        if name not in ("Expert", "Group", "Model"):
            t.horizontalHeaderItem(c).setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return t


def _fill(table: QTableWidget, rows, *, bold_row=None) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            item = QTableWidgetItem(str(v))
            if c >= 1 and (isinstance(v, str) and (v[:1].isdigit() or v == UNDEFINED)):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if r == bold_row:
                font = QFont()
                font.setBold(True)
                item.setFont(font)
                item.setForeground(QColor(theme.CURSOR))
            table.setItem(r, c, item)
    table.setFixedHeight(table.horizontalHeader().height() + sum(table.rowHeight(i) for i in range(len(rows))) + 4)


class ResultsPage(QWizardPage):
    def __init__(self, wizard):
        super().__init__()
        self.wiz = wizard
        self.setTitle("Results")
        self.setSubTitle("Scores on the held-out test clips, which no model saw during training.")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.experts = _table(EXPERT_COLUMNS)
        self.models = _table(MODEL_COLUMNS)
        self.notes = QLabel()
        self.notes.setObjectName("hint")
        self.notes.setWordWrap(True)
        self.open_button = QPushButton("Open folder")
        self.open_button.clicked.connect(self._open_folder)
        self.add_button = QPushButton("Add to view")
        self.add_button.setToolTip("Enable the new experts on the open track, beside the enabled ones")
        self.add_button.clicked.connect(self.add_to_view)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addSpacing(6)
        layout.addWidget(QLabel("<b>Each expert as a clip-level detector</b> (positive when its clip probability "
                                "≥ 0.5)"))
        layout.addWidget(self.experts)
        layout.addSpacing(6)
        layout.addWidget(QLabel("<b>Classifying the test clips</b> — the paper's Table 1: RELNET, the baselines "
                                "and the expert fusions"))
        layout.addWidget(self.models)
        layout.addWidget(self.notes)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def initializePage(self) -> None:
        out = self.wiz.job.outcome
        report, ev = out.report, out.evaluation
        kinds = [k for k in ("relnet", "convnet", "convkong") if k in report.models]
        extra = f" and {', '.join(DISPLAY.get(k.upper(), k.upper()) for k in kinds)}" if kinds else ""
        self.summary.setText(
            f"Saved {plural(len(out.experts), 'expert')}{extra} in <b>{html.escape(str(out.folder))}</b>.<br>"
            f"The new experts are listed under “Your experts”; the open view is unchanged until you "
            f"press <i>Add to view</i>.")
        self.add_button.setEnabled(True)
        rows = []
        for label in report.models:
            if label in ("relnet", "convnet", "convkong"):
                continue
            s = (ev.detectors.get(label) if ev is not None else None) or {}
            fit = report.fits.get(label, {})
            counts = f"{s['tp'] + s['fn']} / {s['fp'] + s['tn']}" if s else UNDEFINED
            rows.append([label, precision(s) if s else UNDEFINED, score(s.get("recall")), score(s.get("balanced_accuracy")),
                         counts, str(fit.get("best_epoch", UNDEFINED))])
        _fill(self.experts, rows)
        model_rows = []
        bold = None
        for r in (ev.rows if ev is not None else []):
            m = r["model"]
            if m == "RELNET":
                bold = len(model_rows)
            model_rows.append([GROUPS.get(m, ""), DISPLAY.get(m, m), score(r["map@3"]), score(r["map@3_padded"]),
                               score(r["accuracy"]), score(r["accuracy_padded"])])
        _fill(self.models, model_rows, bold_row=bold)
        notes = list(out.notes) + (list(ev.notes) if ev is not None else [])
        if ev is not None:
            notes.insert(0, f"{ev.split}. Padded: every clip zero-padded to the longest ({ev.pad_frames} frames), "
                            "all segments count (the paper's padded test).")
        self.notes.setText("\n".join(notes))

    def value(self, model: str, column: str) -> str:
        """The text shown for ``model`` (e.g. ``RELNET``) in ``column`` (tests read the table with it)."""
        col = MODEL_COLUMNS.index(column)
        for r in range(self.models.rowCount()):
            if self.models.item(r, 1).text() == DISPLAY.get(model, model):
                return self.models.item(r, col).text()
        raise KeyError(model)

    def add_to_view(self) -> None:
        out = self.wiz.job.outcome if self.wiz.job is not None else None
        if out is not None:
            model_import.add_to_view(self.wiz.doc, model_import.adopt_trained(self.wiz.doc, out.folder, out.experts))
            self.add_button.setEnabled(False)

    def _open_folder(self) -> None:
        out = self.wiz.job.outcome if self.wiz.job is not None else None
        if out is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(out.folder)))
