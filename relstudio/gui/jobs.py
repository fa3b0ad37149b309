"""The document's background jobs as plain core generators (no Qt; testable without a window).

``load_track`` decodes a file and builds the waveform pyramid; ``run_experts``
runs the experts an :class:`~relstudio.core.analysis.Analysis` still lacks and
merges their probabilities into it (:meth:`Analysis.merged`), so toggling experts later costs no
inference. Both yield :class:`Progress` and return their result.
"""

from __future__ import annotations

from dataclasses import dataclass

from relstudio.core.analysis import Analysis, analyze
from relstudio.core.audio import AudioClip, load_audio
from relstudio.core.progress import Progress, Task, scaled
from relstudio.core.growing_waveform import DecodeWatch
from relstudio.core.waveform_lod import MinMaxPyramid


# The window analyses in 20 s chunks (the CLI: 60 s): its relevance curve grows every chunk, and the fused
# experts' activations, held while the views draw a partial analysis, stay small (an hour in the window:
# 650–670 MB peak against 670–740 MB with 60 s chunks, same time; issue 17). Chunked results equal the
# whole track's (core/runner.py).
WINDOW_CHUNK_SECONDS = 20.0


@dataclass(frozen=True, eq=False)
class LoadedTrack:
    clip: AudioClip
    pyramid: MinMaxPyramid


def load_track(path, *, rate: int, on_partial=None) -> Task[LoadedTrack]:
    """Decode ``path`` at ``rate`` Hz mono and precompute its min/max pyramid (from the compact ``pcm``:
    int16 of a 16-bit file, paged from a file when long — never a whole float32 copy).

    ``on_partial(pyramid)`` (called in the decoding thread) sees the full-length
    :class:`~relstudio.core.growing_waveform.GrowingPyramid` at the first decoded block and as it fills.
    """
    yield Progress(0.0, f"reading {path}")
    watch = DecodeWatch(rate=rate, on_partial=on_partial)  # the pyramid, built from the blocks as they decode
    clip = load_audio(path, rate=rate, on_buffer=watch.begin, on_block=watch.add)
    yield Progress(0.7, "preparing the waveform")
    return LoadedTrack(clip, MinMaxPyramid(clip.pcm, rate=clip.rate, first_level=watch.first_level()))


def run_experts(clip: AudioClip, library, entries, *, base: Analysis | None, loaded: dict, cache=None,
                device=None) -> Task[Analysis]:
    """Run the library ``entries`` missing from ``base`` on ``clip`` and merge them in.

    ``loaded`` maps fingerprint → loaded Expert and is filled as experts load
    (weights are read once per session). With no ``base``, the spectrogram is
    computed too, even when there is no expert to run.
    """
    have = {e.fingerprint for e in base.experts} if base is not None else set()
    todo = [e for e in entries if e.info.fingerprint not in have]
    if base is not None and not todo:
        return base
    experts = []
    for i, entry in enumerate(todo):
        fp = entry.info.fingerprint
        if fp not in loaded:
            yield Progress(0.05 * i / max(1, len(todo)), f"loading expert {entry.label}")
            loaded[fp] = library.load(entry, device=device)
        experts.append(loaded[fp])
    need_mel = base is None or base.mel_db is None
    result = yield from scaled(analyze(clip, experts, frontend=library.frontend, cache=cache, device=device,
                                       chunk_seconds=WINDOW_CHUNK_SECONDS, partials=True,
                                       keep_mel=need_mel), 0.05, 1.0)
    return result if base is None else base.merged(result)


def classify(clip: AudioClip, relnet, library, entries, *, loaded: dict, device=None):
    """RELNET ``relnet`` over ``clip`` (``core.classification.classify_track``), loading its experts when needed."""
    from relstudio.core.classification import classify_track

    experts = []
    for entry in entries:
        fp = entry.info.fingerprint
        if fp not in loaded:
            yield Progress(0.0, f"loading expert {entry.label}")
            loaded[fp] = library.load(entry, device=device)
        experts.append(loaded[fp])
    return (yield from classify_track(clip, relnet, experts, device=device))
