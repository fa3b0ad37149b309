"""GUI timings (issue 7, targets 2 and 3): expert toggle on a 10-min track, pan/zoom on an hour.

Measured offscreen with QElapsedTimer around the document change plus the event processing that
repaints the changed views, against a full repaint of the same window in the same run (baseline).
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class _NoAudio:
    def probe(self):
        return "benchmark: no audio output"

    def open(self, **kw):  # pragma: no cover - never called when probe() names a reason
        raise RuntimeError("no audio")


def _unattended_dialogs(parent):
    """The window's dialogs, each blocking question answered at once (a benchmark never waits on a person)."""
    from relstudio.gui.dialogs import DISCARD, Dialogs

    class Unattended(Dialogs):
        def unsaved(self, title, message):
            return DISCARD

        def choose(self, title, message, choices):
            return None

        def text(self, title, label, default=""):
            return None

    return Unattended(parent)


def _window(track, n_experts):
    from PySide6.QtWidgets import QApplication

    from benchmarks.common import WORK, random_experts
    from relstudio.core.cache import ProbabilityCache
    from relstudio.core.experts.library import ExpertLibrary
    from relstudio.gui.document import Document
    from relstudio.gui.main_window import MainWindow
    from relstudio.gui.playback import Player

    app = QApplication.instance() or QApplication([])
    random_experts(n_experts)
    library = ExpertLibrary([(WORK / "experts", "user")])
    doc = Document(library=library, cache=ProbabilityCache(WORK / "gui-cache"), device="cpu")
    win = MainWindow(doc, player=Player(_NoAudio()), dialogs=_unattended_dialogs(None))
    win.resize(1600, 1000)
    win.show()
    doc.set_enabled([e.info.fingerprint for e in library.usable()][:n_experts])
    doc.open_track(track)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
        if doc.analysis is not None and not doc.runner.busy and not doc.pending():
            break
    app.processEvents()
    return app, doc, win


def _timed(app, win, action, repeat):
    """Median ms of ``action(i)`` plus the event processing that repaints what it changed.

    With ``action=None`` the window is repainted in full instead: the baseline frame.
    """
    from PySide6.QtCore import QElapsedTimer

    out = []
    for i in range(repeat):
        app.processEvents()
        t = QElapsedTimer()
        t.start()
        if action is None:
            win.repaint()
        else:
            action(i)
        app.processEvents()  # signals, then the scheduled paint of every changed view
        out.append(t.nsecsElapsed() / 1e6)
    return statistics.median(out)


def _close(win):
    """Close without the Save / Discard / Cancel prompt (the bench's toggles and zooms are not a user's work)."""
    win.files.unsaved.mark_clean()
    win.close()


def bench_gui(rows, n_experts=10):
    from benchmarks.common import Row, test_track

    app, doc, win = _window(test_track(600, channels=1), n_experts)
    fps = list(doc.enabled)
    base = _timed(app, win, None, 15)
    toggle = _timed(app, win, lambda i: doc.set_expert_enabled(fps[i % 3], i % 2 == 1), 20)
    rows.append(Row("2", f"2. toggle an expert on a 10-min track ({n_experts} experts): relevance + redraw",
                    toggle, "ms", f"full-window repaint {base:.0f} ms", f"{toggle / 20:.2f} of the 20 ms budget; "
                    f"{toggle / base:.2f} × a full repaint", budget=20.0))
    _close(win)

    app, doc, win = _window(test_track(3600.0, channels=1), 3)
    tl = win.timeline
    base = _timed(app, win, None, 10)

    def pan(i):
        t0 = 600 + 37.0 * i
        tl.set_view_range(t0, t0 + 60)

    def zoom(i):
        tl.set_view_range(0, 3600 / (1 + i % 8))

    t_pan = _timed(app, win, pan, 20)
    t_zoom = _timed(app, win, zoom, 16)
    rows.append(Row("3c", "3c. 1-hour track: pan one step (60-s view) + redraw of all views", t_pan, "ms",
                    f"full-window repaint {base:.0f} ms", f"{t_pan / 30:.2f} of the 30 ms budget", budget=30.0))
    rows.append(Row("3d", "3d. 1-hour track: zoom step (whole hour … 7.5 min) + redraw", t_zoom, "ms",
                    f"full-window repaint {base:.0f} ms", f"{t_zoom / 30:.2f} of the 30 ms budget", budget=30.0))
    _close(win)
