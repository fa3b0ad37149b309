"""Waveform view: the min/max envelope of the visible range at screen resolution, on a linear amplitude scale.

While a track decodes it draws the growing pyramid (``doc.progressive``): the decoded part as it arrives,
the rest an empty line under a dim band.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from relstudio.gui import theme
from relstudio.gui.views.common import TimePlot


class WaveformView(TimePlot):
    """Draws ``doc.progressive.waveform()`` (the open track's pyramid, or the one being decoded) for the
    visible range only; redraws on pan, zoom, resize and as the decoding advances."""

    def __init__(self, doc, parent=None):
        super().__init__(title="amplitude", parent=parent)
        self.doc = doc
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(theme.WAVEFORM, width=1), antialias=False)
        self.addItem(self.curve)
        dim = QColor(theme.PLOT_BG)
        dim.setAlpha(170)
        self.unread = pg.LinearRegionItem(movable=False, brush=dim, pen=pg.mkPen(None))  # not decoded yet
        self.unread.setZValue(20)
        self.unread.hide()
        self.addItem(self.unread, ignoreBounds=True)
        self.setYRange(-1.0, 1.0, padding=0.02)
        left = self.getPlotItem().getAxis("left")
        left.enableAutoSIPrefix(False)  # full scale is ±1; ticks at nice fractions of it
        self._redraw = self.on_view_change(self.refresh)
        self.peak = 0.0  # the y range shown: ± the loudest sample so far (at least 1e-3)
        doc.trackChanged.connect(self._track_changed)
        doc.progressive.waveformGrew.connect(self._grew)
        self.points_drawn = 0

    def _fit_peak(self, pyramid, *, grow_only: bool) -> None:
        lo, hi = pyramid.levels[-1][1:] if pyramid.levels else (np.ones(1), np.ones(1))
        peak = min(1.0, max(float(max(np.abs(lo).max(), np.abs(hi).max())), 1e-3))
        if not grow_only or peak > self.peak:
            self.peak = peak
            self.setYRange(-peak, peak, padding=0.04)

    def _track_changed(self) -> None:
        if self.doc.track is not None:
            self._fit_peak(self.doc.track.pyramid, grow_only=False)
        self.refresh()

    def _grew(self) -> None:
        growing = self.doc.progressive.pyramid
        if growing is not None:
            self._fit_peak(growing, grow_only=growing.filled > 0 and self.peak > 0)
        self.refresh()

    def refresh(self) -> None:
        pyramid = self.doc.progressive.waveform()
        if pyramid is None:
            self.curve.setData([], [])
            self.unread.hide()
            self.points_drawn = 0
            return
        covered = getattr(pyramid, "covered", None)  # a GrowingPyramid: seconds decoded so far
        self.unread.setVisible(covered is not None and covered < pyramid.duration)
        if covered is not None:
            self.unread.setRegion((covered, pyramid.duration))
        t0, t1 = self.visible_range()
        times, lo, hi = pyramid.envelope(t0, t1, pixels=self.pixel_width())
        if lo is hi:  # raw samples: a plain line
            x, y = times, lo
        else:  # one vertical stroke per column, min → max
            x = np.repeat(times, 2)
            y = np.empty(2 * lo.size, np.float32)
            y[0::2], y[1::2] = lo, hi
        self.curve.setData(x, y)
        self.points_drawn = int(len(x))
