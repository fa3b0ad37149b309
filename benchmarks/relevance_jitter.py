"""Relevance jitter before/after audibility, windows and passages (issue 13).

    PYTHONPATH=. .venv/bin/python benchmarks/relevance_jitter.py [TRACK] [--experts trained_experts]

BEFORE: the raw segment curve (every segment is evidence, 0.116-s segments):
peaks per minute = separate runs of segments at or above the top-10 % threshold,
winner changes per minute between consecutive segments, and how many of the
Audacity labels of the old export overlap their neighbour.
AFTER: the default :class:`RelevanceSettings` (−45 dB / −70 dBFS floors, 6-dB
ramp, 1-s windows, 0.5-s gap, 1-s passages, threshold = top 10 % of the
audible windows): passages per minute, winner changes per minute between
consecutive audible windows, share of silent segments (evidence 0).
Probabilities and segment levels come from the current ``analyze()`` with the
shipped experts; BEFORE reads the analysis with ``RelevanceSettings.raw()``,
AFTER with the defaults, both through ``Analysis.view()``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from relstudio.core.analysis import analyze  # noqa: E402
from relstudio.core.audibility import (audibility_floor_db, evidence_weights, loud_reference_db,  # noqa: E402
                                       segment_levels_db)
from relstudio.core.audio import load_audio  # noqa: E402
from relstudio.core.experts.choice import default_selection, expert_family  # noqa: E402
from relstudio.core.experts.library import ExpertLibrary  # noqa: E402
from relstudio.core.passages import rank_passages  # noqa: E402
from relstudio.core.paths import demo_track  # noqa: E402
from relstudio.core.progress import run_task  # noqa: E402
from relstudio.core.relevance import SILENCE  # noqa: E402
from relstudio.core.relevance_settings import RelevanceSettings  # noqa: E402


def _runs(mask: np.ndarray) -> int:
    return int(np.sum(np.diff(np.concatenate([[0], mask.astype(np.int8)])) == 1))


def _changes(winners: np.ndarray) -> int:
    return int(np.sum(winners[1:] != winners[:-1]))


def _clock(t: float) -> str:
    return f"{int(t // 60)}:{t % 60:04.1f}"


def highlighted_regions(analysis, threshold: float) -> list[tuple[float, float, int, float]]:
    """The old export's raw runs of consecutive segments with relevance ≥ ``threshold`` (BEFORE only).

    Returns ``(start, end, winner_index, peak_relevance)`` per run. Runs of
    overlapping segments may overlap each other; what a person auditions and
    every export use are passages (:meth:`Analysis.view`).
    """
    rel = analysis.relevance
    above = rel >= threshold
    regions, k, n = [], 0, len(rel)
    while k < n:
        if not above[k]:
            k += 1
            continue
        j = k
        while j + 1 < n and above[j + 1]:
            j += 1
        peak = k + int(np.argmax(rel[k:j + 1]))
        regions.append((float(analysis.times[k, 0]), float(analysis.times[j, 1]), int(analysis.winners[peak]),
                        float(rel[peak])))
        k = j + 1
    return regions


def before(a, minutes: float) -> dict:
    a = a.with_settings(RelevanceSettings.raw())
    rel = a.relevance
    thr = float(np.quantile(rel, 0.9))
    regions = highlighted_regions(a, thr)
    overlaps = sum(1 for r, s in zip(regions, regions[1:]) if s[0] < r[1])
    top = [_clock(a.centres[k]) for k in a.top_segments(10)]
    order = np.argsort(-rel, kind="stable")
    ending = int(np.flatnonzero(a.centres[order] > a.duration - 5.0)[0]) + 1
    return {"last 5 s ranks": f"first at segment rank {ending}","peaks/min": _runs(rel >= thr) / minutes, "winner changes/min": _changes(a.winners) / minutes,
            "silent segments": 0.0, "overlapping labels": f"{overlaps} of {len(regions)}", "top 10": top}


def after(a, settings, minutes: float) -> dict:
    view = a.with_settings(settings).view()
    win = view.windows
    audible = win.winners[win.winners != SILENCE]
    ranked = rank_passages(view.passages)
    top = [f"{_clock(p.start)}–{_clock(p.end)}" for p in ranked[:10]]
    ps = view.passages
    overlaps = sum(1 for p, q in zip(ps, ps[1:]) if q.start < p.end)
    ending = [i + 1 for i, p in enumerate(ranked) if p.end > a.duration - 5.0]
    return {"last 5 s ranks": ending or "none","peaks/min": len(ps) / minutes, "winner changes/min": _changes(audible) / minutes,
            "silent segments": view.silent_share, "overlapping labels": f"{overlaps} of {len(ps)}",
            "share selected": view.share, "top 10": top}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("track", nargs="?", default=str(demo_track()))
    ap.add_argument("--experts", default=str(Path(__file__).resolve().parents[1] / "trained_experts"))
    args = ap.parse_args()
    library = ExpertLibrary([(Path(args.experts), "shipped")])
    entries = library.usable()
    families = {"genre": [e for e in entries if expert_family(e) == "genre"],
                "instrument": [e for e in entries if expert_family(e) == "instrument"],
                "sound": [e for e in entries if expert_family(e) == "sound"]}
    default = set(default_selection(library))
    families["default selection (relstudio demo, the window's first start)"] = [
        e for e in entries if e.info.fingerprint in default]
    experts = [library.load(e) for e in entries]
    clip = load_audio(args.track, rate=experts[0].info.frontend.sample_rate)
    a_all = run_task(analyze(clip, experts, keep_mel=False))
    t0 = time.perf_counter()
    levels = segment_levels_db(clip.samples, frontend=a_all.frontend)  # as the runner does on every analysis
    settings = RelevanceSettings()
    evidence_weights(levels, settings=settings)
    t_levels = time.perf_counter() - t0
    assert np.array_equal(levels, a_all.levels_db)
    ref = loud_reference_db(levels, percentile=settings.reference_percentile)
    minutes = clip.duration / 60
    print(f"{clip.name}: {clip.duration:.1f} s, {a_all.n_segments} segments; analysis {a_all.seconds:.1f} s, "
          f"levels + weights {t_levels * 1000:.0f} ms (2 shared cores)")
    print(f"loud reference {ref:.1f} dBFS, floor {audibility_floor_db(reference_db=ref, settings=settings):.1f} "
          f"dBFS, settings {settings.to_dict()}")
    for name, chosen in families.items():
        if not chosen:
            continue
        a = a_all.select([e.info.fingerprint for e in chosen])
        t0 = time.perf_counter()
        rows = {"BEFORE (raw segments)": before(a, minutes),
                "AFTER (default passages)": after(a, settings, minutes)}
        t_view = time.perf_counter() - t0
        print(f"\n## {name}: {', '.join(a.labels)}  ({t_view * 1000:.0f} ms for both)")
        for label, row in rows.items():
            print(f"{label:26s} peaks/min {row['peaks/min']:5.1f} · winner changes/min "
                  f"{row['winner changes/min']:6.1f} · silent segments {row['silent segments']:.1%} · "
                  f"overlapping labels {row['overlapping labels']}"
                  + (f" · time selected {row['share selected']:.1%}" if "share selected" in row else ""))
            print(f"{'':26s} top 10: {', '.join(row['top 10'])}; last 5 s: {row['last 5 s ranks']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
