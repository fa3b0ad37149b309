"""Relevance previews: per track, its best passage as audio, plus an M3U playlist.

The excerpt of ``seconds`` is centred on the track's best passage (by peak
relevance, :mod:`relstudio.core.passages`; for ``by="class:<label>"`` the best
passage of that class's curve; :func:`~relstudio.core.collection.excerpts.best_passages`),
so it never starts in silence or hiss; it is cut from the original file (its
rate and channels), faded in and out over a short ramp, and written as FLAC or
WAV through temp file + rename.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from relstudio.core.collection.excerpts import best_passages, class_windows
from relstudio.core.errors import ParameterError, RelstudioError
from relstudio.core.progress import Progress, Task

FORMATS = ("flac", "wav")
PLAYLIST_NAME = "previews.m3u"


@dataclass(frozen=True)
class Preview:
    track: Path
    file: Path
    start: float
    end: float
    relevance: float  # peak window R_max (or class score) of the passage the excerpt is centred on


def best_excerpt(analysis, seconds: float, *, by: str = "relevance") -> tuple[float, float, float]:
    """``(start, end, score)``: ``min(seconds, duration)`` seconds of ``analysis`` around its best passage.

    The best passage by peak — of the R_max windows (``by="relevance"``) or of
    one class's R·P windows (``by="class:<label>"``) — is centred in the
    excerpt, grown by its more relevant neighbouring windows when it is
    shorter (:func:`grown_span`: a passage at the edge of the music grows into
    the music, not into the silence); a longer passage keeps its peak inside.
    A clip too short for a passage uses its best audible window. The excerpt
    stays inside the track; ``score`` is the passage's peak.
    """
    from relstudio.core.collection.ranking import parse_by

    if not seconds > 0:
        raise ParameterError(f"preview length must be positive seconds, got {seconds!r}")
    duration = float(analysis.duration)
    length = min(float(seconds), duration)
    label = parse_by(by, analysis.labels)
    best = best_passages(analysis, None if label is None else analysis.labels.index(label))[:1]
    if not best:
        return 0.0, length, 0.0
    p = best[0]
    if p.duration > length:  # keep the peak in: as central as the passage allows
        centre = float(np.clip(p.peak_time, p.start + length / 2, p.end - length / 2))
    else:  # grow it by its more relevant neighbours
        windows = class_windows(analysis, None if label is None else analysis.labels.index(label))
        first, stop = grown_span(windows.relevance, windows.times, p.first, p.stop, length=length)
        centre = 0.5 * (windows.times[first, 0] + windows.times[first:stop, 1].max())
    start = float(np.clip(centre - length / 2, 0.0, duration - length))
    return start, start + length, p.peak


def grown_span(relevance, times, first: int, stop: int, *, length: float) -> tuple[int, int]:
    """Windows ``first:stop`` grown one window at a time toward the more relevant neighbour
    (ties: later) until they span ``length`` seconds or the track."""
    n = len(relevance)
    while times[first:stop, 1].max() - times[first, 0] < length and (first > 0 or stop < n):
        left = relevance[first - 1] if first > 0 else -np.inf
        right = relevance[stop] if stop < n else -np.inf
        if right >= left:
            stop += 1
        else:
            first -= 1
    return first, stop


def fade(samples: np.ndarray, rate: int, *, seconds: float = 0.25) -> np.ndarray:
    """Raised-cosine fade-in and fade-out of ``seconds`` (at most a quarter of the excerpt each).

    ``samples`` has shape ``(frames,)`` or ``(frames, channels)``; returns a new array.
    """
    x = np.array(samples, dtype=np.float32, copy=True)
    n = min(int(round(seconds * rate)), x.shape[0] // 4)
    if n > 0:
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n, dtype=np.float64))).astype(np.float32)
        if x.ndim == 2:
            ramp = ramp[:, None]
        x[:n] *= ramp
        x[-n:] *= ramp[::-1]
    return x


def write_audio(path: Path, samples: np.ndarray, rate: int, fmt: str) -> None:
    import soundfile as sf

    from relstudio.core.fileio import atomic_write_bytes

    buf = io.BytesIO()
    sf.write(buf, np.clip(samples, -1.0, 1.0), rate, format=fmt.upper(), subtype="PCM_16")
    atomic_write_bytes(path, buf.getvalue())


def _name(track: Path, used: set[str], fmt: str) -> str:
    stem = re.sub(r"[^\w.+-]+", "_", track.stem).strip("._") or "track"
    name, i = f"{stem}.preview.{fmt}", 2
    while name in used:
        name, i = f"{stem}-{i}.preview.{fmt}", i + 1
    used.add(name)
    return name


def playlist_text(previews: list[Preview], folder: Path) -> str:
    lines = ["#EXTM3U"]
    for p in previews:
        lines.append(f"#EXTINF:{int(round(p.end - p.start))},{p.track.stem} ({p.start:.1f}–{p.end:.1f} s)")
        lines.append(p.file.relative_to(folder).as_posix())
    return "\n".join(lines) + "\n"


def make_previews(tracks, experts, *, output, seconds: float = 15.0, by: str = "relevance", fmt: str = "flac",
                  fade_seconds: float = 0.25, cache=None, device=None,
                  settings=None) -> Task[tuple[list[Preview], list[dict]]]:
    """Write a preview of every track in ``tracks`` into ``output`` and a playlist ``previews.m3u``.

    ``experts`` are loaded experts (one front end); ``by`` is ``"relevance"`` or
    ``"class:<label>"`` (see :func:`best_excerpt`); ``settings``
    (:class:`~relstudio.core.relevance_settings.RelevanceSettings`, default
    settings) decide evidence, windows and passages. Yields :class:`Progress`;
    returns ``(previews, failures)`` where failures are ``{path, reason}``.
    """
    from relstudio.core.relevance_settings import RelevanceSettings

    from relstudio.core.analysis import analyze
    from relstudio.core.audio import load_audio
    from relstudio.core.fileio import atomic_write_bytes
    from relstudio.core.progress import run_task

    if fmt not in FORMATS:
        raise ParameterError(f"preview format must be one of {FORMATS}, got {fmt!r}")
    if by != "relevance":
        from relstudio.core.collection.ranking import parse_by

        parse_by(by, [e.label for e in experts])  # a wrong class fails before any work
    if not seconds > 0 or fade_seconds < 0:
        raise ParameterError(f"need seconds > 0 and fade ≥ 0, got {seconds}, {fade_seconds}")
    experts = list(experts)
    if not experts:
        raise ParameterError("previews need at least one expert")
    settings = RelevanceSettings() if settings is None else settings
    tracks, output = [Path(t) for t in tracks], Path(output)
    rate = experts[0].info.frontend.sample_rate
    previews, failures, used = [], [], set()
    for i, track in enumerate(tracks):
        yield Progress(i / max(1, len(tracks)), f"preview of {track.name}")
        try:
            clip = load_audio(track, rate=rate)
            analysis = run_task(analyze(clip, experts, cache=cache, device=device, keep_mel=False,
                                          settings=settings))
            start, end, score = best_excerpt(analysis, seconds, by=by)
            audio, native = clip.load_original()
            piece = audio[int(round(start * native)):int(round(end * native))]
            piece = piece[:, 0] if piece.shape[1] == 1 else piece
            path = output / _name(track, used, fmt)
            write_audio(path, fade(piece, native, seconds=fade_seconds), native, fmt)
            previews.append(Preview(track, path, start, end, score))
        except RelstudioError as exc:
            failures.append({"path": str(track), "reason": getattr(exc, "problem", None) or str(exc)})
    if previews:
        atomic_write_bytes(output / PLAYLIST_NAME, playlist_text(previews, output).encode("utf-8"))
    yield Progress(1.0, f"{len(previews)} previews written")
    return previews, failures
