"""Cheap drawing for the time plots: a grid at the time axis's ticks, and flat (unantialiased) bars.

pyqtgraph's own grid is drawn by the axis item with a translucent pen over the
whole plot: about 4 ms a frame per view in Qt's raster engine, the largest cost
of a pan or zoom step. :class:`TimeGrid` draws the same lines with opaque pens
(the translucent colour already blended with the plot's background), without
antialiasing, in one ``drawLines`` call per tick level. :class:`FlatBars` is a
BarGraphItem drawn without antialiasing.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen

from relstudio.gui import theme


def blend(colour: str, background: str, alpha: float) -> QColor:
    """``colour`` at opacity ``alpha`` over ``background``, as one opaque colour."""
    a, b = QColor(colour), QColor(background)
    return QColor(*(round(alpha * x + (1 - alpha) * y) for x, y in
                    ((a.red(), b.red()), (a.green(), b.green()), (a.blue(), b.blue()))))


class TimeGrid(pg.GraphicsObject):
    """Grid lines at ``axis``'s tick positions over the visible part of ``view`` (a ViewBox)."""

    def __init__(self, view, axis, *, alpha: float = 0.12):
        super().__init__()
        self.view, self.axis = view, axis
        self.pens = [QPen(blend(theme.TEXT_DIM, theme.PLOT_BG, alpha * f), 0) for f in (1.0, 0.55)]
        for pen in self.pens:
            pen.setCosmetic(True)
        self.setZValue(-50)  # under every curve, bar and image
        self._ticks = (None, [])  # ((x0, x1, width), lines): a repaint at the same range asks the axis nothing
        view.sigXRangeChanged.connect(lambda *_: self.prepareGeometryChange())

    def boundingRect(self) -> QRectF:
        return self.view.viewRect()

    def lines_at(self) -> list[list[float]]:
        """Tick times per level (major first) of the visible range, as the axis places them."""
        (x0, x1), width = self.view.viewRange()[0], max(1.0, float(self.view.width()))
        if self._ticks[0] != (x0, x1, width):
            self._ticks = ((x0, x1, width), [list(values) for _spacing, values in self.axis.tickValues(x0, x1, width)])
        return self._ticks[1]

    def paint(self, painter: QPainter, *_):
        r = self.view.viewRect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        done = set()
        for level, values in enumerate(self.lines_at()[:2]):
            xs = [x for x in values if x not in done]
            done.update(xs)
            painter.setPen(self.pens[min(level, 1)])
            painter.drawLines([QLineF(x, r.top(), x, r.bottom()) for x in xs])


class FlatBars(pg.BarGraphItem):
    """A BarGraphItem drawn without antialiasing: hundreds of bars and wide translucent shades cost
    several ms a frame antialiased (fractional edges); drawn flat they snap to whole pixels."""

    def paint(self, p, *args):
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        super().paint(p, *args)
