"""The relevance view's hover card: a vertical line at the segment under the mouse and its numbers.

The card shows the segment's time span, R_max and R, the winning expert and
every enabled expert's probability (best first), and the compared viewpoint's
R_max when one is overlaid. It reads the document; it computes nothing.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from relstudio.gui import theme
from relstudio.gui.views.common import format_time


def hover_html(doc, k: int) -> str:
    """The hover text of segment ``k``: time, relevance, winner, each expert's probability."""
    cur = doc.current()
    if cur is None or not 0 <= k < cur.n_segments:
        return ""
    t0, t1 = cur.times[k]
    lines = [f"<b>{format_time(t0)} – {format_time(t1)}</b>"]
    roster = doc.roster
    if cur.experts:
        win = cur.experts[int(cur.winners[k])]
        colour = roster.colour(win.fingerprint)
        lines.append(f"R<sub>max</sub> <b>{cur.relevance[k]:.3f}</b> &nbsp; R {cur.certainty[k]:.3f}")
        lines.append(f"winner <b style='color:{colour}'>{html.escape(roster.display_label(win.fingerprint))}</b>")
        for i in np.argsort(-cur.probs[:, k], kind="stable"):
            ref = cur.experts[int(i)]
            lines.append(f"<span style='color:{roster.colour(ref.fingerprint)}'>■</span> "
                         f"{html.escape(roster.display_label(ref.fingerprint))} {cur.probs[i, k]:.3f}")
    cmp = doc.compared()
    if cmp is not None and cmp.experts and k < cmp.n_segments:
        lines.append(f"<i>{html.escape(doc.compare)}</i>: R<sub>max</sub> {cmp.relevance[k]:.3f}")
    return "<br>".join(lines)


class HoverCard:
    """Drawn on ``plot`` (a :class:`~relstudio.gui.views.common.TimePlot`); ``show_at(t, y)`` follows the mouse."""

    def __init__(self, plot, doc, *, y: float = 1.0):
        self.plot, self.doc, self.y = plot, doc, y
        self.line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(QColor(255, 255, 255, 70)))
        self.text = pg.TextItem(anchor=(0, 0), fill=QColor(22, 24, 30, 235), border=pg.mkPen("#4a505c"))
        for item in (self.line, self.text):
            item.setZValue(60)
            item.hide()
            plot.addItem(item, ignoreBounds=True)

    def show_at(self, t: float, y: float = math.nan) -> None:
        """The card of the segment nearest ``t`` seconds (hidden off the plot: ``t`` NaN, or no analysis)."""
        k = -1 if math.isnan(t) else self.doc.segment_at(t)
        text = hover_html(self.doc, k) if k >= 0 else ""
        if not text:
            self.line.hide()
            self.text.hide()
            return
        self.line.setPos(float(self.doc.current().centres[k]))
        self.text.setHtml(f"<div style='color:{theme.TEXT}; font-size:9pt'>{text}</div>")
        x0, x1 = self.plot.visible_range()
        right_half = t > (x0 + x1) / 2
        self.text.setAnchor((1.0 if right_half else 0.0, 0.0))
        offset = (x1 - x0) * 0.01 * (-1 if right_half else 1)
        self.text.setPos(t + offset, self.y)
        self.line.show()
        self.text.show()
