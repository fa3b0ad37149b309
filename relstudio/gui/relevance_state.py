"""How the open track's relevance is read: the document's settings, views and passages.

:class:`RelevanceState` belongs to the Document (``doc.relevance``). It holds the
:class:`~relstudio.core.relevance_settings.RelevanceSettings` (audibility floor,
resolution, passage rules) and hands every view the same
:class:`~relstudio.core.relevance_view.RelevanceView` (windows, passages,
threshold, share) of the enabled experts, computed by the
:class:`~relstudio.core.analysis.Analysis` (``analysis.with_settings(s).view(threshold)``).
Views subscribe to the document's signals and read these; they never compute.
Views are cached per (analysis, threshold) until the settings change, so a threshold drag or a
repaint costs a dictionary look-up once a value has been seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from relstudio.core.passages import passage_at
from relstudio.core.relevance import SILENCE, relevance_parts
from relstudio.core.relevance_settings import RelevanceSettings, check_resolution

_CACHE = 32  # views kept (a threshold drag visits many values)


@dataclass(frozen=True)
class HoverValues:
    """What the hover card shows at one time: the window and the segment under the mouse."""

    start: float  # window span (seconds)
    end: float
    r_max: float  # the window's R_max = certainty · top P · audible share
    certainty: float  # R = 1 − entropy of the window's normalised mean probabilities
    top_p: float
    audible: float  # the window's mean evidence in [0, 1]
    winner: int  # expert index, SILENCE (−1) when the window carries no evidence
    probs: np.ndarray  # (N,) the window's mean probability per expert
    segment: int  # the segment nearest the mouse
    segment_r_max: float
    level_db: float | None  # the segment's level (dBFS), when the analysis knows it
    compared: float | None  # the compared viewpoint's window R_max


class RelevanceState(QObject):
    """``settingsChanged`` fires after :meth:`set_settings`; the document's ``relevanceChanged`` follows."""

    settingsChanged = Signal()

    def __init__(self, doc):
        super().__init__(doc)
        self.doc = doc
        self.settings = RelevanceSettings()
        self._views: dict = {}
        self._read: dict = {}  # id(analysis) → (analysis, the same under self.settings)

    # -- settings ------------------------------------------------------------------
    def set_settings(self, settings: RelevanceSettings) -> None:
        if settings == self.settings:
            return
        self.settings = settings
        self.forget()
        self.settingsChanged.emit()
        self.doc.relevanceChanged.emit()
        self.doc.thresholdChanged.emit(self.doc.threshold)

    def set_resolution(self, resolution) -> None:
        """``"segment"`` or seconds (0.5, 1, 2, 5): the window the curve and the passages are read at."""
        self.set_settings(self.settings.replace(resolution=check_resolution(resolution)))

    # -- views -----------------------------------------------------------------------
    def forget(self) -> None:
        """Drop the kept reads and views (new settings, or the analyses they were read from are replaced)."""
        self._views.clear()
        self._read.clear()

    def read(self, analysis):
        """``analysis`` under these settings (its segment relevance, winners and evidence), or ``None``."""
        if analysis is None:
            return None
        held = self._read.get(id(analysis))
        if held is None or held[0] is not analysis:
            if len(self._read) >= 4:
                self._read.pop(next(iter(self._read)))
            held = self._read[id(analysis)] = (analysis, analysis.with_settings(self.settings))
        return held[1]

    def segments(self):
        """The enabled experts' analysis under these settings: the raw segment curve (``None`` before one)."""
        return self.read(self.doc.current())

    def view_of(self, analysis, threshold: float | None = None):
        """The :class:`RelevanceView` of ``analysis`` (``None`` without experts); ``threshold`` ``None``: automatic."""
        if analysis is None or not analysis.experts:
            return None
        key = (id(analysis), None if threshold is None else float(threshold))
        held = self._views.get(key)
        if held is None or held[0] is not analysis:
            if len(self._views) >= _CACHE:
                self._views.pop(next(iter(self._views)))
            held = self._views[key] = (analysis, self.read(analysis).view(threshold=threshold))
        return held[1]

    def _manual(self) -> float | None:
        return None if self.doc.threshold_is_auto else self.doc.threshold

    def view(self):
        """The enabled experts' view at the document's threshold (``None`` before an analysis)."""
        return self.view_of(self.doc.current(), self._manual())

    def compared_view(self):
        """The compared viewpoint's view at the same threshold (``None`` when none is compared)."""
        return self.view_of(self.doc.compared(), self._manual())

    def share_at(self, threshold: float) -> float:
        """The share of the track's time the passages at ``threshold`` cover (0 without an analysis)."""
        view = self.view_of(self.doc.current(), threshold)
        return view.share if view is not None else 0.0

    def passages(self) -> tuple:
        view = self.view()
        return view.passages if view is not None else ()

    def passage_at(self, t: float):
        """The highlighted passage holding ``t`` seconds, else ``None``."""
        return passage_at(self.passages(), t)

    def silent_spans(self) -> list[tuple[float, float]]:
        """``[(start, end), …]`` seconds of the runs of windows without evidence (drawn grey, "silence")."""
        view = self.view()
        if view is None:
            return []
        win = view.windows
        silent = np.concatenate([[0], (win.winners == SILENCE).astype(np.int8), [0]])
        edges = np.diff(silent)
        return [(float(win.times[a, 0]), float(win.times[b - 1, 1]))
                for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1))]

    def window_at(self, t: float) -> int:
        """The window whose span holds ``t`` (the nearest one at the track's ends; −1 without a view)."""
        view = self.view()
        if view is None or view.windows.n_windows == 0:
            return -1
        k = self.doc.segment_at(t)
        return int(view.windows.segment_window[k]) if k >= 0 else -1

    # -- hover -----------------------------------------------------------------------
    def hover(self, t: float) -> HoverValues | None:
        """The window and segment values at ``t`` seconds (``None`` without a view)."""
        view, cur = self.view(), self.segments()
        w = self.window_at(t)
        if view is None or w < 0:
            return None
        win = view.windows
        probs = win.probs[:, w]
        certainty = float(relevance_parts(probs[:, None])[0][0]) if win.winners[w] != SILENCE else 0.0
        k = self.doc.segment_at(t)
        levels = getattr(cur, "levels_db", None)
        cmp = self.compared_view()
        compared = None
        if cmp is not None and cmp.windows.n_windows == win.n_windows:
            compared = float(cmp.windows.relevance[w])
        return HoverValues(float(win.times[w, 0]), float(win.times[w, 1]), float(win.relevance[w]), certainty,
                           float(probs.max()) if probs.size else 0.0, float(win.evidence[w]), int(win.winners[w]),
                           probs, k, float(cur.relevance[k]),
                           float(levels[k]) if levels is not None else None, compared)
