"""Crash logging: an exception nobody caught goes to a log file and (with a window) a dialog naming it.

The traceback is appended, time-stamped, to ``relstudio-gui.log`` in
``core.paths.log_dir()``; :func:`report_exception` also shows a non-blocking
dialog so the window stays open. This module imports nothing from
``relstudio.gui`` (only the standard library, ``relstudio.core`` and, lazily,
PySide6), so any GUI module can log a crash without an import cycle.
"""

from __future__ import annotations

import datetime as _dt
import sys
import threading
import traceback
from pathlib import Path

LOG_NAME = "relstudio-gui.log"


def write_crash_log(text: str) -> Path | None:
    """Append ``text`` (a traceback) with a time stamp to the GUI log; returns its path (``None`` if unwritable)."""
    from relstudio.core.paths import log_dir

    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOG_NAME
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"\n=== {_dt.datetime.now().isoformat(timespec='seconds')} ===\n{text}\n")
        return path
    except OSError:
        return None


def report_exception(exc_type, exc, tb, *, parent=None, title: str = "Unexpected error") -> Path | None:
    """Log the traceback and show a non-blocking dialog; the application stays open."""
    from relstudio.core.errors import RelstudioError

    text = "".join(traceback.format_exception(exc_type, exc, tb))
    path = write_crash_log(text)
    sys.stderr.write(text)
    try:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is None:
            return path
        if isinstance(exc, RelstudioError):
            message = str(exc)
        else:
            message = (f"{exc_type.__name__}: {exc}\n\nThe window stays open; the details were written to\n"
                       f"{path or '(the log folder is not writable)'}")
        box = QMessageBox(QMessageBox.Icon.Critical, title, message, QMessageBox.StandardButton.Ok, parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()
    except Exception:  # noqa: BLE001 — the hook itself must never raise
        pass
    return path


def install_excepthook(parent_getter=lambda: None) -> None:
    """Route uncaught exceptions (main thread: log + dialog over ``parent_getter()``; other threads: log)."""
    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        report_exception(exc_type, exc, tb, parent=parent_getter())

    def thread_hook(args):
        write_crash_log("".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)))

    sys.excepthook = hook
    threading.excepthook = thread_hook
