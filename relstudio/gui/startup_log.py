"""Start-up milestones for the benchmarks: ``RELSTUDIO_STARTUP_LOG=1`` (stderr) or ``=PATH`` (appended).

Each milestone is one line ``relstudio-startup EVENT MONOTONIC_SECONDS PEAK_RSS_MB``, the time from
``time.monotonic()`` (the system-wide monotonic clock on Linux, so a launching process can subtract
its own reading), printed once:

- ``window-shown``: the main window's first paint (it is mapped and drawn);
- ``waveform-painted``: the first paint of the waveform view with a waveform in it;
- ``analysis-done``: an analysis is on screen and no job is running or waiting.

Without the variable :func:`install` does nothing. ``benchmarks/startup_bench.py`` reads these lines.
"""

from __future__ import annotations

import os
import resource
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer

ENV = "RELSTUDIO_STARTUP_LOG"


def _peak_rss_mb() -> float:
    """This process's peak resident memory. On Linux ``VmHWM`` (reset at exec): ``ru_maxrss`` also
    counts the parent's resident memory at fork, so a child of a big benchmark process read too much."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
        return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class StartupLog(QObject):
    """Watches the window's and the waveform's paint events and the document; writes each milestone once."""

    def __init__(self, window, destination: str):
        super().__init__(window)
        self.window, self.destination, self.seen = window, destination, set()
        self.wave = window.timeline.waveform
        window.installEventFilter(self)
        self.wave.viewport().installEventFilter(self)
        self.timer = QTimer(self, interval=50, timeout=self._check_analysis)
        self.timer.start()

    def mark(self, event: str) -> None:
        if event in self.seen:
            return
        self.seen.add(event)
        line = f"relstudio-startup {event} {time.monotonic():.6f} {_peak_rss_mb():.1f}\n"
        if self.destination in ("1", "stderr"):
            sys.stderr.write(line)
            sys.stderr.flush()
        else:
            with open(self.destination, "a", encoding="utf-8") as f:
                f.write(line)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            if obj is self.window:
                QTimer.singleShot(0, lambda: self.mark("window-shown"))  # after this paint
            elif self.wave.points_drawn > 0:
                QTimer.singleShot(0, lambda: self.mark("waveform-painted"))
        return False

    def _check_analysis(self) -> None:
        doc = self.window.doc
        if doc.analysis is not None and not doc.runner.busy and not doc.pending():
            self.mark("analysis-done")
            self.timer.stop()


def install(window) -> StartupLog | None:
    """Start logging the milestones of ``window`` when ``RELSTUDIO_STARTUP_LOG`` is set (before it is shown)."""
    destination = os.environ.get(ENV, "").strip()
    return StartupLog(window, destination) if destination else None
