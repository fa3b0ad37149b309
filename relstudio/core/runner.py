"""The one path from audio to expert probabilities, used by every caller.

:func:`run_experts` takes one clip or a batch of clips and loaded experts and
does everything between samples and per-expert positive probabilities: the
front-end check, the cache lookup and store, the device choice
(:mod:`relstudio.core.device`), chunking, the CUDA out-of-memory fallback to
the CPU, progress and cancel (close the generator).

Only experts whose probabilities are not cached run; they run fused as one
network. Long clips go in chunks that are segment-aligned with the overlap one
segment needs, so chunked results equal whole-track results exactly. Clips no
longer than ``batch_seconds`` are zero-padded to the longest of them and run
in one forward pass (zero is silence in feature space and every segment only
reads its own frames, so each clip's real segments are unchanged).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from relstudio.core.audibility import segment_levels_db
from relstudio.core.audio import AudioClip
from relstudio.core.cache import cache_key
from relstudio.core.errors import ParameterError
from relstudio.core.frontend import FrontendConfig, features_from_db, frame_span, mel_db, to_tensor
from relstudio.core.progress import Progress, Task


@dataclass(frozen=True, eq=False)
class ExpertRun:
    """One clip through the experts: ``probs`` ``(n_experts, n_segments)`` float32 in the experts'
    order, its dB mel spectrogram (float16, when asked for), notes, the seconds it took and each
    segment's level (dBFS, from the samples; computed on every run, cached probabilities or not)."""

    probs: np.ndarray
    mel_db: np.ndarray | None = None
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    levels_db: np.ndarray | None = None  # (n_segments,) float64 dBFS of each segment's samples (core/audibility.py)
    known_segments: int | None = None  # a partial run (``Progress.partial``): probs known for segments [0, k)


_FUSED: dict = {}


def _fused(experts, device):
    """The experts fused into one network on ``device`` (a few recent sets are kept)."""
    from relstudio.core.nets.expert_cnn import FusedExperts

    key = (tuple(e.fingerprint for e in experts), str(device))
    if key not in _FUSED:
        if len(_FUSED) > 8:
            _FUSED.clear()
        _FUSED[key] = FusedExperts([e.module for e in experts]).to(device).eval()
    return _FUSED[key]


def common_frontend(experts, frontend: FrontendConfig | None = None) -> FrontendConfig:
    """``frontend`` (default: the first expert's) after checking every expert uses it."""
    if frontend is None:
        frontend = experts[0].info.frontend if experts else FrontendConfig()
    for e in experts:
        if e.info.frontend != frontend:
            raise ParameterError(f"expert {e.label!r} uses another front end: "
                                 + "; ".join(frontend.differences(e.info.frontend)))
    return frontend


def chunk_bounds(frontend: FrontendConfig, n_frames: int, chunk_seconds: float):
    """``(s0, s1, f0, f1)`` per chunk: segments ``s0:s1`` read exactly frames ``f0:f1``."""
    n_seg = frontend.n_segments(n_frames)
    per_chunk = max(1, int(chunk_seconds * frontend.sample_rate / frontend.hop_length / frontend.pool_stride))
    for s0 in range(0, n_seg, per_chunk):
        s1 = min(n_seg, s0 + per_chunk)
        f1 = n_frames if s1 == n_seg else min(n_frames, (s1 - 1) * frontend.pool_stride + frontend.segment_frames)
        yield s0, s1, s0 * frontend.pool_stride, f1


def chunk_mel_db(clip: AudioClip, frontend: FrontendConfig, f0: int, f1: int, device):
    """dB mel of frames ``f0:f1`` of ``clip`` on ``device``; only the samples they read become a float32
    tensor (a long int16 clip is never converted whole), with the same numbers as the whole track."""
    lo, hi = frame_span(frontend, f0, f1)
    a, b = max(lo, 0), min(hi, clip.n_samples)
    samples = to_tensor(clip.window(a, b), device)
    return mel_db(samples, frontend, start=f0, stop=f1, offset=a, length=clip.n_samples)


