"""A waveform that is drawn while its track decodes: a full-length pyramid filled block by block.

:class:`GrowingPyramid` is a :class:`~relstudio.core.waveform_lod.MinMaxPyramid` over the buffer the
decoder fills (``load_audio(on_buffer=…)``), with every level allocated for the whole track from the
start and zero (drawn as an empty line) where nothing is decoded yet; each decoded block updates only
the columns it touches, at every level. :class:`DecodeWatch` connects it to ``load_audio``: it builds
the pyramid when the buffer arrives and hands it to ``on_partial`` at the first block and then at
most every ``interval`` seconds, so a window can draw an hour-long track within a second of opening
it and fill it progressively (issue 17). Once decoding ends, the finished pyramid's first level is
the final :class:`MinMaxPyramid`'s (``first_level``), so the track is reduced once.
"""

from __future__ import annotations

import time

import numpy as np

from relstudio.core.errors import ParameterError
from relstudio.core.waveform_lod import MinMaxPyramid, _reduce


class GrowingPyramid(MinMaxPyramid):
    """A :class:`MinMaxPyramid` of ``buffer`` (shape ``(n,)``) whose first ``filled`` samples are decoded.

    Readers may call :meth:`envelope` from another thread while :meth:`add` runs: values of the
    not-yet-decoded part are 0, and a column is rewritten whole when its block arrives.
    """

    def __init__(self, buffer, *, rate: int, base: int = 64, factor: int = 4):  # noqa: D107 — no super(): no pass
        x = np.asarray(buffer)
        if x.ndim != 1 or rate <= 0 or base < 2 or factor < 2:
            raise ParameterError(f"need a 1-D buffer, rate > 0, base ≥ 2, factor ≥ 2; got shape {x.shape}, "
                                 f"{rate}, {base}, {factor}")
        self.samples, self.rate, self.base, self.factor = buffer, int(rate), int(base), int(factor)
        self.filled = 0  # samples decoded so far (a prefix of the buffer)
        self.levels: list[tuple[int, np.ndarray, np.ndarray]] = []
        size, block = -(-x.size // base), base
        while x.size:
            self.levels.append((block, np.zeros(size, np.float32), np.zeros(size, np.float32)))
            if size <= 1:
                break
            size, block = -(-size // factor), block * factor

    @property
    def fraction(self) -> float:
        """The decoded share of the track, 0–1."""
        return self.filled / self.samples.size if self.samples.size else 1.0

    @property
    def covered(self) -> float:
        """Seconds decoded from the start."""
        return self.filled / self.rate

    def add(self, start: int, block: np.ndarray) -> None:
        """Samples ``start:start+len(block)`` were decoded: update the columns they touch, at every level."""
        if start != self.filled or start % self.base:
            raise ParameterError(f"blocks must arrive in order at multiples of {self.base}: got {start}, "
                                 f"expected {self.filled}")
        if not len(block):
            return
        _, lo, hi = self.levels[0]
        i0 = start // self.base
        lo[i0:i0 + -(-len(block) // self.base)] = self._raw(_reduce(block, self.base, np.min))
        hi[i0:i0 + -(-len(block) // self.base)] = self._raw(_reduce(block, self.base, np.max))
        i1 = -(-(start + len(block)) // self.base)
        for (_, flo, fhi), (_, clo, chi) in zip(self.levels, self.levels[1:]):
            c0, c1 = i0 // self.factor, -(-i1 // self.factor)
            clo[c0:c1] = _reduce(flo[c0 * self.factor:i1], self.factor, np.min)
            chi[c0:c1] = _reduce(fhi[c0 * self.factor:i1], self.factor, np.max)
            i0, i1 = c0, c1
        self.filled = start + len(block)

    def result(self, n: int):
        """``(mins, maxs)`` of the finest level when exactly ``n`` samples were decoded, else ``None``
        (a :class:`~relstudio.core.waveform_lod.FirstLevel` for ``MinMaxPyramid(first_level=…)``)."""
        if not self.levels or self.filled != n:
            return None
        m = -(-n // self.base)
        return self.levels[0][1][:m], self.levels[0][2][:m]


class DecodeWatch:
    """``load_audio(on_buffer=watch.begin, on_block=watch.add)``: a :class:`GrowingPyramid` reported to
    ``on_partial(pyramid)`` at the first block, then at most every ``interval`` seconds, and at the end."""

    def __init__(self, *, rate: int, on_partial=None, interval: float = 0.25, base: int = 64):
        self.rate, self.on_partial, self.interval, self.base = int(rate), on_partial, float(interval), int(base)
        self.pyramid: GrowingPyramid | None = None
        self._last = None  # time of the last report

    def begin(self, buffer) -> None:
        self.pyramid = GrowingPyramid(buffer, rate=self.rate, base=self.base)

    def add(self, start: int, block) -> None:
        if self.pyramid is None:
            return
        self.pyramid.add(start, block)
        now = time.monotonic()
        done = self.pyramid.filled >= self.pyramid.samples.size
        if self.on_partial is not None and (self._last is None or done or now - self._last >= self.interval):
            self._last = now
            self.on_partial(self.pyramid)

    def first_level(self) -> GrowingPyramid | None:
        """The pyramid to finish a :class:`MinMaxPyramid` from (``None`` when the decode was not straight)."""
        return self.pyramid
