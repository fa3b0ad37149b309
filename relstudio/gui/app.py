"""``relstudio-gui [TRACK | SESSION.relstudio]``: start the workstation window.

An exception nobody caught does not kill the window: its traceback goes to a
log file in ``core.paths.log_dir()`` and a dialog names that file.
"""

from __future__ import annotations

import argparse
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
    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        report_exception(exc_type, exc, tb, parent=parent_getter())

    def thread_hook(args):
        write_crash_log("".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)))

    sys.excepthook = hook
    threading.excepthook = thread_hook


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="relstudio-gui", description="The relstudio workstation window.")
    p.add_argument("path", nargs="?", help="audio file or .relstudio session to open")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto", help="where experts run")
    p.add_argument("--library", nargs="+", metavar="DIR", help="expert folders instead of the default library")
    return p


def create_window(args=None, *, backend=None):
    """The QApplication (created when missing) and a shown MainWindow for ``args``."""
    from PySide6.QtWidgets import QApplication

    from relstudio.core.device import choose_device
    from relstudio.core.experts.library import ExpertLibrary
    from relstudio.gui import theme
    from relstudio.gui.document import Document
    from relstudio.gui.main_window import MainWindow
    from relstudio.gui.playback import Player

    args = args or build_parser().parse_args([])
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("relstudio")
    app.setOrganizationName("relstudio")
    theme.apply(app)
    library = ExpertLibrary([(Path(d), "user") for d in args.library]) if args.library else ExpertLibrary()
    doc = Document(library=library, device=choose_device(args.device))
    window = MainWindow(doc, player=Player(backend))
    window.show()
    if args.path:
        try:
            window.open_path(args.path)
        except Exception as exc:  # noqa: BLE001 — a file named on the command line never stops the window
            window.dialogs.error("Cannot open file", f"{args.path}: {exc}")
    return app, window


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    holder = {}
    install_excepthook(lambda: holder.get("window"))
    try:
        app, window = create_window(args)
    except Exception:  # noqa: BLE001 — e.g. no display: say so in one line
        exc_type, exc, tb = sys.exc_info()
        path = write_crash_log("".join(traceback.format_exception(exc_type, exc, tb)))
        print(f"relstudio-gui: cannot start the window: {exc} (details in {path})", file=sys.stderr)
        return 1
    holder["window"] = window
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
