"""The relevance view's peak labels: each visible passage named by its winner, over its peak.

Labels are laid out in pixels by :func:`~relstudio.gui.views.label_layout.place_labels`
(the best passages first): inside the plot, never over each other, the
threshold label, the legend or the classification's #1–#5 tags; a label with no
room is left out. Clicking a label plays its passage (the view asks :meth:`hit`).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFontMetrics

from relstudio.core.passages import rank_passages
from relstudio.gui.views.label_layout import Label, place_labels
from relstudio.gui.views.overlays import small_font

MAX_LABELS = 40
CANDIDATES = 4 * MAX_LABELS  # the best passages in view that may get a label
PAD_X, PAD_Y = 8, 8  # pixels a TextItem adds around its text (document margins)


def label_font():
    return small_font(size=8.5)


class PeakLabels:
    def __init__(self, plot, doc):
        self.plot, self.doc = plot, doc
        self.items: list[pg.TextItem] = []
        self.shown: list[tuple[str, str] | None] = []  # (text, colour) each item shows: set again only on change
        self.placed: list[tuple | None] = []  # (x px, y px, pixels → view transform) each item was put at
        self.passages: list = []  # the passage each shown label names, in the order of ``items``
        self.metrics = QFontMetrics(label_font())
        self._ranked: tuple = (None, [])  # (the passages, them best first)

    def _item(self, i: int) -> pg.TextItem:
        while len(self.items) <= i:
            item = pg.TextItem(anchor=(0, 0), fill=QColor(18, 20, 25, 200))
            item.setFont(label_font())
            item.setZValue(35)
            self.plot.addItem(item, ignoreBounds=True)
            self.items.append(item)
            self.shown.append(None)
            self.placed.append(None)
        return self.items[i]

    def layout(self, *, obstacles=()) -> None:
        """Place the labels of the passages in view (best first); ``obstacles``: pixel rects to keep clear of."""
        view, cur = self.doc.relevance.view(), self.doc.relevance.segments()
        chosen = []
        if view is not None and cur is not None:
            vb = self.plot.vb
            x0, x1 = self.plot.visible_range()
            if self._ranked[0] is not view.passages:  # ranked once per set of passages, not per pan step
                self._ranked = (view.passages, rank_passages(view.passages))
            visible = [p for p in self._ranked[1] if p.end > x0 and p.start < x1 and p.winner >= 0]
            visible = visible[:CANDIDATES]
            names = {w: self.doc.roster.display_label(cur.experts[w].fingerprint) for w in {p.winner for p in visible}}
            widths = {w: self.metrics.horizontalAdvance(n) + PAD_X for w, n in names.items()}
            m, height = vb.childTransform(), self.metrics.height() + PAD_Y  # view → pixels, for every label at once
            wanted = []
            for p in visible:
                t = min(max(p.peak_time, x0), x1)
                wanted.append(Label(m.m11() * t + m.m21() * p.peak + m.dx(), m.m12() * t + m.m22() * p.peak + m.dy(),
                                    widths[p.winner], height))
            bounds = (0.0, 0.0, float(vb.width()), float(vb.height()))
            spots = place_labels(wanted, bounds=bounds, obstacles=obstacles, limit=MAX_LABELS,
                                 keys=[p.winner for p in visible])  # one name per cluster, never a stack of it
            chosen = [(p, names[p.winner], spot) for p, spot in zip(visible, spots) if spot is not None]
        to_view = self.plot.vb.childTransform().inverted()[0] if chosen else None  # pixels → view, once
        colours = {}
        for i, (p, name, (x, y, _w, _h)) in enumerate(chosen):
            item = self._item(i)
            if p.winner not in colours:
                colours[p.winner] = self.doc.roster.colour(cur.experts[p.winner].fingerprint)
            look = (name, colours[p.winner])
            if self.shown[i] != look:
                item.setText(*look)
                self.shown[i] = look
            if self.placed[i] != (x, y, to_view):  # moving an item costs pyqtgraph a geometry change
                item.setPos(to_view.map(QPointF(x, y)))
                self.placed[i] = (x, y, to_view)
            item.show()
        for item in self.items[len(chosen):]:
            item.hide()
        self.passages = [p for p, _n, _s in chosen]

    def rects(self) -> list[tuple[float, float, float, float]]:
        """The shown labels' boxes in the plot's pixels (tests check they never overlap)."""
        out = []
        for item in self.items[:len(self.passages)]:
            r = item.mapRectToItem(self.plot.vb, item.boundingRect())
            out.append((r.x(), r.y(), r.width(), r.height()))
        return out

    def hit(self, scene_pos):
        """The passage whose label is under ``scene_pos``, else ``None``."""
        for item, p in zip(self.items, self.passages):
            if item.isVisible() and item.sceneBoundingRect().contains(scene_pos):
                return p
        return None
