"""The relevance view's passages and silence: what H plays, and where the experts heard nothing.

- each highlighted passage (``doc.relevance.passages()``) is shaded over the
  whole height with a bar along the bottom, in the threshold's colour;
- each run of silent windows (no evidence, no winner) is shaded grey and
  labelled *silence* where it is wide enough on screen.

Both only draw what the Document holds; :meth:`PassageOverlay.thin` re-checks
which *silence* labels fit after a zoom.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFontMetrics

from relstudio.gui import theme
from relstudio.gui.views.overlays import small_font

SILENCE_GREY = "#8a8f99"
HEIGHT = 10.0  # shading reaches above any y range the view shows
EDGE = 0.022


def _font():
    return small_font(size=8.5, bold=False, italic=True)


class PassageOverlay:
    def __init__(self, plot, doc):
        self.plot, self.doc = plot, doc
        self.items: list = []
        self.silence_labels: list = []  # (start, end, TextItem)
        self.passages: tuple = ()  # drawn (tests read them)
        self.silent: list[tuple[float, float]] = []

    def _add(self, item, z: float) -> None:
        item.setZValue(z)
        self.plot.addItem(item, ignoreBounds=True)
        self.items.append(item)

    def _bars(self, spans, *, y0: float, height: float, colour: QColor, z: float) -> None:
        if spans:
            self._add(pg.BarGraphItem(x=[(a + b) / 2 for a, b in spans], width=[b - a for a, b in spans],
                                      y0=[y0] * len(spans), height=[height] * len(spans), brush=colour, pen=None), z)

    def refresh(self) -> None:
        for item in self.items:
            self.plot.removeItem(item)
        self.items, self.silence_labels = [], []
        state = self.doc.relevance
        self.passages = state.passages()
        self.silent = state.silent_spans()
        spans = [(p.start, p.end) for p in self.passages]
        shade, edge, grey, strip = (QColor(theme.THRESHOLD), QColor(theme.THRESHOLD), QColor(SILENCE_GREY),
                                    QColor(SILENCE_GREY))
        shade.setAlpha(30)
        edge.setAlpha(190)
        grey.setAlpha(34)
        strip.setAlpha(150)
        self._bars(spans, y0=0.0, height=HEIGHT, colour=shade, z=4)
        self._bars(spans, y0=-EDGE, height=EDGE, colour=edge, z=30)
        self._bars(self.silent, y0=0.0, height=HEIGHT, colour=grey, z=4)
        self._bars(self.silent, y0=-EDGE, height=EDGE, colour=strip, z=30)
        for a, b in self.silent:
            label = pg.TextItem("silence", color=SILENCE_GREY, anchor=(0.5, 1.0))
            label.setFont(_font())
            label.setPos((a + b) / 2, 0.035)
            self._add(label, 31)
            self.silence_labels.append((a, b, label))
        self.thin()

    def thin(self) -> None:
        """Show a *silence* label only where its run is wider on screen than the word."""
        if not self.silence_labels:
            return
        x0, x1 = self.plot.visible_range()
        per_px = self.plot.seconds_per_pixel()
        need = (QFontMetrics(_font()).horizontalAdvance("silence") + 8) * per_px
        for a, b, label in self.silence_labels:
            label.setVisible(min(b, x1) - max(a, x0) >= need)
            if label.isVisible():
                label.setPos((max(a, x0) + min(b, x1)) / 2, 0.035)
