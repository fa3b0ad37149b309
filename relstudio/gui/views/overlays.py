"""Overlays of the relevance view: review marks and the segments behind a class's score.

- :class:`ReviewOverlay`: each reviewed segment as a strip at the bottom of the
  plot, green for "is class X", red for "is not class X", with the class name.
- :class:`ContributionOverlay`: the top passages of the class picked in the
  classification panel, shaded over the whole height and ranked #1, #2, … by
  tags in filled boxes at the top of the curve (the peak labels keep clear of them).
Both only draw what the Document holds (``doc.review``, ``doc.classification``).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QFontMetrics

from relstudio.gui.views.fast_items import FlatBars

POSITIVE = "#5fd38d"
NEGATIVE = "#ff6b6b"
HIGHLIGHT = "#f4f6fa"  # neutral: no expert colour, not the yellow cursor
STRIP = 0.045


def small_font(*, size: float = 8.0, bold: bool = True, italic: bool = False) -> QFont:
    """The font of the text drawn on the relevance view (tags, labels)."""
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    font.setItalic(italic)
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
            self._add(FlatBars(x=[(a + b) / 2], height=[STRIP], width=[b - a], y0=[0.0], brush=colour,
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
            label.setFont(small_font())
            label.setPos((a + b) / 2, STRIP + 0.01)
            self._add(label, 37)
            self.labels.append(((a + b) / 2, label))
        self.thin()

    def thin(self) -> None:
        """Hide labels that would overlap the one before them at the current zoom (the strips stay)."""
        if not self.labels:
            return
        x0, x1 = self.plot.visible_range()
        per_px = self.plot.seconds_per_pixel()
        metrics = QFontMetrics(small_font())
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
        self.tags: list = []
        self.passages: list = []  # drawn, best first (tests read them)
        doc.classification.highlightChanged.connect(self.refresh)
        doc.trackChanged.connect(self.refresh)

    def refresh(self) -> None:
        for item in self.items:
            self.plot.removeItem(item)
        self.items, self.tags = [], []
        self.passages = [p for p, _share in self.doc.classification.highlighted]
        if not self.passages:
            return
        near = self.plot.seconds_per_pixel() * 40  # tags closer than ~40 px share one
        tags = []  # [centre sum, count, ranks]
        for rank, p in sorted(enumerate(self.passages, start=1), key=lambda rp: rp[1].start):
            c = (p.start + p.end) / 2
            if tags and c - tags[-1][0] / tags[-1][1] < near:
                tags[-1] = [tags[-1][0] + c, tags[-1][1] + 1, tags[-1][2] + [rank]]
            else:
                tags.append([c, 1, [rank]])
        for total, n, ranks in tags:
            tag = pg.TextItem(" ".join(f"#{r}" for r in sorted(ranks)), color="#101216", anchor=(0.5, 1.0),
                              fill=QColor(HIGHLIGHT), border=pg.mkPen(QColor(HIGHLIGHT)))
            tag.setFont(small_font())
            tag.setPos(total / n, 1.0)
            self._add(tag, 38)
            self.tags.append(tag)
        fill = QColor(HIGHLIGHT)
        fill.setAlpha(34)
        for p in self.passages:
            self._add(FlatBars(x=[(p.start + p.end) / 2], height=[self.y_top], width=[p.end - p.start],
                                      y0=[0.0], brush=fill, pen=None), 5)
            self._add(FlatBars(x=[(p.start + p.end) / 2], height=[0.012], width=[p.end - p.start],
                                      y0=[0.994], brush=QColor(HIGHLIGHT), pen=None), 38)

    def _add(self, item, z: float) -> None:
        item.setZValue(z)
        self.plot.addItem(item, ignoreBounds=True)
        self.items.append(item)

    def tag_rects(self) -> list[tuple[float, float, float, float]]:
        """The #rank tags' boxes in the plot's pixels (the peak labels keep clear of them)."""
        out = []
        for tag in self.tags:
            r = tag.mapRectToItem(self.plot.vb, tag.boundingRect())
            out.append((r.x(), r.y(), r.width(), r.height()))
        return out
