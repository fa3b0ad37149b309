"""What the open track is about: RELNET class probabilities next to the SUM and RV fusions, and why.

:class:`ClassificationState` belongs to the Document (``doc.classification``).
It finds the RELNET files of the library folders, picks the one whose experts
are all enabled (``core.experts.library.matching_relnets``), runs it over the
track in its own background lane (results cached per track × RELNET), and
computes the fusions of the enabled experts with ``core.relevance.fuse`` (silent
segments take no part: the evidence weights of ``doc.relevance.segments()``).
``highlight(fingerprint, method)`` finds the passages that contributed most to
a class's score (:func:`class_passages`: runs of windows holding the most of
its evidence-weighted segment shares, under the passage rules of
``doc.relevance.settings``); the relevance view draws them ranked #1–#5.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from relstudio.core.classification import segment_shares
from relstudio.core.experts.choice import expert_class
from relstudio.core.experts.library import find_relnets, matching_relnets
from relstudio.core.passages import find_passages, threshold_for_top
from relstudio.core.relevance import SILENCE, fuse, vote_scores
from relstudio.core.windows import pooled_probabilities
from relstudio.gui import jobs
from relstudio.gui.tasks import TaskRunner

METHODS = ("RELNET", "SUM", "RV")
TOP_K = 5


def class_passages(view, shares, *, k: int = TOP_K) -> list[tuple]:
    """The ``k`` passages holding the most of a class's score: ``[(passage, share), …]``, largest first.

    ``shares`` ``(S,)`` are the segments' shares of the score. Each window of
    ``view`` scores the shares of its segments; passages are the runs of the top
    ``settings.top_fraction`` of audible windows by that score, merged and
    dropped by the view's passage rules; ``share`` is the part of the score a passage holds.
    """
    win, rules = view.windows, view.settings
    per_window = np.bincount(win.segment_window, weights=np.asarray(shares, np.float64), minlength=win.n_windows)
    scored = dataclasses.replace(win, relevance=per_window)
    cut = max(threshold_for_top(scored, fraction=rules.top_fraction), 1e-12)
    found = find_passages(scored, threshold=cut, min_gap=rules.min_gap, min_passage=rules.min_passage)
    held = [(p, float(per_window[p.first:p.stop].sum())) for p in found]
    return sorted(held, key=lambda ps: (-ps[1], ps[0].start))[:k]


@dataclass(frozen=True)
class ClassRow:
    """One enabled expert's class: its RELNET probability (``None`` when no RELNET covers it) and fusions."""

    fingerprint: str
    label: str
    cls: str
    colour: str
    relnet: float | None
    sum: float
    rv: float


