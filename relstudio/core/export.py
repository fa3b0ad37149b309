"""Text exports of an :class:`Analysis`: CSV, JSON, Audacity labels, Sonic Visualiser CSV, Raven table.

Everything is read under the analysis's :class:`~relstudio.core.relevance_settings.RelevanceSettings`
(:meth:`Analysis.view`): the CSV has one row per segment with its level, evidence, relevance and
winner ("silence" below the audibility floor) and the window and passage it belongs to, after a
``# relevance settings: {…}`` comment line; the JSON holds the settings, the segments, the windows
and the passages; the label formats (Audacity, Sonic Visualiser, Raven) are the passages, which
never overlap.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np

from relstudio.core.errors import ParameterError
from relstudio.core.relevance import SILENCE

FORMATS = ("csv", "json", "audacity", "sv", "raven")
SETTINGS_COMMENT = "# relevance settings: "


def _label(labels, index: int) -> str:
    return "silence" if index == SILENCE else (labels[index] if labels else "")


def segment_passages(view, n_segments: int) -> np.ndarray:
    """``(S,)`` 1-based number of the passage holding each segment's window, 0 where none does."""
    window_passage = np.zeros(view.windows.n_windows, np.int64)
    for i, p in enumerate(view.passages, 1):
        window_passage[p.first:p.stop] = i
    return window_passage[view.windows.segment_window] if n_segments else np.zeros(0, np.int64)


def _csv(analysis, view, buf) -> None:
    labels, winners, rel = analysis.labels, analysis.winner_labels(), analysis.relevance
    win = view.windows
    passage = segment_passages(view, analysis.n_segments)
    levels = analysis.levels_db if analysis.levels_db is not None else np.full(analysis.n_segments, np.nan)
    buf.write(SETTINGS_COMMENT + json.dumps(analysis.settings.to_dict()) + "\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["start", "end", "level_db", "evidence", "relevance", "winner", "window_relevance", "window_winner",
                "passage", *[f"p_{lab}" for lab in labels]])
    for k in range(analysis.n_segments):
        j = win.segment_window[k]
        w.writerow([f"{analysis.times[k, 0]:.3f}", f"{analysis.times[k, 1]:.3f}", f"{levels[k]:.1f}",
                    f"{analysis.evidence[k]:.3f}", f"{rel[k]:.4f}", winners[k] if winners else "",
                    f"{win.relevance[j]:.4f}", _label(labels, int(win.winners[j])), passage[k] or "",
                    *[f"{p:.4f}" for p in analysis.probs[:, k]]])


def _json(analysis, view, buf) -> None:
    labels, winners, rel, ev = analysis.labels, analysis.winner_labels(), analysis.relevance, analysis.evidence
    levels = analysis.levels_db
    win = view.windows
    r = lambda x, n=5: round(float(x), n)  # noqa: E731
    json.dump({
        "source": str(analysis.source) if analysis.source else None,
        "duration": analysis.duration,
        "experts": [{"label": e.label, "fingerprint": e.fingerprint} for e in analysis.experts],
        "frontend": analysis.frontend.fingerprint(),
        "relevance_settings": analysis.settings.to_dict(),
        "threshold": r(view.threshold), "passage_share": r(view.share), "silent_share": r(view.silent_share),
        "segments": [{"start": r(analysis.times[k, 0], 4), "end": r(analysis.times[k, 1], 4),
                      "level_db": None if levels is None else r(levels[k], 2), "evidence": r(ev[k], 4),
                      "relevance": r(rel[k]), "winner": winners[k] if winners else None,
                      "probs": {lab: r(analysis.probs[i, k]) for i, lab in enumerate(labels)}}
                     for k in range(analysis.n_segments)],
        "windows": [{"start": r(win.times[j, 0], 4), "end": r(win.times[j, 1], 4), "evidence": r(win.evidence[j], 4),
                     "relevance": r(win.relevance[j]), "winner": _label(labels, int(win.winners[j])),
                     "probs": {lab: r(win.probs[i, j]) for i, lab in enumerate(labels)}}
                    for j in range(win.n_windows)],
        "passages": [{"start": r(p.start, 4), "end": r(p.end, 4), "winner": _label(labels, p.winner),
                      "peak": r(p.peak), "mean": r(p.mean), "peak_time": r(p.peak_time, 4)} for p in view.passages],
    }, buf, indent=1)
    buf.write("\n")


def _labels(analysis, passages, fmt, buf) -> None:
    labels = analysis.labels
    regions = [(p.start, p.end, _label(labels, p.winner), p.peak) for p in passages]
    if fmt == "audacity":
        for start, end, name, peak in regions:
            buf.write(f"{start:.6f}\t{end:.6f}\t{name} ({peak:.2f})\n")
    elif fmt == "sv":  # Sonic Visualiser: time,value,duration,label as region layer CSV
        for start, end, name, peak in regions:
            buf.write(f"{start:.6f},{peak:.4f},{end - start:.6f},{name}\n")
    else:  # Raven selection table
        buf.write("Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\t"
                  "Winner\tRelevance\n")
        hi = analysis.frontend.fmax
        for i, (start, end, name, peak) in enumerate(regions, 1):
            buf.write(f"{i}\tSpectrogram 1\t1\t{start:.6f}\t{end:.6f}\t0.0\t{hi:.1f}\t{name}\t{peak:.4f}\n")


def write_segments(analysis, *, fmt: str = "csv", threshold: float | None = None, top: float | None = None,
                   passages=None) -> str:
    """Render ``analysis`` as text in ``fmt`` (one of :data:`FORMATS`).

    Parameters
    ----------
    analysis : Analysis — read under its own ``settings`` (:meth:`Analysis.with_settings`).
    threshold : float, optional — window R_max the passages need; by default the top ``top``
        fraction of the audible windows.
    top : float, optional — that fraction (default ``analysis.settings.top_fraction``).
    passages : sequence of Passage, optional — use these (e.g. the GUI's view) instead of
        ``analysis.view(threshold).passages`` in the label formats.
    """
    if fmt not in FORMATS:
        raise ParameterError(f"format must be one of {FORMATS}, got {fmt!r}")
    if top is not None and top != analysis.settings.top_fraction:
        analysis = analysis.with_settings(analysis.settings.replace(top_fraction=top))
    view = analysis.view(threshold)
    buf = io.StringIO()
    if fmt == "csv":
        _csv(analysis, view, buf)
    elif fmt == "json":
        _json(analysis, view, buf)
    else:
        _labels(analysis, view.passages if passages is None else passages, fmt, buf)
    return buf.getvalue()
