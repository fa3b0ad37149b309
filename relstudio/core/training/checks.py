"""Checks of trained experts on whole clips, through the analysis path the app uses.

- :func:`gain_check`: the same clips at −12, 0 and +12 dB give the same winner per segment.
- :func:`segment_winners`: how often a segment's winning expert is the clip's class.
"""

from __future__ import annotations

import numpy as np

from relstudio.core.analysis import analyze
from relstudio.core.audio import clip_from_array, load_audio
from relstudio.core.progress import run_task
from relstudio.core.training.evaluate import expert_class


GAINS_DB = (0.0, -12.0, 12.0)


def audible_in_all(analyses) -> np.ndarray:
    """``(S,)`` bool: segments with evidence (above the relevance rule's floors) in every one of ``analyses``."""
    return np.logical_and.reduce([a.evidence > 0 for a in analyses])


def gain_check(experts, clips, rate: int) -> dict:
    """Same clips at −12, 0 and +12 dB: share of segments (and of those audible at all three gains, the
    relevance rule's floor included) whose winner is unchanged."""
    same = total = same_aud = total_aud = 0
    for path in clips:
        x = load_audio(path, rate=rate).samples
        runs = [run_task(analyze(clip_from_array(x * 10 ** (g / 20), rate=rate), experts, keep_mel=False))
                for g in GAINS_DB]
        ok = np.logical_and.reduce([a.winners == runs[0].winners for a in runs[1:]])
        aud = audible_in_all(runs)
        same, total = same + int(ok.sum()), total + len(ok)
        same_aud, total_aud = same_aud + int(ok[aud].sum()), total_aud + int(aud.sum())
    return {"clips": len(clips), "segments": total, "same_winner": same / max(total, 1),
            "audible_segments": total_aud, "same_winner_audible": same_aud / max(total_aud, 1)}


def segment_winners(experts, clips, rate: int) -> dict:
    """Share of segments (and of the top-relevance half) whose winning expert is the clip's class."""
    classes = [expert_class(e) for e in experts]
    right = total = right_top = total_top = 0
    for path, label in clips:
        a = run_task(analyze(load_audio(path, rate=rate), experts, keep_mel=False))
        ok = a.winners == classes.index(label)
        top = a.relevance >= np.median(a.relevance)
        right, total = right + int(ok.sum()), total + len(ok)
        right_top, total_top = right_top + int(ok[top].sum()), total_top + int(top.sum())
    return {"clips": len(clips), "segments": total, "right_winner": right / max(total, 1),
            "right_winner_top_half": right_top / max(total_top, 1)}
