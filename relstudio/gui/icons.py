"""Small vector icons painted with QPainter (readable on the dark theme, no image files)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

from relstudio.gui import theme

SIZE = 48


def _poly(*pts) -> QPolygonF:
    return QPolygonF([QPointF(x, y) for x, y in pts])


def _draw(p: QPainter, name: str, colour: QColor, accent_colour: str = theme.THRESHOLD) -> None:
    pen = QPen(colour, 3.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(colour)
    if name == "play":
        p.drawPolygon(_poly((15, 10), (38, 24), (15, 38)))
    elif name == "pause":
        p.drawRoundedRect(QRectF(13, 10, 7, 28), 1.5, 1.5)
        p.drawRoundedRect(QRectF(28, 10, 7, 28), 1.5, 1.5)
    elif name == "stop":
        p.drawRoundedRect(QRectF(13, 13, 22, 22), 2, 2)
    elif name == "start":
        p.drawRoundedRect(QRectF(11, 11, 4, 26), 1, 1)
        p.drawPolygon(_poly((37, 11), (18, 24), (37, 37)))
    elif name == "highlighted":
        p.drawPolygon(_poly((8, 12), (24, 22), (8, 32)))
        accent = QColor(accent_colour)
        p.setPen(QPen(accent, 3.2))
        p.setBrush(accent)
        for x, h in ((28, 10), (34, 20), (40, 14)):
            p.drawRect(QRectF(x, 38 - h, 3, h))
    elif name in ("zoom_in", "zoom_out"):
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QPointF(20, 20), 11, 11)
        p.drawLine(QPointF(28, 28), QPointF(39, 39))
        p.drawLine(QPointF(14, 20), QPointF(26, 20))
        if name == "zoom_in":
            p.drawLine(QPointF(20, 14), QPointF(20, 26))
    elif name == "fit":
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawLine(QPointF(8, 12), QPointF(8, 36))
        p.drawLine(QPointF(40, 12), QPointF(40, 36))
        p.drawLine(QPointF(13, 24), QPointF(35, 24))
        p.drawPolyline(_poly((19, 18), (13, 24), (19, 30)))
        p.drawPolyline(_poly((29, 18), (35, 24), (29, 30)))
    elif name == "follow":
        p.setBrush(Qt.BrushStyle.NoBrush)
        cursor = QColor(accent_colour if accent_colour != theme.THRESHOLD else theme.CURSOR)
        p.setPen(QPen(cursor, 3.2))
        p.drawLine(QPointF(24, 8), QPointF(24, 40))
        p.setPen(pen)
        p.drawLine(QPointF(8, 24), QPointF(18, 24))
        p.drawLine(QPointF(30, 24), QPointF(40, 24))
        p.drawPolyline(_poly((35, 19), (40, 24), (35, 29)))
    elif name == "open":
        path = QPainterPath()
        path.moveTo(7, 14)
        path.lineTo(19, 14)
        path.lineTo(23, 18)
        path.lineTo(41, 18)
        path.lineTo(41, 37)
        path.lineTo(7, 37)
        path.closeSubpath()
        p.setBrush(QColor(colour.red(), colour.green(), colour.blue(), 70))
        p.drawPath(path)


@lru_cache(maxsize=64)
def icon(name: str, colour: str = theme.TEXT) -> QIcon:
    ico = QIcon()
    for mode, c in ((QIcon.Mode.Normal, colour), (QIcon.Mode.Disabled, "#585e6a")):
        pix = QPixmap(SIZE, SIZE)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        _draw(p, name, QColor(c), theme.THRESHOLD if mode == QIcon.Mode.Normal else c)
        p.end()
        ico.addPixmap(pix, mode)
    return ico
