"""Item delegate drawing a bold first line and a dimmed second line (label + description)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from relstudio.gui import theme

DESC_ROLE = Qt.ItemDataRole.UserRole + 1  # the second line; items without it are drawn normally
BROKEN_ROLE = Qt.ItemDataRole.UserRole + 3  # True: greyed label, the second line in warning colour


class TwoLineDelegate(QStyledItemDelegate):
    """Label on the first line, the description dimmed on the second."""

    def sizeHint(self, option, index):
        base = super().sizeHint(option, index)
        if index.data(DESC_ROLE) is None:
            return base
        return QSize(base.width(), option.fontMetrics.height() * 2 + 10)

    def paint(self, painter, option, index):
        desc = index.data(DESC_ROLE)
        if desc is None:
            return super().paint(painter, option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        label, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget else None
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect: QRect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        enabled = not index.data(BROKEN_ROLE)
        fm = opt.fontMetrics
        painter.save()
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(theme.TEXT if enabled else "#6b717d"))
        top = rect.adjusted(2, 3, -2, 0)
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                         fm.elidedText(label, Qt.TextElideMode.ElideRight, top.width()))
        font.setBold(False)
        painter.setFont(font)
        painter.setPen(QColor(theme.TEXT_DIM if enabled else "#c77d6b"))
        bottom = rect.adjusted(2, fm.height() + 4, -2, 0)
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                         fm.elidedText(str(desc), Qt.TextElideMode.ElideRight, bottom.width()))
        painter.restore()
