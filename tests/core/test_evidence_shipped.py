"""The shipped experts of every family on synthetic audio: silence and hiss carry no evidence."""

import numpy as np
import pytest

from relstudio.core.analysis import analyze
from relstudio.core.audibility import track_evidence
from relstudio.core.audio import clip_from_array
from relstudio.core.experts.choice import expert_family
from relstudio.core.progress import run_task
from relstudio.core.relevance import SILENCE
from relstudio.core.relevance_view import relevance_view
from tests.expert_factory import shipped_library
from tests.synth import EVIDENCE_REGIONS, evidence_clip


@pytest.fixture(scope="module")
def analysed():
    library = shipped_library()
    entries = library.usable()
    experts = [library.load(e) for e in entries]
    rate = experts[0].info.frontend.sample_rate
    x = evidence_clip(rate=rate)
    a = run_task(analyze(clip_from_array(x, rate=rate, name="evidence"), experts, keep_mel=False))
    _, weights = track_evidence(x, frontend=a.frontend)
    return a, weights, {e.info.fingerprint: expert_family(e) for e in entries}


@pytest.mark.parametrize("family", ["genre", "instrument", "sound"])
def test_silence_and_hiss_have_no_relevance_and_no_winner(analysed, family):
    a, weights, families = analysed
    chosen = [fp for fp, f in families.items() if f == family]
    if not chosen:
        pytest.skip(f"no shipped {family} experts")
    sub = a.select(chosen)
    np.testing.assert_array_equal(sub.evidence, weights)  # the analysis carries the same evidence
    view = relevance_view(probs=sub.probs, weights=weights, times=sub.times, centres=sub.centres,
                          duration=sub.duration, threshold=0.0)
    assert view.passages == sub.view(threshold=0.0).passages
    win = view.windows
    for name, second in (("silence", 4), ("hiss", 9), ("tail", 15)):  # 1-s windows whose segments read no music
        assert EVIDENCE_REGIONS[name][0] <= second < EVIDENCE_REGIONS[name][1]
        assert win.relevance[second] <= 0.05 and win.winners[second] == SILENCE, name
    for p in view.passages:  # even at threshold 0, no passage lies inside silence
        for name in ("silence", "hiss"):
            lo, hi = EVIDENCE_REGIONS[name]
            assert not (p.start >= lo + 0.5 and p.end <= hi), (p, name)
    audible = win.winners[(win.times[:, 1] <= 3.0) | ((win.times[:, 0] >= 6.0) & (win.times[:, 1] <= 8.0))]
    assert np.all(audible != SILENCE)
