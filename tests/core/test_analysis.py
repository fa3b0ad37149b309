import numpy as np
import pytest

from relstudio.core.analysis import analyze
from relstudio.core.audio import clip_from_array
from relstudio.core.cache import ProbabilityCache
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.frontend import FrontendConfig, features, features_from_db, mel_db, to_tensor
from relstudio.core.nets.expert_cnn import ExpertCNN
from relstudio.core.progress import Progress, run_task
from relstudio.core.relevance import relevance, winning_expert
from relstudio.core.runner import chunk_features
from tests.expert_factory import random_expert, tone_noise_experts
from tests.synth import clicks, noise, tone

RATE = 16000


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("experts")
    return [load_expert(i.path) for i in tone_noise_experts(folder)]


def _track():
    return np.concatenate([tone(440, 2.0, rate=RATE, harmonics=3), noise(2.0, rate=RATE, seed=9),
                           tone(330, 2.0, rate=RATE, harmonics=3)])


def test_winners_follow_content(fitted):
    clip = clip_from_array(_track(), rate=RATE, name="t")
    result = run_task(analyze(clip, fitted, keep_mel=False))
    centres = result.centres
    labels = np.array(result.winner_labels())
    assert (labels[(centres > 0.5) & (centres < 1.5)] == "tone").mean() > 0.9
    assert (labels[(centres > 2.5) & (centres < 3.5)] == "noise").mean() > 0.9
    assert (labels[(centres > 4.5) & (centres < 5.5)] == "tone").mean() > 0.9
    assert np.allclose(result.relevance, relevance(result.probs))
    assert np.array_equal(result.winners, winning_expert(result.probs))


def test_louder_or_quieter_gives_same_winners(fitted):
    base = run_task(analyze(clip_from_array(_track(), rate=RATE), fitted, keep_mel=False))
    for gain_db in (-12, 12):
        other = run_task(analyze(clip_from_array(_track() * 10 ** (gain_db / 20), rate=RATE), fitted, keep_mel=False))
        assert np.array_equal(base.winners, other.winners)
        assert np.allclose(base.relevance, other.relevance, atol=0.02)


def test_chunks_with_a_level_window_equal_the_whole(tmp_path):
    """A windowed level reference reads frames beyond a chunk: chunks (runner and RELNET classification alike,
    through ``chunk_features``) and ``features`` over a frame range give the same numbers as the whole track."""
    fe = FrontendConfig.small(level_window=7)
    x = _track() * np.linspace(1.0, 0.01, len(_track()), dtype=np.float32) ** 2
    experts = [load_expert(random_expert(tmp_path, f"r{i}", frontend=fe, seed=i).path) for i in range(2)]
    clip = clip_from_array(x, rate=RATE)
    whole = run_task(analyze(clip, experts, chunk_seconds=1000, keep_mel=False))
    chunked = run_task(analyze(clip, experts, chunk_seconds=0.3, keep_mel=False))
    assert np.allclose(whole.probs, chunked.probs, atol=1e-6)
    full = features(to_tensor(x), fe)
    for f0, f1 in [(0, 9), (40, 61), (full.shape[1] - 5, full.shape[1])]:
        assert _allclose(chunk_features(clip, fe, f0, f1, "cpu")[0], full[:, f0:f1])
        assert _allclose(features(to_tensor(x), fe, start=f0, stop=f1), full[:, f0:f1])
        narrow = features_from_db(mel_db(to_tensor(x), fe, start=f0, stop=f1), fe)  # no context
        assert f0 == 0 or not _allclose(narrow, full[:, f0:f1])  # louder frames before it are missed


def _allclose(a, b):
    return np.allclose(a.numpy(), b.numpy(), atol=1e-6)


