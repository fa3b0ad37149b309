"""RELNET, CONVNET, CONV-KONG: relevance in torch, masks, model files and the expert fingerprint check."""

import numpy as np
import pytest
import torch

from relstudio.core.errors import ExpertFileError, IncompatibleExpertError
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.experts.relnet_file import load_classifier, read_classifier_info, save_classifier
from relstudio.core.frontend import FrontendConfig
from relstudio.core.nets.expert_cnn import ExpertCNNConfig, segment_mask
from relstudio.core.nets.relnet import ConvKong, ConvNet, RelNet, relevance_torch
from relstudio.core.relevance import relevance
from tests.expert_factory import random_expert

FE = FrontendConfig.small()
NET = ExpertCNNConfig((4, 4, 4), 8)


@pytest.fixture()
def experts(tmp_path):
    return [load_expert(random_expert(tmp_path, name, seed=i).path) for i, name in enumerate(["a", "b", "c"])]


def test_relevance_in_torch_equals_the_reference():
    rng = np.random.default_rng(0)
    for n in (1, 2, 5):
        p = rng.uniform(0, 1, size=(3, n, 17))
        p[0, :, 3] = 0.0  # every expert says 0: relevance 0, never NaN
        got = relevance_torch(torch.tensor(p)).numpy()
        want = np.stack([relevance(p[b]) for b in range(3)])
        assert np.allclose(got, want, atol=1e-9) and got[0, 3] == 0


def _padded_pair():
    short = torch.rand(1, FE.n_mels, 30)
    long_ = torch.rand(1, FE.n_mels, 70)
    batch = torch.zeros(2, FE.n_mels, 70)
    batch[0, :, :30], batch[1] = short[0], long_[0]
    mask = segment_mask(torch.tensor([30, 70]), FE.n_segments(70), FE)
    return short, long_, batch, mask


@pytest.mark.parametrize("kind", ["relnet", "convnet", "convkong"])
def test_masked_padding_never_counts(kind, experts):
    torch.manual_seed(1)
    model = {"relnet": lambda: RelNet(FE, [e.module for e in experts], 4, NET),
             "convnet": lambda: ConvNet(FE, 4, NET), "convkong": lambda: ConvKong(FE, 4, NET)}[kind]().eval()
    short, long_, batch, mask = _padded_pair()
    with torch.no_grad():
        out = model(batch, mask)
        assert torch.allclose(out[0], model(short)[0], atol=1e-6)
        assert torch.allclose(out[1], model(long_)[0], atol=1e-6)
        assert torch.allclose(out.sum(dim=1), torch.ones(2))
        assert not torch.allclose(model(batch)[0], out[0], atol=1e-4)  # unmasked: padding counts (paper's test)


def test_relnet_weights_segments_by_relevance(experts):
    torch.manual_seed(2)
    model = RelNet(FE, [e.module for e in experts], 3, NET).eval()
    x = torch.rand(2, FE.n_mels, 60)
    with torch.no_grad():
        probs, rel = model.segment_outputs(x)
        want = (probs * (rel + 1e-7)[..., None]).sum(1)
        assert torch.allclose(model(x), want / want.sum(-1, keepdim=True), atol=1e-6)
        # the relevance branch is the experts' R_max (paper Eq. 3)
        seg = torch.stack([e.module.segment_probs(x)[..., 1] for e in experts], 1)
        assert torch.allclose(rel, relevance_torch(seg), atol=1e-5)
    assert not any(p.requires_grad for p in model.relevance_branch.parameters())


def test_classifier_files_roundtrip_and_refuse_other_experts(tmp_path, experts):
    torch.manual_seed(3)
    model = RelNet(FE, [e.module for e in experts], 3, NET).eval()
    path = tmp_path / "r.relnet.safetensors"
    info = save_classifier(path, model, classes=["x", "y", "z"], experts=experts)
    assert [fp for _, fp in info.experts] == [e.fingerprint for e in experts]
    x = torch.rand(2, FE.n_mels, 50)
    loaded = load_classifier(path, experts=list(reversed(experts)))  # order does not matter: matched by fingerprint
    with torch.no_grad():
        assert torch.allclose(loaded.module(x), model(x), atol=1e-6)
    other = load_expert(random_expert(tmp_path / "o", "a", seed=99).path)  # same label, other weights
    with pytest.raises(IncompatibleExpertError, match="missing a") as err:
        load_classifier(path, experts=[other, experts[1], experts[2]])
    assert other.fingerprint in str(err.value)
    with pytest.raises(IncompatibleExpertError, match="missing"):
        load_classifier(path, experts=experts[:2])
    with pytest.raises(IncompatibleExpertError, match="front end"):
        load_classifier(path, experts=experts, frontend=FrontendConfig())


def test_baseline_files_and_tampering(tmp_path):
    torch.manual_seed(4)
    for cls, name in ((ConvNet, "n.classifier.safetensors"), (ConvKong, "k.classifier.safetensors")):
        model = cls(FE, 2, NET).eval()
        path = tmp_path / name
        save_classifier(path, model, classes=["p", "q"])
        x = torch.rand(1, FE.n_mels, 40)
        with torch.no_grad():
            assert torch.allclose(load_classifier(path).module(x), model(x), atol=1e-6)
        assert read_classifier_info(path).kind == model.kind
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(ExpertFileError, match="checksum"):
        load_classifier(path)
    with pytest.raises(Exception, match="must end in"):
        save_classifier(tmp_path / "wrong.expert.safetensors", ConvNet(FE, 2, NET), classes=["p", "q"])
