"""Analysis of clips by a set of experts: generator tasks returning an :class:`Analysis` per clip.

The probabilities come from the one runner (:func:`relstudio.core.runner.run_experts`:
cache, chunking, device, out-of-memory fallback); this module wraps them with
segment times, each segment's level and the :class:`RelevanceSettings`, and
derives evidence, relevance, winners (−1 = silence) and the windows and
passages of :meth:`Analysis.view` (see ``docs/relevance.md``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from relstudio.core.audio import AudioClip
from relstudio.core.cache import ProbabilityCache
from relstudio.core.errors import ParameterError
from relstudio.core.frontend import FrontendConfig
from relstudio.core.audibility import evidence_weights
from relstudio.core.progress import Task, with_partials
from relstudio.core.relevance import SILENCE, relevance_parts, winning_expert
from relstudio.core.relevance_settings import RelevanceSettings
from relstudio.core.relevance_view import RelevanceView, relevance_view
from relstudio.core.runner import ExpertRun, common_frontend, run_experts


@dataclass(frozen=True)
class ExpertRef:
    label: str
    fingerprint: str
    colour: str = ""


@dataclass(frozen=True, eq=False)
class Analysis:
    """Segments of one clip and every expert's positive probability for each.

    ``probs`` has shape ``(n_experts, n_segments)`` in the order of ``experts``;
    ``levels_db`` ``(n_segments,)`` is each segment's level in dBFS (``None``:
    unknown, every segment counts fully). Evidence, relevance and winners are
    derived under ``settings`` (cheap to derive again for any subset via
    :meth:`select`, or other settings via :meth:`with_settings`).
    """

    source: Path | None
    duration: float
    frontend: FrontendConfig
    times: np.ndarray  # (S, 2) start/end seconds
    centres: np.ndarray  # (S,) seconds
    experts: tuple[ExpertRef, ...]
    probs: np.ndarray  # (N, S) float32
    content_hash: str = ""
    mel_db: np.ndarray | None = field(default=None, repr=False)  # (n_mels, frames) float16
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()  # e.g. a CUDA out-of-memory fallback, a clip shorter than a segment
    levels_db: np.ndarray | None = field(default=None, repr=False)  # (S,) float64 dBFS
    settings: RelevanceSettings = RelevanceSettings()
    known_segments: int | None = None  # a partial analysis (still running): probs known for segments [0, k)

    @property
    def n_segments(self) -> int:
        return self.times.shape[0]

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.experts]

    @cached_property
    def evidence(self) -> np.ndarray:
        """``(S,)`` evidence weight in [0, 1] per segment: 0 below the audibility floor (silence).

        All 1 when the levels are unknown or ``settings.audibility`` is off; 0 past ``known_segments``.
        """
        weights = np.ones(self.n_segments) if self.levels_db is None else \
            evidence_weights(self.levels_db, settings=self.settings, segment_seconds=self.frontend.segment_hop_seconds)
        if self.known_segments is not None:  # partial: the segments not analysed yet are empty
            weights = np.where(np.arange(self.n_segments) < self.known_segments, weights, 0.0)
        return weights

    @cached_property
    def _parts(self):
        return relevance_parts(self.probs, weights=self.evidence)

    @property
    def relevance(self) -> np.ndarray:
        """R_max per segment, scaled by its evidence (0 where silent)."""
        return self._parts[1]

    @property
    def certainty(self) -> np.ndarray:
        """R = 1 − H per segment (before weighting by the top probability), scaled by its evidence."""
        return self._parts[0]

    @cached_property
    def winners(self) -> np.ndarray:
        """``(S,)`` index of the winning expert per segment, :data:`SILENCE` (−1) where there is no evidence."""
        return winning_expert(self.probs, weights=self.evidence)

    def winner_labels(self) -> list[str]:
        """Per segment: the winning expert's label, or ``"silence"``."""
        labels = self.labels
        return [labels[i] if i != SILENCE else "silence" for i in self.winners] if labels else []

    def with_settings(self, settings: RelevanceSettings) -> "Analysis":
        """This analysis read under other :class:`RelevanceSettings` (no model runs again)."""
        if not isinstance(settings, RelevanceSettings):
            raise ParameterError(f"settings must be RelevanceSettings, got {settings!r}")
        return self if settings == self.settings else dataclasses.replace(self, settings=settings)

    def view(self, threshold: float | None = None) -> RelevanceView:
        """Windows and passages at the settings' resolution (threshold ``None``: the top
        ``settings.top_fraction`` of the audible windows); see :func:`relevance_view`."""
        if threshold is None:
            return self._default_view
        return relevance_view(probs=self.probs, weights=self.evidence, times=self.times, centres=self.centres,
                              duration=self.duration, settings=self.settings, threshold=threshold)

    @cached_property
    def _default_view(self) -> RelevanceView:
        return relevance_view(probs=self.probs, weights=self.evidence, times=self.times, centres=self.centres,
                              duration=self.duration, settings=self.settings)

    def select(self, keys) -> "Analysis":
        """The same analysis restricted to the experts named by label or fingerprint (in that order)."""
        index = []
        for key in keys:
            hits = [i for i, e in enumerate(self.experts) if key in (e.fingerprint, e.label)]
            if not hits:
                raise ParameterError(f"expert {key!r} is not part of this analysis ({', '.join(self.labels)})")
            index.append(hits[0])
        return dataclasses.replace(self, experts=tuple(self.experts[i] for i in index), probs=self.probs[index])

    def merged(self, extra: "Analysis") -> "Analysis":
        """This analysis with ``extra``'s experts appended (experts already here are kept as they are).

        ``extra`` is another run over the same clip; its spectrogram and levels are
        used when this one has none, its warnings are added and the inference times
        summed. The settings stay this analysis's.
        """
        known = {e.fingerprint for e in self.experts}
        keep = [i for i, e in enumerate(extra.experts) if e.fingerprint not in known]
        if not keep:
            return self
        probs = np.concatenate([self.probs, extra.probs[keep]], axis=0)
        experts = self.experts + tuple(extra.experts[i] for i in keep)
        mel = self.mel_db if self.mel_db is not None else extra.mel_db
        levels = self.levels_db if self.levels_db is not None else extra.levels_db
        warnings = self.warnings + tuple(w for w in extra.warnings if w not in self.warnings)
        return dataclasses.replace(self, experts=experts, probs=probs, mel_db=mel, seconds=self.seconds + extra.seconds,
                                   warnings=warnings, levels_db=levels)

    def top_segments(self, k: int = 10) -> np.ndarray:
        """Indices of the ``k`` most relevant audible segments, best first (silent segments never)."""
        order = np.argsort(-self.relevance, kind="stable")
        return order[self.evidence[order] > 0][:k]

    def threshold_for_top(self, fraction: float | None = None) -> float:
        """The segment relevance above which the top ``fraction`` (default ``settings.top_fraction``)
        of the **audible** segments lie (1.0 when none is audible, 0.0 for an empty clip)."""
        fraction = self.settings.top_fraction if fraction is None else fraction
        if not 0 < fraction <= 1:
            raise ParameterError(f"fraction must be in (0, 1], got {fraction!r}")
        if self.n_segments == 0:
            return 0.0
        rel = self.relevance[self.evidence > 0]
        return float(np.quantile(rel, 1.0 - fraction)) if rel.size else 1.0


