"""Level-of-detail pyramids: draw an hour of audio (or its spectrogram) at screen resolution.

Both pyramids are computed once per track with numpy; afterwards every pan or
zoom asks only for the visible range at about one value per screen pixel, so
the cost of a redraw does not grow with the track's length.
"""

from __future__ import annotations

import math

import numpy as np

from relstudio.core.errors import ParameterError
from relstudio.core.paged_pcm import pcm_to_float, release_pages


_PAIRWISE = {np.max: np.maximum, np.min: np.minimum}


def _reduce(a: np.ndarray, factor: int, op) -> np.ndarray:
    """``op`` over consecutive blocks of ``factor`` along the last axis (a short tail is its own block)."""
    n = a.shape[-1]
    full = n // factor
    if factor <= 8 and op in _PAIRWISE and full:
        # a few strided element-wise passes: a reduction over a tiny last axis costs ~30× more
        head = a[..., 0:full * factor:factor]
        for k in range(1, factor):
            head = _PAIRWISE[op](head, a[..., k:full * factor:factor])
    else:
        head = op(a[..., : full * factor].reshape(*a.shape[:-1], full, factor), axis=-1)
    if n % factor:
        tail = op(a[..., full * factor:], axis=-1)[..., None]
        head = np.concatenate([head, tail], axis=-1)
    return head


class MinMaxPyramid:
    """Min/max envelopes of a 1-D signal at block sizes ``base · factor**k``.

    Parameters
    ----------
    samples : np.ndarray, shape (n,)
        The signal: float, or int16 PCM (kept as it is, read at full scale 32768: ``AudioClip.pcm``).
    rate : int
        Samples per second, to answer in seconds.
    base, factor : int
        The finest block size and the ratio between levels.
    """

    def __init__(self, samples, *, rate: int, base: int = 64, factor: int = 4, first_level=None):
        x = np.asarray(samples)
        x = x if x.dtype == np.int16 else x.astype(np.float32, copy=False)
        if x.ndim != 1:
            raise ParameterError(f"samples must be 1-D, got shape {x.shape}")
        if rate <= 0 or base < 2 or factor < 2:
            raise ParameterError(f"need rate > 0, base ≥ 2 and factor ≥ 2, got {rate}, {base}, {factor}")
        self.samples, self.rate, self.base, self.factor = x, int(rate), int(base), int(factor)
        self.levels: list[tuple[int, np.ndarray, np.ndarray]] = []  # (block, mins, maxs)
        if x.size == 0:
            return
        levels = first_level.result(x.size) if first_level is not None and first_level.base == base else None
        if levels is None:  # not built while decoding: read (and release, when paged) in steps
            src, step, first_level = samples if isinstance(samples, np.memmap) else x, base << 16, FirstLevel(base)
            for i in range(0, x.size, step):
                first_level.add(i, src[i:i + step])
                release_pages(src, i, i + step)
            levels = first_level.result(x.size)
        (lo, hi), block = levels, base
        while True:
            self.levels.append((block, lo, hi))
            if lo.size <= 1:
                break
            lo, hi, block = _reduce(lo, factor, np.min), _reduce(hi, factor, np.max), block * factor

    @staticmethod
    def _raw(piece: np.ndarray) -> np.ndarray:
        """``piece`` of the stored signal as float32 in ±1 (int16 PCM scaled by 1/32768, exact)."""
        return pcm_to_float(piece)

    @property
    def duration(self) -> float:
        return self.samples.size / self.rate

    def envelope(self, t0: float, t1: float, *, pixels: int):
        """The visible range ``[t0, t1]`` seconds at about ``pixels`` columns.

        Returns
        -------
        times : np.ndarray, shape (m,)
            Start time of each column in seconds.
        lo, hi : np.ndarray, shape (m,)
            Minimum and maximum of the signal in each column; when the range
            is short enough to show single samples (under two per column),
            ``lo is hi`` (the raw samples).
        """
        n = self.samples.size
        pixels = max(1, int(pixels))
        s0 = min(max(0, int(math.floor(t0 * self.rate))), n)
        s1 = min(max(s0, int(math.ceil(t1 * self.rate)) + 1), n)
        if s1 <= s0:
            empty = np.zeros(0, np.float32)
            return np.zeros(0), empty, empty
        per_pixel = (s1 - s0) / pixels
        if per_pixel < 2:
            raw = self._raw(self.samples[s0:s1])
            return np.arange(s0, s1) / self.rate, raw, raw
        if per_pixel < self.base:  # below the first level: reduce the (few) visible samples directly
            group = math.ceil(per_pixel)
            s0 -= s0 % group
            raw = self._raw(self.samples[s0:s1])
            lo, hi = _reduce(raw, group, np.min), _reduce(raw, group, np.max)
            return (s0 + np.arange(lo.size) * group) / self.rate, lo, hi
        block, lo, hi = self.levels[0]
        for level in self.levels:
            if level[0] <= per_pixel:
                block, lo, hi = level
        b0, b1 = s0 // block, min(lo.size, -(-s1 // block))
        group = max(1, math.ceil(per_pixel / block))  # at most one column per pixel
        b0 -= b0 % group  # columns stay aligned while panning (no shimmering)
        lo, hi = _reduce(lo[b0:b1], group, np.min), _reduce(hi[b0:b1], group, np.max)
        times = (b0 + np.arange(lo.size) * group) * (block / self.rate)
        return times, lo, hi


