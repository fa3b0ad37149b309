"""Analysis of one clip by a set of experts: a generator task returning an :class:`Analysis`.

Only experts whose probabilities are not cached run; they run fused as one
network over chunks of the track (segment-aligned with the overlap one
segment needs, so chunked results equal whole-track results exactly).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from relstudio.core.audio import AudioClip
from relstudio.core.cache import ProbabilityCache, cache_key
from relstudio.core.errors import ParameterError
from relstudio.core.frontend import FrontendConfig, features_from_db, mel_db, to_tensor
from relstudio.core.progress import Progress, Task
from relstudio.core.relevance import relevance_parts, winning_expert


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

    def top_segments(self, k: int = 10) -> np.ndarray:
        """Indices of the ``k`` most relevant segments, best first."""
        return np.argsort(-self.relevance, kind="stable")[:k]

    def threshold_for_top(self, fraction: float = 0.1) -> float:
        """The relevance above which the top ``fraction`` of segments lie."""
        if self.n_segments == 0:
            return 0.0
        return float(np.quantile(self.relevance, 1.0 - fraction))


_FUSED: dict = {}


def _fused(experts, device):
    from relstudio.core.nets.expert_cnn import FusedExperts

    key = (tuple(e.fingerprint for e in experts), str(device))
    if key not in _FUSED:
        if len(_FUSED) > 8:
            _FUSED.clear()
        _FUSED[key] = FusedExperts([e.module for e in experts]).to(device).eval()
    return _FUSED[key]


def analyze(clip: AudioClip, experts, *, frontend: FrontendConfig | None = None,
            cache: ProbabilityCache | None = None, device=None, chunk_seconds: float = 60.0,
            keep_mel: bool = True) -> Task[Analysis]:
    """Run ``experts`` over ``clip``; yields :class:`Progress`, returns :class:`Analysis`.

    ``experts`` are loaded :class:`~relstudio.core.experts.expert_file.Expert`
    objects sharing ``frontend`` (default: the first expert's). Cached
    probabilities are reused; mel features are only computed when some
    expert must run or ``keep_mel`` asks for the spectrogram. CUDA running
    out of memory moves the rest of the work to the CPU (noted in
    ``Analysis.warnings``).
    """
    import torch

    from relstudio.core.device import choose_device, describe
    from relstudio.core.threads import fit_torch_threads

    t0 = time.perf_counter()
    experts = list(experts)
    if frontend is None:
        frontend = experts[0].info.frontend if experts else FrontendConfig()
    for e in experts:
        if e.info.frontend != frontend:
            raise ParameterError(f"expert {e.label!r} uses another front end: "
                                 + "; ".join(frontend.differences(e.info.frontend)))
    if clip.rate != frontend.sample_rate:
        raise ParameterError(f"clip is at {clip.rate} Hz but the front end needs {frontend.sample_rate} Hz")
    device = choose_device() if device is None else torch.device(device)
    if device.type == "cpu":
        fit_torch_threads()  # the free cores, now (core/threads.py)
    n_frames = frontend.n_frames(len(clip.samples))
    n_seg = frontend.n_segments(n_frames)
    notes = []
    if n_frames < frontend.segment_frames:
        notes.append(f"clip is shorter than one segment ({clip.duration:.3g} s); it was padded with silence")
    fe_fp = frontend.fingerprint()
    probs = np.zeros((len(experts), n_seg), np.float32)
    todo = []
    for i, e in enumerate(experts):
        hit = cache.get(cache_key(clip.content_hash, fe_fp, e.fingerprint)) if cache and clip.content_hash else None
        if hit is not None and hit.shape == (n_seg,):
            probs[i] = hit
        else:
            todo.append(i)
    yield Progress(0.0, f"{len(todo)} of {len(experts)} experts to run on {clip.name}")
    mel = np.empty((frontend.n_mels, n_frames), np.float16) if keep_mel else None
    if todo or keep_mel:
        fused = _fused([experts[i] for i in todo], device) if todo else None
        samples = to_tensor(clip.samples, device)
        per_chunk = max(1, int(chunk_seconds * frontend.sample_rate / frontend.hop_length / frontend.pool_stride))
        with torch.inference_mode():
            s0 = 0
            while s0 < n_seg:
                s1 = min(n_seg, s0 + per_chunk)
                f0 = s0 * frontend.pool_stride
                f1 = min(n_frames, (s1 - 1) * frontend.pool_stride + frontend.segment_frames)
                if s1 == n_seg:
                    f1 = n_frames
                try:
                    db = mel_db(samples, frontend, start=f0, stop=f1)
                    out = fused(features_from_db(db, frontend)[None])[0, :, : s1 - s0] if fused else None
                except torch.cuda.OutOfMemoryError:
                    if any("out of memory" in n for n in notes):
                        raise  # already on the CPU
                    notes.append(f"{describe(device)} ran out of memory; the analysis continued on the CPU")
                    db = out = None
                    torch.cuda.empty_cache()
                    device = torch.device("cpu")
                    samples = to_tensor(clip.samples)
                    fused = _fused([experts[i] for i in todo], device) if todo else None
                    yield Progress(s0 / n_seg, notes[-1])
                    continue  # the same chunk again
                if mel is not None:
                    mel[:, f0:f1] = db.cpu().numpy()
                if out is not None:
                    probs[todo, s0:s1] = out.float().cpu().numpy()
                done = min(clip.duration, f1 * frontend.hop_length / frontend.sample_rate)
                yield Progress(s1 / n_seg, f"analysed {done:.0f} s of {clip.duration:.0f} s")
                s0 = s1
    if cache is not None and clip.content_hash:
        for i in todo:
            cache.put(cache_key(clip.content_hash, fe_fp, experts[i].fingerprint), probs[i])
    refs = tuple(ExpertRef(e.label, e.fingerprint, e.info.colour) for e in experts)
    return Analysis(clip.source, clip.duration, frontend, frontend.segment_times(n_seg, clip.duration),
                    frontend.segment_centres(n_seg), refs, probs, clip.content_hash, mel,
                    time.perf_counter() - t0, tuple(notes))
