"""RELNET classification counts audible segments only: silence takes no part in clip scores or shares (issue 13)."""

import numpy as np
import pytest
import torch

from relstudio.core.analysis import analyze
from relstudio.core.audibility import track_evidence
from relstudio.core.audio import clip_from_array
from relstudio.core.classification import classify_track, clip_scores
from relstudio.core.collection.classify import load_classifier as collection_classifier
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.experts.relnet_file import read_classifier_info, save_classifier
from relstudio.core.frontend import FrontendConfig
from relstudio.core.nets.relnet import RelNet
from relstudio.core.progress import run_task
from relstudio.core.relevance_settings import RelevanceSettings
from tests.expert_factory import SMALL_NET, random_expert
from tests.synth import noise, tone

RATE = FrontendConfig.small().sample_rate


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("relnet_evidence")
    experts = [load_expert(random_expert(folder, name, seed=seed).path) for name, seed in (("a", 1), ("b", 2))]
    torch.manual_seed(3)
    module = RelNet(experts[0].info.frontend, [e.module for e in experts], 2, SMALL_NET).eval()
    path = folder / "ab.relnet.safetensors"
    save_classifier(path, module, classes=["a", "b"], experts=experts)
    signal = np.concatenate([tone(330, 1.5, harmonics=3, rate=RATE), np.zeros(2 * RATE),
                             noise(1.5, seed=7, rate=RATE)]).astype(np.float32)
    return experts, path, clip_from_array(signal, rate=RATE, name="with silence")


def test_silent_segments_take_no_part(setup):
    experts, path, clip = setup
    track = run_task(classify_track(clip, read_classifier_info(path), experts, device="cpu"))
    _, want = track_evidence(clip.samples, frontend=experts[0].info.frontend)
    np.testing.assert_array_equal(track.evidence, want)
    silent = track.evidence == 0
    assert silent.sum() >= 10 and (~silent).sum() >= 10
    np.testing.assert_allclose(track.clip_probs, clip_scores(track.segment_probs, track.weights, evidence=want))
    assert not np.allclose(track.clip_probs, clip_scores(track.segment_probs, track.weights), atol=1e-6)
    for c in range(2):
        shares = track.shares(c)
        assert np.all(shares[silent] == 0) and shares.sum() == pytest.approx(1.0)
    raw = run_task(classify_track(clip, read_classifier_info(path), experts, device="cpu",
                                  settings=RelevanceSettings.raw()))
    np.testing.assert_allclose(raw.clip_probs, clip_scores(raw.segment_probs, raw.weights))


def test_collection_classifier_uses_the_analysis_evidence(setup):
    experts, path, clip = setup
    analysis = run_task(analyze(clip, experts, device="cpu", keep_mel=False))
    track = run_task(classify_track(clip, read_classifier_info(path), experts, device="cpu",
                                    evidence=analysis.evidence))
    _, scores, _ = collection_classifier(path, experts)(analysis, clip)
    np.testing.assert_allclose([scores[c] for c in track.classes], track.clip_probs, atol=1e-6)
