"""Collection rows classified by a RELNET file that matches the experts."""

import numpy as np
import pytest
import torch

from relstudio.core.audio import load_audio
from relstudio.core.collection.batch import analyze_collection
from relstudio.core.errors import IncompatibleExpertError
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.experts.library import find_relnets, matching_relnet
from relstudio.core.experts.relnet_file import save_classifier
from relstudio.core.frontend import features, to_tensor
from relstudio.core.nets.relnet import RelNet
from relstudio.core.progress import run_task
from tests.collection.conftest import make_collection
from tests.expert_factory import SMALL_NET, random_expert


@pytest.fixture()
def relnet(tmp_path, tone_noise):
    experts = [load_expert(i.path) for i in tone_noise]
    torch.manual_seed(3)
    module = RelNet(experts[0].info.frontend, [e.module for e in experts], 2, SMALL_NET).eval()
    path = tmp_path / "rn" / "genre.relnet.safetensors"
    path.parent.mkdir()
    save_classifier(path, module, classes=["tone", "noise"], experts=experts)
    return path, module


def test_rows_are_classified_by_the_relnet(tmp_path, tone_noise, relnet):
    path, module = relnet
    folder = make_collection(tmp_path / "music", n_tone=2, n_noise=1, bad=False)
    results = run_task(analyze_collection(folder, tone_noise, relnet=path, workers=1))
    assert results.classifier == "RELNET"
    for row in results.rows:
        clip = load_audio(row["path"], rate=16000)
        with torch.no_grad():
            want = module(features(to_tensor(clip.samples), module.frontend)[None])[0].numpy()
        got = np.array([row["scores"]["tone"], row["scores"]["noise"]])
        np.testing.assert_allclose(got, want, atol=1e-4)
        assert row["method"] == "RELNET" and row["classification"] == ["tone", "noise"][int(np.argmax(want))]


def test_auto_finds_only_a_relnet_on_the_same_experts(tmp_path, tone_noise, relnet):
    path, _ = relnet
    fps = [i.fingerprint for i in tone_noise]
    assert matching_relnet(find_relnets([path.parent]), fps, exact=True).path == path
    assert matching_relnet(find_relnets([path.parent]), fps[:1], exact=True) is None
    assert matching_relnet(find_relnets([path.parent]), fps + ["another"], exact=True) is None
    assert matching_relnet(find_relnets([path.parent]), fps + ["another"]).path == path
    other = random_expert(tmp_path, "other", seed=9)
    with pytest.raises(IncompatibleExpertError, match="RELNET needs experts"):
        run_task(analyze_collection(tmp_path, [tone_noise[0], other], relnet=path))


def test_the_model_library_lists_relnets_and_copies_any_model_file(tmp_path, tone_noise, relnet):
    from relstudio.core.errors import ExpertFileError, ParameterError
    from relstudio.core.experts.library import ExpertLibrary, copy_to_user_folder
    from relstudio.core.paths import user_experts_dir

    path, _ = relnet
    library = ExpertLibrary([(tone_noise[0].path.parent, "user"), (path.parent, "user")],
                            frontend=tone_noise[0].frontend)
    fps = [i.fingerprint for i in tone_noise]
    assert [r.path for r in library.relnets()] == [path] == [r.path for r in library.classifiers()]
    assert library.relnet_for(fps).path == path and library.relnet_for(fps[:1]) is None
    assert library.relnet_for(fps + ["another"]).path == path and library.relnet_for(fps + ["x"], exact=True) is None
    copied = copy_to_user_folder(path)
    assert copied.parent == user_experts_dir() and copied.read_bytes() == path.read_bytes()
    (tmp_path / "broken.relnet.safetensors").write_bytes(b"not a model")
    with pytest.raises(ExpertFileError):
        copy_to_user_folder(tmp_path / "broken.relnet.safetensors")
    with pytest.raises(ParameterError, match="not an expert file"):
        copy_to_user_folder(tmp_path / "model.pt")
    with pytest.raises(ExpertFileError, match="no such file"):
        copy_to_user_folder(tmp_path / "gone.expert.safetensors")
