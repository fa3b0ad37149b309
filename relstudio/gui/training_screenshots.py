"""Screenshots of the training wizard: ``python -m relstudio.gui.training_screenshots DATASET [OUTDIR]``.

Run under a real X server (``Xvfb :98 -screen 0 1600x1000x24 & DISPLAY=:98``). Drives the
wizard on DATASET (a labelled folder, e.g. the shared ``main`` set) with the "quick" preset,
grabs it mid-training (live loss curves, during the RELNET stage) and on the results page,
then the main window with the classification panel on the demo track.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path


def _spin(app, cond, timeout: float) -> bool:
    t0 = time.perf_counter()
    while not cond() and time.perf_counter() - t0 < timeout:
        app.processEvents()
        time.sleep(0.02)
    return cond()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dataset")
    p.add_argument("outdir", nargs="?", default="docs/screenshots")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--patience", type=int, default=8)
    p.add_argument("--relnet-epochs-shown", type=int, default=8, help="grab mid-training after this many RELNET epochs")
    args = p.parse_args(argv)
    home = Path(tempfile.gettempdir()) / "relstudio-screenshots-home"  # fresh settings and library every run
    shutil.rmtree(home, ignore_errors=True)
    os.environ["RELSTUDIO_DATA_DIR"] = str(home)
    from relstudio.core.threads import fit_torch_threads, set_ceiling

    set_ceiling(2)  # at most 2 torch threads, fewer when other programs hold cores (core/threads.py)
    fit_torch_threads()  # also for the training threads started below
    from relstudio.core.paths import demo_track
    from relstudio.gui.app import build_parser, create_window
    from relstudio.gui.screenshots import _grab, _wait
    from relstudio.gui.training.wizard import RESULTS

    app, window = create_window(build_parser().parse_args([]))
    window.resize(1600, 970)
    window.move(0, 0)
    doc, out = window.doc, Path(args.outdir)
    window.open_path(demo_track())
    wizard = window.models.open_training_wizard()
    wizard.resize(1180, 800)
    wizard.move(210, 90)
    wizard.source_page.path.setText(str(Path(args.dataset).resolve()))
    wizard.next()
    _spin(app, lambda: wizard.classes_page.summary is not None, 120)
    wizard.next()
    s = wizard.settings_page
    s.apply_preset("quick")
    s.epochs.setValue(args.epochs)
    s.patience.setValue(args.patience)
    s.device.setCurrentIndex(s.device.findData("cpu"))
    wizard.next()
    job = wizard.job
    relnet_epochs = lambda: len(job.history.get(("relnet", "relnet"), []))  # noqa: E731
    _spin(app, lambda: relnet_epochs() >= args.relnet_epochs_shown or job.finished, 1800)
    _grab(app, wizard, out / "training-wizard-progress.png")
    _spin(app, lambda: wizard.currentId() == RESULTS or job.finished and job.state != "done", 3600)
    _spin(app, lambda: False, 1.0)
    _grab(app, wizard, out / "training-wizard-results.png")
    wizard.accept()
    _wait(app, doc)
    mine = next((r for r in doc.classification.relnets if job.outcome and r.path == job.outcome.relnet), None)
    if mine is not None:  # the shipped RELNET of the sound family matches too: show the new one
        doc.classification.choose(mine.fingerprint)
    _spin(app, lambda: doc.classification.result is not None and (
        mine is None or doc.classification.result.relnet.fingerprint == mine.fingerprint), 120)
    rows = doc.classification.rows()
    if rows:
        best = max(rows, key=lambda r: r.relnet or 0.0)
        doc.classification.highlight(best.fingerprint, "RELNET")
        panel = window.classification_panel
        for i in range(panel.table.topLevelItemCount()):
            if panel.table.topLevelItem(i).data(0, 256) == best.fingerprint:  # Qt.UserRole
                panel.table.setCurrentItem(panel.table.topLevelItem(i), 1)
        ks = [doc.segment_at(p.peak_time) for p, _share in doc.classification.highlighted]  # the top passages' peaks
        centre = float(doc.analysis.centres[ks[0]])
        window.timeline.set_view_range(centre - 25.0, centre + 25.0)
        for k in ks[:2]:
            doc.review.mark(k, best.cls, True)
        other = doc.segment_at(centre + 12.0)
        doc.review.mark(other, best.cls, False)
        doc.select_segment(ks[0])
    window.training_dock.show()
    _spin(app, lambda: False, 1.0)
    _grab(app, window, out / "window-classification.png")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
