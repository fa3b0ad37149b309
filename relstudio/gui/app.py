"""``relstudio-gui [TRACK | SESSION.relstudio]``: start the workstation window.

An exception nobody caught does not kill the window: its traceback goes to a
log file in ``core.paths.log_dir()`` and a dialog names that file
(:mod:`relstudio.gui.crash_log`).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from relstudio.gui.crash_log import install_excepthook, write_crash_log


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="relstudio-gui", description="The relstudio workstation window.")
    p.add_argument("path", nargs="?", help="audio file or .relstudio session to open")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto", help="where experts run")
    p.add_argument("--library", nargs="+", metavar="DIR", help="expert folders instead of the default library")
    return p


def create_window(args=None, *, backend=None):
    """The QApplication (created when missing) and a shown MainWindow for ``args``."""
    from PySide6.QtWidgets import QApplication

    from relstudio.core.experts.library import ExpertLibrary
    from relstudio.gui import startup_log, theme
    from relstudio.gui.document import Document
    from relstudio.gui.engine_warmup import warm_up_after_paint
    from relstudio.gui.main_window import MainWindow
    from relstudio.gui.playback import Player

    args = args or build_parser().parse_args([])
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("relstudio")
    app.setOrganizationName("relstudio")
    theme.apply(app)
    library = ExpertLibrary([(Path(d), "user") for d in args.library]) if args.library else ExpertLibrary()
    doc = Document(library=library, device=args.device)
    doc.hold_engine()  # torch, librosa and the experts are imported after the first paint (engine_warmup)
    window = MainWindow(doc, player=Player(backend))
    window.engine_warmup = warm_up_after_paint(window, doc, args.device, after_waveform=bool(args.path))
    startup_log.install(window)  # RELSTUDIO_STARTUP_LOG: start-up milestones for benchmarks/startup_bench.py
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
