"""Timeline: waveform, spectrogram and relevance stacked in a splitter, sharing one time axis.

Owns zoom (wheel, keys, fit, zoom to the range selection), scrolling, the
playback cursor and the range selection in every view and follow-playback (the
view pages along so the cursor stays visible).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from relstudio.gui.views.relevance import RelevanceView
from relstudio.gui.views.spectrogram import SpectrogramView
from relstudio.gui.views.waveform import WaveformView

ZOOM_STEP = 1.6
SPLIT = (120, 250, 380)  # first heights of waveform, spectrogram and relevance (in this proportion)
MIN_HEIGHT = 260  # px: docks can never squash the views below this


class Timeline(QWidget):
    seekRequested = Signal(float)
    passageActivated = Signal(object)  # a click on a passage's peak label or inside it

    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.waveform = WaveformView(doc)
        self.spectrogram = SpectrogramView(doc)
        self.relevance = RelevanceView(doc)
        self.views = (self.waveform, self.spectrogram, self.relevance)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        for v in self.views:
            self.splitter.addWidget(v)
        self.splitter.setSizes(list(SPLIT))
        self.setMinimumHeight(MIN_HEIGHT)
        for i, stretch in enumerate((1, 2, 3)):
            self.splitter.setStretchFactor(i, stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.spectrogram.setXLink(self.waveform)
        self.relevance.setXLink(self.waveform)
        self.waveform.show_time_axis(False)
        self.spectrogram.show_time_axis(False)
        self.follow = True
        self.playing = False  # follow-playback pages the view only while playing
        for v in (self.waveform, self.spectrogram):
            v.clicked.connect(lambda t, _y: self._seek_click(t))
        self.relevance.seekRequested.connect(self._seek_click)
        self.relevance.passageActivated.connect(self.passageActivated)
        self.relevance.clicked.connect(lambda t, _y: doc.select_segment(doc.segment_at(t)))
        doc.trackChanged.connect(self._track_changed)
        self._growing = None  # the pyramid being decoded that the views were last fitted to
        doc.progressive.waveformGrew.connect(self._waveform_grew)
        doc.positionChanged.connect(self._position_changed)
        doc.selectionChanged.connect(self._selection_changed)
        doc.viewRangeRequested.connect(self.set_view_range)
        for v in self.views:
            v.rangeDragged.connect(doc.range_selection.set)
        doc.range_selection.changed.connect(self._range_selection_changed)

    # -- range -------------------------------------------------------------------------
    @property
    def duration(self) -> float:
        wave = self.doc.progressive.waveform()  # the track being read, else the open one
        return wave.duration if wave is not None else 1.0

    def view_range(self) -> tuple[float, float]:
        return self.waveform.visible_range()

    def set_view_range(self, t0: float, t1: float) -> None:
        d = self.duration
        w = min(max(t1 - t0, 0.02), d)
        t0 = min(max(0.0, t0), max(0.0, d - w))
        self.waveform.setXRange(t0, t0 + w, padding=0)

    def fit(self) -> None:
        self.set_view_range(0.0, self.duration)

    def zoom(self, factor: float, centre: float | None = None) -> None:
        """Zoom by ``factor`` (> 1 zooms in) around ``centre`` (the cursor when visible, else the middle)."""
        t0, t1 = self.view_range()
        if centre is None:
            pos = self.doc.position
            centre = pos if t0 <= pos <= t1 else (t0 + t1) / 2
        w = (t1 - t0) / factor
        frac = (centre - t0) / (t1 - t0) if t1 > t0 else 0.5
        self.set_view_range(centre - frac * w, centre - frac * w + w)

    def zoom_in(self) -> None:
        self.zoom(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom(1 / ZOOM_STEP)

    def zoom_to_selection(self) -> bool:
        """Show the range selection with 5 % around it; False when there is none."""
        span = self.doc.range_selection.span
        if span is None:
            return False
        pad = 0.05 * (span[1] - span[0])
        self.set_view_range(span[0] - pad, span[1] + pad)
        return True

    def scroll(self, pages: float) -> None:
        t0, t1 = self.view_range()
        shift = (t1 - t0) * pages
        self.set_view_range(t0 + shift, t1 + shift)

    def reset_sizes(self) -> None:
        """The views' first split (View ▸ Reset layout), scaled to the present height."""
        total = max(sum(self.splitter.sizes()), sum(SPLIT))
        self.splitter.setSizes([round(total * h / sum(SPLIT)) for h in SPLIT])

    def set_follow(self, on: bool) -> None:
        self.follow = bool(on)

    def set_playing(self, on: bool) -> None:
        self.playing = bool(on)

    # -- document ------------------------------------------------------------------------
    def _track_changed(self) -> None:
        for v in self.views:
            v.set_duration(self.duration)
            v.set_selection(None)
        self.fit()

    def _waveform_grew(self) -> None:
        growing = self.doc.progressive.pyramid
        if growing is not None and growing is not self._growing:  # a track's first decoded block
            self._growing = growing
            self._track_changed()

    def _position_changed(self, t: float) -> None:
        for v in self.views:
            v.set_cursor(t)
        if self.follow and self.playing and self.doc.track is not None:
            t0, t1 = self.view_range()
            w = t1 - t0
            if t < t0 or t > t0 + 0.95 * w:
                self.set_view_range(t - 0.05 * w, t + 0.95 * w)

    def _selection_changed(self, k: int) -> None:
        a = self.doc.analysis
        span = tuple(float(v) for v in a.times[k]) if a is not None and 0 <= k < a.n_segments else None
        for v in self.views:
            v.set_selection(span)

    def _range_selection_changed(self, span) -> None:
        for v in self.views:
            v.set_range_selection(span)

    def _seek_click(self, t: float) -> None:
        self.seekRequested.emit(min(max(0.0, t), self.duration))
