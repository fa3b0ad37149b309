"""Audition latency: trigger → first non-silent sample at the sound card, the app's player vs ``sounddevice.play``.

Needs a PulseAudio server with a null sink and ALSA routed to it (Debian:
``apt-get install pulseaudio pulseaudio-utils libasound2-plugins``)::

    pulseaudio -D -n --exit-idle-time=-1 --load='module-null-sink sink_name=null' \\
        --load=module-native-protocol-unix
    python benchmarks/playback_latency.py [--trials 15]

``parec -d null.monitor`` records what the sink plays. A reader thread stamps
every chunk it receives (``time.monotonic``); the sound time of a sample is its
chunk's stamp less the samples after it. Each trial waits for silence, notes the
trigger time, then asks for 0.3 s of a 440 Hz tone: through
:class:`relstudio.gui.playback.Player` (``play_ranges``, the call a click or a
key makes) or through a bare ``sounddevice.play``. The figure includes the
monitor's capture latency (the same for both). It also times trigger → the
cursor's ``positionChanged``, and, first, how long the first stream a process
opens takes to sound (PortAudio and PulseAudio setting up: the window pays it
when a track opens, no longer on the first click).

``--window`` measures the whole path instead: the real window on the demo track
(every shipped expert it enables analysed first), a key press sent to it —
Shift+Space (play the selection) and Return (play the selected segment) — and
the GUI's event loop running as usual until the sound arrives. Not a test:
numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import threading
import time

import numpy as np

RATE = 44100  # the front end's rate: what the window hands the player
MONITOR_RATE = 48000
THRESHOLD = 0.01  # |sample| above this is sound


class Monitor:
    """``parec`` on the null sink's monitor; ``first_sound_after(t)`` → monotonic time of the first sound."""

    def __init__(self, device: str = "null.monitor"):
        self.proc = subprocess.Popen(["parec", "-d", device, "--format=s16le", f"--rate={MONITOR_RATE}",
                                      "--channels=1", "--latency-msec=2", "--raw"], stdout=subprocess.PIPE)
        self.chunks: list[tuple[float, np.ndarray]] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            data = self.proc.stdout.read1(256) if hasattr(self.proc.stdout, "read1") else self.proc.stdout.read(256)
            if not data:
                return
            stamp = time.monotonic()
            with self.lock:
                self.chunks.append((stamp, np.frombuffer(data[: len(data) // 2 * 2], np.int16) / 32768.0))

    def first_sound_after(self, t0: float) -> float | None:
        with self.lock:
            chunks = [c for c in self.chunks if c[0] >= t0]
        for stamp, x in chunks:
            loud = np.flatnonzero(np.abs(x) > THRESHOLD)
            if loud.size:
                return stamp - (len(x) - loud[0]) / MONITOR_RATE
        return None

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)


def _trial(monitor: Monitor, trigger) -> float | None:
    time.sleep(0.4)  # silence before
    t0 = time.monotonic()
    trigger()
    time.sleep(0.7)
    t = monitor.first_sound_after(t0)
    return None if t is None else max(0.0, t - t0)


def _report(results: dict, note: str) -> None:
    print(note)
    for name, vals in results.items():
        ms = [1000 * v for v in vals]
        if ms:
            print(f"{name:22s} median {statistics.median(ms):7.1f} ms  min {min(ms):7.1f}  max {max(ms):7.1f}  "
                  f"(n={len(ms)})")


def window_trials(trials: int) -> None:
    """Key press → first sound through the whole window on the demo track."""
    from pathlib import Path

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from relstudio.gui import theme
    from relstudio.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    theme.apply(app)
    monitor = Monitor()
    w = MainWindow()
    w.resize(1480, 920)
    w.show()
    w.open_path(Path(__file__).resolve().parents[1] / "resources" / "demo" / "feelings.ogg")
    deadline = time.monotonic() + 600
    doc = w.doc
    while (doc.analysis is None or doc.runner.busy or doc.pending()) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    doc.range_selection.set(60.0, 64.0)
    doc.select_segment(doc.segment_at(100.0))
    keys = {"window Shift+Space": (Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier),
            "window Return": (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)}
    results = {name: [] for name in keys}
    for _ in range(trials):
        for name, (key, mod) in keys.items():
            w.player.stop()
            end = time.monotonic() + 0.4
            while time.monotonic() < end:
                app.processEvents()
                time.sleep(0.005)
            t0 = time.monotonic()
            QTest.keyClick(w, key, mod)
            end = time.monotonic() + 0.7
            while time.monotonic() < end:  # the GUI runs as usual (cursor, follow-playback, redraws)
                app.processEvents()
                time.sleep(0.005)
            t = monitor.first_sound_after(t0)
            if t is not None:
                results[name].append(max(0.0, t - t0))
    w.close()
    monitor.close()
    _report(results, f"whole window, demo track, {trials} trials each")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=15)
    parser.add_argument("--window", action="store_true", help="key press → sound through the whole window")
    args = parser.parse_args()
    if args.window:
        window_trials(args.trials)
        return
    import sounddevice as sd
    from PySide6.QtCore import QCoreApplication

    from relstudio.gui.playback import BLOCK_FRAMES, Player

    app = QCoreApplication.instance() or QCoreApplication([])
    t = np.arange(int(3.0 * RATE)) / RATE
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    monitor = Monitor()
    time.sleep(0.5)
    player = Player()
    if not player.available:
        raise SystemExit(f"no output: {player.unavailable_reason}")
    start = time.monotonic()
    player.set_audio(tone, RATE)  # the stream starts with the track, as in the window
    player.play_ranges([(1.0, 1.3)])
    time.sleep(1.5)  # the first stream of a process takes its time: the window pays it when the track opens
    first = monitor.first_sound_after(start)
    player.stop()
    cursor: list[float] = []
    player.positionChanged.connect(lambda _t: cursor.append(time.monotonic()))
    results = {"player": [], "sounddevice.play": [], "cursor": []}

    def audition():
        cursor.clear()
        start = time.monotonic()
        player.play_ranges([(1.0, 1.3)])
        results["cursor"].append(cursor[0] - start if cursor else float("nan"))

    for i in range(args.trials):
        for name, trigger in (("player", audition), ("sounddevice.play", lambda: sd.play(tone[:int(0.3 * RATE)], RATE))):
            lat = _trial(monitor, trigger)
            app.processEvents()
            player.poll()
            if lat is not None:
                results[name].append(lat)
    player.close()
    sd.stop()
    monitor.close()
    print("first stream of the process, open → sound: "
          + ("none within 1.5 s" if first is None else f"{1000 * (first - start):.0f} ms"))
    _report(results, f"block {BLOCK_FRAMES} frames at {RATE} Hz, latency='low'; {args.trials} trials each")


if __name__ == "__main__":
    main()
