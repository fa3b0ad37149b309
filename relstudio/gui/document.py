"""Document: the single owner of what the window shows; views subscribe to its signals.

It holds the track, the expert library, the enabled experts (by fingerprint),
the *full* :class:`~relstudio.core.analysis.Analysis` over every expert that has
run on this track, the viewpoints, the threshold, the selected segment and the
playback position. The relevance of any expert set is ``analysis.select(...)``
— cheap numpy, no inference. Only experts that never ran on this track start a
background job (and the probability cache makes experts seen before free).

It also owns the review marks (``review``: :class:`~relstudio.gui.review.ReviewState`),
the classification of the track (``classification``: RELNET next to the SUM and RV
fusions, :class:`~relstudio.gui.classification.ClassificationState`) and the training
queue (``training``: :class:`~relstudio.gui.training.queue.TrainingQueue`); experts a
finished training wrote are listed and enabled at once (``adopt_trained``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from relstudio.core.errors import RelstudioError
from relstudio.core.experts.library import PALETTE, ExpertLibrary, LibraryEntry
from relstudio.gui import jobs
from relstudio.core.experts.choice import copy_to_user_folder, default_selection, expert_family
from relstudio.gui.tasks import TaskRunner

AUTO_TOP_FRACTION = 0.1


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
    warningsChanged = Signal()  # the open track's decode and analysis warnings (``warnings``)
    problem = Signal(str, str)  # title, text — a user error (bad file, incompatible expert)
    crashed = Signal(str, object, str)  # title, exception, traceback — a bug

    def __init__(self, *, library: ExpertLibrary | None = None, cache=None, device=None,
                 viewpoint_folder: Path | None = None, parent=None):
        super().__init__(parent)
        from relstudio.core.cache import ProbabilityCache
        from relstudio.core.device import choose_device

        self.library = library if library is not None else ExpertLibrary()
        self.frontend = self.library.frontend
        self.cache = cache if cache is not None else ProbabilityCache.default()
        import torch

        self.device = choose_device() if device is None else torch.device(device)
        self.viewpoint_folder = viewpoint_folder
        self.runner = TaskRunner(self)
        self.runner.failed.connect(lambda name, exc, tb: self._job_failed(name, exc, tb))
        self.path: Path | None = None
        self.track: jobs.LoadedTrack | None = None
        self.analysis = None
        self.enabled: list[str] = []
        self.viewpoints: dict[str, tuple[str, ...]] = {}
        self.compare: str | None = None
        self._threshold: float | None = None  # None: the top 10 % of the enabled set
        self.selected = -1
        self.position = 0.0
        self.loaded: dict = {}
        self.runs = 0  # expert jobs started (tests check toggling starts none)
        self._selection_cache: dict = {}
        self.warnings: list[str] = []
        self.load_viewpoints()
        from relstudio.gui.classification import ClassificationState
        from relstudio.gui.review import ReviewState
        from relstudio.gui.training.queue import TrainingQueue

        self.review = ReviewState(self)
        self.classification = ClassificationState(self)
        self.training = TrainingQueue(parent=self)
        self.training.jobFinished.connect(self._training_finished)

    # -- experts -------------------------------------------------------------------
    def entry(self, fingerprint: str) -> LibraryEntry | None:
        for e in self.library.entries:
            if e.info is not None and e.info.fingerprint == fingerprint:
                return e
        return None

    def usable_fingerprints(self) -> list[str]:
        return [e.info.fingerprint for e in self.library.usable()]

    def colour(self, fingerprint: str) -> str:
        e = self.entry(fingerprint)
        if e is not None:
            return self.library.colour_of(e)
        refs = [r for r in (self.analysis.experts if self.analysis else ()) if r.fingerprint == fingerprint]
        return refs[0].colour if refs and refs[0].colour else PALETTE[hash(fingerprint) % len(PALETTE)]

    def display_label(self, fingerprint: str) -> str:
        """The label, with the family when two usable experts share a label."""
        e = self.entry(fingerprint)
        if e is None:
            refs = [r.label for r in (self.analysis.experts if self.analysis else ()) if r.fingerprint == fingerprint]
            return refs[0] if refs else fingerprint[:8]
        twins = [o for o in self.library.usable() if o.label == e.label]
        if len(twins) > 1:
            family = expert_family(e) or e.path.parent.name
            return f"{e.label} ({family})"
        return e.label

    def default_enabled(self) -> list[str]:
        """Shipped experts of the sound-class and genre families, one per class (else up to six usable)."""
        return default_selection(self.library)

    def rescan_library(self) -> None:
        self.library.rescan()
        self.libraryChanged.emit()

    def import_expert(self, path) -> LibraryEntry:
        """Copy an expert file into the user's folder and list it (greyed with a reason when unusable)."""
        dest = copy_to_user_folder(path)
        if all(folder.resolve() != dest.parent.resolve() for folder, _ in self.library.folders):
            self.library.folders.append((dest.parent, "user"))
        self.library.rescan()
        entry = next((e for e in self.library.entries if e.path.resolve() == dest.resolve()), None)
        entry = entry or self.library.add(dest)
        self.libraryChanged.emit()
        return entry

    def import_model(self, path):
        """Import an expert, RELNET or classifier file into the user's folder (see ``gui.library_commands``)."""
        from relstudio.gui.library_commands import import_model

        return import_model(self, path)

    def adopt_trained(self, folder, paths=()) -> list[str]:
        """List freshly trained experts and enable them on the open track at once; returns their fingerprints."""
        from relstudio.gui.library_commands import adopt_trained

        return adopt_trained(self, folder, paths)

    def _training_finished(self, job_id: int) -> None:
        job = self.training.job(job_id)
        if job.outcome is not None:
            self.adopt_trained(job.outcome.folder, job.outcome.experts)
            self.message.emit(f"training {job.name} finished: experts saved in {job.outcome.folder}")
        elif job.error:
            self.problem.emit(f"Training {job.name} failed", job.error)

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
        from relstudio.core.viewpoints import scan_viewpoints

        found, unusable = scan_viewpoints(folder=self.viewpoint_folder)
        self.warnings.extend(f"viewpoint {path.name} not loaded: {why}" for path, why in unusable)
        for vp in found:
            fps = self.resolve(vp.experts)
            if fps:
                self.viewpoints[vp.name] = tuple(fps)
        self.viewpointsChanged.emit()

    def resolve(self, keys) -> list[str]:
        """Fingerprints of the usable experts named by label or fingerprint (unknown keys skipped)."""
        out = []
        for key in keys:
            try:
                e = self.library.find(key)
            except RelstudioError:
                continue
            if e.ok and e.info.fingerprint not in out:
                out.append(e.info.fingerprint)
        return out

    def keep_viewpoint(self, name: str, fingerprints=None, *, persist: bool = True) -> None:
        """Keep ``fingerprints`` (default: the enabled experts) as the viewpoint ``name``.

        With ``persist`` it is saved with the user's viewpoints (``core.viewpoints``).
        """
        from relstudio.core.viewpoints import Viewpoint, save_viewpoint

        fps = tuple(self.enabled if fingerprints is None else fingerprints)
        vp = Viewpoint(name, fps)  # validates the name and refuses an empty set
        if persist:
            save_viewpoint(vp, folder=self.viewpoint_folder)
        self.viewpoints[vp.name] = vp.experts
        self.viewpointsChanged.emit()

    def remove_viewpoint(self, name: str) -> None:
        from relstudio.core.viewpoints import delete_viewpoint

        self.viewpoints.pop(name, None)
        try:
            delete_viewpoint(name, folder=self.viewpoint_folder)
        except RelstudioError:
            pass  # it only lived in this session
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
        if self.analysis is None:
            return None
        have = {e.fingerprint for e in self.analysis.experts}
        keys = tuple(f for f in fingerprints if f in have)
        cache_key = (id(self.analysis), keys)
        if cache_key not in self._selection_cache:
            self._selection_cache = {k: v for k, v in self._selection_cache.items() if k[0] == id(self.analysis)}
            self._selection_cache[cache_key] = self.analysis.select(keys)
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
        usable = set(self.usable_fingerprints())
        return [f for f in dict.fromkeys(wanted) if f not in have and f in usable]

    @property
    def threshold(self) -> float:
        if self._threshold is not None:
            return self._threshold
        cur = self.current()
        return cur.threshold_for_top(AUTO_TOP_FRACTION) if cur is not None and cur.experts else 0.5

    @property
    def threshold_is_auto(self) -> bool:
        return self._threshold is None

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
        path = Path(path)
        self.runner.submit(jobs.load_track(path, rate=self.frontend.sample_rate), name=f"opening {path.name}",
                           on_done=lambda loaded: self._track_loaded(path, loaded),
                           on_error=lambda exc, tb: self._job_failed(f"Cannot open {path.name}", exc, tb))

    def _track_loaded(self, path: Path, loaded) -> None:
        self.path, self.track, self.analysis = path, loaded, None
        self.selected = -1
        self._selection_cache.clear()
        self.warnings = [f"{path.name}: {w}" for w in loaded.clip.warnings]
        for w in self.warnings:
            self.message.emit(w)
        self.warningsChanged.emit()
        self.trackChanged.emit()
        self.set_position(0.0)
        self._run_missing(force=True)

    def _run_missing(self, *, force: bool = False) -> None:
        if self.track is None or (not force and not self.pending()):
            return
        entries = [self.entry(f) for f in self.pending()]
        clip = self.track.clip
        self.runs += 1
        task = jobs.run_experts(clip, self.library, entries,
                                base=self.analysis, loaded=self.loaded, cache=self.cache, device=self.device)
        names = ", ".join(e.label for e in entries) or "spectrogram"
        self.runner.submit(task, name=f"analysing {names}", on_done=lambda a: self._analysis_done(clip, a))

    def _analysis_done(self, clip, analysis) -> None:
        if self.track is None or self.track.clip is not clip:
            return  # a result for a track that is no longer open
        self.analysis = analysis
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
        self.training.shutdown()
        self.classification.runner.shutdown()
        self.runner.shutdown()
