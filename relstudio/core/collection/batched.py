"""Several clips through the fused experts in one forward pass (the GPU path of a batch run).

Each clip's mel spectrogram is computed alone (frame-local, so exact), the
features are zero-padded to the longest clip (zero is silence in feature
space) and stacked; every segment only reads its own frames, so each clip's
real segments equal :func:`relstudio.core.analysis.analyze` on that clip.
Clips longer than ``max_seconds`` go through ``analyze`` (chunked) one by one.
"""

from __future__ import annotations

import time

import numpy as np

from relstudio.core.analysis import Analysis, ExpertRef, _fused, analyze
from relstudio.core.cache import cache_key
from relstudio.core.errors import ParameterError
from relstudio.core.progress import run_task


def analyze_clips(clips, experts, *, cache=None, device=None, max_seconds: float = 60.0) -> list[Analysis]:
    """Analyse ``clips`` (:class:`~relstudio.core.audio.AudioClip`) with loaded ``experts``.

    Returns one :class:`Analysis` per clip, in order, without mel spectrograms.
    Cached probabilities are reused and new ones stored, as in ``analyze``.
    """
    import torch

    from relstudio.core.device import choose_device
    from relstudio.core.frontend import features_from_db, mel_db, to_tensor

    experts = list(experts)
    if not experts:
        raise ParameterError("analyze_clips needs at least one expert")
    frontend = experts[0].info.frontend
    for e in experts:
        if e.info.frontend != frontend:
            raise ParameterError(f"expert {e.label!r} uses another front end than {experts[0].label!r}")
    device = choose_device() if device is None else torch.device(device)
    fe_fp = frontend.fingerprint()
    results: list[Analysis | None] = [None] * len(clips)
    batch = []  # (index, clip, probs, n_seg)
    for i, clip in enumerate(clips):
        if clip.rate != frontend.sample_rate:
            raise ParameterError(f"{clip.name} is at {clip.rate} Hz but the front end needs {frontend.sample_rate} Hz")
        if clip.duration > max_seconds:
            results[i] = run_task(analyze(clip, experts, cache=cache, device=device, keep_mel=False))
            continue
        n_seg = frontend.n_segments(frontend.n_frames(len(clip.samples)))
        probs = np.zeros((len(experts), n_seg), np.float32)
        missing = False
        for j, e in enumerate(experts):
            hit = cache.get(cache_key(clip.content_hash, fe_fp, e.fingerprint)) if cache and clip.content_hash else None
            if hit is not None and hit.shape == (n_seg,):
                probs[j] = hit
            else:
                missing = True
        if missing:
            batch.append((i, clip, probs, n_seg))
        else:
            results[i] = _result(clip, experts, probs, frontend, 0.0)
    if batch:
        t0 = time.perf_counter()
        fused = _fused(experts, device)
        with torch.inference_mode():
            feats = [features_from_db(mel_db(to_tensor(clip.samples, device), frontend), frontend)
                     for _, clip, _, _ in batch]
            longest = max(max(f.shape[-1] for f in feats), frontend.segment_frames)
            x = torch.zeros((len(feats), frontend.n_mels, longest), dtype=feats[0].dtype, device=device)
            for b, f in enumerate(feats):
                x[b, :, : f.shape[-1]] = f
            out = fused(x).float().cpu().numpy()  # (B, N, S_max)
        seconds = (time.perf_counter() - t0) / len(batch)
        for b, (i, clip, probs, n_seg) in enumerate(batch):
            probs[:] = out[b, :, :n_seg]
            if cache is not None and clip.content_hash:
                for j, e in enumerate(experts):
                    cache.put(cache_key(clip.content_hash, fe_fp, e.fingerprint), probs[j])
            results[i] = _result(clip, experts, probs, frontend, seconds)
    return results


def _result(clip, experts, probs, frontend, seconds) -> Analysis:
    n_seg = probs.shape[1]
    refs = tuple(ExpertRef(e.label, e.fingerprint, e.info.colour) for e in experts)
    return Analysis(clip.source, clip.duration, frontend, frontend.segment_times(n_seg, clip.duration),
                    frontend.segment_centres(n_seg), refs, probs, clip.content_hash, None, seconds)