class FirstLevel:
    """The finest min/max level of a :class:`MinMaxPyramid`, built from consecutive blocks as they
    are decoded (``load_audio(on_block=…)``), so the track is not read a second time."""

    def __init__(self, base: int = 64):
        self.base, self.next, self.los, self.his = int(base), 0, [], []

    def add(self, start: int, block: np.ndarray) -> None:
        if start != self.next or start % self.base:  # out of order or misaligned: unusable (result → None)
            self.next = -1
            return
        self.los.append(MinMaxPyramid._raw(_reduce(block, self.base, np.min)))
        self.his.append(MinMaxPyramid._raw(_reduce(block, self.base, np.max)))
        self.next = start + len(block)

    def result(self, n: int):
        """``(mins, maxs)`` when the blocks covered exactly ``n`` samples, else ``None``."""
        if self.next != n or not self.los:
            return None
        return np.concatenate(self.los), np.concatenate(self.his)


class SpectrogramPyramid:
    """Time-max-pooled copies of a spectrogram ``(n_bins, frames)`` at 1, 2, 4, … frames per column.

    Max pooling keeps short loud events visible when zoomed out.
    """

    def __init__(self, image, *, frame_seconds: float, first_centre: float = 0.0):
        img = np.asarray(image)
        if img.ndim != 2:
            raise ParameterError(f"spectrogram must be 2-D (bins, frames), got shape {img.shape}")
        if frame_seconds <= 0:
            raise ParameterError(f"frame_seconds must be positive, got {frame_seconds}")
        self.frame_seconds, self.first_centre = float(frame_seconds), float(first_centre)
        self.levels = [img]
        while self.levels[-1].shape[1] > 1:
            self.levels.append(_reduce(self.levels[-1], 2, np.max))

    @property
    def n_frames(self) -> int:
        return self.levels[0].shape[1]

    def window(self, t0: float, t1: float, *, columns: int):
        """The frames covering ``[t0, t1]`` at about ``columns`` columns.

        Returns ``(image (n_bins, m), x0, width)``: the pooled columns and the
        time their left edge starts at and the width they span, in seconds.
        """
        columns = max(1, int(columns))
        f0 = max(0, int(math.floor((t0 - self.first_centre) / self.frame_seconds)))
        f1 = min(self.n_frames, int(math.ceil((t1 - self.first_centre) / self.frame_seconds)) + 2)
        if f1 <= f0:
            f0, f1 = max(0, min(f0, self.n_frames - 1)), max(1, min(f0, self.n_frames - 1) + 1)
        level = 0
        while level + 1 < len(self.levels) and (f1 - f0) / (1 << (level + 1)) >= columns:
            level += 1
        step = 1 << level
        c0, c1 = f0 // step, -(-f1 // step)
        img = self.levels[level][:, c0:c1]
        x0 = self.first_centre + (c0 * step - 0.5) * self.frame_seconds
        width = min(c1 * step, self.n_frames) - c0 * step
        return img, x0, width * self.frame_seconds


def peak_envelope(x, y, x0: float, x1: float, *, bins: int):
    """The points of the curve ``(x, y)`` visible in ``[x0, x1]``, thinned to about ``bins`` maxima.

    ``x`` is sorted, shape ``(n,)``. When more than ``bins`` points are visible,
    each run of consecutive points keeps only its highest one (at its own x), so
    peaks keep their true height and position at every zoom. One point on each
    side of the range is kept so the line runs to the edges.

    Returns ``(xs, ys)``, views or copies of the inputs.
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.shape != y.shape or x.ndim != 1:
        raise ParameterError(f"x and y must be 1-D of one shape, got {x.shape} and {y.shape}")
    k0 = max(0, int(np.searchsorted(x, x0, side="left")) - 1)
    k1 = min(x.size, int(np.searchsorted(x, x1, side="right")) + 1)
    bins = max(1, int(bins))
    n = k1 - k0
    if n <= bins:
        return x[k0:k1], y[k0:k1]
    group = -(-n // bins)
    k0 -= k0 % group  # groups stay aligned while panning
    ys = y[k0:k1]
    full = ys.size // group
    starts = np.arange(0, ys.size, group)
    idx = np.empty(starts.size, np.int64)
    if full:
        idx[:full] = np.argmax(ys[: full * group].reshape(full, group), axis=1) + starts[:full]
    if starts.size > full:
        idx[full:] = np.argmax(ys[full * group:]) + starts[full]
    return x[k0 + idx], ys[idx]
