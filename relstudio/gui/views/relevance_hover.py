"""The relevance view's hover card: a vertical line at the time under the mouse and its numbers.

The card shows the window under the mouse (its span, R_max explained in one
line as R × top probability, the winner or *silence*, every expert's mean
probability, best first), the segment under the mouse (its own R_max and level)
and the compared viewpoint's R_max. The numbers come from
``doc.relevance.hover(t)``; the card computes nothing.

The card lives in the plot's pixel coordinates (not the data's): it stays
inside the plot, does not move when the view zooms, keeps off the curve where
there is room (:func:`~relstudio.gui.views.label_layout.place_card`) and hides
when the mouse leaves.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsTextItem

from relstudio.core.audibility import MIN_DB
from relstudio.core.relevance import SILENCE
from relstudio.gui import theme
from relstudio.gui.views.common import format_time
from relstudio.gui.views.label_layout import place_card

SILENCE_COLOUR = "#8a8f99"
PAD = 5.0


def hover_html(doc, t: float) -> str:
    """The hover text at ``t`` seconds: window and segment values, winner, each expert's probability."""
    v = doc.relevance.hover(t)
    cur = doc.relevance.segments()
    if v is None or cur is None:
        return ""
    roster, res = doc.roster, doc.relevance.settings.window_seconds
    span = f"<b>{format_time(v.start, decimals=2)} – {format_time(v.end, decimals=2)}</b>"
    lines = [span + (f" · {res:g}-s window" if res else " · segment")]
    if v.winner == SILENCE:
        level = "" if v.level_db is None else (" (digital silence)" if v.level_db <= MIN_DB + 1
                                               else f" ({v.level_db:.0f} dBFS)")
        lines.append(f"<span style='color:{SILENCE_COLOUR}'><i>silence</i> — below the audibility floor{level}, "
                     "no evidence</span>")
    else:
        audible = f" × audible {v.audible:.2f}" if v.audible < 0.995 else ""
        lines.append(f"R<sub>max</sub> <b>{v.r_max:.3f}</b> = R {v.certainty:.3f} (agreement: 1 − entropy) "
                     f"× top P {v.top_p:.3f}{audible}")
        win = cur.experts[v.winner]
        lines.append(f"winner <b style='color:{roster.colour(win.fingerprint)}'>"
                     f"{html.escape(roster.display_label(win.fingerprint))}</b>")
        cells = []
        for i in np.argsort(-v.probs, kind="stable"):
            ref = cur.experts[int(i)]
            cells.append(f"<span style='color:{roster.colour(ref.fingerprint)}'>■</span>&nbsp;"
                         f"{html.escape(roster.display_label(ref.fingerprint)).replace(' ', '&nbsp;')}"
                         f"&nbsp;{v.probs[i]:.3f}")
        per_row = 2 if len(cells) > 3 else 1
        lines += ["&nbsp;&nbsp; ".join(cells[j:j + per_row]) for j in range(0, len(cells), per_row)]
    if res and v.segment >= 0:
        level = f" · {v.level_db:.0f} dBFS" if v.level_db is not None and v.level_db > MIN_DB + 1 else ""
        at = format_time(float(cur.centres[v.segment]), decimals=2)
        lines.append(f"<span style='color:{theme.TEXT_DIM}'>segment {at}: R<sub>max</sub> {v.segment_r_max:.3f}{level}</span>")
    if v.compared is not None:
        lines.append(f"<i>{html.escape(doc.compare or '')}</i>: R<sub>max</sub> {v.compared:.3f}")
    return "<br>".join(lines)


class HoverCard:
    """Drawn on ``plot`` (a relevance view); ``show_at(t, y)`` follows the mouse, ``hide()`` on leave."""

    def __init__(self, plot, doc):
        self.plot, self.doc = plot, doc
        self.mouse: QPointF | None = None  # last mouse position in the plot's pixels
        self.line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(QColor(255, 255, 255, 70)))
        self.line.setZValue(60)
        self.line.hide()
        plot.addItem(self.line, ignoreBounds=True)
        self.box = QGraphicsRectItem()
        self.box.setParentItem(plot.vb)
        self.box.setBrush(QBrush(QColor(22, 24, 30, 238)))
        self.box.setPen(QPen(QColor("#4a505c")))
        self.box.setZValue(1000)
        self.text = QGraphicsTextItem(self.box)
        self.text.setPos(PAD - 4, PAD - 4)
        self.box.hide()

    def hide(self) -> None:
        self.mouse = None
        self.line.hide()
        self.box.hide()

    def rect(self) -> tuple[float, float, float, float]:
        """The card in the plot's pixels ``(x, y, w, h)`` (tests check it stays inside)."""
        r = self.box.mapRectToParent(self.box.rect())
        return (r.x(), r.y(), r.width(), r.height())

    def show_at(self, t: float, y: float = math.nan) -> None:
        """The card at data point ``(t, y)`` (hidden off the plot: ``t`` NaN, or nothing to show)."""
        if math.isnan(t):
            self.hide()
            return
        self.mouse = self.plot.vb.mapFromView(QPointF(t, 0.0 if math.isnan(y) else y))
        self.refresh()

    def refresh(self) -> None:
        """Redraw at the last mouse pixel (after a zoom the card stays where it was; its time follows)."""
        if self.mouse is None:
            return
        t = float(self.plot.vb.mapToView(self.mouse).x())
        text = hover_html(self.doc, t)
        if not text:
            self.line.hide()
            self.box.hide()
            return
        self.line.setPos(t)
        self.text.setHtml(f"<div style='color:{theme.TEXT}; font-size:9pt'>{text}</div>")
        size = self.text.boundingRect()
        w, h = size.width() + 2 * PAD - 8, size.height() + 2 * PAD - 8
        width, height = float(self.plot.vb.width()), float(self.plot.vb.height())
        legend = self.plot.legend.rect()  # keep the legend readable when the card fits below it
        top = legend[1] + legend[3] if legend is not None and height - legend[1] - legend[3] >= h + 4 else 0.0
        bounds = (0.0, top, width, height - top)
        mouse = (float(self.mouse.x()), float(self.mouse.y()))
        x, *_ = place_card(mouse=mouse, size=(w, h), bounds=bounds)
        x, y, w, h = place_card(mouse=mouse, size=(w, h), bounds=bounds, avoid_y=self.plot.curve_rows(x, x + w))
        self.box.setRect(0, 0, w, h)
        self.box.setPos(x, y)
        self.line.show()
        self.box.show()
