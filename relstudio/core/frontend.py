"""The front end: everything that turns samples into mel features and segments.

One frozen :class:`FrontendConfig` holds every value that shapes an expert's
input — mel settings, the fixed dB reference, the level normalisation, the
frequency bands and the segment geometry (conv kernel, pooling). It is stored
in every expert file; experts whose front ends differ are refused.

Features are computed in torch so the CPU and CUDA give the same numbers, and
frame by frame (no clip-wide statistic), so chunks of a long track equal the
whole-track result exactly.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from relstudio.core.errors import ParameterError, known_fields
from relstudio.core.mel_scale import mel_filterbank, mel_frequencies

FULL_BANDS = ((0, 26), (26, 77), (77, 128))
PAPER_BANDS = ((0, 20), (20, 60), (60, 100))


@dataclass(frozen=True)
class FrontendConfig:
    """Every value that turns samples into mel segments.

    ``level_norm="frame_max"`` references each frame to the loudest mel bin
    of the frames within ``level_window`` of it (0: its own), floored at
    ``silence_db``, and keeps ``dynamic_range_db`` below it, mapped to [0, 1]:
    a clip 12 dB louder or quieter gives the same features, silence and
    zero-padding both give 0. The floor (−100 dBFS) lies 30 dB under the
    quietest level the relevance rule still counts (−70 dBFS), so wherever
    the app sees evidence the features do not depend on the level; ``amin``
    and ``top_db`` keep ``dynamic_range_db`` of detail under that floor.
    ``"none"`` maps the fixed-reference dB values linearly instead (paper-like).
    """

    sample_rate: int = 44100
    n_fft: int = 2048
    hop_length: int = 1024
    window: str = "hann"
    n_mels: int = 128
    fmin: float = 0.0
    fmax: float = 22050.0
    mel_htk: bool = False
    mel_norm: str = "slaney"
    power: float = 2.0
    center: bool = True
    pad_mode: str = "constant"
    db_ref: float = 1.0
    amin: float = 1e-20
    top_db: float = 200.0
    level_norm: str = "frame_max"
    dynamic_range_db: float = 80.0
    silence_db: float = -100.0
    level_window: int = 10
    bands: tuple[tuple[int, int], ...] = FULL_BANDS
    conv_kernel: int = 4
    pool_size: int = 10
    pool_stride: int = 5

    def __post_init__(self):
        bands = tuple(tuple(int(v) for v in b) for b in self.bands)
        object.__setattr__(self, "bands", bands)
        if self.sample_rate <= 0 or self.n_fft <= 0 or self.hop_length <= 0 or self.n_mels <= 0:
            raise ParameterError(f"sample_rate, n_fft, hop_length and n_mels must be positive: {self}")
        if self.window != "hann":
            raise ParameterError(f"window must be 'hann', got {self.window!r}")
        if self.level_norm not in ("frame_max", "none"):
            raise ParameterError(f"level_norm must be 'frame_max' or 'none', got {self.level_norm!r}")
        if isinstance(self.level_window, bool) or not isinstance(self.level_window, int) or self.level_window < 0:
            raise ParameterError(f"level_window must be a whole number of frames ≥ 0, got {self.level_window!r}")
        if self.level_norm == "frame_max" and self.silence_db - self.dynamic_range_db < -self.top_db:
            raise ParameterError(f"top_db must reach dynamic_range_db under silence_db, got top_db={self.top_db}, "
                                 f"silence_db={self.silence_db}, dynamic_range_db={self.dynamic_range_db}")
        if self.pad_mode != "constant" or not self.center:
            raise ParameterError("only centred frames with constant (zero) padding are supported")
        for lo, hi in bands:
            if not 0 <= lo < hi <= self.n_mels:
                raise ParameterError(f"band ({lo}, {hi}) does not fit in {self.n_mels} mel bins")
        if not self.fmin < self.fmax <= self.sample_rate / 2:
            raise ParameterError(f"need fmin < fmax <= rate/2, got fmin={self.fmin}, fmax={self.fmax}")

    @classmethod
    def paper(cls, **changes) -> "FrontendConfig":
        """The paper's split: 20/40/40 bins (the lowest 100 of 128)."""
        return cls(bands=PAPER_BANDS, **changes)

    @classmethod
    def small(cls, **changes) -> "FrontendConfig":
        """A tiny front end for unit tests (16 kHz, 32 mels)."""
        base = dict(sample_rate=16000, n_fft=512, hop_length=256, n_mels=32, fmax=8000.0,
                    bands=((0, 8), (8, 20), (20, 32)))
        base.update(changes)
        return cls(**base)

    # -- identity --------------------------------------------------------------
    def to_dict(self) -> dict:
        """Every field, except a ``level_window`` of 0: files from before the window existed hold exactly that
        dictionary, so their fingerprints still match."""
        d = dataclasses.asdict(self)
        d["bands"] = [list(b) for b in self.bands]
        if not self.level_window:
            del d["level_window"]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "FrontendConfig":
        d = known_fields(cls, d, what="front-end")
        d.setdefault("level_window", 0)  # written before the window existed: each frame its own reference
        if "bands" in d:
            d["bands"] = tuple(tuple(b) for b in d["bands"])
        return cls(**d)

    def fingerprint(self) -> str:
        blob = json.dumps(self.to_dict(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def differences(self, other: "FrontendConfig") -> list[str]:
        """Human-readable list of the fields that differ, e.g. ``"n_mels: 128 ≠ 64"``."""
        a, b = dataclasses.asdict(self), dataclasses.asdict(other)
        return [f"{k}: {a[k]} ≠ {b[k]}" for k in a if a[k] != b[k]]

    # -- geometry --------------------------------------------------------------
    @property
    def segment_frames(self) -> int:
        """Frames one segment sees: pooling window plus the conv's receptive field."""
        return self.pool_size + self.conv_kernel - 1

    def n_frames(self, n_samples: int) -> int:
        return 1 + n_samples // self.hop_length

    def context_frames(self, start: int, stop: int, n_frames: int) -> tuple[int, int]:
        """``[lo, hi)``: the frames whose dB mel the features of frames ``[start, stop)`` read (the level
        window's context on each side, inside a track of ``n_frames``)."""
        w = self.level_window if self.level_norm == "frame_max" else 0
        return max(0, start - w), min(n_frames, stop + w)

    def n_segments(self, n_frames: int) -> int:
        """Segments produced from ``n_frames`` (inputs shorter than a segment are padded to one)."""
        n_frames = max(n_frames, self.segment_frames)
        return (n_frames - self.segment_frames) // self.pool_stride + 1

    @property
    def segment_hop_seconds(self) -> float:
        """Seconds from one segment's start to the next's (``hop_length · pool_stride`` samples)."""
        return self.hop_length * self.pool_stride / self.sample_rate

    @property
    def segment_span_seconds(self) -> float:
        """Seconds one whole segment covers: its frames' centres ± half an FFT window."""
        return ((self.segment_frames - 1) * self.hop_length + self.n_fft) / self.sample_rate

    def segment_times(self, n_segments: int, duration: float) -> np.ndarray:
        """``(n_segments, 2)`` start/end seconds of each segment, from the geometry.

        Segment k pools conv outputs k·stride … k·stride+pool−1, which read frames
        k·stride … k·stride+segment_frames−1; frame j is centred on sample j·hop and
        spans ±n_fft/2. Times are clamped to the clip.
        """
        k = np.arange(n_segments, dtype=np.float64)
        first = k * self.pool_stride
        last = first + self.segment_frames - 1
        start = (first * self.hop_length - self.n_fft / 2) / self.sample_rate
        end = (last * self.hop_length + self.n_fft / 2) / self.sample_rate
        return np.stack([np.clip(start, 0.0, duration), np.clip(end, 0.0, duration)], axis=1)

    def mel_centres_hz(self) -> np.ndarray:
        """Centre frequency (Hz) of each mel bin, shape ``(n_mels,)`` (librosa's placement, no librosa import)."""
        return mel_frequencies(self.n_mels + 2, fmin=self.fmin, fmax=self.fmax, htk=self.mel_htk)[1:-1]

    def segment_centres(self, n_segments: int) -> np.ndarray:
        k = np.arange(n_segments, dtype=np.float64)
        centre_frame = k * self.pool_stride + (self.segment_frames - 1) / 2
        return centre_frame * self.hop_length / self.sample_rate


@lru_cache(maxsize=8)
def _mel_basis_np(cfg: FrontendConfig) -> np.ndarray:
    if cfg.mel_norm in ("slaney", None):  # librosa's numbers without its import (core/mel_scale.py)
        return mel_filterbank(sr=cfg.sample_rate, n_fft=cfg.n_fft, n_mels=cfg.n_mels, fmin=cfg.fmin, fmax=cfg.fmax,
                              htk=cfg.mel_htk, norm=cfg.mel_norm)
    import librosa

    return librosa.filters.mel(sr=cfg.sample_rate, n_fft=cfg.n_fft, n_mels=cfg.n_mels, fmin=cfg.fmin,
                               fmax=cfg.fmax, htk=cfg.mel_htk, norm=cfg.mel_norm).astype(np.float32)


_TORCH_CACHE: dict = {}


def _constants(cfg: FrontendConfig, device):
    import torch

    key = (cfg, str(device))
    if key not in _TORCH_CACHE:
        window = torch.hann_window(cfg.n_fft, periodic=True, dtype=torch.float32, device=device)
        basis = torch.from_numpy(_mel_basis_np(cfg)).to(device)
        _TORCH_CACHE[key] = (window, basis)
    return _TORCH_CACHE[key]


def frame_span(cfg: FrontendConfig, start: int, stop: int) -> tuple[int, int]:
    """``[lo, hi)``: the samples frames ``[start, stop)`` read (beyond the signal's ends they are zeros)."""
    half = cfg.n_fft // 2
    return start * cfg.hop_length - half, (stop - 1) * cfg.hop_length + half + (cfg.n_fft % 2)


def _frame_source(samples, cfg: FrontendConfig, start: int, stop: int, offset: int, length: int):
    """Samples covering frames [start, stop), zero-padded outside the signal (``samples`` starts at ``offset``)."""
    import torch

    lo, hi = frame_span(cfg, start, stop)
    a, b = max(lo, 0), min(hi, length)
    piece = samples[..., a - offset:b - offset]
    if a - lo or hi - b:
        piece = torch.nn.functional.pad(piece, (a - lo, hi - b))
    return piece


def _frame_range(cfg: FrontendConfig, start: int, stop: int | None, length: int) -> tuple[int, int]:
    """``(start, stop)`` of a frame range in a signal ``length`` samples long (``None``: to its end), checked."""
    total = cfg.n_frames(length)
    stop = total if stop is None else min(stop, total)
    if not 0 <= start < stop:
        raise ParameterError(f"frame range [{start}, {stop}) is empty (clip has {total} frames)")
    return start, stop


def mel_db(samples, cfg: FrontendConfig, *, start: int = 0, stop: int | None = None, offset: int = 0,
           length: int | None = None):
    """Log-mel power in dB against the fixed reference, shape ``(n_mels, frames)``.

    ``samples`` is a 1-D float32 torch tensor (CPU or CUDA). ``start``/``stop``
    select a range of frames so long tracks can be processed in chunks with
    the same numbers as the whole. A chunk may pass only the samples its frames
    read (:func:`frame_span`, clamped to the signal): they start at sample
    ``offset`` of a signal ``length`` samples long.
    """
    import torch

    length = offset + samples.shape[-1] if length is None else length
    start, stop = _frame_range(cfg, start, stop, length)
    window, basis = _constants(cfg, samples.device)
    piece = _frame_source(samples, cfg, start, stop, offset, length)
    spec = torch.stft(piece, n_fft=cfg.n_fft, hop_length=cfg.hop_length, window=window, center=False,
                      return_complex=True)
    power = spec.real.square() + spec.imag.square()
    if cfg.power != 2.0:
        power = power.pow(cfg.power / 2.0)
    mel = basis @ power
    db = 10.0 * torch.log10(mel.clamp_min(cfg.amin))
    db -= 10.0 * float(np.log10(max(cfg.amin, cfg.db_ref)))
    floor = -cfg.top_db
    return db.clamp_min(floor)


def features_from_db(db, cfg: FrontendConfig):
    """Map dB mel ``(…, n_mels, frames)`` to the network input in [0, 1] (see FrontendConfig)."""
    if cfg.level_norm == "frame_max":
        ref = db.amax(dim=-2, keepdim=True)
        if cfg.level_window:
            import torch

            w = cfg.level_window
            shape = ref.shape
            ref = torch.nn.functional.max_pool1d(ref.reshape(-1, 1, shape[-1]), 2 * w + 1, stride=1, padding=w)
            ref = ref.reshape(shape)
        ref = ref.clamp_min(cfg.silence_db)
        rel = (db - ref).clamp_min(-cfg.dynamic_range_db)
        return rel / cfg.dynamic_range_db + 1.0
    rel = (db + cfg.top_db).clamp(0.0, cfg.top_db + 40.0)
    return rel / (cfg.top_db + 40.0)


def features(samples, cfg: FrontendConfig, *, start: int = 0, stop: int | None = None):
    """Network input for frames [start, stop): ``(n_mels, frames)`` float32 in [0, 1], the same numbers as
    for the whole signal (the level window's context is read beyond the range)."""
    start, stop = _frame_range(cfg, start, stop, samples.shape[-1])
    lo, hi = cfg.context_frames(start, stop, cfg.n_frames(samples.shape[-1]))
    return features_from_db(mel_db(samples, cfg, start=lo, stop=hi), cfg)[..., start - lo:stop - lo]


def to_tensor(samples: np.ndarray, device=None):
    """A float32 torch view of a numpy signal (no copy on the CPU)."""
    import torch

    t = torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32))
    return t if device is None or str(device) == "cpu" else t.to(device, non_blocking=True)
