"""Entry point of the PyInstaller bundle (``dist/relstudio/relstudio``).

    relstudio --selftest [--no-gui] [...]   shipped experts × demo track, then the GUI offscreen; exit 0
    relstudio analyze|experts|train|…       the command line (``relstudio.cli``)
    relstudio [TRACK]                       the workstation (``relstudio.gui.app``)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _cli_commands() -> set[str]:
    import argparse

    from relstudio.cli import build_parser

    parser = build_parser()
    return {name for a in parser._actions if isinstance(a, argparse._SubParsersAction) for name in a.choices}


def gui_selftest(*, track=None, timeout: float = 300.0, out=print) -> int:
    """Open ``track`` (default: the demo) in the real main window offscreen and wait for its analysis.

    Uses a throw-away settings/cache/log folder unless RELSTUDIO_*_DIR say otherwise, so
    the check never touches the user's own. Returns 0 when the window drew an analysis
    with finite relevance and reported no problem.
    """
    import tempfile
    import time

    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = tempfile.TemporaryDirectory(prefix="relstudio-selftest-")
    for key, sub in (("RELSTUDIO_DATA_DIR", "data"), ("RELSTUDIO_CACHE_DIR", "cache"), ("RELSTUDIO_LOG_DIR", "logs")):
        os.environ.setdefault(key, os.path.join(scratch.name, sub))
    t0 = time.perf_counter()
    problems: list[str] = []
    window = None
    try:
        import numpy as np

        from relstudio.core.paths import demo_track
        from relstudio.gui.app import build_parser, create_window

        path = str(track or demo_track())
        app, window = create_window(build_parser().parse_args(["--device", "cpu"]))
        doc = window.doc
        doc.problem.connect(lambda title, text: problems.append(f"{title}: {text}"))
        doc.crashed.connect(lambda title, exc, tb: problems.append(f"{title}: {type(exc).__name__}: {exc}"))
        if not doc.enabled:
            doc.set_enabled(doc.roster.default_enabled())
        window.open_path(path)
        deadline = time.monotonic() + timeout
        while not problems and time.monotonic() < deadline:
            app.processEvents()
            if doc.analysis is not None and not doc.runner.busy and not doc.pending():
                break
            time.sleep(0.01)
        current = doc.current()
        if problems:
            raise RuntimeError("; ".join(problems))
        if current is None or not current.experts:
            raise RuntimeError(f"no analysis after {timeout:.0f} s")
        if not np.isfinite(current.relevance).all():
            raise RuntimeError("the window's relevance is not finite")
        image = window.grab().toImage()
        if image.isNull() or image.width() < 200:
            raise RuntimeError("the window could not be drawn offscreen")
    except Exception as exc:  # a missing Qt plugin or library in the bundle, a broken window
        print(f"selftest FAILED: GUI: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if window is not None:
            window.close()
            window.doc.close()
        scratch.cleanup()
    out(f"GUI: Qt platform {app.platformName()!r}: the main window analysed {Path(path).name} with "
        f"{len(current.experts)} experts ({current.n_segments} segments) in {time.perf_counter() - t0:.1f} s")
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--selftest"]:
        from relstudio.selftest import main as selftest

        rest = [a for a in argv[1:] if a != "--no-gui"]
        code = selftest(rest)
        if code == 0 and "--no-gui" not in argv:
            code = gui_selftest()
        return code
    if argv and (argv[0] in _cli_commands() or argv[0] in ("-h", "--help", "--version")):
        from relstudio.cli import main as cli_main

        return cli_main(argv)
    from relstudio.gui.app import main as gui_main

    return gui_main()


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # batch analysis with --workers starts copies of this executable
    raise SystemExit(main())