def chunk_features(clip: AudioClip, frontend: FrontendConfig, f0: int, f1: int, device):
    """``(features, db)`` of frames ``f0:f1``: the network input and the dB mel, the same numbers as the whole
    track (a windowed level reference, ``frontend.level_window``, reads that many frames of context each side)."""
    a, b = frontend.context_frames(f0, f1, frontend.n_frames(clip.n_samples))
    db = chunk_mel_db(clip, frontend, a, b, device)
    return features_from_db(db, frontend)[:, f0 - a:f1 - a], db[:, f0 - a:f1 - a]


class _Devices:
    """The device work runs on, moving to the CPU once when CUDA runs out of memory."""

    def __init__(self, device):
        import torch

        from relstudio.core.device import resolve_device

        self.device = resolve_device(device)
        self.notes: list[str] = []
        self._torch = torch
        if self.device.type == "cpu":
            from relstudio.core.threads import fit_torch_threads

            fit_torch_threads()  # the free cores, now (core/threads.py)

    def fall_back(self, exc) -> str:
        """After ``exc`` (CUDA out of memory): move on to the CPU once; a second time re-raises."""
        from relstudio.core.device import describe

        if self.notes:
            raise exc  # already moved to the CPU
        self.notes.append(f"{describe(self.device)} ran out of memory; the analysis continued on the CPU")
        self._torch.cuda.empty_cache()
        self.device = self._torch.device("cpu")
        return self.notes[-1]


def run_experts(clips, experts, *, frontend: FrontendConfig | None = None, cache=None, device=None,
                chunk_seconds: float = 60.0, keep_mel: bool = False,
                batch_seconds: float = 0.0, partials: bool = False) -> Task[ExpertRun | list[ExpertRun]]:
    """Run loaded ``experts`` over ``clips``; yields :class:`Progress`, returns :class:`ExpertRun` per clip.

    ``clips``: one :class:`AudioClip` (returns one run) or a sequence (returns a
    list in order). ``device=None`` chooses automatically. ``keep_mel`` keeps
    each clip's dB mel spectrogram (clips are then never batched). With ``partials`` and one clip, each
    chunk's report carries the run so far (``Progress.partial``: an :class:`ExpertRun` with ``known_segments``).
    """
    one = isinstance(clips, AudioClip)
    clips = [clips] if one else list(clips)
    experts = list(experts)
    frontend = common_frontend(experts, frontend)
    for clip in clips:
        if clip.rate != frontend.sample_rate:
            raise ParameterError(f"{clip.name} is at {clip.rate} Hz but the front end needs {frontend.sample_rate} Hz")
    devices = _Devices(device)
    runs: list[ExpertRun | None] = [None] * len(clips)
    batch = []  # indices of short clips with experts to run
    for i, clip in enumerate(clips):
        if not keep_mel and clip.duration <= batch_seconds and _cached(clip, experts, frontend, cache)[1]:
            batch.append(i)
            continue
        t0 = time.perf_counter()
        probs, mel, notes, levels = yield from _run_chunked(clip, experts, frontend, cache, devices, chunk_seconds,
                                                            keep_mel, i / len(clips), 1 / len(clips), one and partials)
        runs[i] = ExpertRun(probs, mel, notes, time.perf_counter() - t0, levels)
    if batch:
        t0 = time.perf_counter()
        outs = yield from _run_batched([clips[i] for i in batch], experts, frontend, cache, devices)
        seconds = (time.perf_counter() - t0) / len(batch)
        for i, (probs, notes) in zip(batch, outs):
            runs[i] = ExpertRun(probs, None, notes, seconds, segment_levels_db(clips[i].pcm, frontend=frontend))
    yield Progress(1.0, f"{len(clips)} clip(s) analysed")
    return runs[0] if one else runs


def _cached(clip, experts, frontend, cache) -> tuple[np.ndarray, list[int]]:
    """``(probs, todo)``: cached rows filled in, indices of the experts still to run."""
    n_seg = frontend.n_segments(frontend.n_frames(clip.n_samples))
    probs = np.zeros((len(experts), n_seg), np.float32)
    todo = []
    fe_fp = frontend.fingerprint()
    for i, e in enumerate(experts):
        hit = cache.get(cache_key(clip.content_hash, fe_fp, e.fingerprint)) if cache and clip.content_hash else None
        if hit is not None and hit.shape == (n_seg,):
            probs[i] = hit
        else:
            todo.append(i)
    return probs, todo


