"""Analysis of clips by a set of experts: generator tasks returning an :class:`Analysis` per clip.

The probabilities come from the one runner (:func:`relstudio.core.runner.run_experts`:
cache, chunking, device, out-of-memory fallback); this module wraps them with
segment times and the derived relevance and winners.
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
from relstudio.core.progress import Task
from relstudio.core.relevance import relevance_parts, winning_expert
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
    relevance and winners are derived (and cheap to derive again for any
    subset via :meth:`select`).
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

    @property
    def n_segments(self) -> int:
        return self.times.shape[0]

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.experts]

    @cached_property
    def _parts(self):
        return relevance_parts(self.probs)

    @property
    def relevance(self) -> np.ndarray:
        """R_max per segment."""
        return self._parts[1]

    @property
    def certainty(self) -> np.ndarray:
        """R = 1 − H per segment (before weighting by the top probability)."""
        return self._parts[0]

    @cached_property
    def winners(self) -> np.ndarray:
        return winning_expert(self.probs)

    def winner_labels(self) -> list[str]:
        labels = self.labels
        return [labels[i] for i in self.winners] if labels else []

    def select(self, keys) -> "Analysis":
        """The same analysis restricted to the experts named by label or fingerprint (in that order)."""
        index = []
        for key in keys:
            hits = [i for i, e in enumerate(self.experts) if key in (e.fingerprint, e.label)]
            if not hits:
                raise ParameterError(f"expert {key!r} is not part of this analysis ({', '.join(self.labels)})")
            index.append(hits[0])
        return Analysis(self.source, self.duration, self.frontend, self.times, self.centres,
                        tuple(self.experts[i] for i in index), self.probs[index], self.content_hash,
                        self.mel_db, self.seconds, self.warnings)

    def merged(self, extra: "Analysis") -> "Analysis":
        """This analysis with ``extra``'s experts appended (experts already here are kept as they are).

        ``extra`` is another run over the same clip; its spectrogram is used when
        this one has none, its warnings are added and the inference times summed.
        """
        known = {e.fingerprint for e in self.experts}
        keep = [i for i, e in enumerate(extra.experts) if e.fingerprint not in known]
        if not keep:
            return self
        probs = np.concatenate([self.probs, extra.probs[keep]], axis=0)
        experts = self.experts + tuple(extra.experts[i] for i in keep)
        mel = self.mel_db if self.mel_db is not None else extra.mel_db
        warnings = self.warnings + tuple(w for w in extra.warnings if w not in self.warnings)
        return dataclasses.replace(self, experts=experts, probs=probs, mel_db=mel, seconds=self.seconds + extra.seconds,
                                   warnings=warnings)

    def top_segments(self, k: int = 10) -> np.ndarray:
        """Indices of the ``k`` most relevant segments, best first."""
        return np.argsort(-self.relevance, kind="stable")[:k]

    def threshold_for_top(self, fraction: float = 0.1) -> float:
        """The relevance above which the top ``fraction`` of segments lie."""
        if self.n_segments == 0:
            return 0.0
        return float(np.quantile(self.relevance, 1.0 - fraction))


def analysis_of(clip: AudioClip, experts, frontend: FrontendConfig, run: ExpertRun) -> Analysis:
    """The :class:`Analysis` of ``clip`` from its :class:`~relstudio.core.runner.ExpertRun`."""
    n_seg = run.probs.shape[1]
    refs = tuple(ExpertRef(e.label, e.fingerprint, e.info.colour) for e in experts)
    return Analysis(clip.source, clip.duration, frontend, frontend.segment_times(n_seg, clip.duration),
                    frontend.segment_centres(n_seg), refs, run.probs, clip.content_hash, run.mel_db,
                    run.seconds, run.notes)


def analyze(clip: AudioClip, experts, *, frontend: FrontendConfig | None = None,
            cache: ProbabilityCache | None = None, device=None, chunk_seconds: float = 60.0,
            keep_mel: bool = True) -> Task[Analysis]:
    """Run ``experts`` over ``clip``; yields :class:`Progress`, returns :class:`Analysis`.

    ``experts`` are loaded :class:`~relstudio.core.experts.expert_file.Expert`
    objects sharing ``frontend`` (default: the first expert's). The work is
    :func:`relstudio.core.runner.run_experts`: cached probabilities are reused;
    mel features are only computed when some expert must run or ``keep_mel``
    asks for the spectrogram; CUDA running out of memory moves the rest of the
    work to the CPU (noted in ``Analysis.warnings``).
    """
    experts = list(experts)
    frontend = common_frontend(experts, frontend)
    run = yield from run_experts(clip, experts, frontend=frontend, cache=cache, device=device,
                                 chunk_seconds=chunk_seconds, keep_mel=keep_mel)
    return analysis_of(clip, experts, frontend, run)


def analyze_clips(clips, experts, *, cache: ProbabilityCache | None = None, device=None,
                  batch_seconds: float = 60.0) -> Task[list[Analysis]]:
    """:func:`analyze` for several clips without mel spectrograms, the short ones in one padded pass."""
    experts = list(experts)
    if not experts:
        raise ParameterError("analyze_clips needs at least one expert")
    frontend = common_frontend(experts)
    runs = yield from run_experts(clips, experts, frontend=frontend, cache=cache, device=device,
                                  batch_seconds=batch_seconds)
    return [analysis_of(clip, experts, frontend, run) for clip, run in zip(clips, runs)]
