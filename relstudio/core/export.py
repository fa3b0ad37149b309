"""Text exports of an :class:`Analysis`: CSV, JSON, Audacity labels, Sonic Visualiser CSV, Raven table."""

from __future__ import annotations

import csv
import io
import json

import numpy as np

from relstudio.core.errors import ParameterError

FORMATS = ("csv", "json", "audacity", "sv", "raven")


def highlighted_regions(analysis, threshold: float) -> list[tuple[float, float, int, float]]:
    """Contiguous runs of segments with relevance ≥ ``threshold``.

    Returns ``(start, end, winner_index, peak_relevance)`` per run; overlapping
    segments merge, and each run is labelled by the winner at its peak.
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


def _threshold(analysis, threshold, top):
    if threshold is not None:
        return float(threshold)
    return analysis.threshold_for_top(top if top else 0.1)


def write_segments(analysis, *, fmt: str = "csv", threshold: float | None = None, top: float = 0.1,
                   passages=None) -> str:
    """Render ``analysis`` as text in ``fmt`` (one of :data:`FORMATS`).

    ``passages`` (:class:`~relstudio.core.passages.Passage` list, e.g. from
    :func:`~relstudio.core.relevance_view.relevance_view`) replace the
    segment runs in the label formats (Audacity, Sonic Visualiser, Raven);
    they never overlap.
    """
    if fmt not in FORMATS:
        raise ParameterError(f"format must be one of {FORMATS}, got {fmt!r}")
    labels = analysis.labels
    winners = analysis.winner_labels()
    rel = analysis.relevance
    buf = io.StringIO()
    if fmt == "csv":
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["start", "end", "relevance", "winner", *[f"p_{lab}" for lab in labels]])
        for k in range(analysis.n_segments):
            w.writerow([f"{analysis.times[k, 0]:.3f}", f"{analysis.times[k, 1]:.3f}", f"{rel[k]:.4f}",
                        winners[k] if winners else "", *[f"{p:.4f}" for p in analysis.probs[:, k]]])
    elif fmt == "json":
        json.dump({
            "source": str(analysis.source) if analysis.source else None,
            "duration": analysis.duration,
            "experts": [{"label": e.label, "fingerprint": e.fingerprint} for e in analysis.experts],
            "frontend": analysis.frontend.fingerprint(),
            "segments": [{"start": round(float(analysis.times[k, 0]), 4), "end": round(float(analysis.times[k, 1]), 4),
                          "relevance": round(float(rel[k]), 5), "winner": winners[k] if winners else None,
                          "probs": {lab: round(float(analysis.probs[i, k]), 5) for i, lab in enumerate(labels)}}
                         for k in range(analysis.n_segments)],
        }, buf, indent=1)
        buf.write("\n")
    else:
        regions = (highlighted_regions(analysis, _threshold(analysis, threshold, top)) if passages is None
                   else [(p.start, p.end, p.winner, p.peak) for p in passages])
        if fmt == "audacity":
            for start, end, win, peak in regions:
                buf.write(f"{start:.6f}\t{end:.6f}\t{labels[win] if labels else ''} ({peak:.2f})\n")
        elif fmt == "sv":  # Sonic Visualiser: time,duration,label as region layer CSV
            for start, end, win, peak in regions:
                buf.write(f"{start:.6f},{peak:.4f},{end - start:.6f},{labels[win] if labels else ''}\n")
        else:  # Raven selection table
            buf.write("Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\t"
                      "Winner\tRelevance\n")
            hi = analysis.frontend.fmax
            for i, (start, end, win, peak) in enumerate(regions, 1):
                buf.write(f"{i}\tSpectrogram 1\t1\t{start:.6f}\t{end:.6f}\t0.0\t{hi:.1f}\t"
                          f"{labels[win] if labels else ''}\t{peak:.4f}\n")
    return buf.getvalue()
