"""Document: the single owner of what the window shows; views subscribe to its signals.

It holds the track, the expert library (named and coloured by ``roster``:
:class:`~relstudio.gui.expert_roster.ExpertRoster`), the enabled experts (by fingerprint),
the *full* :class:`~relstudio.core.analysis.Analysis` over every expert that has
run on this track, the viewpoints, the threshold, the selected segment and the
playback position (and the range selection, ``range_selection``:
:class:`~relstudio.gui.selection.RangeSelection`). The relevance of any expert set is ``analysis.select(...)``
— cheap numpy, no inference; how it is read (audibility, resolution, passages) is
``relevance``: :class:`~relstudio.gui.relevance_state.RelevanceState`. Only experts that never ran on this track start a
background job (and the probability cache makes experts seen before free).

It also owns the kept viewpoints (``viewpoints``:
:class:`~relstudio.gui.viewpoints.ViewpointSets`), the review marks (``review``:
:class:`~relstudio.gui.review.ReviewState`) and the classification of the track
(``classification``: RELNET next to the SUM and RV fusions,
:class:`~relstudio.gui.classification.ClassificationState`). Importing model files
and adopting freshly trained experts is :mod:`relstudio.gui.model_import`; the
training queue belongs to the window, not to the document.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from relstudio.core.errors import RelstudioError
from relstudio.core.experts.library import ExpertLibrary
from relstudio.core.relevance_settings import RelevanceSettings
from relstudio.gui import jobs
from relstudio.gui.expert_roster import ExpertRoster
from relstudio.gui.tasks import TaskRunner
from relstudio.gui.viewpoints import ViewpointSets

def auto_threshold_text(fraction: float | None = None) -> str:
    """How the window names the automatic threshold: ``top 10 %`` (``fraction``: default the settings' top_fraction)."""
    return f"top {(RelevanceSettings().top_fraction if fraction is None else fraction) * 100:g} %"


class Document(QObject):
    trackChanged = Signal()  # a new track (waveform) — analysis follows
    analysisChanged = Signal()  # probabilities or spectrogram changed
    relevanceChanged = Signal()  # the enabled set or the compared viewpoint changed
    libraryChanged = Signal()
    viewpointsChanged = Signal()
    thresholdChanged = Signal(float)
    selectionChanged = Signal(int)
    positionChanged = Signal(float)
    viewRangeRequested = Signal(float, float)
    message = Signal(str)
    engineReady = Signal()  # torch and the experts can run (``engine_loaded``)
    warningsChanged = Signal()  # the open track's decode and analysis warnings (``warnings``)
    problem = Signal(str, str)  # title, text — a user error (bad file, incompatible expert)
    crashed = Signal(str, object, str)  # title, exception, traceback — a bug

    def __init__(self, *, library: ExpertLibrary | None = None, cache=None, device=None,
                 viewpoint_folder: Path | None = None, parent=None):
        super().__init__(parent)
        from relstudio.core.cache import ProbabilityCache

        self.library = library if library is not None else ExpertLibrary()
        self.roster = ExpertRoster(self.library, analysed=lambda: self.analysis.experts if self.analysis else ())
        self.frontend = self.library.frontend
        self.cache = cache if cache is not None else ProbabilityCache.default()
        self._device_choice, self._device = device, None  # resolved on first use (that imports torch)
        self.engine_ready = True  # False while the window imports torch and the experts (``hold_engine``)
        self.viewpoint_folder = viewpoint_folder
        self.runner = TaskRunner(self)
        self.runner.failed.connect(lambda name, exc, tb: self._job_failed(name, exc, tb))
        self.path: Path | None = None
        self.track: jobs.LoadedTrack | None = None
        self.analysis = None
        self.enabled: list[str] = []
        self.viewpoints = ViewpointSets(folder=viewpoint_folder, resolve=self.roster.resolve)
        self.compare: str | None = None
        self._threshold: float | None = None  # None: the top settings.top_fraction of the audible windows
        self.selected = -1
        self.position = 0.0
        self.loaded: dict = {}
        self.runs = 0  # expert jobs started (tests check toggling starts none)
        self._selection_cache: dict = {}
        self.warnings: list[str] = []
        self.load_viewpoints()
        from relstudio.gui.classification import ClassificationState
        from relstudio.gui.progressive import Progressive
        from relstudio.gui.relevance_state import RelevanceState
        from relstudio.gui.review import ReviewState
        from relstudio.gui.selection import RangeSelection

        self.progressive = Progressive(self)  # the waveform while decoding, the relevance while analysing
        self.relevance = RelevanceState(self)  # settings, windows and passages of the enabled experts

        self.review = ReviewState(self)
        self.range_selection = RangeSelection(self)  # the one time range shown on every view
        self.classification = ClassificationState(self)

    # -- engine (torch, experts): hold_engine() until engine_loaded(), gui/engine_warmup.py ------
    @property
    def device(self):
        """The torch device the experts run on; the first call resolves it (and imports torch)."""
        from relstudio.core.device import resolve_device

        self._device = self._device if self._device is not None else resolve_device(self._device_choice)
        return self._device

    def hold_engine(self) -> None:
        self.engine_ready = False  # analyses wait; the window says "loading experts…"

    def engine_loaded(self, device=None) -> None:
        """The engine is imported: run what waited for it."""
        self._device, self.engine_ready = device if device is not None else self._device, True
        self.engineReady.emit()
        self._run_missing(force=self.track is not None and self.analysis is None)

    # -- experts -------------------------------------------------------------------
    def rescan_library(self) -> None:
        self.library.rescan()
        self.libraryChanged.emit()

    def set_enabled(self, fingerprints) -> None:
        """Enable exactly ``fingerprints`` (in this order); runs only experts new to this track."""
        fps = list(dict.fromkeys(fingerprints))
        if fps == self.enabled:
            return
        self.enabled = fps
        self.relevanceChanged.emit()
        self._run_missing()

    def set_expert_enabled(self, fingerprint: str, on: bool) -> None:
        if on and fingerprint not in self.enabled:
            self.set_enabled(self.enabled + [fingerprint])
        elif not on and fingerprint in self.enabled:
            self.set_enabled([f for f in self.enabled if f != fingerprint])

    # -- viewpoints ------------------------------------------------------------------
    def load_viewpoints(self) -> None:
        unusable = self.viewpoints.load()
        self.warnings.extend(f"viewpoint {path.name} not loaded: {why}" for path, why in unusable)
        self.viewpointsChanged.emit()

    def keep_viewpoint(self, name: str, fingerprints=None, *, persist: bool = True) -> None:
        """Keep ``fingerprints`` (default: the enabled experts) as the viewpoint ``name`` (saved with ``persist``)."""
        self.viewpoints.keep(name, self.enabled if fingerprints is None else fingerprints, persist=persist)
        self.viewpointsChanged.emit()

    def remove_viewpoint(self, name: str) -> None:
        self.viewpoints.remove(name)
        if self.compare == name:
            self.compare = None
            self.relevanceChanged.emit()
        self.viewpointsChanged.emit()

    def apply_viewpoint(self, name: str) -> None:
        self.set_enabled(self.viewpoints[name])

    def set_compare(self, name: str | None) -> None:
        """Overlay the relevance of viewpoint ``name`` (``None``: no second curve)."""
        name = name if name in self.viewpoints else None
        if name != self.compare:
            self.compare = name
            self.relevanceChanged.emit()
            self._run_missing()

    # -- relevance -------------------------------------------------------------------
    def _select(self, fingerprints):
        analysis = self.analysis if self.analysis is not None else self.progressive.analysis  # partial: so far
        if analysis is None:
            return None
        have = {e.fingerprint for e in analysis.experts}
        keys = tuple(f for f in fingerprints if f in have)
        cache_key = (id(analysis), keys)
        if cache_key not in self._selection_cache:
            self._selection_cache = {k: v for k, v in self._selection_cache.items() if k[0] == id(analysis)}
            self._selection_cache[cache_key] = analysis.select(keys)
        return self._selection_cache[cache_key]

    def current(self):
        """The analysis restricted to the enabled experts that have run (``None`` before any analysis)."""
        return self._select(self.enabled)

    def compared(self):
        """The analysis of the compared viewpoint, or ``None``."""
        return self._select(self.viewpoints[self.compare]) if self.compare else None

    def pending(self) -> list[str]:
        """Enabled (or compared) experts that have not run on this track yet."""
        have = {e.fingerprint for e in self.analysis.experts} if self.analysis else set()
        wanted = list(self.enabled) + (list(self.viewpoints.get(self.compare, ())) if self.compare else [])
        usable = set(self.roster.usable_fingerprints())
        return [f for f in dict.fromkeys(wanted) if f not in have and f in usable]

    @property
    def threshold(self) -> float:
        if self._threshold is not None:
            return self._threshold
        view = self.relevance.view()
        return view.threshold if view is not None else 0.5

    @property
    def threshold_is_auto(self) -> bool:
        return self._threshold is None

    @property
    def threshold_note(self) -> str:
        """`` (top 10 %)`` while the threshold is automatic, else empty (from the settings' ``top_fraction``)."""
        return f" ({auto_threshold_text(self.relevance.settings.top_fraction)})" if self._threshold is None else ""

    def set_threshold(self, value: float | None) -> None:
        self._threshold = None if value is None else min(max(float(value), 0.0), 1.0)
        self.thresholdChanged.emit(self.threshold)

    def segment_at(self, t: float) -> int:
        """The segment whose centre is nearest to ``t`` seconds (-1 without an analysis)."""
        if self.analysis is None or self.analysis.n_segments == 0:
            return -1
        import numpy as np

        c = self.analysis.centres
        k = int(np.searchsorted(c, t))
        if k >= len(c) or (k > 0 and t - c[k - 1] <= c[k] - t):
            k -= 1
        return max(0, k)

    def select_segment(self, k: int) -> None:
        if k != self.selected:
            self.selected = k
            self.selectionChanged.emit(k)

    def set_position(self, t: float) -> None:
        self.position = t
        self.positionChanged.emit(t)

    # -- track and analysis -----------------------------------------------------------
    def open_track(self, path) -> None:
        """Read ``path`` in the background; its analysis follows."""
        task = jobs.load_track(path := Path(path), rate=self.frontend.sample_rate, on_partial=self.progressive.reader())
        self.runner.submit(task, name=f"opening {path.name}",
                           on_done=lambda loaded: self._track_loaded(path, loaded),
                           on_error=lambda exc, tb: (self.progressive.settle(), self._job_failed(
                               f"Cannot open {path.name}", exc, tb)))

    def _track_loaded(self, path: Path, loaded) -> None:
        self.path, self.track, self.analysis, self.selected = path, loaded, None, -1
        self.progressive.settle()
        self._selection_cache.clear()
        self.warnings = [f"{path.name}: {w}" for w in loaded.clip.warnings]
        for w in self.warnings:
            self.message.emit(w)
        self.warningsChanged.emit()
        self.trackChanged.emit()
        self.set_position(0.0)
        self._run_missing(force=True)

    def _run_missing(self, *, force: bool = False) -> None:
        if self.track is None or not self.engine_ready or (not force and not self.pending()):
            return  # without the engine, engine_loaded runs it
        entries = [self.roster.entry(f) for f in self.pending()]
        clip = self.track.clip
        self.runs += 1
        task = jobs.run_experts(clip, self.library, entries,
                                base=self.analysis, loaded=self.loaded, cache=self.cache, device=self.device)
        names = ", ".join(e.label for e in entries) or "spectrogram"
        self.runner.submit(task, name=f"analysing {names}", on_done=lambda a: self._analysis_done(clip, a),
                           on_partial=self.progressive.analysis_partial if self.analysis is None else None)

    def _analysis_done(self, clip, analysis) -> None:
        if self.track is None or self.track.clip is not clip:
            return  # a result for a track that is no longer open
        self.analysis = analysis  # replaces the partial one (progressive.analysis)
        self._selection_cache.clear()
        fresh = [f"analysis: {w}" for w in analysis.warnings if f"analysis: {w}" not in self.warnings]
        if fresh:
            self.warnings.extend(fresh)
            for w in fresh:
                self.message.emit(w)
            self.warningsChanged.emit()
        self.analysisChanged.emit()
        self.relevanceChanged.emit()
        self.thresholdChanged.emit(self.threshold)
        self._run_missing()

    def analyse(self) -> None:
        """Run what is missing: the spectrogram after a cancelled first analysis, or pending experts."""
        self._run_missing(force=self.track is not None and self.analysis is None)

    def cancel(self) -> None:
        self.runner.cancel()
        self.message.emit("cancelled — Ctrl+R analyses again")
        self.relevanceChanged.emit()

    def _job_failed(self, title: str, exc, tb: str) -> None:
        if isinstance(exc, RelstudioError):
            self.problem.emit(title, str(exc))
        else:
            self.crashed.emit(title, exc, tb)

    def close(self) -> None:
        self.classification.runner.shutdown()
        self.runner.shutdown()
