"""Audio loading: any file soundfile or librosa can read → float32 mono at the front end's rate.

Decoding is block-wise (an hour-long stereo file never sits in memory twice);
resampling uses soxr and happens only when the file's rate differs.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from relstudio.core.errors import AudioReadError, ParameterError
from relstudio.core.audio_sniff import check_decoded, looks_like_text, riff_data_sizes
from relstudio.core.fileio import file_hash
from relstudio.core.paged_pcm import paged_buffer, pcm_to_float, release_pages

BLOCK_FRAMES = 1 << 18  # frames decoded per block (~6 s at 44.1 kHz)


@dataclass(frozen=True, eq=False)
class AudioClip:
    """Decoded audio ready for the front end.

    ``pcm`` is mono at ``rate``: float32, or int16 (full scale 32768) when the file was 16-bit mono at
    this rate — exact, half the memory, and paged from a file when long (:mod:`~relstudio.core.paged_pcm`;
    issue 17). ``samples`` is always
    float32 (a converted copy of int16 ``pcm``: long-track code reads :meth:`window` instead);
    ``source`` the file it came from (``None`` for in-memory audio); ``native_rate``/``channels``
    describe the original, which :meth:`load_original` decodes again for playback.
    """

    pcm: np.ndarray
    rate: int
    source: Path | None = None
    native_rate: int = 0
    channels: int = 1
    content_hash: str = ""
    warnings: tuple[str, ...] = field(default=())

    @property
    def samples(self) -> np.ndarray:
        """The whole clip as float32 in ±1 (the stored array itself when it is float32)."""
        return self.window(0, len(self.pcm))

    def window(self, start: int, stop: int) -> np.ndarray:
        """Samples ``start:stop`` as float32 in ±1 (a view of float32 ``pcm``, a converted copy of int16;
        a paged track's pages are released once copied)."""
        out = pcm_to_float(self.pcm[start:stop])
        if self.pcm.dtype == np.int16:  # a converted copy: done with these pages
            release_pages(self.pcm, start, stop)
        return out

    @property
    def n_samples(self) -> int:
        return len(self.pcm)

    @property
    def duration(self) -> float:
        return len(self.pcm) / float(self.rate)

    @property
    def name(self) -> str:
        return self.source.name if self.source else "<memory>"

    def load_original(self) -> tuple[np.ndarray, int]:
        """Return ``(frames × channels float32, rate)`` of the original for playback."""
        if self.source is None:
            return self.samples[:, None], self.rate
        try:
            import soundfile as sf

            data, rate = sf.read(str(self.source), dtype="float32", always_2d=True)
            return np.nan_to_num(data, nan=0.0, posinf=0.0, neginf=0.0), rate
        except Exception:
            return self.samples[:, None], self.rate


def clip_from_array(samples, *, rate: int, target_rate: int | None = None, name: str = "") -> AudioClip:
    """Wrap an in-memory signal (1-D mono or frames × channels) as an :class:`AudioClip`."""
    x = np.asarray(samples, dtype=np.float32)
    if x.ndim == 2:
        x = x.mean(axis=1, dtype=np.float32)
    if x.ndim != 1:
        raise ParameterError(f"samples must be 1-D or 2-D (frames × channels), got shape {x.shape}")
    if rate <= 0:
        raise ParameterError(f"rate must be positive, got {rate}")
    x, warnings = _sanitise(x)
    target = target_rate or rate
    if target != rate:
        x = _resample(x, rate, target)
    digest = hashlib.blake2b(x.tobytes(), digest_size=16).hexdigest()
    return AudioClip(x, target, None, rate, 1, f"mem-{name}-{digest}", warnings)


def load_audio(path, *, rate: int = 44100, on_block=None, on_buffer=None) -> AudioClip:
    """Decode ``path`` to mono at ``rate`` Hz (float32, or int16 from a 16-bit mono file: :class:`AudioClip`).

    Raises :class:`AudioReadError` naming the file when it is missing, empty,
    not audio, or holds no samples. ``on_block(start, samples)`` sees each block of a straight
    decode as it arrives (the waveform pyramid is built from them: ``waveform_lod.FirstLevel``);
    ``on_buffer(pcm)`` sees the full-length buffer such a decode fills, before its first block
    (a waveform drawn while decoding: ``core/growing_waveform.py``).
    """
    path = Path(path)
    if not path.exists():
        raise AudioReadError(path, "no such file")
    if path.is_dir():
        raise AudioReadError(path, "is a folder, not an audio file")
    size = path.stat().st_size
    if size == 0:
        raise AudioReadError(path, "file is empty (0 bytes)")
    try:
        mono, native_rate, channels, notes = _decode_soundfile(path, rate, on_block, on_buffer)
    except _NotSoundfile as first:
        mono, native_rate, channels, notes = _decode_fallback(path, rate, first)
    riff = riff_data_sizes(path)
    if mono.size == 0:
        if riff and riff[0] == 0 and riff[1] > 0:
            raise AudioReadError(path, f"the header declares no audio samples but {riff[1]} bytes follow it "
                                       "(bogus chunk size)")
        raise AudioReadError(path, "contains no audio samples")
    if riff and riff[0] != 0xFFFFFFFF and riff[0] > riff[1]:
        notes += (f"file is truncated: the header declares {riff[0]} bytes of audio but only {riff[1]} "
                  "are present; the part that exists was read",)
    if any("clipped" in n for n in notes):
        np.clip(mono, -64.0, 64.0, out=mono)  # resampling overshoot of an already clipped signal
    mono, warnings = _sanitise(mono)
    return AudioClip(mono, rate, path, native_rate, channels, file_hash(path), notes + warnings)


class _NotSoundfile(Exception):
    pass


def _decode_soundfile(path: Path, rate: int, on_block=None, on_buffer=None):
    import soundfile as sf

    try:
        f = sf.SoundFile(str(path))
    except Exception as exc:  # libsndfile does not know the format
        raise _NotSoundfile(str(exc)) from exc
    with f:
        native, channels = f.samplerate, f.channels
        check_decoded(path, native, channels, None)
        resampler = _stream_resampler(native, rate)
        bad, peak = 0, 0.0  # cleaned before resampling, which would smear NaN and overshoot
        # Known length and no resampling: decode straight into one buffer; 16-bit mono stays int16.
        direct = resampler is None and 0 < f.frames < 2**36
        dtype = "int16" if resampler is None and channels == 1 and f.subtype == "PCM_16" else "float32"
        out = paged_buffer(f.frames, dtype) if direct and dtype == "int16" else np.empty(f.frames if direct else 0, dtype)
        parts, n, filled = [], 0, 0
        if direct and on_buffer is not None:
            on_buffer(out)
        try:
            for block in f.blocks(blocksize=BLOCK_FRAMES, dtype=dtype, always_2d=True):
                mono = block.mean(axis=1, dtype=np.float32) if channels > 1 else block[:, 0]
                if resampler is not None:
                    mono, b, pk = _clean_block(mono)
                    bad, peak = bad + b, max(peak, pk)
                    mono = resampler.resample_chunk(mono, last=False)
                if direct and not parts and n + len(mono) <= len(out):
                    out[n:n + len(mono)] = mono
                    release_pages(out, n, n + len(mono))  # a long track is paged from its file (core/paged_pcm.py)
                    if on_block is not None:
                        on_block(n, mono)
                    filled = n + len(mono)
                else:
                    parts.append(np.array(mono, dtype))
                n += len(mono)
        except Exception as exc:
            if n == 0:
                raise AudioReadError(path, f"cannot decode audio data ({_short(exc)})") from exc
            # a truncated file: keep what decoded
        if resampler is not None:
            parts.append(resampler.resample_chunk(np.zeros(0, np.float32), last=True).astype(np.float32))
    notes = _clean_notes(bad, peak)
    if direct and not parts:
        return out[:filled], native, channels, notes
    head = [out[:filled]] if direct else []
    return (np.concatenate(head + parts) if head or parts else out), native, channels, notes


def _decode_fallback(path: Path, rate: int, first: Exception):
    try:
        import warnings

        import librosa

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y, native = librosa.load(str(path), sr=None, mono=False, dtype=np.float32)
    except Exception as exc:
        if looks_like_text(path):
            raise AudioReadError(path, "not a readable audio file (it is a text file)") from exc
        raise AudioReadError(path, f"not a readable audio file ({_short(first)})") from exc
    y = np.atleast_2d(y)
    channels = y.shape[0] if y.ndim == 2 else 0
    check_decoded(path, native, channels, y.shape[-1])
    mono = y.mean(axis=0, dtype=np.float32) if channels > 1 else y[0]
    notes = ()
    if native != rate:
        mono, bad, peak = _clean_block(mono)
        notes = _clean_notes(bad, peak)
        mono = _resample(mono, native, rate)
    return mono.astype(np.float32, copy=False), int(native), channels, notes


def _clean_block(x: np.ndarray) -> tuple[np.ndarray, int, float]:
    """Non-finite samples → 0 and peaks clipped to ±64; returns ``(x, n_bad, peak)``."""
    bad = 0
    if x.size and not np.isfinite(x).all():
        finite = np.isfinite(x)
        bad = int(x.size - np.count_nonzero(finite))
        x = np.where(finite, x, np.float32(0.0)).astype(np.float32)
    peak = float(np.abs(x).max()) if x.size else 0.0
    if peak > 64.0:
        x = np.clip(x, -64.0, 64.0).astype(np.float32)
    return x, bad, peak


def _clean_notes(bad: int, peak: float) -> tuple[str, ...]:
    notes = (f"{bad} non-finite samples (NaN/Inf) were replaced by silence",) if bad else ()
    return notes + ((f"samples up to {peak:.3g} were clipped to ±64",) if peak > 64.0 else ())


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = re.sub(r"^Error opening '.*': ", "", text).rstrip(".")  # the caller names the file
    return (text[:1].lower() + text[1:])[:160]


def _stream_resampler(native: int, rate: int):
    if native == rate:
        return None
    import soxr

    return soxr.ResampleStream(native, rate, 1, dtype="float32", quality="HQ")


def _resample(x: np.ndarray, native: int, rate: int) -> np.ndarray:
    import soxr

    return soxr.resample(x, native, rate, quality="HQ").astype(np.float32, copy=False)


def _sanitise(x: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Replace non-finite samples and absurd peaks; no full-size temporaries on clean input."""
    if x.size == 0 or x.dtype == np.int16:  # 16-bit PCM is always finite and within full scale
        return x, ()
    lo, hi = float(x.min()), float(x.max())
    if np.isfinite(lo) and np.isfinite(hi) and max(abs(lo), abs(hi)) <= 64.0:
        return x, ()
    x, bad, peak = _clean_block(x)
    return x, _clean_notes(bad, peak)


def silence(seconds: float, *, rate: int = 44100) -> AudioClip:
    """A clip of digital silence (used by tests and self-checks)."""
    return clip_from_array(np.zeros(max(1, math.ceil(seconds * rate)), np.float32), rate=rate, name="silence")