class ClassificationState(QObject):
    changed = Signal()  # rows, RELNET result or status changed
    highlightChanged = Signal()

    def __init__(self, doc):
        super().__init__(doc)
        self.doc = doc
        self.runner = TaskRunner(self)
        self.runner.failed.connect(lambda name, exc, tb: doc._job_failed("RELNET failed", exc, tb))
        self.relnets: list = []
        self.relnet = None  # the RELNET in use: the preferred one when it matches, else the largest match
        self.matches: list = []  # every RELNET whose experts are all enabled
        self.preferred: str | None = None  # fingerprint of the RELNET the user picked
        self.result = None  # TrackClassification of the open track with self.relnet
        self._results: dict = {}  # (content hash, RELNET fingerprint) → TrackClassification
        self.highlighted: list[tuple] = []  # (passage, share of the score), largest share first
        self.highlight_key: tuple[str, str] | None = None  # (fingerprint, method)
        self._running = None  # the (content hash, RELNET fingerprint) being computed
        self.rescan()
        doc.libraryChanged.connect(self.rescan)
        doc.trackChanged.connect(self._track_changed)
        doc.analysisChanged.connect(self.update)
        doc.relevanceChanged.connect(self.update)

    # -- RELNET --------------------------------------------------------------------------
    def rescan(self) -> None:
        self.relnets = find_relnets(folder for folder, _origin in self.doc.library.folders)
        self.update()

    def candidates(self) -> list:
        """RELNETs whose experts are all usable in the library (they could be enabled)."""
        usable = set(self.doc.roster.usable_fingerprints())
        return [r for r in self.relnets if r.frontend == self.doc.frontend and {fp for _, fp in r.experts} <= usable]

    def _analysed(self) -> list[str]:
        cur = self.doc.current() if self.doc.analysis is not None else None  # not while a partial one is shown
        return [e.fingerprint for e in cur.experts] if cur is not None else []

    def update(self) -> None:
        """Re-pick the RELNET for the enabled (analysed) experts; run it when its result is not known."""
        self.matches = matching_relnets(self.relnets, self._analysed(), frontend=self.doc.frontend)
        relnet = next((r for r in self.matches if r.fingerprint == self.preferred), None) or (
            self.matches[0] if self.matches else None)
        self.relnet = relnet
        track = self.doc.track
        key = (track.clip.content_hash, relnet.fingerprint) if relnet is not None and track is not None else None
        self.result = self._results.get(key) if key else None
        if key is not None and self.result is None and not (self.runner.busy and self._running == key):
            self._run(key)
        old = self.highlighted
        self._refresh_highlight()
        self.changed.emit()
        if old != self.highlighted:
            self.highlightChanged.emit()

    def choose(self, fingerprint: str) -> None:
        """Use the RELNET ``fingerprint`` while its experts are enabled (several may match)."""
        self.preferred = fingerprint
        self.update()

    def _run(self, key) -> None:
        entries = [self.doc.roster.entry(fp) for _, fp in self.relnet.experts]
        if any(e is None or not e.ok for e in entries):
            return
        clip = self.doc.track.clip
        self._running = key
        task = jobs.classify(clip, self.relnet, self.doc.library, entries, loaded=self.doc.loaded,
                             device=self.doc.device)
        self.runner.submit(task, name=f"RELNET {self.relnet.path.name}", on_done=lambda r, k=key: self._done(k, r))

    def _done(self, key, result) -> None:
        self._results[key] = result
        self._running = None
        self.update()

    @property
    def busy(self) -> bool:
        return self.runner.busy

    # -- the table -------------------------------------------------------------------
    def rows(self) -> list[ClassRow]:
        """One row per enabled expert that ran on the track, in the enabled order."""
        cur = self.doc.relevance.segments()
        if cur is None or not cur.experts:
            return []
        sums = fuse(cur.probs, "SUM", weights=cur.evidence)
        rvs = vote_scores(cur.winners, cur.relevance, n_experts=len(cur.experts))  # = fuse(…, "RV"), from the cache
        rel = {}
        if self.result is not None:
            rel = {fp: float(self.result.clip_probs[i]) for i, fp in enumerate(self.result.experts)}
        out = []
        for i, ref in enumerate(cur.experts):
            e = self.doc.roster.entry(ref.fingerprint)
            cls = expert_class(e) if e is not None else ref.label
            out.append(ClassRow(ref.fingerprint, self.doc.roster.display_label(ref.fingerprint), cls,
                                self.doc.roster.colour(ref.fingerprint), rel.get(ref.fingerprint), float(sums[i]),
                                float(rvs[i])))
        return out

    def shares(self, fingerprint: str, method: str) -> np.ndarray | None:
        """``(S,)`` each segment's share of this class's score under ``method`` (``None`` when not available)."""
        cur = self.doc.relevance.segments()
        if cur is None:
            return None
        if method == "RELNET":
            if self.result is None or fingerprint not in self.result.experts:
                return None
            # already evidence-weighted (the result's own evidence): weighting again would square the ramp
            shares = self.result.shares(self.result.experts.index(fingerprint))[:cur.n_segments]
            return shares / shares.sum() if shares.sum() > 0 else shares
        fps = [e.fingerprint for e in cur.experts]
        if fingerprint not in fps:
            return None
        return segment_shares(cur.probs, method, fps.index(fingerprint), weights=cur.evidence)

    def explain(self, fingerprint: str, passage) -> str:
        """What a listed passage holds: the class's mean probability over it and the passage's winner."""
        view, cur = self.doc.relevance.view(), self.doc.relevance.segments()
        fps = [e.fingerprint for e in cur.experts] if cur is not None else []
        if view is None or fingerprint not in fps:
            return ""
        p = pooled_probabilities(view.windows, passage.first, passage.stop)[fps.index(fingerprint)]
        winner = ("silence" if passage.winner == SILENCE
                  else self.doc.roster.display_label(cur.experts[passage.winner].fingerprint))
        return f"P {p:.2f} · winner {winner}"

    # -- highlight -------------------------------------------------------------------
    def highlight(self, fingerprint: str | None, method: str = "RELNET") -> None:
        """Highlight the top passages behind ``fingerprint``'s score (``None`` clears)."""
        self.highlight_key = (fingerprint, method) if fingerprint else None
        self._refresh_highlight()
        self.highlightChanged.emit()

    def _refresh_highlight(self) -> None:
        shares = self.shares(*self.highlight_key) if self.highlight_key else None
        view = self.doc.relevance.view()
        self.highlighted = class_passages(view, shares) if shares is not None and view is not None else []

    def _track_changed(self) -> None:
        self.highlight_key, self.highlighted, self.result = None, [], None
        self.highlightChanged.emit()
        self.update()
