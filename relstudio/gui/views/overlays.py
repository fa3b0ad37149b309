"""Overlays of the relevance view: review marks and the segments behind a class's score.

- :class:`ReviewOverlay`: each reviewed segment as a strip at the bottom of the
  plot, green for "is class X", red for "is not class X", with the class name.
- :class:`ContributionOverlay`: the top segments of the class picked in the
  classification panel, shaded over the whole height and ranked #1, #2, …
Both only draw what the Document holds (``doc.review``, ``doc.classification``).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QFontMetrics

POSITIVE = "#5fd38d"
NEGATIVE = "#ff6b6b"
HIGHLIGHT = "#f4f6fa"  # neutral: no expert colour, not the yellow cursor
STRIP = 0.045


def _small_font(bold: bool = True) -> QFont:
    font = QFont()
    font.setPointSizeF(8.0)
    font.setBold(bold)
    return font


class ReviewOverlay:
    def __init__(self, plot, doc, *, y_top: float):
        self.plot, self.doc, self.y_top = plot, doc, y_top
        self.items: list = []
        self.labels: list = []  # (centre seconds, TextItem)
        self.marks: list = []  # (start, end, label, positive) drawn, for tests
        doc.review.changed.connect(self.refresh)
        doc.trackChanged.connect(self.refresh)

    def _clear(self) -> None:
        for item in self.items:
            self.plot.removeItem(item)
        self.items, self.marks, self.labels = [], [], []

    def _add(self, item, z: float) -> None:
        item.setZValue(z)
        self.plot.addItem(item, ignoreBounds=True)
        self.items.append(item)

    def refresh(self) -> None:
        self._clear()
        layer = self.doc.review.current()
        if layer is None:
            return
        per_span: dict = {}
        for m in layer.labels:
            per_span.setdefault((m.start, m.end), []).append(m)
        texts = []  # (start, end, text, positive): neighbouring spans with the same text get one label
        for (a, b), marks in sorted(per_span.items()):
            positive = any(m.positive for m in marks)
            colour = QColor(POSITIVE if positive else NEGATIVE)
            colour.setAlpha(200)
            self._add(pg.BarGraphItem(x=[(a + b) / 2], height=[STRIP], width=[b - a], y0=[0.0], brush=colour,
                                      pen=pg.mkPen(colour.darker(140))), 36)
            text = " ".join(("✓ " if m.positive else "✗ ") + m.label for m in marks)
            if texts and texts[-1][2] == text and a <= texts[-1][1]:
                texts[-1] = (texts[-1][0], max(b, texts[-1][1]), text, positive)
            else:
                texts.append((a, b, text, positive))
            self.marks.extend((m.start, m.end, m.label, m.positive) for m in marks)
        for a, b, text, positive in texts:
            label = pg.TextItem(text, color=POSITIVE if positive else NEGATIVE, anchor=(0.5, 1.0),
                                fill=QColor(18, 20, 25, 190))
            label.setFont(_small_font())
            label.setPos((a + b) / 2, STRIP + 0.01)
            self._add(label, 37)
            self.labels.append(((a + b) / 2, label))
        self.thin()

    def thin(self) -> None:
        """Hide labels that would overlap the one before them at the current zoom (the strips stay)."""
        if not self.labels:
            return
        x0, x1 = self.plot.visible_range()
        per_px = (x1 - x0) / self.plot.pixel_width()
        metrics = QFontMetrics(_small_font())
        right = float("-inf")
        for centre, label in self.labels:
            half = (metrics.horizontalAdvance(label.textItem.toPlainText()) / 2 + 6) * per_px
            label.setVisible(centre - half >= right)
            if label.isVisible():
                right = centre + half


class ContributionOverlay:
    def __init__(self, plot, doc, *, y_top: float):
        self.plot, self.doc, self.y_top = plot, doc, y_top
        self.items: list = []
        self.segments: list[int] = []  # drawn, best first (tests read it)
        doc.classification.highlightChanged.connect(self.refresh)
        doc.trackChanged.connect(self.refresh)

    def refresh(self) -> None:
        for item in self.items:
            self.plot.removeItem(item)
        self.items, self.segments = [], []
        a = self.doc.analysis
        ks = [int(k) for k in self.doc.classification.highlighted]
        if a is None or not ks:
            return
        spans = []  # merged overlapping segments: [start, end, ranks]
        for rank, k in sorted(enumerate(ks, start=1), key=lambda rk: a.times[rk[1], 0] if 0 <= rk[1] < a.n_segments
                              else 0.0):
            if not 0 <= k < a.n_segments:
                continue
            t0, t1 = (float(v) for v in a.times[k])
            if spans and t0 <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], t1)
                spans[-1][2].append(rank)
            else:
                spans.append([t0, t1, [rank]])
            self.segments.append(k)
        self.segments = [k for k in ks if k in self.segments]
        x0, x1 = self.plot.visible_range()
        near = (x1 - x0) / self.plot.pixel_width() * 34  # tags closer than ~34 px share one
        tags = []  # [centre sum, count, ranks]
        for t0, t1, ranks in spans:
            c = (t0 + t1) / 2
            if tags and c - tags[-1][0] / tags[-1][1] < near:
                tags[-1] = [tags[-1][0] + c, tags[-1][1] + 1, tags[-1][2] + ranks]
            else:
                tags.append([c, 1, list(ranks)])
        for total, n, ranks in tags:
            tag = pg.TextItem(" ".join(f"#{r}" for r in sorted(ranks)), color=HIGHLIGHT, anchor=(0.5, 0.0))
            tag.setFont(_small_font())
            tag.setPos(total / n, 0.98)
            tag.setZValue(38)
            self.plot.addItem(tag, ignoreBounds=True)
            self.items.append(tag)
        fill = QColor(HIGHLIGHT)
        fill.setAlpha(38)
        for t0, t1, _ranks in spans:
            shade = pg.BarGraphItem(x=[(t0 + t1) / 2], height=[self.y_top], width=[t1 - t0], y0=[0.0], brush=fill,
                                    pen=None)
            shade.setZValue(5)
            edge = pg.BarGraphItem(x=[(t0 + t1) / 2], height=[0.015], width=[t1 - t0], y0=[0.985],
                                   brush=QColor(HIGHLIGHT), pen=None)
            edge.setZValue(38)
            for item in (shade, edge):
                self.plot.addItem(item, ignoreBounds=True)
                self.items.append(item)
