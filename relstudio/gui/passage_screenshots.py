"""Screenshots of passages and silence: ``python -m relstudio.gui.passage_screenshots [OUTDIR] [--track F]``.

Run under a real X server like :mod:`relstudio.gui.screenshots`. Writes

- ``window-passages.png``: the demo track under the genre experts at the default
  1-s resolution, its highlighted passages named over their peaks, the hover card;
- ``window-passages-silence.png``: a rendered track of music, digital silence and
  −60 dBFS hiss (the silence and the hiss grey, labelled *silence*, no passage);
- ``window-passages-class.png``: the five passages behind the top class's SUM score, ranked #1–#5;
- ``window-passages-segments.png``: a zoom of the demo at 0.5 s with the raw segment curve.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import numpy as np

from relstudio.gui.screenshots import _grab, _hover_peak, _pick, _wait


def silence_track(path: Path, *, rate: int = 22050) -> Path:
    """Tones, drums and noise with digital silence (4–8 s) and −60 dBFS hiss (12–16 s) between them (24 s)."""
    import io

    import soundfile as sf

    from relstudio.core.fileio import atomic_write_bytes

    rng = np.random.default_rng(7)
    t = np.arange(int(4 * rate)) / rate

    def chord(f0):
        tremolo = 1 + 0.3 * np.sin(2 * np.pi * 2 * t)
        return sum(0.12 * np.sin(2 * np.pi * f0 * k * t) / k for k in (1, 2, 3, 4)) * tremolo

    def hiss(seconds):
        x = rng.standard_normal(int(seconds * rate))
        return x / np.sqrt(np.mean(x * x)) * 10 ** (-60 / 20)

    drums = np.concatenate([rng.standard_normal(int(0.05 * rate)) * np.exp(-np.arange(int(0.05 * rate)) / 200) * 0.5
                            if i % 2 == 0 else np.zeros(int(0.05 * rate)) for i in range(81)])[: len(t)]
    loud = 10 ** (5 / 20)  # music at about −12 dBFS RMS, as mastered tracks are (the demo: −15 dBFS at its 95th pct)
    parts = [chord(220.0) * loud, np.zeros(4 * rate), (chord(330.0) + drums) * loud, hiss(4.0),
             rng.standard_normal(4 * rate) * 0.15 * loud, chord(262.0) * np.exp(-t / 1.2) * loud]
    buf = io.BytesIO()
    sf.write(buf, np.concatenate(parts).astype(np.float32), rate, format="WAV")
    atomic_write_bytes(path, buf.getvalue())
    return path


def main(argv=None) -> int:
    from relstudio.core.paths import demo_track
    from relstudio.gui.app import build_parser, create_window

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("outdir", nargs="?", default="docs/screenshots")
    p.add_argument("--track", default=str(demo_track()))
    args = p.parse_args(argv)
    os.environ["RELSTUDIO_DATA_DIR"] = tempfile.mkdtemp(prefix="relstudio-shots-")
    app, window = create_window(build_parser().parse_args([]))
    window.resize(1600, 970)
    window.move(0, 0)
    doc, out = window.doc, Path(args.outdir)
    genre = [f for f in (_pick(doc, c, "genre") for c in ("electronic", "orchestral", "metal")) if f]
    doc.set_enabled(genre)
    doc.set_compare(None)
    window.open_path(args.track)
    _wait(app, doc)
    window.timeline.fit()
    _wait(app, doc)
    _hover_peak(window, doc)
    _grab(app, window, out / "window-passages.png")
    rows = doc.classification.rows()
    if rows:
        best = max(rows, key=lambda r: r.sum)
        window.timeline.relevance.hover.hide()
        doc.classification.highlight(best.fingerprint, "SUM")  # the passages behind the top class, #1–#5
        _wait(app, doc)
        _grab(app, window, out / "window-passages-class.png")
        doc.classification.highlight(None)
    doc.relevance.set_resolution(0.5)
    window.timeline.set_view_range(150.0, 215.0)
    _wait(app, doc)
    _hover_peak(window, doc)
    _grab(app, window, out / "window-passages-segments.png")
    doc.relevance.set_resolution(1.0)
    window.files.unsaved.mark_clean()  # a picture, not work to save: no Save / Discard prompt
    window.open_path(silence_track(Path(tempfile.mkdtemp()) / "music-silence-hiss.wav"))
    _wait(app, doc)
    window.timeline.fit()
    _wait(app, doc)
    view = window.timeline.relevance
    view.hover.show_at(6.0, 0.5)  # inside the digital silence
    _grab(app, window, out / "window-passages-silence.png")
    window.files.unsaved.mark_clean()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
