"""``relstudio --selftest``: prove an install (or a PyInstaller bundle) works, headless.

Loads every shipped expert, analyses the demo track with them on the CPU
and checks the result: one probability per expert and segment, all finite
and in [0, 1], segments covering the whole track, a non-empty export. Prints
what it did and exits 0; on any failure prints ``selftest FAILED: …`` and
exits 1. Uses core only (no Qt): the bundle entry adds the GUI's offscreen
check on top (:mod:`relstudio.bundle_entry`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


class SelftestFailure(Exception):
    """The install is broken; the message says where."""


def check_analysis(analysis, n_experts: int) -> None:
    """Raise :class:`SelftestFailure` unless ``analysis`` is complete and finite."""
    import numpy as np

    probs = analysis.probs
    if probs.shape != (n_experts, analysis.n_segments) or analysis.n_segments < 1:
        raise SelftestFailure(f"probabilities have shape {probs.shape}, expected ({n_experts}, ≥1)")
    if not np.isfinite(probs).all() or probs.min() < 0.0 or probs.max() > 1.0:
        raise SelftestFailure("probabilities are not all finite and in [0, 1]")
    if not np.isfinite(analysis.relevance).all():
        raise SelftestFailure("relevance is not finite")
    end = float(analysis.times[-1, 1])
    if abs(end - analysis.duration) > 1.0:
        raise SelftestFailure(f"segments end at {end:.2f} s but the track lasts {analysis.duration:.2f} s")


def run(*, experts_dir=None, track=None, seconds: float | None = None, out=print):
    """Run the self-test; returns the :class:`~relstudio.core.analysis.Analysis` or raises SelftestFailure."""
    import torch

    from relstudio import __version__
    from relstudio.core.analysis import analyze
    from relstudio.core.audio import clip_from_array, load_audio
    from relstudio.core.errors import RelstudioError
    from relstudio.core.experts.library import ExpertLibrary
    from relstudio.core.export import write_segments
    from relstudio.core.paths import demo_track, shipped_experts_dir
    from relstudio.core.progress import run_task
    from relstudio.core.threads import set_ceiling

    t0 = time.perf_counter()
    set_ceiling(4)  # analyze sizes torch's threads for the free cores, at most 4 here
    folder = Path(experts_dir) if experts_dir else shipped_experts_dir()
    track = Path(track) if track else demo_track()
    out(f"relstudio {__version__}, torch {torch.__version__}, python {sys.version.split()[0]}")
    if not folder.is_dir():
        raise SelftestFailure(f"no expert folder at {folder}")
    library = ExpertLibrary([(folder, "shipped")])
    broken = [e for e in library.entries if not e.ok]
    if broken:
        raise SelftestFailure("unusable shipped experts: " + "; ".join(f"{e.path.name}: {e.error}" for e in broken))
    if not library.entries:
        raise SelftestFailure(f"no experts in {folder}")
    try:
        experts = [library.load(e, device="cpu") for e in library.entries]
        out(f"loaded {len(experts)} experts from {folder}: {', '.join(e.label for e in experts)}")
        clip = load_audio(track, rate=library.frontend.sample_rate)
        if seconds:
            clip = clip_from_array(clip.samples[: int(seconds * clip.rate)], rate=clip.rate, name=clip.name)
        out(f"decoded {track.name}: {clip.duration:.1f} s")
        analysis = run_task(analyze(clip, experts, device="cpu", keep_mel=True))
        check_analysis(analysis, len(experts))
        csv = write_segments(analysis, fmt="csv")
    except RelstudioError as exc:
        raise SelftestFailure(str(exc)) from exc
    if csv.count("\n") < analysis.n_segments:
        raise SelftestFailure("the CSV export lacks segments")
    best = analysis.top_segments(1)[0]
    a, b = analysis.times[best]
    out(f"analysed {analysis.n_segments} segments in {analysis.seconds:.1f} s; most relevant "
        f"{a:.1f}–{b:.1f} s ({analysis.winner_labels()[best]}, R={analysis.relevance[best]:.2f})")
    out(f"selftest passed in {time.perf_counter() - t0:.1f} s")
    return analysis


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="relstudio --selftest", description=__doc__.splitlines()[0])
    p.add_argument("--experts", metavar="DIR", help="expert folder (default: the shipped experts)")
    p.add_argument("--track", metavar="PATH", help="audio file (default: the demo track)")
    p.add_argument("--seconds", type=float, default=None, help="analyse only the first SECONDS")
    args = p.parse_args(argv)
    try:
        run(experts_dir=args.experts, track=args.track, seconds=args.seconds)
    except SelftestFailure as exc:
        print(f"selftest FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
