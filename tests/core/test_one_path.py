"""One path through the engine: a clip analysed alone, in a batch, chunked and through
classification (RELNET file and collection classifier) gets the same expert probabilities."""

import numpy as np
import pytest
import torch

from relstudio.core.analysis import analyze, analyze_clips
from relstudio.core.audio import clip_from_array
from relstudio.core.cache import ProbabilityCache
from relstudio.core.classification import classify_track, clip_scores, run_relnet
from relstudio.core.collection.classify import load_classifier as collection_classifier
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.experts.relnet_file import read_classifier_info, save_classifier
from relstudio.core.frontend import FrontendConfig
from relstudio.core.nets.relnet import RelNet
from relstudio.core.progress import run_task
from relstudio.core.relevance import relevance
from relstudio.core.runner import run_experts
from tests.expert_factory import SMALL_NET, random_expert
from tests.synth import noise, tone

RATE = FrontendConfig.small().sample_rate


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one_path")
    experts = [load_expert(random_expert(folder, name, seed=seed).path)
               for name, seed in (("a", 1), ("b", 2), ("c", 3))]
    torch.manual_seed(5)
    module = RelNet(experts[0].info.frontend, [e.module for e in experts], 3, SMALL_NET).eval()
    path = folder / "abc.relnet.safetensors"
    save_classifier(path, module, classes=["a", "b", "c"], experts=experts)
    signal = tone(330, 2.3, harmonics=3, rate=RATE) + noise(2.3, amp=0.1, seed=7, rate=RATE)
    clip = clip_from_array(signal.astype(np.float32), rate=RATE, name="the clip")
    others = [clip_from_array(noise(d, seed=s, rate=RATE), rate=RATE, name=f"other {s}")
              for s, d in ((1, 0.7), (2, 3.1))]
    return experts, path, clip, others


def test_alone_in_a_batch_chunked_and_classified_give_the_same_probabilities(setup):
    experts, path, clip, others = setup
    alone = run_task(analyze(clip, experts, device="cpu"))
    assert alone.probs.shape[0] == 3 and alone.n_segments > 10 and alone.probs.std() > 0
    # in a padded batch with a shorter and a longer clip
    batch = run_task(analyze_clips([others[0], clip, others[1]], experts, device="cpu", batch_seconds=60.0))
    np.testing.assert_allclose(batch[1].probs, alone.probs, atol=1e-6)
    np.testing.assert_allclose(batch[1].times, alone.times)
    # chunked into pieces of a fraction of a second, through the runner itself
    chunked = run_task(run_experts(clip, experts, device="cpu", chunk_seconds=0.3))
    np.testing.assert_allclose(chunked.probs, alone.probs, atol=1e-6)
    # a RELNET file: its relevance branch is the experts' R_max of the same probabilities
    track = run_task(classify_track(clip, read_classifier_info(path), experts, device="cpu", chunk_seconds=0.3))
    np.testing.assert_allclose(track.weights, relevance(alone.probs), atol=1e-6)
    # the collection's classifier weights the same RELNET by the analysis: the same clip scores
    label, scores, method = collection_classifier(path, experts)(alone, clip)
    np.testing.assert_allclose([scores[c] for c in track.classes], track.clip_probs, atol=1e-6)
    assert method == "RELNET" and label == track.classes[int(np.argmax(track.clip_probs))]


def test_the_relnet_runner_equals_the_whole_network(setup):
    experts, path, clip, _ = setup
    from relstudio.core.experts.relnet_file import load_classifier
    from relstudio.core.frontend import features, to_tensor

    module = load_classifier(path, experts=experts).module
    probs, weights = run_task(run_relnet(clip, module, chunk_seconds=0.25))
    with torch.inference_mode():
        whole = module(features(to_tensor(clip.samples), module.frontend)[None])[0].numpy()
    np.testing.assert_allclose(clip_scores(probs, weights), whole, atol=1e-5)


def test_cached_probabilities_are_the_ones_computed(setup):
    experts, _, clip, others = setup
    cache = ProbabilityCache(None)
    first = run_task(run_experts([clip] + others, experts, cache=cache, device="cpu", batch_seconds=60.0))
    assert len(cache._memory) == 3 * len(experts)
    again = run_task(run_experts([clip] + others, experts, cache=cache, device="cpu"))
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a.probs, b.probs)
    assert cache.hits == 3 * len(experts)
