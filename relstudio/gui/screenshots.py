"""Regenerate docs/screenshots: ``python -m relstudio.gui.screenshots [OUTDIR] [--library DIR …]``.

Run under a real X server (e.g. ``Xvfb :99 -screen 0 1600x1000x24 & DISPLAY=:99``) so the
whole screen is grabbed with ``QScreen.grabWindow(0)``; offscreen it falls back to
``QWidget.grab()``. Opens the demo track with the genre experts, keeps two viewpoints
(as the paper's Fig. 2: a two-class and a three-class view of one track) and overlays them.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def _wait(app, doc, timeout: float = 600.0) -> None:
    t0 = time.perf_counter()
    while (doc.track is None or doc.analysis is None or doc.runner.busy or doc.pending()) \
            and time.perf_counter() - t0 < timeout:
        app.processEvents()
        time.sleep(0.02)
    for _ in range(30):
        app.processEvents()
        time.sleep(0.01)


def _pick(doc, cls: str, family: str) -> str | None:
    """The usable expert of class ``cls``, preferring ``family``."""
    from relstudio.core.experts.choice import expert_class, expert_family

    found = [e for e in doc.library.usable() if expert_class(e) == cls]
    found.sort(key=lambda e: ((expert_family(e) or e.path.parent.name) != family, str(e.path)))
    return found[0].info.fingerprint if found else None


def _grab(app, window, path: Path) -> None:
    for _ in range(10):  # let the window repaint what changed before the X server is read
        app.processEvents()
        time.sleep(0.02)
    screen = app.primaryScreen()
    if app.platformName() == "xcb" and screen is not None:
        pixmap = screen.grabWindow(0)
        geo = window.frameGeometry()
        pixmap = pixmap.copy(geo) if geo.width() > 0 else pixmap
    else:
        pixmap = window.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    pixmap.save(str(path), "PNG")
    print(f"wrote {path} ({pixmap.width()}×{pixmap.height()})")


def _hover_peak(window, doc) -> None:
    """Hover the peak of the best labelled passage, as a user pointing at it."""
    view = window.timeline.relevance
    if view.labels.passages:
        p = view.labels.passages[0]
        view.hover.show_at(p.peak_time, p.peak / 2)


def main(argv=None) -> int:
    from relstudio.core.paths import demo_track
    from relstudio.gui.app import build_parser, create_window

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("outdir", nargs="?", default="docs/screenshots")
    p.add_argument("--library", nargs="+", metavar="DIR")
    p.add_argument("--track", default=str(demo_track()))
    args = p.parse_args(argv)
    import os
    import tempfile

    # fresh settings and viewpoints, so the pictures do not depend on this user's history
    os.environ["RELSTUDIO_DATA_DIR"] = tempfile.mkdtemp(prefix="relstudio-shots-")
    gui_args = build_parser().parse_args((["--library", *args.library] if args.library else []))
    app, window = create_window(gui_args)
    window.resize(1600, 970)
    window.move(0, 0)
    doc, out = window.doc, Path(args.outdir)
    two = [f for f in (_pick(doc, "electronic", "genre"), _pick(doc, "orchestral", "genre")) if f]
    three = two + [f for f in (_pick(doc, "metal", "genre"),) if f]
    if len(three) == 3:
        doc.keep_viewpoint("electronic vs orchestral", two, persist=False)
        doc.keep_viewpoint("electronic vs orchestral vs metal", three, persist=False)
        doc.set_enabled(three)
        doc.set_compare("electronic vs orchestral")
    window.open_path(args.track)
    _wait(app, doc)
    window.timeline.fit()
    _wait(app, doc)
    _hover_peak(window, doc)
    app.processEvents()
    _grab(app, window, out / "window-two-viewpoints.png")
    window.timeline.set_view_range(160.0, 220.0)  # the quiet break into the heavy section
    _wait(app, doc)
    _hover_peak(window, doc)
    _grab(app, window, out / "window-two-viewpoints-zoom.png")
    doc.set_compare(None)
    doc.set_enabled(doc.roster.default_enabled())
    _wait(app, doc)
    window.timeline.set_view_range(150.0, 230.0)
    cur = doc.current()
    if cur is not None and cur.experts:
        k = doc.segment_at(190.0)
        doc.select_segment(k)
        doc.set_position(float(cur.times[k, 0]))
    _wait(app, doc)
    _hover_peak(window, doc)
    _grab(app, window, out / "window-sound-classes.png")
    window.files.unsaved.mark_clean()  # pictures, not work to save: no Save / Discard prompt on close
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
