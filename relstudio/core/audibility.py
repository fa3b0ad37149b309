"""Audibility: each segment's level and how much evidence it carries.

The experts see level-normalised features (``frame_max``), so near-silence is
lifted to full scale and can score as high as music. Evidence therefore comes
from the *samples*: a segment's level is the RMS (dBFS) of the samples it reads
(the same span as :meth:`FrontendConfig.segment_times`); the track's loud
reference is a high percentile of those levels; a segment below the floor

    floor = max(reference + relative_floor_db, absolute_floor_db)

carries no evidence (weight 0), and the weight rises linearly to 1 over
``ramp_db`` above the floor. A fade-in or fade-out (the track's ends outside
its *body*, the segments within ``fade_db`` of the reference) carries evidence
by its gain: its amplitude relative to the reference (:func:`fade_weights`).

Long tracks: :func:`segment_levels_db` takes a segment range, and each
segment's level depends only on its own samples (computed in blocks aligned to
absolute segment indices, so any chunking gives bit-identical numbers). Collect
the levels chunk by chunk, then call :func:`loud_reference_db` and
:func:`evidence_weights` once on the whole array.

Level invariance: scaling a clip by ±12 dB shifts every level and the
reference alike, so the weights are unchanged as long as the relative floor
stays above the absolute floor (reference above −25 dBFS with the defaults).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from relstudio.core.errors import ParameterError
from relstudio.core.paged_pcm import release_pages
from relstudio.core.relevance_settings import RelevanceSettings

SEGMENT_SECONDS = 5 * 1024 / 44100  # segment hop of the default front end (pool stride × hop / rate)
MIN_DB = -200.0  # level of digital silence (and of a segment that reads no samples)
_BLOCK = 256  # segments per internal block (aligned to multiples of _BLOCK)


def segment_sample_spans(*, frontend, n_segments: int, n_samples: int) -> np.ndarray:
    """``(n_segments, 2)`` int64 ``[start, stop)`` sample spans each segment reads, clamped to the clip.

    Segment k reads frames ``k·stride … k·stride + segment_frames − 1``; frame j
    covers samples ``j·hop − n_fft/2 … j·hop + n_fft/2``.
    """
    k = np.arange(n_segments, dtype=np.int64)
    half = frontend.n_fft // 2
    first = k * frontend.pool_stride
    start = first * frontend.hop_length - half
    stop = (first + frontend.segment_frames - 1) * frontend.hop_length + (frontend.n_fft - half)
    return np.stack([np.clip(start, 0, n_samples), np.clip(stop, 0, n_samples)], axis=1)


def _block_energy(x: np.ndarray, frontend, s0: int, s1: int) -> np.ndarray:
    """Sum of squares over the (zero-padded) span of segments ``s0:s1``."""
    half = frontend.n_fft // 2
    step = frontend.pool_stride * frontend.hop_length
    length = (frontend.segment_frames - 1) * frontend.hop_length + frontend.n_fft
    lo = s0 * step - half
    hi = (s1 - 1) * step - half + length
    piece = np.zeros(hi - lo, np.float64)
    a, b = max(lo, 0), min(hi, len(x))
    if b > a:
        piece[a - lo:b - lo] = x[a:b]
        release_pages(x, a, b)  # a paged long track leaves memory once read (core/paged_pcm.py)
    block = math.gcd(frontend.hop_length, half)
    if block >= 64:  # spans are whole blocks: sum each block's squares once, then 12 blocks per segment
        blocks = piece.reshape(-1, block)
        energy = np.einsum("ij,ij->i", blocks, blocks)
        return sliding_window_view(energy, length // block)[::step // block].sum(axis=1)
    view = sliding_window_view(piece, length)[::step]
    return np.einsum("ij,ij->i", view, view)


def segment_levels_db(samples, *, frontend, start: int = 0, stop: int | None = None) -> np.ndarray:
    """RMS level in dBFS of segments ``start:stop`` of a mono signal.

    Parameters
    ----------
    samples : array, shape (n_samples,)
        The whole mono track (float, full scale ±1, or int16 PCM), as given to the experts.
    frontend : FrontendConfig
        Its geometry decides which samples each segment reads.
    start, stop : int
        Segment range (default: every segment of the track).

    Returns
    -------
    levels : float64 array, shape (stop − start,)
        ``10·log10(mean square)`` over the samples the segment reads (inside the
        clip), at least :data:`MIN_DB`.
    """
    x = np.asarray(samples)
    if x.ndim != 1:
        raise ParameterError(f"samples must be mono (n_samples,), got shape {x.shape}")
    scale = 2.0 ** -30 if x.dtype == np.int16 else 1.0  # 16-bit PCM (AudioClip.pcm): full scale 32768, exact
    n_seg = frontend.n_segments(frontend.n_frames(len(x)))
    stop = n_seg if stop is None else stop
    if not 0 <= start <= stop <= n_seg:
        raise ParameterError(f"segment range [{start}, {stop}) is outside the track's {n_seg} segments")
    spans = segment_sample_spans(frontend=frontend, n_segments=stop, n_samples=len(x))[start:]
    energy = np.empty(stop - start, np.float64)
    b0 = (start // _BLOCK) * _BLOCK
    for s0 in range(b0, stop, _BLOCK):
        s1 = min(s0 + _BLOCK, n_seg)
        e = _block_energy(samples if isinstance(samples, np.memmap) else x, frontend, s0, s1)
        lo, hi = max(s0, start), min(s1, stop)
        energy[lo - start:hi - start] = e[lo - s0:hi - s0]
    energy *= scale
    count = (spans[:, 1] - spans[:, 0]).astype(np.float64)
    mean_sq = np.divide(energy, count, out=np.zeros_like(energy), where=count > 0)
    with np.errstate(divide="ignore"):
        return np.maximum(10.0 * np.log10(mean_sq), MIN_DB)


def loud_reference_db(levels_db, *, percentile: float = 95.0) -> float:
    """The track's loud reference: the ``percentile`` of its segment levels (dBFS; :data:`MIN_DB` when empty)."""
    lv = np.asarray(levels_db, np.float64)
    if lv.ndim != 1:
        raise ParameterError(f"levels must be 1-D (n_segments,), got shape {lv.shape}")
    if not 0 < percentile <= 100:
        raise ParameterError(f"percentile must be in (0, 100], got {percentile!r}")
    return float(np.percentile(lv, percentile)) if lv.size else MIN_DB


