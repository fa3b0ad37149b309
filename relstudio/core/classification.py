"""Which classes a track is about: RELNET's clip probabilities, the expert fusions, and the segments behind them.

- :func:`find_relnets` lists the ``*.relnet.safetensors`` files of the library
  folders (header only); :func:`matching_relnets` those whose experts are all
  enabled (the largest sets first).
- :func:`classify_track` runs a RELNET over a whole track (chunked like
  :func:`relstudio.core.analysis.analyze`, segment-aligned, so the result
  equals one pass over the whole track) and returns a :class:`TrackClassification`.
- :func:`segment_shares` says how much each segment contributed to a class's
  score under RELNET, SUM or RV fusion, so a user can see "which segments made it so".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from relstudio.core.errors import ParameterError
from relstudio.core.experts.relnet_file import (CLASSIFIER_SUFFIX, RELNET_SUFFIX, ClassifierInfo, load_classifier,
                                                 read_classifier_info)
from relstudio.core.progress import Progress, Task
from relstudio.core.relevance import relevance, winning_expert

MODEL_SUFFIXES = (RELNET_SUFFIX, CLASSIFIER_SUFFIX)


@dataclass(frozen=True, eq=False)
class TrackClassification:
    """RELNET over one track: clip probabilities ``(C,)``, per-segment class probabilities ``(S, C)``
    and the R_max weight ``(S,)`` of its experts; ``classes[i]`` is detected by ``experts[i]`` (fingerprints)."""

    relnet: ClassifierInfo
    classes: tuple[str, ...]
    experts: tuple[str, ...]
    clip_probs: np.ndarray
    segment_probs: np.ndarray
    weights: np.ndarray

    def shares(self, c: int) -> np.ndarray:
        """``(S,)`` each segment's share of class ``c``'s clip score (sums to 1)."""
        contrib = self.segment_probs[:, c] * self.weights
        total = contrib.sum()
        return contrib / total if total > 0 else np.full(len(contrib), 1.0 / max(1, len(contrib)))


def find_relnets(folders) -> list[ClassifierInfo]:
    """RELNET files under ``folders`` (recursively), sorted by path; unreadable and hidden files are skipped."""
    from relstudio.core.staging import is_hidden

    found = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for p in sorted(folder.rglob(f"*{RELNET_SUFFIX}")):
            if is_hidden(p, folder):
                continue
            try:
                found.append(read_classifier_info(p))
            except Exception:  # noqa: BLE001 — one bad file never stops the search
                continue
    return found


def matching_relnets(relnets, enabled, *, frontend=None) -> list[ClassifierInfo]:
    """The RELNETs whose experts (fingerprints) are all in ``enabled``: most experts first, then by path."""
    enabled = set(enabled)
    fits = [r for r in relnets if r.experts and {fp for _, fp in r.experts} <= enabled
            and (frontend is None or r.frontend == frontend)]
    return sorted(fits, key=lambda r: (-len(r.experts), str(r.path)))


def matching_relnet(relnets, enabled, *, frontend=None) -> ClassifierInfo | None:
    """The first of :func:`matching_relnets` (``None`` when no RELNET has all its experts enabled)."""
    fits = matching_relnets(relnets, enabled, frontend=frontend)
    return fits[0] if fits else None


def classify_track(clip, relnet: ClassifierInfo, experts, *, device=None,
                   chunk_seconds: float = 60.0) -> Task[TrackClassification]:
    """Run the RELNET ``relnet`` over ``clip`` with its loaded ``experts``; yields progress.

    ``clip`` must be at the RELNET's sample rate. Raises
    :class:`~relstudio.core.errors.IncompatibleExpertError` when ``experts``
    are not exactly the RELNET's.
    """
    import torch

    from relstudio.core.frontend import features_from_db, mel_db, to_tensor

    fe = relnet.frontend
    if clip.rate != fe.sample_rate:
        raise ParameterError(f"clip is at {clip.rate} Hz but {relnet.path.name} needs {fe.sample_rate} Hz")
    model = load_classifier(relnet.path, experts=experts, device=device).module
    dev = next(model.parameters()).device
    n_frames = fe.n_frames(len(clip.samples))
    n_seg = fe.n_segments(n_frames)
    probs = np.zeros((n_seg, len(relnet.classes)), np.float32)
    weights = np.zeros(n_seg, np.float32)
    samples = to_tensor(clip.samples, dev)
    per_chunk = max(1, int(chunk_seconds * fe.sample_rate / fe.hop_length / fe.pool_stride))
    yield Progress(0.0, f"RELNET on {clip.name}")
    with torch.inference_mode():
        s0 = 0
        while s0 < n_seg:
            s1 = min(n_seg, s0 + per_chunk)
            f0 = s0 * fe.pool_stride
            f1 = n_frames if s1 == n_seg else min(n_frames, (s1 - 1) * fe.pool_stride + fe.segment_frames)
            x = features_from_db(mel_db(samples, fe, start=f0, stop=f1), fe)[None]
            p, r = model.segment_outputs(x)
            probs[s0:s1] = p[0, : s1 - s0].float().cpu().numpy()
            weights[s0:s1] = r[0, : s1 - s0].float().cpu().numpy()
            yield Progress(s1 / n_seg, f"RELNET: {s1} of {n_seg} segments")
            s0 = s1
    w = weights.astype(np.float64) + 1e-7  # as RelNet.forward: a silent track falls back to equal weights
    total = (probs * w[:, None]).sum(axis=0)
    clip_probs = total / max(total.sum(), 1e-12)
    return TrackClassification(relnet, relnet.classes, tuple(fp for _, fp in relnet.experts),
                               clip_probs.astype(np.float64), probs, weights)


def segment_shares(probs, method: str, index: int) -> np.ndarray:
    """``(S,)`` each segment's share of expert ``index``'s fused score (``probs``: ``(N, S)``).

    ``SUM``: its positive probability; ``RV``: its R_max where that expert wins
    the segment's vote, else 0. Shares sum to 1 (all zero when the expert got nothing).
    """
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or not 0 <= index < p.shape[0]:
        raise ParameterError(f"need probs (n_experts, n_segments) and an expert index, got {p.shape}, {index}")
    method = method.upper()
    if method == "SUM":
        part = p[index]
    elif method == "RV":
        part = np.where(winning_expert(p) == index, relevance(p), 0.0)
    else:
        raise ParameterError(f"segment shares are defined for SUM and RV, got {method!r}")
    total = part.sum()
    return part / total if total > 0 else np.zeros_like(part)


def top_segments(shares, k: int = 5) -> np.ndarray:
    """Indices of the ``k`` segments with the largest (non-zero) share, largest first."""
    s = np.asarray(shares, dtype=np.float64)
    order = np.argsort(-s, kind="stable")[:k]
    return order[s[order] > 0]


def copy_to_user_folder(path) -> Path:
    """Copy a RELNET or classifier file (checked first) into the user's expert folder; returns the copy."""
    from relstudio.core.experts.model_file import atomic_write_bytes
    from relstudio.core.paths import user_experts_dir

    src = Path(path)
    if not src.name.endswith(MODEL_SUFFIXES):
        raise ParameterError(f"{src}: not a RELNET or classifier file (expected {' or '.join(MODEL_SUFFIXES)})")
    read_classifier_info(src)  # raises ExpertFileError naming the file when it is broken
    dest = user_experts_dir() / src.name
    if src.resolve() != dest.resolve():
        atomic_write_bytes(dest, src.read_bytes())
    return dest