def analysis_of(clip: AudioClip, experts, frontend: FrontendConfig, run: ExpertRun, *,
                settings: RelevanceSettings | None = None) -> Analysis:
    """The :class:`Analysis` of ``clip`` from its :class:`~relstudio.core.runner.ExpertRun`."""
    n_seg = run.probs.shape[1]
    refs = tuple(ExpertRef(e.label, e.fingerprint, e.info.colour) for e in experts)
    return Analysis(clip.source, clip.duration, frontend, frontend.segment_times(n_seg, clip.duration),
                    frontend.segment_centres(n_seg), refs, run.probs, clip.content_hash, run.mel_db,
                    run.seconds, run.notes, run.levels_db, settings or RelevanceSettings(), run.known_segments)


def analyze(clip: AudioClip, experts, *, frontend: FrontendConfig | None = None,
            cache: ProbabilityCache | None = None, device=None, chunk_seconds: float = 60.0,
            keep_mel: bool = True, settings: RelevanceSettings | None = None,
            partials: bool = False) -> Task[Analysis]:
    """Run ``experts`` over ``clip``; yields :class:`Progress`, returns :class:`Analysis`.

    ``experts`` are loaded :class:`~relstudio.core.experts.expert_file.Expert`
    objects sharing ``frontend`` (default: the first expert's). The work is
    :func:`relstudio.core.runner.run_experts`: cached probabilities are reused;
    mel features are only computed when some expert must run or ``keep_mel``
    asks for the spectrogram; CUDA running out of memory moves the rest of the
    work to the CPU (noted in ``Analysis.warnings``). Segment levels come from
    the samples on every run; ``settings`` (default :class:`RelevanceSettings()`)
    say how they become evidence. With ``partials``, each chunk's report carries the analysis so far
    (``Progress.partial``: an :class:`Analysis` with ``known_segments``; the rest is empty).
    """
    experts = list(experts)
    frontend = common_frontend(experts, frontend)
    run = yield from with_partials(run_experts(clip, experts, frontend=frontend, cache=cache, device=device,
                                               chunk_seconds=chunk_seconds, keep_mel=keep_mel, partials=partials),
                                   lambda part: analysis_of(clip, experts, frontend, part, settings=settings))
    return analysis_of(clip, experts, frontend, run, settings=settings)


def analyze_clips(clips, experts, *, cache: ProbabilityCache | None = None, device=None,
                  batch_seconds: float = 60.0, settings: RelevanceSettings | None = None) -> Task[list[Analysis]]:
    """:func:`analyze` for several clips without mel spectrograms, the short ones in one padded pass."""
    experts = list(experts)
    if not experts:
        raise ParameterError("analyze_clips needs at least one expert")
    frontend = common_frontend(experts)
    runs = yield from run_experts(clips, experts, frontend=frontend, cache=cache, device=device,
                                  batch_seconds=batch_seconds)
    return [analysis_of(clip, experts, frontend, run, settings=settings) for clip, run in zip(clips, runs)]