def audibility_floor_db(*, reference_db: float, settings: RelevanceSettings) -> float:
    """The level (dBFS) at and below which a segment carries no evidence."""
    return max(float(reference_db) + settings.relative_floor_db, settings.absolute_floor_db)


def evidence_weights(levels_db, *, settings: RelevanceSettings | None = None,
                     reference_db: float | None = None, segment_seconds: float = SEGMENT_SECONDS) -> np.ndarray:
    """Evidence weight in [0, 1] per segment from its level.

    Parameters
    ----------
    levels_db : array, shape (n_segments,)
        Segment levels in dBFS (:func:`segment_levels_db`), the whole track.
    settings : RelevanceSettings
        Floors, ramp, fades and reference percentile (default settings when omitted).
        With ``audibility=False`` every weight is 1.
    reference_db : float, optional
        The loud reference; by default :func:`loud_reference_db` of ``levels_db``.
    segment_seconds : float
        Seconds from one segment to the next (``FrontendConfig.segment_hop_seconds``), to measure fades.

    Returns
    -------
    weights : float64 array, shape (n_segments,)
        0 at or below the floor, linear up to 1 at ``floor + ramp_db``; times :func:`fade_weights`.
    """
    settings = RelevanceSettings() if settings is None else settings
    lv = np.asarray(levels_db, np.float64)
    if lv.ndim != 1 or (lv.size and not np.isfinite(lv).all()):
        raise ParameterError(f"levels must be finite dB values of shape (n_segments,), got shape {lv.shape}")
    if not segment_seconds > 0:
        raise ParameterError(f"segment_seconds must be > 0, got {segment_seconds!r}")
    if not settings.audibility:
        return np.ones(lv.size)
    if reference_db is None:
        reference_db = loud_reference_db(lv, percentile=settings.reference_percentile)
    floor = audibility_floor_db(reference_db=reference_db, settings=settings)
    weights = np.clip((lv - floor) / settings.ramp_db, 0.0, 1.0)
    if settings.fade_db > 0:
        weights *= fade_weights(lv, body_db=reference_db - settings.fade_db, floor_db=floor, reference_db=reference_db,
                                max_segments=int(settings.fade_seconds / segment_seconds))
    return weights


def fade_weights(levels_db, *, body_db: float, floor_db: float, max_segments: int,
                 reference_db: float | None = None) -> np.ndarray:
    """Evidence factor of a fade-in and a fade-out.

    The audible segments (above ``floor_db``) before the first and after the last segment at or
    above ``body_db`` form the track's opening and ending; each that is at most ``max_segments``
    long is a fade, and each of its segments gets the fade's gain: its amplitude relative to the
    loud reference, ``10 ** ((level − reference_db) / 20)`` (``reference_db`` defaults to
    ``body_db``), at most 1. Every other segment — a quiet passage between two body segments, a
    long quiet opening — gets 1. A fade is the music times a falling gain; the level-normalised
    features undo that gain, so the experts see the music at full level while it is leaving (or not
    yet there): the gain is how much of it is still there. (The floor's own ramp, in
    :func:`evidence_weights`, takes the evidence to 0.)
    """
    lv = np.asarray(levels_db, np.float64)
    out = np.ones(lv.size)
    body, audible = np.flatnonzero(lv >= body_db), np.flatnonzero(lv > floor_db)
    if not body.size or body_db <= floor_db:
        return out
    reference = body_db if reference_db is None else float(reference_db)
    gain = np.minimum(10.0 ** ((lv - reference) / 20.0), 1.0)
    first, last = int(body[0]), int(body[-1])
    if first - int(audible[0]) <= max_segments:
        out[:first] = gain[:first]
    if int(audible[-1]) - last <= max_segments:
        out[last + 1:] = gain[last + 1:]
    return out


def track_evidence(samples, *, frontend, settings: RelevanceSettings | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(levels_db, weights)``, each ``(n_segments,)``, for a whole mono track in one call."""
    levels = segment_levels_db(samples, frontend=frontend)
    return levels, evidence_weights(levels, settings=settings, segment_seconds=frontend.segment_hop_seconds)
