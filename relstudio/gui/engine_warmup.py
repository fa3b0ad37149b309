"""torch and the engine imported after the window's first paint, in a background thread.

``relstudio-gui`` maps and paints its window with none of them imported (issue 17: a cold start in
under 2 s; ``import torch`` alone takes longer). :func:`warm_up_after_paint` holds the document's
analyses (:meth:`Document.hold_engine`: the expert panel and the status bar say "loading experts…"),
waits for the window's first paint (or, with a track to open, its waveform's), then imports them in a daemon thread and resolves the device.
The document then runs what waited — the analysis of a track given on the command line
(:meth:`Document.engine_loaded`). The event loop never blocks on the imports.
"""

from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

LOADING_TEXT = "loading experts…"
FALLBACK_MS = 4000  # start the imports by then even if no (waveform) paint came


def import_engine(device_choice):
    """Import what an analysis needs and return the resolved torch device (any thread)."""
    import torch  # noqa: F401

    import relstudio.core.analysis  # noqa: F401 — runner, frontend, cache
    import relstudio.core.nets.expert_cnn  # noqa: F401
    from relstudio.core.device import resolve_device

    return resolve_device(device_choice)


class EngineWarmup(QObject):
    """Starts :func:`import_engine` once ``window`` has painted; hands the device to the document."""

    loaded = Signal(object)  # the torch device (emitted from the thread; delivered in the GUI thread)
    failed = Signal(object, str)  # exception, traceback

    def __init__(self, window, doc, device_choice=None, *, after_waveform: bool = False):
        super().__init__(window)
        self.window, self.doc, self.device_choice = window, doc, device_choice
        self.thread: threading.Thread | None = None
        doc.hold_engine()
        self.loaded.connect(doc.engine_loaded)
        self.failed.connect(self._failed)
        # With a track to open, its waveform is painted first: the import would slow its decoding.
        self.wave = window.timeline.waveform if after_waveform else None
        self.watched = self.wave.viewport() if self.wave is not None else window
        self.watched.installEventFilter(self)
        doc.problem.connect(lambda *_: self.start())  # the track could not be opened
        QTimer.singleShot(FALLBACK_MS, self.start)  # a window never painted (minimised, no screen) still gets it

    def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
        if obj is self.watched and event.type() == QEvent.Type.Paint and self.thread is None \
                and (self.wave is None or self.wave.points_drawn > 0):
            self.watched.removeEventFilter(self)
            QTimer.singleShot(0, self.start)  # after this paint has reached the screen
        return False

    def start(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="relstudio-engine-import", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        try:
            device = import_engine(self.device_choice)
        except Exception as exc:  # noqa: BLE001 — reported in the window, never lost in the thread
            self.failed.emit(exc, traceback.format_exc())
            return
        self.loaded.emit(device)

    def _failed(self, exc, tb: str) -> None:
        from relstudio.core.errors import RelstudioError

        if isinstance(exc, RelstudioError):  # e.g. --device cuda without CUDA: one line, no traceback
            self.doc.problem.emit("Cannot run the experts", str(exc))
        else:
            self.doc.crashed.emit("Cannot load the analysis engine", exc, tb)


def warm_up_after_paint(window, doc, device_choice=None, *, after_waveform: bool = False) -> EngineWarmup:
    """Hold ``doc``'s analyses until the engine is imported, which starts after ``window``'s first paint
    (``after_waveform``: after the first paint of a waveform, when a track is being opened)."""
    return EngineWarmup(window, doc, device_choice, after_waveform=after_waveform)
