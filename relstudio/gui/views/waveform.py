"""Waveform view: the min/max envelope of the visible range at screen resolution, on a linear amplitude scale."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from relstudio.gui import theme
from relstudio.gui.views.common import TimePlot


class WaveformView(TimePlot):
    """Draws ``doc.track.pyramid`` for the visible range only; redraws on pan, zoom and resize."""

    def __init__(self, doc, parent=None):
        super().__init__(title="amplitude", parent=parent)
        self.doc = doc
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(theme.WAVEFORM, width=1), antialias=False)
        self.addItem(self.curve)
        self.setYRange(-1.0, 1.0, padding=0.02)
        left = self.getPlotItem().getAxis("left")
        left.enableAutoSIPrefix(False)  # full scale is ±1; ticks at nice fractions of it
        self._redraw = self.on_view_change(self.refresh)
        doc.trackChanged.connect(self._track_changed)
        self.points_drawn = 0

    def _track_changed(self) -> None:
        track = self.doc.track
        if track is not None:
            peak = float(max(np.abs(track.pyramid.levels[-1][1]).max(), np.abs(track.pyramid.levels[-1][2]).max())) \
                if track.pyramid.levels else 1.0
            peak = min(1.0, max(peak, 1e-3))
            self.setYRange(-peak, peak, padding=0.04)
        self.refresh()

    def refresh(self) -> None:
        track = self.doc.track
        if track is None:
            self.curve.setData([], [])
            self.points_drawn = 0
            return
        t0, t1 = self.visible_range()
        times, lo, hi = track.pyramid.envelope(t0, t1, pixels=self.pixel_width())
        if lo is hi:  # raw samples: a plain line
            x, y = times, lo
        else:  # one vertical stroke per column, min → max
            x = np.repeat(times, 2)
            y = np.empty(2 * lo.size, np.float32)
            y[0::2], y[1::2] = lo, hi
        self.curve.setData(x, y)
        self.points_drawn = int(len(x))
