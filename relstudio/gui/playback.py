"""Playback: one persistent low-latency output stream fed from a preallocated buffer by a play list.

The stream is opened and started once per track format (rate, channels) and
kept running: playing a segment only installs a new play list, so sound starts
within one host buffer of the click instead of after a stream start-up. Between
play lists the callback writes silence.

The audio callback runs on PortAudio's thread. It only copies slices of the
program's sample buffer into ``outdata`` following a play list of
``[start, end)`` sample ranges and advances integers; it takes no lock,
allocates no array and makes no Qt call. A new play list (with its buffer) is
installed by swapping one reference (atomic under the GIL). A looping program
wraps from its last range's end to its first range's start within the same
block, so a loop is seamless. A QTimer in the GUI thread reads the position the
callback publishes and emits ``positionChanged``.

The stream comes from a *backend* (``probe()`` → reason or ``None``,
``open(samplerate, channels, callback)`` → stream with ``start/stop/close``),
so tests use a fake stream and a machine without an output device gets
disabled playback controls with a clear reason instead of an error.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from relstudio.core.paged_pcm import PCM_SCALE  # int16 buffers play at full scale ±1

BLOCK_FRAMES = 256  # frames per callback: ~6 ms at 44.1 kHz


class SoundDeviceBackend:
    """The real output: PortAudio through sounddevice, small blocks and the device's low latency."""

    def probe(self) -> str | None:
        try:
            import sounddevice as sd
        except (OSError, ImportError) as exc:  # PortAudio library missing
            return f"audio output unavailable: PortAudio could not be loaded ({exc})"
        try:
            sd.query_devices(kind="output")
        except Exception as exc:  # PortAudioError / ValueError: no default output device
            return f"no audio output device ({exc})"
        return None

    def open(self, *, samplerate: int, channels: int, callback):
        import sounddevice as sd

        return sd.OutputStream(samplerate=samplerate, channels=channels, dtype="float32", callback=callback,
                               blocksize=BLOCK_FRAMES, latency="low")


class _Program:
    """One play list over ``buffer``: ``ranges`` [[start, end], …] in samples, the callback's cursor, ``loop``."""

    __slots__ = ("buffer", "ranges", "index", "pos", "done", "loop")

    def __init__(self, buffer, ranges, *, loop: bool = False):
        self.buffer = buffer
        self.ranges = [(int(a), int(b)) for a, b in ranges if int(b) > int(a)]
        self.index = 0
        self.pos = self.ranges[0][0] if self.ranges else 0
        self.done = not self.ranges
        self.loop = loop


