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


def gain_check(experts, clips, rate: int) -> dict:
    """Same clips at −12, 0 and +12 dB: share of segments whose winner is unchanged."""
    same = total = 0
    for path in clips:
        x = load_audio(path, rate=rate).samples
        winners = [run_task(analyze(clip_from_array(x * 10 ** (g / 20), rate=rate), experts, keep_mel=False)).winners
                   for g in (0.0, -12.0, 12.0)]
        same += int(np.sum((winners[0] == winners[1]) & (winners[0] == winners[2])))
        total += len(winners[0])
    return {"clips": len(clips), "segments": total, "same_winner": same / max(total, 1)}


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
