"""Which classes a track is about: RELNET's clip probabilities, the expert fusions, and the segments behind them.

- :func:`run_relnet` is the one RELNET runner (chunked like
  :func:`relstudio.core.runner.run_experts`, segment-aligned, so the result
  equals one pass over the whole track); :func:`clip_scores` pools its output.
- :func:`classify_track` runs a RELNET file over a track and returns a
  :class:`TrackClassification`; segments below the audibility floor
  (:mod:`relstudio.core.audibility`) take no part in its clip scores or shares. Which RELNET fits the enabled experts is the
  model library's answer (:func:`relstudio.core.experts.library.matching_relnets`).
- :func:`segment_shares` says how much each segment contributed to a class's
  score under RELNET, SUM or RV fusion, so a user can see "which segments made it so".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from relstudio.core.errors import ParameterError
from relstudio.core.experts.relnet_file import ClassifierInfo, load_classifier
from relstudio.core.progress import Progress, Task
from relstudio.core.relevance import check_weights, relevance, winning_expert


@dataclass(frozen=True, eq=False)
class TrackClassification:
    """RELNET over one track: clip probabilities ``(C,)``, per-segment class probabilities ``(S, C)``,
    the R_max weight ``(S,)`` of its experts and the segments' evidence ``(S,)`` (``None``: all 1);
    ``classes[i]`` is detected by ``experts[i]`` (fingerprints)."""

    relnet: ClassifierInfo
    classes: tuple[str, ...]
    experts: tuple[str, ...]
    clip_probs: np.ndarray
    segment_probs: np.ndarray
    weights: np.ndarray
    evidence: np.ndarray | None = None

    def shares(self, c: int) -> np.ndarray:
        """``(S,)`` each segment's share of class ``c``'s clip score (sums to 1; silent segments 0)."""
        contrib = self.segment_probs[:, c] * self.weights
        if self.evidence is not None:
            contrib = contrib * self.evidence[:len(contrib)]
        total = contrib.sum()
        return contrib / total if total > 0 else np.full(len(contrib), 1.0 / max(1, len(contrib)))


def run_relnet(clip, module, *, weights=None, chunk_seconds: float = 60.0) -> Task[tuple[np.ndarray, np.ndarray]]:
    """The one RELNET runner: a loaded RELNET ``module`` over ``clip`` in segment-aligned chunks.

    Yields progress; returns per-segment class probabilities ``(S, C)`` and
    weights ``(S,)``: the R_max of its experts, or ``weights`` when given (the
    experts' relevance from an analysis; only the classifier branch runs then).
    Equals one pass over the whole track.
    """
    import torch

    from relstudio.core.runner import chunk_bounds, chunk_features

    fe = module.frontend
    if clip.rate != fe.sample_rate:
        raise ParameterError(f"{clip.name} is at {clip.rate} Hz but the RELNET needs {fe.sample_rate} Hz")
    n_frames = fe.n_frames(clip.n_samples)
    n_seg = fe.n_segments(n_frames)
    probs = np.zeros((n_seg, module.n_classes), np.float32)
    given = weights is not None
    weights = np.asarray(weights, np.float32)[:n_seg] if given else np.zeros(n_seg, np.float32)
    device = next(module.parameters()).device
    yield Progress(0.0, f"RELNET on {clip.name}")
    with torch.inference_mode():
        for s0, s1, f0, f1 in chunk_bounds(fe, n_frames, chunk_seconds):
            x = chunk_features(clip, fe, f0, f1, device)[0][None]
            if given:
                p = module.classifier.segment_probs(x)
            else:
                p, r = module.segment_outputs(x)
                weights[s0:s1] = r[0, : s1 - s0].float().cpu().numpy()
            probs[s0:s1] = p[0, : s1 - s0].float().cpu().numpy()
            yield Progress(s1 / n_seg, f"RELNET: {s1} of {n_seg} segments")
    return probs, weights


def classify_track(clip, relnet: ClassifierInfo, experts, *, device=None, chunk_seconds: float = 60.0,
                   evidence=None, settings=None) -> Task[TrackClassification]:
    """Run the RELNET ``relnet`` over ``clip`` with its loaded ``experts``; yields progress.

    ``clip`` must be at the RELNET's sample rate. ``evidence`` ``(S,)`` (e.g.
    ``Analysis.evidence``) says which segments count; by default it comes from
    the clip's levels under ``settings`` (:class:`RelevanceSettings`, default
    settings when omitted). Raises
    :class:`~relstudio.core.errors.IncompatibleExpertError` when ``experts``
    are not exactly the RELNET's.
    """
    from relstudio.core.audibility import track_evidence

    model = load_classifier(relnet.path, experts=experts, device=device).module
    probs, weights = yield from run_relnet(clip, model, chunk_seconds=chunk_seconds)
    if evidence is None:
        evidence = track_evidence(clip.pcm, frontend=model.frontend, settings=settings)[1]
    evidence = check_weights(np.asarray(evidence, np.float64)[:len(probs)], len(probs))
    return TrackClassification(relnet, relnet.classes, tuple(fp for _, fp in relnet.experts),
                               clip_scores(probs, weights, evidence=evidence), probs, weights, evidence)


def clip_scores(segment_probs, weights, *, evidence=None) -> np.ndarray:
    """RELNET's clip probabilities ``(C,)`` from its segment outputs (as ``RelNet.forward``).

    Parameters
    ----------
    segment_probs : array, shape (S, C) — the classifier branch's per-segment class probabilities.
    weights : array, shape (S,) — the relevance branch's R_max per segment.
    evidence : array, shape (S,), optional — audibility weights in [0, 1]; segments with
        evidence 0 take no part (the R_max weight is multiplied by the evidence).

    A track with no relevant segment falls back to equal weights over its
    audible segments (over every segment when ``evidence`` is omitted).
    """
    from relstudio.core.nets.relnet import EPS

    p = np.asarray(segment_probs, np.float64)
    r = np.asarray(weights, np.float64)
    if p.ndim != 2 or r.ndim != 1:
        raise ParameterError(f"need segment_probs (S, C) and weights (S,), got {p.shape} and {r.shape}")
    n = min(len(p), len(r))  # the two branches may differ by a padded segment
    p, r = p[:n], r[:n]
    e = np.ones(n) if evidence is None else check_weights(np.asarray(evidence)[:n], n)
    w = (r + EPS) * e  # + EPS as RelNet.forward: no relevant segment falls back to equal weights
    total = (p * w[:, None]).sum(axis=0)
    s = total.sum()
    return total / s if s > 0 else np.full(p.shape[1], 1.0 / max(1, p.shape[1]))


def segment_shares(probs, method: str, index: int, *, weights=None) -> np.ndarray:
    """``(S,)`` each segment's share of expert ``index``'s fused score (``probs``: ``(N, S)``).

    ``SUM``: its positive probability; ``RV``: its R_max where that expert wins
    the segment's vote, else 0. ``weights`` (evidence ``(S,)``) scale both, as in
    :func:`~relstudio.core.relevance.fuse`. Shares sum to 1 (all zero when the expert got nothing).
    """
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or not 0 <= index < p.shape[0]:
        raise ParameterError(f"need probs (n_experts, n_segments) and an expert index, got {p.shape}, {index}")
    w = check_weights(weights, p.shape[1])
    method = method.upper()
    if method == "SUM":
        part = p[index] if w is None else p[index] * w
    elif method == "RV":
        part = np.where(winning_expert(p, weights=w) == index, relevance(p, weights=w), 0.0)
    else:
        raise ParameterError(f"segment shares are defined for SUM and RV, got {method!r}")
    total = part.sum()
    return part / total if total > 0 else np.zeros_like(part)


def top_segments(shares, k: int = 5) -> np.ndarray:
    """Indices of the ``k`` segments with the largest (non-zero) share, largest first."""
    s = np.asarray(shares, dtype=np.float64)
    order = np.argsort(-s, kind="stable")[:k]
    return order[s[order] > 0]
