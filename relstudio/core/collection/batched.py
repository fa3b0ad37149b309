"""Several clips through the fused experts for a batch run (the GPU path of a collection).

A thin wrapper of :func:`relstudio.core.analysis.analyze_clips`: clips no
longer than ``max_seconds`` run zero-padded in one forward pass (each clip's
real segments equal :func:`relstudio.core.analysis.analyze` on that clip),
longer ones chunked one by one — both inside :func:`relstudio.core.runner.run_experts`.
"""

from __future__ import annotations

from relstudio.core.analysis import Analysis, analyze_clips as analyze_clips_task
from relstudio.core.progress import run_task


def analyze_clips(clips, experts, *, cache=None, device=None, max_seconds: float = 60.0) -> list[Analysis]:
    """Analyse ``clips`` (:class:`~relstudio.core.audio.AudioClip`) with loaded ``experts``.

    Returns one :class:`Analysis` per clip, in order, without mel spectrograms.
    Cached probabilities are reused and new ones stored, as in ``analyze``.
    """
    return run_task(analyze_clips_task(clips, experts, cache=cache, device=device, batch_seconds=max_seconds))
