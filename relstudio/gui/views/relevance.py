"""Relevance view (paper Fig. 2): R_max over segments, labelled by the winning expert.

Under the curve each segment is a bar in its winner's colour (bright above the
threshold, dim below); the winner's name is written at the peaks above the
threshold, thinned to keep them apart on screen; a draggable line sets the
threshold; a second viewpoint's curve can be overlaid dashed. Hovering shows
time, relevance, winner and every expert's probability
(:mod:`relstudio.gui.views.relevance_hover`). Review marks and the
segments behind a class's score are drawn by :mod:`relstudio.gui.views.overlays`;
a right click asks for the review menu of the segment under the mouse.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QGraphicsTextItem

from relstudio.core.peaks import local_peaks, spaced_peaks
from relstudio.core.waveform_lod import peak_envelope
from relstudio.gui import theme
from relstudio.gui.views.common import TimePlot
from relstudio.gui.views.overlays import ContributionOverlay, ReviewOverlay
from relstudio.gui.views.relevance_hover import HoverCard

Y_TOP = 1.25  # room above 1 for the legend row
LABEL_CEILING = 1.07
LABEL_PAD_PX = 12
MAX_LABELS = 40


class RelevanceView(TimePlot):
    """Emits ``segmentActivated(k)`` for a click on a peak label or a highlighted segment,
    ``seekRequested(t)`` for a click elsewhere, ``contextRequested(k, screen_pos)`` for a right click."""

    segmentActivated = Signal(int)
    seekRequested = Signal(float)
    contextRequested = Signal(int, object)

    def __init__(self, doc, parent=None):
        super().__init__(title="relevance", parent=parent)
        self.doc = doc
        self.setYRange(0.0, Y_TOP, padding=0)
        self.getPlotItem().getAxis("left").setTicks([[(v, f"{v:g}") for v in (0, 0.25, 0.5, 0.75, 1.0)]])
        self.bars: list[pg.BarGraphItem] = []
        # A wide antialiased pen stroked as one path costs ~100 ms a frame in Qt's raster engine;
        # drawn as separate segments it costs ~10 ms. The dashed curve stays one thin path (dashes
        # need a continuous path; a 1-px cosmetic pen is cheap).
        self.curve = pg.PlotDataItem(pen=pg.mkPen(theme.CURVE, width=1.7))
        self.curve.curve.setSegmentedLineMode("on")
        self.curve.setZValue(20)
        self.compare_curve = pg.PlotDataItem(pen=pg.mkPen(theme.COMPARE, width=1, style=Qt.PenStyle.DashLine))
        self.compare_curve.setZValue(19)
        self.curve_source = (np.zeros(0), np.zeros(0))  # every segment's (centre, R_max) of the enabled set
        self.compare_source = (np.zeros(0), np.zeros(0))
        for c in (self.curve, self.compare_curve):
            self.addItem(c)
        self.threshold_line = pg.InfiniteLine(
            angle=0, movable=True, pen=pg.mkPen(theme.THRESHOLD, width=1.2, style=Qt.PenStyle.DashLine),
            hoverPen=pg.mkPen(theme.THRESHOLD, width=2.5), label="threshold {value:.2f}",
            labelOpts={"position": 0.01, "color": theme.THRESHOLD, "anchors": [(0, 1), (0, 1)],
                       "fill": QColor(18, 20, 25, 210)})
        self.threshold_line.setZValue(36)  # its label stays readable over peak labels
        self.threshold_line.setBounds((0.0, 1.0))
        self.addItem(self.threshold_line, ignoreBounds=True)
        self.threshold_line.sigPositionChangeFinished.connect(lambda line: doc.set_threshold(line.value()))
        # One rich-text item instead of pyqtgraph's LegendItem: rebuilding that on every expert toggle
        # cost ~10 ms (a LabelItem and a layout pass per entry); this costs well under 1 ms.
        self.legend = QGraphicsTextItem()
        self.legend.setParentItem(self.getPlotItem().vb)
        self.legend.setPos(6, 2)
        self.legend.setZValue(40)
        self._legend_html = None
        self.labels: list[pg.TextItem] = []
        self.label_segments: list[int] = []
        self.hover = HoverCard(self, doc)
        self.message = pg.TextItem(color=theme.TEXT_DIM, anchor=(0.5, 0.5))
        self.addItem(self.message, ignoreBounds=True)
        self._relabel = self.on_view_change(self.refresh_visible)
        self.hovered.connect(self.hover.show_at)
        doc.trackChanged.connect(self.refresh)
        doc.relevanceChanged.connect(self.refresh)
        doc.libraryChanged.connect(self.refresh)
        doc.thresholdChanged.connect(lambda _v: self.refresh())
        self.review_overlay = ReviewOverlay(self, doc, y_top=Y_TOP)
        self.contribution_overlay = ContributionOverlay(self, doc, y_top=Y_TOP)
        doc.analysisChanged.connect(self.review_overlay.refresh)
        self.refresh()

    # -- drawing -------------------------------------------------------------------
    def refresh(self) -> None:
        doc, cur = self.doc, self.doc.current()
        for b in self.bars:
            self.removeItem(b)
        self.bars = []
        thr = doc.threshold
        self.threshold_line.setValue(thr)
        self.threshold_line.label.setFormat("threshold {value:.2f}" + doc.threshold_note)
        self.threshold_line.setVisible(cur is not None and bool(cur.experts))
        if cur is None or not cur.experts:
            if doc.track is None:
                text = ""
            elif cur is None:
                text = "analysing…" if doc.runner.busy else "not analysed — press Ctrl+R to analyse"
            elif not doc.library.usable():
                text = "no experts in the library: import one (Ctrl+I) or train one with 'relstudio train'"
            else:
                text = "enable experts in the panel to see relevance"
            self.message.setText(text)
            self._place_message()
        else:
            self.message.setText("")
            rel, winners, x = cur.relevance, cur.winners, cur.centres
            width = cur.frontend.segment_hop_seconds  # one bar per segment, touching its neighbours
            for i, ref in enumerate(cur.experts):
                mine = winners == i
                if not mine.any():
                    continue
                colour = QColor(doc.roster.colour(ref.fingerprint))
                for above, alpha in ((True, 215), (False, 80)):
                    sel = mine & ((rel >= thr) if above else (rel < thr))
                    if sel.any():
                        colour.setAlpha(alpha)
                        bar = pg.BarGraphItem(x=x[sel], height=rel[sel], width=width, brush=QColor(colour), pen=None)
                        bar.setZValue(10)
                        self.addItem(bar)
                        self.bars.append(bar)
        self.curve_source = (cur.centres, cur.relevance) if cur is not None and cur.experts else (
            np.zeros(0), np.zeros(0))
        cmp = doc.compared()
        self.compare_source = (cmp.centres, cmp.relevance) if cmp is not None and cmp.experts else (
            np.zeros(0), np.zeros(0))
        self._rebuild_legend(cur, cmp)
        self.refresh_visible()

    def refresh_visible(self) -> None:
        """Redraw what depends on the visible range: the curves (thinned to screen maxima) and peak labels."""
        x0, x1 = self.visible_range()
        bins = self.pixel_width() // 2
        for item, (x, y) in ((self.curve, self.curve_source), (self.compare_curve, self.compare_source)):
            item.setData(*peak_envelope(x, y, x0, x1, bins=bins)) if len(x) else item.setData([], [])
        self.refresh_labels()
        if hasattr(self, "review_overlay"):
            self.review_overlay.thin()
            self.contribution_overlay.refresh()

    def _place_message(self) -> None:
        x0, x1 = self.visible_range()
        self.message.setPos((x0 + x1) / 2, Y_TOP / 2)

    def _rebuild_legend(self, cur, cmp) -> None:
        entries = []
        if cur is not None and cur.experts:
            entries.append((theme.CURVE, "━━", "R<sub>max</sub> — enabled experts"))
        if cmp is not None and cmp.experts:
            entries.append((theme.COMPARE, "╍╍", f"R<sub>max</sub> — {html.escape(self.doc.compare)}"))
        roster = self.doc.roster
        for ref in (cur.experts if cur is not None else ()):
            entries.append((roster.colour(ref.fingerprint), "■", html.escape(roster.display_label(ref.fingerprint))))
        body = "&nbsp;&nbsp;&nbsp; ".join(
            f'<span style="color:{colour}; font-size:11pt">{mark}</span>&nbsp;{text}' for colour, mark, text in entries)
        text = (f'<table cellpadding="3" style="background-color: rgba(18,20,25,170)"><tr><td>'
                f'<span style="color:{theme.TEXT}; font-size:9pt">{body}</span></td></tr></table>') if entries else ""
        width = max(200, self.pixel_width() - 12)
        if (text, width) != self._legend_html:
            self._legend_html = (text, width)
            self.legend.setTextWidth(width)
            self.legend.setHtml(text)
        self.legend.setVisible(bool(entries))

    def refresh_labels(self) -> None:
        """Winner names at the visible peaks above the threshold; labels never overlap (best peaks win)."""
        doc, cur = self.doc, self.doc.current()
        chosen: list[int] = []
        if cur is not None and cur.experts:
            x0, x1 = self.visible_range()
            k0, k1 = np.searchsorted(cur.centres, [x0, x1])
            order = local_peaks(cur.relevance, threshold=doc.threshold, start=int(k0),
                                stop=int(k1) + 1)[: 8 * MAX_LABELS]
            seconds_per_px = (x1 - x0) / self.pixel_width()
            metrics = QFontMetrics(self._label_font())
            names = {i: doc.roster.display_label(ref.fingerprint) for i, ref in enumerate(cur.experts)}
            half = {int(k): (metrics.horizontalAdvance(names[int(cur.winners[k])]) / 2 + LABEL_PAD_PX) * seconds_per_px
                    for k in order}
            chosen = spaced_peaks(order, positions=cur.centres, half_widths=half, limit=MAX_LABELS)
        while len(self.labels) < len(chosen):
            item = pg.TextItem(anchor=(0.5, 1.0), fill=QColor(18, 20, 25, 190))
            item.setFont(self._label_font())
            item.setZValue(35)
            self.addItem(item, ignoreBounds=True)
            self.labels.append(item)
        for item, k in zip(self.labels, chosen):
            ref = cur.experts[int(cur.winners[k])]
            item.setText(doc.roster.display_label(ref.fingerprint), color=doc.roster.colour(ref.fingerprint))
            item.setPos(float(cur.centres[k]), min(float(cur.relevance[k]) + 0.015, LABEL_CEILING))
            item.show()
        for item in self.labels[len(chosen):]:
            item.hide()
        self.label_segments = chosen
        if self.message.textItem.toPlainText():
            self._place_message()

    @staticmethod
    def _label_font() -> QFont:
        font = QFont()
        font.setPointSizeF(8.5)
        font.setBold(True)
        return font

    # -- interaction ---------------------------------------------------------------
    def on_click(self, t: float, y: float, scene_pos) -> None:
        for item, k in zip(self.labels, self.label_segments):
            if item.isVisible() and item.sceneBoundingRect().contains(scene_pos):
                self.segmentActivated.emit(k)
                return
        cur = self.doc.current()
        k = self.doc.segment_at(t)
        if cur is not None and cur.experts and k >= 0 and cur.relevance[k] >= self.doc.threshold:
            self.segmentActivated.emit(k)
        else:
            self.seekRequested.emit(t)
        self.clicked.emit(t, y)

    def on_context(self, t: float, y: float, screen_pos) -> None:
        k = self.doc.segment_at(t)
        if k >= 0:
            self.doc.select_segment(k)
            self.contextRequested.emit(k, screen_pos)
