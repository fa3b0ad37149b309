"""Analysis.merged: another run's experts are appended, experts already present are kept, nothing else changes."""

import numpy as np

from relstudio.core.analysis import Analysis, ExpertRef
from relstudio.core.frontend import FrontendConfig

FE = FrontendConfig.small()


def _analysis(labels, probs, *, mel=None, seconds=1.0, warnings=()):
    n = probs.shape[1]
    times = np.stack([np.arange(n, dtype=float), np.arange(n, dtype=float) + 1.0], axis=1)
    experts = tuple(ExpertRef(lab, f"fp-{lab}") for lab in labels)
    return Analysis(None, float(n), FE, times, times.mean(axis=1), experts, probs.astype(np.float32),
                    "hash", mel, seconds, tuple(warnings))


def test_new_experts_are_appended_in_order_and_known_ones_kept():
    rng = np.random.default_rng(0)
    base = _analysis(["a", "b"], rng.random((2, 6)), seconds=2.0, warnings=("short",))
    extra = _analysis(["b", "c"], rng.random((2, 6)), mel=np.ones((4, 8), np.float16), seconds=0.5,
                      warnings=("short", "oom"))
    out = base.merged(extra)
    assert out.labels == ["a", "b", "c"]
    np.testing.assert_array_equal(out.probs[:2], base.probs)  # b keeps the base's probabilities
    np.testing.assert_array_equal(out.probs[2], extra.probs[1])
    assert out.mel_db is extra.mel_db and out.seconds == 2.5 and out.warnings == ("short", "oom")
    np.testing.assert_allclose(out.relevance, out.select(["a", "b", "c"]).relevance)


def test_nothing_new_returns_the_same_analysis_and_own_spectrogram_wins():
    rng = np.random.default_rng(1)
    mel = np.zeros((4, 8), np.float16)
    base = _analysis(["a"], rng.random((1, 5)), mel=mel)
    assert base.merged(_analysis(["a"], rng.random((1, 5)))) is base
    out = base.merged(_analysis(["z"], rng.random((1, 5)), mel=np.ones((4, 8), np.float16)))
    assert out.mel_db is mel and out.labels == ["a", "z"]