def _store(clip, experts, frontend, cache, probs, rows) -> None:
    if cache is not None and clip.content_hash:
        fe_fp = frontend.fingerprint()
        for i in rows:
            cache.put(cache_key(clip.content_hash, fe_fp, experts[i].fingerprint), probs[i])


def _clip_notes(clip, frontend, n_frames) -> list[str]:
    if n_frames < frontend.segment_frames:
        return [f"clip is shorter than one segment ({clip.duration:.3g} s); it was padded with silence"]
    return []


def _run_chunked(clip, experts, frontend, cache, devices, chunk_seconds, keep_mel, start, span, partials=False):
    import torch

    probs, todo = _cached(clip, experts, frontend, cache)
    n_frames = frontend.n_frames(clip.n_samples)
    n_seg = probs.shape[1]
    notes = _clip_notes(clip, frontend, n_frames)
    known = len(devices.notes)
    yield Progress(start, f"{len(todo)} of {len(experts)} experts to run on {clip.name}")
    mel = np.zeros((frontend.n_mels, n_frames), np.float16) if keep_mel else None  # partial runs show it
    chunks = list(chunk_bounds(frontend, n_frames, chunk_seconds))
    levels = np.concatenate([np.zeros(0)] + [segment_levels_db(clip.pcm, frontend=frontend, start=s0, stop=s1)
                                             for s0, s1, _f0, _f1 in chunks])  # cheap; bit-identical to one call
    if todo or keep_mel:
        with torch.inference_mode():
            k = 0
            while k < len(chunks):
                s0, s1, f0, f1 = chunks[k]
                fused = _fused([experts[i] for i in todo], devices.device) if todo else None
                try:
                    feats, db = chunk_features(clip, frontend, f0, f1, devices.device)
                    out = fused(feats[None])[0, :, : s1 - s0] if fused else None
                except torch.cuda.OutOfMemoryError as exc:
                    db = out = None
                    yield Progress(start + span * s0 / n_seg, devices.fall_back(exc))
                    continue  # the same chunk again
                if mel is not None:
                    mel[:, f0:f1] = db.cpu().numpy()
                if out is not None:
                    probs[todo, s0:s1] = out.float().cpu().numpy()
                done = min(clip.duration, f1 * frontend.hop_length / frontend.sample_rate)
                # the mel so far goes along uncopied: frames [0, f1) are final, the rest not yet written
                part = ExpertRun(probs.copy(), mel, (), 0.0, levels, s1) if partials and todo else None
                yield Progress(start + span * s1 / n_seg, f"analysed {done:.0f} s of {clip.duration:.0f} s",
                               partial=part)
                k += 1
    _store(clip, experts, frontend, cache, probs, todo)
    return probs, mel, tuple(notes + devices.notes[known:]), levels


def _run_batched(clips, experts, frontend, cache, devices):
    """Short clips in one padded forward pass of every expert; returns ``(probs, notes)`` per clip."""
    import torch

    yield Progress(0.0, f"{len(clips)} short clips through {len(experts)} experts in one pass")
    while True:
        try:
            with torch.inference_mode():
                fused = _fused(experts, devices.device)
                feats = [features_from_db(mel_db(to_tensor(c.samples, devices.device), frontend), frontend)
                         for c in clips]
                longest = max(max(f.shape[-1] for f in feats), frontend.segment_frames)
                x = torch.zeros((len(feats), frontend.n_mels, longest), dtype=feats[0].dtype, device=devices.device)
                for b, f in enumerate(feats):
                    x[b, :, : f.shape[-1]] = f
                out = fused(x).float().cpu().numpy()  # (B, N, S_max)
            break
        except torch.cuda.OutOfMemoryError as exc:
            feats = x = None
            yield Progress(0.0, devices.fall_back(exc))
    results = []
    for b, clip in enumerate(clips):
        n_frames = frontend.n_frames(clip.n_samples)
        probs = np.ascontiguousarray(out[b, :, : frontend.n_segments(n_frames)])
        _store(clip, experts, frontend, cache, probs, range(len(experts)))
        results.append((probs, tuple(_clip_notes(clip, frontend, n_frames) + devices.notes)))
    return results
