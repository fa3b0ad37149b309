"""What the window shows before a track is read and analysed to the end (issue 17).

The document owns one :class:`Progressive` (``doc.progressive``). While a track decodes, ``pyramid``
is its full-length :class:`~relstudio.core.growing_waveform.GrowingPyramid` (handed over at the first
decoded block, from the decoding thread) and ``waveformGrew`` tells the waveform view to draw it
again; the status says "reading N %". While the track's first analysis runs, ``analysis`` is the
partial :class:`~relstudio.core.analysis.Analysis` of the chunks done so far (``known_segments``; a
core object: views draw it like any analysis, the rest empty) and ``analysisGrew`` carries them in
order, at most one per ``interval`` seconds (the newest; each one redraws the relevance views). The
document's finished track and analysis replace both; playback and the analyses only ever see the
finished track, and RELNET classification waits for the finished analysis.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal


class Progressive(QObject):
    waveformGrew = Signal()  # ``pyramid`` has more decoded samples (or is new)
    analysisGrew = Signal(object)  # a partial Analysis, in the order the chunks finish
    _arrived = Signal(int, object)  # (opening, pyramid) from the decoding thread, delivered in the GUI thread

    def __init__(self, doc):
        super().__init__(doc)
        self.doc = doc
        self.pyramid = None  # the GrowingPyramid of the track being opened
        self.analysis = None  # the partial first analysis of the open track
        self._opening = 0  # reports of an earlier opening are dropped
        self._arrived.connect(self._pyramid_arrived)
        self.interval = 1.0  # seconds between two partial analyses shown (each redraws the relevance views)
        self._shown_at, self._waiting = None, None  # when one was last shown; the newest one not shown yet
        self._timer = QTimer(self, singleShot=True, timeout=self._show_waiting)
        doc.analysisChanged.connect(self._finished)

    def reader(self):
        """A new opening: the ``on_partial`` callable its decoding thread reports the growing pyramid to."""
        self._opening += 1
        self.pyramid, opening = None, self._opening
        return lambda pyramid: self._arrived.emit(opening, pyramid)

    def waveform(self):
        """The pyramid to draw: the track being read, else the open track's (``None`` without either)."""
        if self.pyramid is not None:
            return self.pyramid
        return self.doc.track.pyramid if self.doc.track is not None else None

    def settle(self) -> None:
        """The opening ended (the decoded track replaces the growing waveform, or it failed); a new
        track has no analysis yet."""
        self._opening += 1
        grown, self.pyramid, self.analysis, self._waiting, self._shown_at = self.pyramid, None, None, None, None
        self._timer.stop()
        if grown is not None:
            self.waveformGrew.emit()

    def _pyramid_arrived(self, opening: int, pyramid) -> None:
        if opening != self._opening:
            return
        self.pyramid = pyramid
        self.doc.runner.progress.emit(0.7 * pyramid.fraction, f"reading {100 * pyramid.fraction:.0f} %")
        self.waveformGrew.emit()

    def analysis_partial(self, analysis) -> None:
        """A chunk of the first analysis finished: ``analysis`` is known up to ``known_segments``."""
        self._waiting = analysis  # shown now, or ``interval`` after the last one (newer ones replace it)
        wait = 0.0 if self._shown_at is None else self.interval - (time.monotonic() - self._shown_at)
        if wait <= 0:
            self._show_waiting()
        elif not self._timer.isActive():
            self._timer.start(int(1000 * wait))

    def _finished(self) -> None:
        if self.analysis is not None and self.doc.analysis is not None:  # the finished analysis replaces it
            self.analysis = None
            self.doc.relevance.forget()

    def _show_waiting(self) -> None:
        analysis, self._waiting = self._waiting, None
        if analysis is None or self.doc.analysis is not None:
            return  # the finished analysis is already shown
        self._shown_at, self.analysis = time.monotonic(), analysis
        self.doc.relevance.forget()  # the views of the previous partial one: never shown again
        self.analysisGrew.emit(analysis)
        self.doc.relevanceChanged.emit()
