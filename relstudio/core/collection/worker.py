"""What one worker does with one track — the same code in-process, in a process pool or on Dask.

A :class:`JobSpec` is small and picklable (paths and settings, no tensors);
each worker process loads the experts it names once and keeps them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from relstudio.core.errors import RelstudioError
from relstudio.core.relevance_settings import RelevanceSettings


@dataclass(frozen=True)
class JobSpec:
    """Everything a worker needs to analyse and summarise tracks."""

    expert_paths: tuple[str, ...]
    cache_folder: str | None = None
    relnet_path: str | None = None
    top_k: int = 3
    relevance: RelevanceSettings = RelevanceSettings()  # evidence, windows and passages of every row
    device: str = "cpu"
    threads: int = 0  # at most this many torch threads in a worker process (core/threads.py); 0 = the free cores

    @property
    def settings(self) -> dict:
        return {"top_k": self.top_k, "relevance": self.relevance.to_dict()}


_LOADED: dict = {}


def loaded(spec: JobSpec):
    """``(experts, probability cache, classifier)`` for ``spec``, loaded once per process."""
    key = (spec.expert_paths, spec.cache_folder, spec.relnet_path, spec.device)
    if key not in _LOADED:
        from relstudio.core.cache import ProbabilityCache
        from relstudio.core.collection.classify import load_classifier
        from relstudio.core.experts.expert_file import load_expert

        if len(_LOADED) > 4:
            _LOADED.clear()
        experts = [load_expert(p, device=spec.device) for p in spec.expert_paths]
        cache = ProbabilityCache(Path(spec.cache_folder)) if spec.cache_folder else None
        classifier = load_classifier(spec.relnet_path, experts, device=spec.device) if spec.relnet_path else None
        _LOADED[key] = (experts, cache, classifier)
    return _LOADED[key]


def init_process(spec: JobSpec) -> None:
    """Process-pool initializer: quiet Ctrl-C (the parent cancels), set threads, load experts."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if spec.threads:
        from relstudio.core.threads import set_ceiling

        set_ceiling(spec.threads)
    loaded(spec)


def summarise_analysis(analysis, spec: JobSpec, classifier, clip) -> dict:
    """The table row of one analysed clip under ``spec.relevance`` (classified by ``classifier`` or SUM fusion)."""
    from relstudio.core.collection.excerpts import summarise

    analysis = analysis.with_settings(spec.relevance)
    cls = classifier(analysis, clip) if classifier is not None else None
    row = summarise(analysis, top_k=spec.top_k, classification=cls)
    row["content_hash"] = analysis.content_hash
    return row


def run_one(path: str, spec: JobSpec, *, return_probs: bool = False) -> dict:
    """Analyse one track: ``{"path", "ok": True, "row", ["probs", "fingerprints"]}`` or ``{"ok": False, "reason"}``.

    Every failure is returned, never raised, so one bad file never stops a batch.
    """
    from relstudio.core.analysis import analyze
    from relstudio.core.audio import load_audio
    from relstudio.core.progress import run_task

    try:
        experts, cache, classifier = loaded(spec)
        clip = load_audio(path, rate=experts[0].info.frontend.sample_rate)
        analysis = run_task(analyze(clip, experts, cache=cache, device=spec.device, keep_mel=False))
        out = {"path": path, "ok": True, "row": summarise_analysis(analysis, spec, classifier, clip),
               "seconds": analysis.seconds, "pid": os.getpid()}
        if return_probs:
            out["probs"] = analysis.probs
            out["fingerprints"] = [e.fingerprint for e in analysis.experts]
            out["frontend"] = analysis.frontend.fingerprint()
        return out
    except RelstudioError as exc:
        return {"path": path, "ok": False, "reason": getattr(exc, "problem", None) or str(exc)}
    except Exception as exc:  # noqa: BLE001 — a decoder or a bug on one file must not end the batch
        return {"path": path, "ok": False, "reason": f"{type(exc).__name__}: {exc}"}
