"""Playback: a sounddevice output stream fed from a preallocated buffer by a play list.

The audio callback runs on PortAudio's thread. It only copies slices of the
preallocated sample buffer into ``outdata`` following a play list of
``[start, end)`` sample ranges and advances three integers; it takes no lock,
allocates no array and makes no Qt call. A new play list is installed by
swapping one reference (atomic under the GIL). A QTimer in the GUI thread reads
the position the callback publishes and emits ``positionChanged``.

The stream comes from a *backend* (``probe()`` → reason or ``None``,
``open(samplerate, channels, callback)`` → stream with ``start/stop/close``),
so tests use a fake stream and a machine without an output device gets
disabled playback controls with a clear reason instead of an error.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal


class SoundDeviceBackend:
    """The real output: PortAudio through sounddevice."""

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

        return sd.OutputStream(samplerate=samplerate, channels=channels, dtype="float32", callback=callback)


class _Program:
    """One play list: ``ranges`` [[start, end], …] in samples and the callback's cursor."""

    __slots__ = ("ranges", "index", "pos", "done")

    def __init__(self, ranges):
        self.ranges = [(int(a), int(b)) for a, b in ranges if int(b) > int(a)]
        self.index = 0
        self.pos = self.ranges[0][0] if self.ranges else 0
        self.done = not self.ranges


class Player(QObject):
    """Play/pause/stop and play lists over one track's samples."""

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
        self._program = _Program([])
        self._stream = None
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

    # -- audio thread --------------------------------------------------------------
    def _callback(self, outdata, frames, time_info, status):  # noqa: ARG002 — PortAudio's signature
        prog = self._program
        buf = self._buffer
        ranges = prog.ranges
        written = 0
        while written < frames:
            if prog.index >= len(ranges):
                outdata[written:frames] = 0.0
                prog.done = True
                return
            end = ranges[prog.index][1]
            take = min(frames - written, end - prog.pos)
            if take > 0:
                outdata[written:written + take] = buf[prog.pos:prog.pos + take]
                written += take
                prog.pos += take
            if prog.pos >= end:
                prog.index += 1
                if prog.index < len(ranges):
                    prog.pos = ranges[prog.index][0]

    # -- GUI thread --------------------------------------------------------------
    def set_audio(self, samples: np.ndarray, rate: int) -> None:
        """Use ``samples`` (``(n,)`` or ``(n, channels)`` float) at ``rate`` from now on."""
        self.stop()
        self._close_stream()
        x = np.asarray(samples, dtype=np.float32)
        self._buffer = np.ascontiguousarray(x[:, None] if x.ndim == 1 else x)
        self.rate = int(rate)
        self._program = _Program([])
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

    def play_ranges(self, ranges_seconds, *, margin: float = 0.0) -> list[tuple[int, int]]:
        """Play ``[(start, end), …]`` seconds one after the other, each padded by ``margin``.

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
        self.play_samples(played)
        return played

    def play_samples(self, ranges) -> None:
        if not self.available:
            self.error.emit(self.unavailable_reason)
            return
        program = _Program(ranges)
        if program.done:
            return
        self._program = program  # one reference swap: the callback sees the old or the new list
        if not self._ensure_stream():
            return
        if self.state != "playing":
            try:
                self._stream.start()
            except Exception as exc:  # device vanished or busy
                self._fail(f"cannot start audio output: {exc}")
                return
        self._set_state("playing")
        self._timer.start()
        self._set_position(program.pos / self.rate)

    def pause(self) -> None:
        if self.state == "playing":
            self._stop_stream()
            self._timer.stop()
            self._set_state("paused")
            self.poll()

    def resume(self) -> None:
        if self.state == "paused" and not self._program.done and self._ensure_stream():
            self._stream.start()
            self._timer.start()
            self._set_state("playing")

    def toggle(self) -> None:
        if self.state == "playing":
            self.pause()
        elif self.state == "paused" and not self._program.done:
            self.resume()
        else:
            self.play()

    def stop(self) -> None:
        if self.state != "stopped":
            self._stop_stream()
            self._timer.stop()
            self._program = _Program([])
            self._set_state("stopped")

    def seek(self, t: float) -> None:
        """Move the cursor; when playing, continue from there."""
        t = min(max(0.0, float(t)), self.duration)
        if self.state == "playing":
            self._program = _Program([self.seconds_to_samples(t, self.duration)])
        else:
            if self.state == "paused":
                self._program = _Program([])
                self._set_state("stopped")
        self._set_position(t)

    def poll(self) -> None:
        """Publish the callback's position (QTimer); stop when the play list is done."""
        prog = self._program
        if prog.ranges:
            self._set_position(prog.pos / self.rate)
        if prog.done and self.state == "playing":
            self._stop_stream()
            self._timer.stop()
            self._set_state("stopped")

    def close(self) -> None:
        self.stop()
        self._close_stream()

    # -- helpers -------------------------------------------------------------------
    def _ensure_stream(self) -> bool:
        if self._stream is None:
            try:
                self._stream = self.backend.open(samplerate=self.rate, channels=self._buffer.shape[1],
                                                 callback=self._callback)
            except Exception as exc:  # PortAudioError and friends
                self._fail(f"cannot open audio output: {exc}")
                return False
        return True

    def _fail(self, reason: str) -> None:
        self.unavailable_reason = reason
        self._stream = None
        self._set_state("stopped")
        self.availabilityChanged.emit(False, reason)
        self.error.emit(reason)

    def _stop_stream(self) -> None:
        if self._stream is not None:
            try:
                self._stream.stop()
            except Exception:  # noqa: BLE001 — a dead device must not break stop
                self._stream = None

    def _close_stream(self) -> None:
        if self._stream is not None:
            try:
                self._stream.close()
            except Exception:  # noqa: BLE001
                pass
            self._stream = None

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)

    def _set_position(self, t: float) -> None:
        self.position = t
        self.positionChanged.emit(t)
