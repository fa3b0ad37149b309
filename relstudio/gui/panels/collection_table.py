"""The collection table model (one row per track, a column per class score) and its sparkline delegate."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPointF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QStyledItemDelegate

from relstudio.gui import theme

SORT_ROLE = Qt.ItemDataRole.UserRole + 10
CURVE_ROLE = Qt.ItemDataRole.UserRole + 11
ROW_ROLE = Qt.ItemDataRole.UserRole + 12
BASE_COLUMNS = ("Track", "Class", "Duration", "Mean rel.", "Peak rel.", "Relevance", "Best excerpt")
SPARK = BASE_COLUMNS.index("Relevance")


class CollectionModel(QAbstractTableModel):
    """Rows of a collection table (dicts as in ``core.collection.results``), one column per class score."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[dict] = []
        self.labels: list[str] = []

    def reset(self, labels=(), rows=()) -> None:
        self.beginResetModel()
        self.labels, self.rows = list(labels), list(rows)
        self.endResetModel()

    def add_row(self, row: dict) -> None:
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(row)
        self.endInsertRows()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(BASE_COLUMNS) + len(self.labels)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section < len(BASE_COLUMNS):
                return BASE_COLUMNS[section]
            return f"P({self.labels[section - len(BASE_COLUMNS)]})"
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = self.rows[index.row()], index.column()
        best = r["excerpts"][0] if r.get("excerpts") else None
        if role == ROW_ROLE:
            return r
        if role == CURVE_ROLE:
            return r.get("curve", []) if c == SPARK else None
        values = [r["track"], r["classification"], r["duration"], r["mean_relevance"], r["peak_relevance"],
                  r["mean_relevance"], best["relevance"] if best else 0.0]
        values += [r["scores"].get(lab, 0.0) for lab in self.labels]
        if role == SORT_ROLE:
            return values[c]
        if role == Qt.ItemDataRole.DisplayRole:
            if c == SPARK:
                return ""
            if c == 6:
                return f"{best['start']:.1f}–{best['end']:.1f} s {best['winner']}" if best else ""
            return f"{values[c]:.2f}" if c == 2 else f"{values[c]:.3f}" if isinstance(values[c], float) else values[c]
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.get("path", r["track"])
        return None


class SparklineDelegate(QStyledItemDelegate):
    """A track's relevance curve (values in [0, 1]) as a filled line in its cell."""

    def paint(self, painter, option, index):
        super().paint(painter, option, index)
        values = index.data(CURVE_ROLE) or []
        if len(values) < 2:
            return
        rect = option.rect.adjusted(3, 3, -3, -3)
        step = rect.width() / (len(values) - 1)
        points = [QPointF(rect.left() + i * step, rect.bottom() - max(0.0, min(1.0, v)) * rect.height())
                  for i, v in enumerate(values)]
        path = QPainterPath(QPointF(rect.left(), rect.bottom()))
        for p in points:
            path.lineTo(p)
        path.lineTo(QPointF(rect.right(), rect.bottom()))
        painter.save()
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        fill = QColor(theme.ACCENT)
        fill.setAlpha(70)
        painter.fillPath(path, fill)
        painter.setPen(QPen(QColor(theme.CURVE), 1.0))
        painter.drawPolyline(points)
        painter.restore()
