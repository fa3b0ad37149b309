"""Mel spectrogram view: fixed dB levels, a colour map, a frequency axis in Hz."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from relstudio.core.waveform_lod import SpectrogramPyramid
from relstudio.gui.views.common import TimePlot

LEVELS_DB = (-85.0, 45.0)  # fixed: the same sound looks the same in every track
COLOUR_MAP = "inferno"
HZ_TICKS = (50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000)


def mel_bin_centres_hz(frontend) -> np.ndarray:
    """Centre frequency (Hz) of each mel bin of ``frontend``, shape ``(n_mels,)`` (no librosa import)."""
    return frontend.mel_centres_hz()


def format_hz(hz: float) -> str:
    return f"{hz / 1000:g}k" if hz >= 1000 else f"{hz:g}"


class MelAxis(pg.AxisItem):
    """Left axis of a mel image (rows = mel bins) labelled in Hz at round frequencies."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.centres = np.array([1.0])

    def set_frontend(self, frontend) -> None:
        self.centres = mel_bin_centres_hz(frontend)
        self.picture = None
        self.update()

    def _positions(self):
        rows = np.arange(self.centres.size) + 0.5
        return [(float(np.interp(hz, self.centres, rows)), format_hz(hz)) for hz in HZ_TICKS
                if self.centres[0] <= hz <= self.centres[-1]]

    def tickValues(self, minVal, maxVal, size):
        """Round frequencies, from the top down, dropping any closer than 18 px to the last kept."""
        per_px = (maxVal - minVal) / max(size, 1.0)
        kept: list[float] = []
        for p in sorted((p for p, _ in self._positions() if minVal <= p <= maxVal), reverse=True):
            if not kept or (kept[-1] - p) / per_px >= 18:
                kept.append(p)
        return [(1.0, kept)]

    def tickStrings(self, values, scale, spacing):
        names = dict(self._positions())
        return [names.get(v, "") for v in values]


class SpectrogramView(TimePlot):
    """Draws ``doc.analysis.mel_db`` (dB) for the visible range only, pooled to screen columns."""

    def __init__(self, doc, parent=None):
        self.mel_axis = MelAxis("left")
        super().__init__(title="Hz", parent=parent)
        self.getPlotItem().setAxisItems({"left": self.mel_axis})
        from relstudio.gui import theme
        from relstudio.gui.views.common import AXIS_WIDTH

        self.mel_axis.setWidth(AXIS_WIDTH)
        self.mel_axis.setPen(pg.mkPen(theme.AXIS))
        self.mel_axis.setTextPen(pg.mkPen(theme.TEXT_DIM))
        self.mel_axis.setLabel("Hz", color=theme.TEXT_DIM)
        self.doc = doc
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(pg.colormap.get(COLOUR_MAP).getLookupTable(nPts=256))
        self.image.setLevels(LEVELS_DB)
        self.addItem(self.image)
        self.pyramid: SpectrogramPyramid | None = None
        self.columns_drawn = 0
        self._redraw = self.on_view_change(self.refresh)
        doc.trackChanged.connect(self._clear)
        doc.analysisChanged.connect(self._analysis_changed)
        doc.progressive.analysisGrew.connect(self._grew)
        self.mel_axis.set_frontend(doc.frontend)
        self.setYRange(0, doc.frontend.n_mels, padding=0)

    def _clear(self) -> None:
        self.pyramid = None
        self.image.clear()
        self.columns_drawn = 0

    def _analysis_changed(self) -> None:
        a = self.doc.analysis
        if a is None or a.mel_db is None:
            self._clear()
            return
        if self.pyramid is None or self.pyramid.levels[0] is not a.mel_db:
            fe = a.frontend
            self.pyramid = SpectrogramPyramid(a.mel_db, frame_seconds=fe.hop_length / fe.sample_rate)
            self.mel_axis.set_frontend(fe)
            self.setYRange(0, fe.n_mels, padding=0)
        self.refresh()

    def _grew(self, partial) -> None:
        """A partial first analysis: draw the spectrogram of the frames its chunks have computed."""
        if self.doc.analysis is not None or partial.mel_db is None or not partial.known_segments:
            return
        fe = partial.frontend
        known = min(partial.mel_db.shape[1], (partial.known_segments - 1) * fe.pool_stride + fe.segment_frames)
        self.pyramid = SpectrogramPyramid(partial.mel_db[:, :known], frame_seconds=fe.hop_length / fe.sample_rate)
        self.refresh()

    def refresh(self) -> None:
        if self.pyramid is None:
            return
        t0, t1 = self.visible_range()
        img, x0, width = self.pyramid.window(t0, t1, columns=self.pixel_width())
        self.image.setImage(np.asarray(img, np.float32), autoLevels=False, levels=LEVELS_DB)
        self.image.setRect(QRectF(x0, 0.0, width, float(img.shape[0])))
        self.columns_drawn = int(img.shape[1])