class Player(QObject):
    """Play/pause/stop, play lists and loops over one track's samples."""

    positionChanged = Signal(float)  # seconds
    stateChanged = Signal(str)  # "playing" | "paused" | "stopped"
    availabilityChanged = Signal(bool, str)
    error = Signal(str)

    def __init__(self, backend=None, *, parent=None, interval_ms: int = 30):
        super().__init__(parent)
        self.backend = backend if backend is not None else SoundDeviceBackend()
        self.unavailable_reason = self.backend.probe() or ""
        self._buffer = np.zeros((0, 1), np.float32)
        self.rate = 44100
        self._program = _Program(self._buffer, [])
        self._paused: _Program | None = None
        self._stream = None
        self._stream_format: tuple[int, int] | None = None  # (rate, channels) of the open stream
        self.state = "stopped"
        self.position = 0.0  # seconds, what the cursor shows
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    @property
    def available(self) -> bool:
        return not self.unavailable_reason

    @property
    def duration(self) -> float:
        return self._buffer.shape[0] / self.rate if self.rate else 0.0

    @property
    def looping(self) -> bool:
        return self._program.loop and not self._program.done

    # -- audio thread --------------------------------------------------------------
    def _callback(self, outdata, frames, time_info, status):  # noqa: ARG002 — PortAudio's signature
        prog = self._program
        buf = prog.buffer
        ranges = prog.ranges
        written = 0
        while written < frames:
            if prog.index >= len(ranges):
                if prog.loop and ranges:
                    prog.index = 0
                    prog.pos = ranges[0][0]
                    continue
                outdata[written:frames] = 0.0
                prog.done = True
                return
            end = ranges[prog.index][1]
            take = min(frames - written, end - prog.pos)
            if take > 0:
                outdata[written:written + take] = buf[prog.pos:prog.pos + take]
                if buf.dtype == np.int16:  # 16-bit PCM kept compact (AudioClip.pcm): scale in place, no array
                    outdata[written:written + take] *= PCM_SCALE
                written += take
                prog.pos += take
            if prog.pos >= end:
                prog.index += 1
                if prog.index < len(ranges):
                    prog.pos = ranges[prog.index][0]

    # -- GUI thread --------------------------------------------------------------
    def set_audio(self, samples: np.ndarray, rate: int) -> None:
        """Use ``samples`` (``(n,)`` or ``(n, channels)``, float or int16 PCM kept as it is) at ``rate`` from now
        on; the stream starts now."""
        self.stop()
        x = np.asarray(samples)
        x = x if x.dtype == np.int16 else x.astype(np.float32, copy=False)
        self._buffer = np.ascontiguousarray(x[:, None] if x.ndim == 1 else x)
        self.rate = int(rate)
        self._program = _Program(self._buffer, [])
        if self._stream_format != (self.rate, self._buffer.shape[1]):
            self._close_stream()
        if self.available:
            self._ensure_stream()  # opened and started before the first click, kept afterwards
        self._set_position(0.0)

    def seconds_to_samples(self, t0: float, t1: float, margin: float = 0.0) -> tuple[int, int]:
        n = self._buffer.shape[0]
        a = int(round((t0 - margin) * self.rate))
        b = int(round((t1 + margin) * self.rate))
        return min(max(a, 0), n), min(max(b, 0), n)

    def play(self, start: float | None = None) -> None:
        """Play from ``start`` (default: the cursor) to the end."""
        t = self.position if start is None else start
        if t >= self.duration - 1e-3:
            t = 0.0
        self.play_samples([(self.seconds_to_samples(t, self.duration))])

    def play_ranges(self, ranges_seconds, *, margin: float = 0.0, loop: bool = False) -> list[tuple[int, int]]:
        """Play ``[(start, end), …]`` seconds one after the other, each padded by ``margin`` (``loop``: again and again).

        Ranges that overlap after padding are merged; returns the sample ranges played.
        """
        ranges = sorted(self.seconds_to_samples(a, b, margin) for a, b in ranges_seconds)
        merged: list[list[int]] = []
        for a, b in ranges:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            elif b > a:
                merged.append([a, b])
        played = [(a, b) for a, b in merged]
        self.play_samples(played, loop=loop)
        return played

    def play_samples(self, ranges, *, loop: bool = False) -> None:
        if not self.available:
            self.error.emit(self.unavailable_reason)
            return
        program = _Program(self._buffer, ranges, loop=loop)
        if program.done or not self._ensure_stream():
            return
        self._paused = None
        self._program = program  # one reference swap: the callback sees the old or the new list
        self._set_state("playing")
        self._timer.start()
        self._set_position(program.pos / self.rate)  # the cursor moves at once (and follow-playback sees it)

    def set_loop(self, on: bool) -> None:
        """Make the current play list loop (or finish after this pass)."""
        self._program.loop = bool(on)
        if self._paused is not None:
            self._paused.loop = bool(on)

    def pause(self) -> None:
        if self.state == "playing":
            self._paused = self._program
            self._program = _Program(self._buffer, [])  # the stream keeps running, silent
            self._timer.stop()
            self._set_state("paused")
            self._set_position(self._paused.pos / self.rate)

    def resume(self) -> None:
        if self.state == "paused" and self._paused is not None and not self._paused.done and self._ensure_stream():
            self._program, self._paused = self._paused, None
            self._timer.start()
            self._set_state("playing")

    def toggle(self) -> None:
        if self.state == "playing":
            self.pause()
        elif self.state == "paused" and self._paused is not None:
            self.resume()
        else:
            self.play()

    def stop(self) -> None:
        if self.state != "stopped":
            self._timer.stop()
            self._program = _Program(self._buffer, [])
            self._paused = None
            self._set_state("stopped")

    def seek(self, t: float) -> None:
        """Move the cursor; when playing, continue from there."""
        t = min(max(0.0, float(t)), self.duration)
        if self.state == "playing":
            self._program = _Program(self._buffer, [self.seconds_to_samples(t, self.duration)])
        elif self.state == "paused":
            self._program, self._paused = _Program(self._buffer, []), None
            self._set_state("stopped")
        self._set_position(t)

    def poll(self) -> None:
        """Publish the callback's position (QTimer); stop when the play list is done."""
        prog = self._program
        if prog.ranges:
            self._set_position(prog.pos / self.rate)
        if prog.done and self.state == "playing":
            self._timer.stop()
            self._set_state("stopped")

    def close(self) -> None:
        self.stop()
        self._close_stream()

    # -- helpers -------------------------------------------------------------------
    def _ensure_stream(self) -> bool:
        """The persistent stream, opened and started if needed; False (and unavailable) when that fails."""
        if self._stream is not None:
            return True
        try:
            self._stream = self.backend.open(samplerate=self.rate, channels=self._buffer.shape[1],
                                             callback=self._callback)
            self._stream.start()
        except Exception as exc:  # PortAudioError and friends: no device, busy, vanished
            self._fail(f"cannot open audio output: {exc}")
            return False
        self._stream_format = (self.rate, self._buffer.shape[1])
        return True

    def _fail(self, reason: str) -> None:
        self.unavailable_reason = reason
        self._close_stream()
        self._set_state("stopped")
        self.availabilityChanged.emit(False, reason)
        self.error.emit(reason)

    def _close_stream(self) -> None:
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            except Exception:  # noqa: BLE001 — a dead device must not break closing
                pass
        self._stream, self._stream_format = None, None

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)

    def _set_position(self, t: float) -> None:
        self.position = t
        self.positionChanged.emit(t)
