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
from relstudio.gui.views.fast_items import FlatBars, blend
from relstudio.gui.views.overlays import small_font

SILENCE_GREY = "#8a8f99"
HEIGHT = 10.0  # shading reaches above any y range the view shows
EDGE = 0.022
SHADE_Z = -60  # under the time grid (−50)


def _font():
    return small_font(size=8.5, bold=False, italic=True)


class PassageOverlay:
    """Four bar items (passage shade and strip, silence shade and strip) and the *silence* labels, reused."""

    def __init__(self, plot, doc):
        self.plot, self.doc = plot, doc
        self.bar_items: list = []  # shade, edge, grey, strip
        self.label_pool: list = []  # TextItems, the first len(silence_labels) in use
        self.silence_labels: list = []  # (start, end, TextItem)
        self.passages: tuple = ()  # drawn (tests read them)
        self.silent: list[tuple[float, float]] = []
        # The whole-height shades are opaque, pre-blended with the plot's background and drawn under the grid,
        # bars and curves (which they never tinted): a translucent fill of that area cost ~2 ms a repaint.
        for colour, alpha, z in ((theme.THRESHOLD, 30, SHADE_Z), (theme.THRESHOLD, 190, 30),
                                 (SILENCE_GREY, 34, SHADE_Z), (SILENCE_GREY, 150, 30)):
            if z == SHADE_Z:
                brush = blend(colour, theme.PLOT_BG, alpha / 255)
            else:
                brush = QColor(colour)
                brush.setAlpha(alpha)
            item = FlatBars(x=[], width=[], y0=[], height=[], brush=brush, pen=None)
            item.setZValue(z)
            item.hide()
            plot.addItem(item, ignoreBounds=True)
            self.bar_items.append(item)

    @staticmethod
    def _bars(item, spans, *, y0: float, height: float) -> None:
        if spans:
            item.setOpts(x=[(a + b) / 2 for a, b in spans], width=[b - a for a, b in spans], y0=[y0] * len(spans),
                         height=[height] * len(spans))
            item.show()
        elif item.isVisible():
            item.setOpts(x=[], width=[], y0=[], height=[])
            item.hide()

    def _label(self, i: int):
        while len(self.label_pool) <= i:
            label = pg.TextItem("silence", color=SILENCE_GREY, anchor=(0.5, 1.0))
            label.setFont(_font())
            label.setZValue(31)
            self.plot.addItem(label, ignoreBounds=True)
            self.label_pool.append(label)
        return self.label_pool[i]

    def refresh(self) -> None:
        state = self.doc.relevance
        self.passages = state.passages()
        self.silent = state.silent_spans()
        spans = [(p.start, p.end) for p in self.passages]
        shade, edge, grey, strip = self.bar_items
        self._bars(shade, spans, y0=0.0, height=HEIGHT)
        self._bars(edge, spans, y0=-EDGE, height=EDGE)
        self._bars(grey, self.silent, y0=0.0, height=HEIGHT)
        self._bars(strip, self.silent, y0=-EDGE, height=EDGE)
        self.silence_labels = [(a, b, self._label(i)) for i, (a, b) in enumerate(self.silent)]
        for label in self.label_pool[len(self.silent):]:
            label.hide()
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
