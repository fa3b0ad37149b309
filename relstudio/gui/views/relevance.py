"""Relevance view (paper Fig. 2): R_max at the chosen resolution, its passages and its silence.

The curve is the windows' R_max (``doc.relevance.view()``: the paper's formula
on each window's mean probabilities, at 0.5–5 s or per segment); under it each
window is a bar in its winner's colour, bright inside a highlighted passage and
dim outside. Passages are shaded, silence (no evidence, no winner) is grey and
labelled *silence* (:mod:`relstudio.gui.views.passage_overlay`); each visible
passage is named by its winner over its peak (:mod:`relstudio.gui.views.peak_labels`).
The raw segment curve can be drawn thin behind the windows. A draggable line
sets the threshold; its label says what share of the track the passages at that
value cover, also while it is dragged. A second viewpoint's curve can be
overlaid dashed. Hovering shows the window and the segment under the mouse
(:mod:`relstudio.gui.views.relevance_hover`); the legend sits in a band above
R = 1 sized to hold it (:mod:`relstudio.gui.views.relevance_legend`), where the
axis shows no line and no tick (:class:`~relstudio.gui.views.common.BoundedAxis`). Review marks
and the passages behind a class's score are drawn by :mod:`relstudio.gui.views.overlays`.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor

from relstudio.core.waveform_lod import peak_envelope
from relstudio.gui import theme
from relstudio.gui.views.common import BoundedAxis, TimePlot
from relstudio.gui.views.fast_items import FlatBars
from relstudio.gui.views.overlays import ContributionOverlay, ReviewOverlay
from relstudio.gui.views.passage_overlay import PassageOverlay
from relstudio.gui.views.peak_labels import PeakLabels
from relstudio.gui.views.relevance_hover import HoverCard
from relstudio.gui.views.relevance_legend import Legend

Y_BOTTOM = -0.03  # room under 0 for the passage and silence strips
LABEL_ROW_PX = 22  # one row of peak labels above R = 1
MIN_CURVE_PX = 60  # the legend hides rather than squeeze the curve below this
EMPTY = (np.zeros(0), np.zeros(0))


class RelevanceView(TimePlot):
    """Emits ``passageActivated(passage)`` for a click on a peak label or inside a highlighted passage,
    ``seekRequested(t)`` for a click elsewhere, ``contextRequested(k, screen_pos)`` for a right click."""

    passageActivated = Signal(object)
    seekRequested = Signal(float)
    contextRequested = Signal(int, object)

    def __init__(self, doc, parent=None):
        # the axis shows R from 0 to 1 only: the band above holds the legend and labels
        axis = BoundedAxis("left", lo=Y_BOTTOM, hi=1.0, ticks=(0, 0.25, 0.5, 0.75, 1.0))
        super().__init__(title="relevance", value_axis=axis, parent=parent)
        self.doc = doc
        self.y_top = 1.25
        self.setYRange(Y_BOTTOM, self.y_top, padding=0)
        self.bars: list[FlatBars] = []
        # A wide antialiased pen stroked as one path costs ~100 ms a frame in Qt's raster engine;
        # drawn as separate segments it costs ~10 ms.
        self.curve = pg.PlotDataItem(pen=pg.mkPen(theme.CURVE, width=1.7))
        self.curve.curve.setSegmentedLineMode("on")
        self.curve.setZValue(20)
        self.segment_curve = pg.PlotDataItem(pen=pg.mkPen(QColor(200, 205, 215, 75), width=1))
        self.segment_curve.setZValue(18)
        self.compare_curve = pg.PlotDataItem(pen=pg.mkPen(theme.COMPARE, width=1, style=Qt.PenStyle.DashLine))
        self.compare_curve.setZValue(19)
        self.show_segments = True  # the raw segment curve behind the windows (View ▸ Show segment curve)
        self.sources = {self.curve: EMPTY, self.segment_curve: EMPTY, self.compare_curve: EMPTY}
        for c in self.sources:
            self.addItem(c)
        self.threshold_line = pg.InfiniteLine(
            angle=0, movable=True, pen=pg.mkPen(theme.THRESHOLD, width=1.2, style=Qt.PenStyle.DashLine),
            hoverPen=pg.mkPen(theme.THRESHOLD, width=2.5), label="threshold {value:.2f}",
            labelOpts={"position": 0.01, "color": theme.THRESHOLD, "anchors": [(0, 1), (0, 1)],
                       "fill": QColor(18, 20, 25, 220)})
        self.threshold_line.setZValue(36)
        self.threshold_line.setBounds((0.0, 1.0))
        self.addItem(self.threshold_line, ignoreBounds=True)
        self.threshold_line.sigPositionChanged.connect(self._threshold_moved)
        self.threshold_line.sigPositionChangeFinished.connect(lambda line: doc.set_threshold(line.value()))
        self.legend = Legend(self.vb)
        self.labels = PeakLabels(self, doc)
        self.passage_overlay = PassageOverlay(self, doc)
        self.hover = HoverCard(self, doc)
        self.message = pg.TextItem(color=theme.TEXT_DIM, anchor=(0.5, 0.5))
        self.addItem(self.message, ignoreBounds=True)
        self._relabel = self.on_view_change(self.refresh_visible)
        self.hovered.connect(self.hover.show_at)
        for signal in (doc.trackChanged, doc.relevanceChanged, doc.libraryChanged):
            signal.connect(self.refresh)
        doc.thresholdChanged.connect(self._refresh_on)  # methods, not lambdas: disconnected when the view is deleted
        self.analysis_percent = 0  # of the running analysis, for "analysing … N %"
        doc.runner.progress.connect(self._analysis_progress)
        doc.runner.busyChanged.connect(self._refresh_on)
        self.review_overlay = ReviewOverlay(self, doc, y_top=10.0)
        self.contribution_overlay = ContributionOverlay(self, doc, y_top=10.0)
        doc.analysisChanged.connect(self.review_overlay.refresh)
        doc.classification.highlightChanged.connect(self.refresh_labels)
        self.refresh()

    # -- drawing -------------------------------------------------------------------
    def _refresh_on(self, *_signal_args) -> None:
        self.refresh()

    def refresh(self) -> None:
        doc = self.doc
        view, cur = doc.relevance.view(), doc.relevance.segments()
        self.threshold_line.blockSignals(True)
        self.threshold_line.setValue(doc.threshold)
        self.threshold_line.blockSignals(False)
        self._threshold_moved(self.threshold_line, relabel=False)  # refresh_visible lays the labels out once
        self.threshold_line.setVisible(view is not None)
        self.message.setText("" if view is not None else self._empty_text(cur))
        self._draw_bars(view, cur)
        win = view.windows if view is not None else None
        self.sources[self.curve] = (win.times.mean(axis=1), win.relevance) if win is not None else EMPTY
        segmentwise = doc.relevance.settings.window_seconds is None
        self.sources[self.segment_curve] = (cur.centres, cur.relevance) if (
            view is not None and self.show_segments and not segmentwise) else EMPTY
        cmp = doc.relevance.compared_view()
        self.sources[self.compare_curve] = (cmp.windows.times.mean(axis=1), cmp.windows.relevance) if (
            cmp is not None) else EMPTY
        self.passage_overlay.refresh()
        self._rebuild_legend(view, cur, cmp)
        self.refresh_visible()

    def _empty_text(self, cur) -> str:
        doc = self.doc
        if doc.track is None:
            return ""
        if cur is None:
            if doc.runner.busy or doc.pending():  # running, or about to (the engine still loading)
                return f"analysing … {self.analysis_percent} %"
            return "not analysed — press Ctrl+R to analyse"
        if not doc.library.usable():
            return "no experts in the library: import one (Ctrl+I) or train one with 'relstudio train'"
        return "enable experts in the panel to see relevance"

    def _analysis_progress(self, fraction: float, _message: str) -> None:
        self.analysis_percent = int(round(100 * fraction))
        if self.doc.track is not None and self.doc.relevance.view() is None:
            self.message.setText(self._empty_text(self.doc.relevance.segments()))

    def _draw_bars(self, view, cur) -> None:
        """One bar per window in its winner's colour (bright inside a passage); the bar items are reused."""
        groups = []
        if view is not None:
            win = view.windows
            x = win.times.mean(axis=1)
            res = self.doc.relevance.settings.window_seconds
            width = (win.times[:, 1] - win.times[:, 0]) if res else np.full(win.n_windows,
                                                                              cur.frontend.segment_hop_seconds)
            inside = np.zeros(win.n_windows, bool)
            for p in view.passages:
                inside[p.first:p.stop] = True
            for i, ref in enumerate(cur.experts):
                colour = QColor(self.doc.roster.colour(ref.fingerprint))
                for sel, alpha in ((win.winners == i) & inside, 215), ((win.winners == i) & ~inside, 80):
                    if sel.any():
                        colour.setAlpha(alpha)
                        groups.append((x[sel], win.relevance[sel], width[sel], QColor(colour)))
        while len(self.bars) < len(groups):
            bar = FlatBars(x=[], height=[], width=[], pen=None)
            bar.setZValue(10)
            self.addItem(bar)
            self.bars.append(bar)
        for bar, (x, height, width, colour) in zip(self.bars, groups):
            bar.setOpts(x=x, height=height, width=width, brush=colour, pen=None)
            bar.show()
        for bar in self.bars[len(groups):]:
            if bar.isVisible():
                bar.setOpts(x=[], height=[], width=[])
                bar.hide()

    def refresh_visible(self) -> None:
        """Redraw what depends on the visible range and size: curves (thinned to screen maxima), labels, card."""
        self.fit_band()
        x0, x1 = self.visible_range()
        bins = self.pixel_width() // 2
        for item, (x, y) in self.sources.items():
            item.setData(*peak_envelope(x, y, x0, x1, bins=bins)) if len(x) else item.setData([], [])
        self.passage_overlay.thin()
        self.review_overlay.thin()
        self.contribution_overlay.refresh()
        self.refresh_labels()
        self.hover.refresh()
        if self.message.textItem.toPlainText():
            self.message.setPos((x0 + x1) / 2, 0.5)

    def fit_band(self) -> None:
        """Keep a band above R = 1 as tall as the legend plus a row of labels (the legend hides in a short pane)."""
        h = float(self.vb.height())
        band = LABEL_ROW_PX + self.legend.height()
        if h - band < MIN_CURVE_PX:
            self.legend.item.hide()
            band = LABEL_ROW_PX
        elif self.legend.entries:
            self.legend.item.show()
        span = 1.0 - Y_BOTTOM
        top = 1.0 + band * span / max(h - band, 1.0)  # (top − 1) / (top − bottom) of the height is the band
        if abs(top - self.y_top) > 1e-3:
            self.y_top = top
            self.setYRange(Y_BOTTOM, top, padding=0)

    def _rebuild_legend(self, view, cur, cmp) -> None:
        entries = []
        res = self.doc.relevance.settings.window_seconds
        if view is not None:
            entries.append((theme.CURVE, "━━", f"R<sub>max</sub> — {res:g}-s windows" if res else
                            "R<sub>max</sub> — segments"))
            if self.sources[self.segment_curve][0].size:
                entries.append(("#c8cdd7", "──", "segments"))
        if cmp is not None:
            entries.append((theme.COMPARE, "╍╍", f"R<sub>max</sub> — {self.doc.compare}"))
        if view is not None and view.passages:
            entries.append((theme.THRESHOLD, "▬", "passages"))
        if view is not None and self.passage_overlay.silent:
            entries.append(("#8a8f99", "▬", "silence"))
        for ref in (cur.experts if view is not None else ()):
            entries.append((self.doc.roster.colour(ref.fingerprint), "■",
                            self.doc.roster.display_label(ref.fingerprint)))
        self.legend.set_entries(entries, width=self.pixel_width())

    def _threshold_moved(self, line, relabel: bool = True) -> None:
        """The threshold label: its value and the share of the track the passages at it cover."""
        value = float(line.value())
        share = self.doc.relevance.share_at(value) if self.doc.relevance.view() is not None else 0.0
        note = self.doc.threshold_note if abs(value - self.doc.threshold) < 1e-9 else ""  # "(top 10 %)" until moved
        line.label.setFormat(f"threshold {{value:.2f}}{note} · passages: {100 * share:.3g} % of the track")
        if relabel and hasattr(self, "labels"):
            self.refresh_labels()

    def threshold_label_rect(self):
        label = self.threshold_line.label
        if not self.threshold_line.isVisible():
            return None
        label.updatePosition()
        r = label.mapRectToItem(self.vb, label.boundingRect())
        return (r.x(), r.y(), r.width(), r.height())

    def refresh_labels(self) -> None:
        """Lay out the peak labels clear of the threshold label, the legend and the #1–#5 tags."""
        obstacles = [r for r in (self.threshold_label_rect(), self.legend.rect()) if r is not None]
        obstacles += self.contribution_overlay.tag_rects()
        self.labels.layout(obstacles=obstacles)

    def curve_rows(self, px0: float, px1: float):
        """``(top, bottom)`` pixel rows the curve takes between pixel columns ``px0`` and ``px1`` (``None``: none)."""
        x, y = self.sources[self.curve]
        if not len(x):
            return None
        t0, t1 = (self.vb.mapToView(QPointF(px, 0)).x() for px in (px0, px1))
        sel = (x >= t0) & (x <= t1)
        if not sel.any():
            return None
        hi, lo = (self.vb.mapFromView(QPointF(t0, float(v))).y() for v in (y[sel].max(), y[sel].min()))
        return (hi, lo)

    # -- interaction ---------------------------------------------------------------
    def leaveEvent(self, event) -> None:
        self.hover.hide()
        super().leaveEvent(event)

    def on_click(self, t: float, y: float, scene_pos) -> None:
        passage = self.labels.hit(scene_pos) or self.doc.relevance.passage_at(t)
        if passage is not None:
            self.passageActivated.emit(passage)
        else:
            self.seekRequested.emit(t)
        self.clicked.emit(t, y)

    def on_context(self, t: float, y: float, screen_pos) -> None:
        k = self.doc.segment_at(t)
        if k >= 0:
            self.doc.select_segment(k)
            self.contextRequested.emit(k, screen_pos)