def test_chunked_equals_whole(fitted):
    clip = clip_from_array(_track(), rate=RATE)
    whole = run_task(analyze(clip, fitted, chunk_seconds=1000))
    chunked = run_task(analyze(clip, fitted, chunk_seconds=0.7))
    assert whole.probs.shape == chunked.probs.shape
    assert np.allclose(whole.probs, chunked.probs, atol=1e-5)
    assert np.allclose(whole.mel_db.astype(np.float32), chunked.mel_db.astype(np.float32), atol=0.05)
    cfg = FrontendConfig.small()
    assert whole.n_segments == cfg.n_segments(cfg.n_frames(len(clip.samples)))
    assert whole.mel_db.shape == (cfg.n_mels, cfg.n_frames(len(clip.samples)))


def test_progress_and_cache(fitted, tmp_path):
    cache = ProbabilityCache(tmp_path / "c")
    clip = clip_from_array(_track(), rate=RATE)
    events = []
    first = run_task(analyze(clip, fitted, cache=cache, chunk_seconds=1.0, keep_mel=False), events.append)
    assert all(isinstance(e, Progress) for e in events)
    fractions = [e.fraction for e in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert cache.misses == 2 and len(list((tmp_path / "c").glob("*.npz"))) == 2
    # a fresh cache object on the same folder: everything comes from disk, no inference
    warm = ProbabilityCache(tmp_path / "c")
    second = run_task(analyze(clip, fitted, cache=warm, keep_mel=False))
    assert warm.hits == 2 and warm.misses == 0
    assert np.array_equal(first.probs, second.probs)


def test_corrupt_cache_entry_is_recomputed(fitted, tmp_path):
    cache = ProbabilityCache(tmp_path / "c")
    clip = clip_from_array(_track(), rate=RATE)
    first = run_task(analyze(clip, fitted, cache=cache, keep_mel=False))
    for f in (tmp_path / "c").glob("*.npz"):
        f.write_bytes(b"garbage")
    again = ProbabilityCache(tmp_path / "c")
    second = run_task(analyze(clip, fitted, cache=again, keep_mel=False))
    assert again.corrupt == 2 and np.array_equal(first.probs, second.probs)


def test_select_subset_is_relevance_of_subset(fitted, tmp_path):
    extra = load_expert(random_expert(tmp_path, "rnd", seed=5).path)
    result = run_task(analyze(clip_from_array(_track(), rate=RATE), fitted + [extra], keep_mel=False))
    sub = result.select(["noise", "tone"])
    assert sub.labels == ["noise", "tone"]
    assert np.allclose(sub.relevance, relevance(result.probs[[1, 0]]))
    single = result.select(["tone"])
    assert np.allclose(single.relevance, result.probs[0])
    with pytest.raises(Exception, match="not part"):
        result.select(["nope"])


def test_silence_gives_flat_zero_curve(fitted):
    result = run_task(analyze(clip_from_array(np.zeros(RATE * 2, np.float32), rate=RATE), fitted))
    assert np.isfinite(result.relevance).all()
    assert np.ptp(result.relevance) < 1e-6


def test_shorter_than_one_segment(fitted):
    result = run_task(analyze(clip_from_array(clicks(0.05, rate=RATE), rate=RATE), fitted))
    assert result.n_segments == 1
    assert result.times[0, 0] == 0.0 and result.times[0, 1] == pytest.approx(0.05)


def test_fused_matches_single_experts(fitted):
    clip = clip_from_array(_track(), rate=RATE)
    both = run_task(analyze(clip, fitted, keep_mel=False))
    for i, e in enumerate(fitted):
        alone = run_task(analyze(clip, [e], keep_mel=False))
        assert np.allclose(alone.probs[0], both.probs[i], atol=1e-5)


def test_rejects_mixed_frontends(fitted, tmp_path):
    other = ExpertCNN(FrontendConfig())
    from relstudio.core.experts.expert_file import Expert, save_expert

    info = save_expert(tmp_path / "big.expert.safetensors", other, label="big")
    with pytest.raises(Exception, match="another front end"):
        run_task(analyze(clip_from_array(_track(), rate=RATE), fitted + [load_expert(info.path)]))
    assert Expert  # imported for the type
