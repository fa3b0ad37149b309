"""The collection table model (one row per track, a column per class score), its sparkline delegate and
:func:`style_table`: cells and headers elided at the right with the full text as tooltip, compact rows and
room for :data:`MIN_VISIBLE_ROWS` rows however small the dock."""

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
MIN_VISIBLE_ROWS = 3.5


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
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if section < len(BASE_COLUMNS):
                return BASE_COLUMNS[section]
            return f"P({self.labels[section - len(BASE_COLUMNS)]})"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
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
            if c == 0:
                return r.get("path", r["track"])
            text = self.data(index, Qt.ItemDataRole.DisplayRole)
            return f"{self.headerData(c, Qt.Orientation.Horizontal)}: {text}" if text != "" else None
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


def style_table(table) -> None:
    """Elide cells and headers at the right (tooltips carry the full text), compact rows, room for rows."""
    fm = table.fontMetrics()
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setTextElideMode(Qt.TextElideMode.ElideRight)
    header.setMinimumSectionSize(fm.horizontalAdvance("P(metal)") + 12)
    header.setDefaultSectionSize(fm.horizontalAdvance("P(orchestral (genre))") + 16)
    rows = table.verticalHeader()
    rows.setDefaultSectionSize(fm.height() + 8)
    rows.setMinimumSectionSize(fm.height() + 4)
    scrollbar = table.style().pixelMetric(table.style().PixelMetric.PM_ScrollBarExtent)
    table.setMinimumHeight(header.sizeHint().height() + scrollbar + round(MIN_VISIBLE_ROWS * rows.defaultSectionSize())
                           + 2 * table.frameWidth())
