import dataclasses
import json
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from relstudio.core.errors import ExpertFileError, IncompatibleExpertError
from relstudio.core.experts.expert_file import load_expert, read_expert_info, save_expert
from relstudio.core.experts.library import ExpertLibrary
from relstudio.core.experts.model_file import META_KEY
from relstudio.core.frontend import FrontendConfig, features, to_tensor
from relstudio.core.nets.expert_cnn import ExpertCNN
from tests.expert_factory import SMALL_NET, random_expert
from tests.synth import noise


def test_roundtrip_same_outputs(tmp_path):
    info = random_expert(tmp_path, "alpha", seed=3)
    torch.manual_seed(3)
    original = ExpertCNN(FrontendConfig.small(), SMALL_NET).eval()
    loaded = load_expert(info.path).module
    x = features(to_tensor(noise(1.0)), FrontendConfig.small())[None]
    assert torch.equal(original.segment_probs(x), loaded.segment_probs(x))
    assert info.label == "alpha" and len(info.fingerprint) == 16
    assert read_expert_info(info.path).frontend == FrontendConfig.small()
    assert not list(tmp_path.glob("*.tmp"))


def test_fingerprint_depends_on_weights(tmp_path):
    a = random_expert(tmp_path, "a", seed=1)
    b = random_expert(tmp_path, "b", seed=2)
    c = random_expert(tmp_path / "again", "a", seed=1)
    assert a.fingerprint != b.fingerprint and a.fingerprint == c.fingerprint


def _rewrite_meta(path, change):
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = json.loads(header["__metadata__"][META_KEY])
    change(meta)
    header["__metadata__"][META_KEY] = json.dumps(meta)
    new = json.dumps(header).encode()
    new += b" " * ((8 - len(new) % 8) % 8)
    path.write_bytes(struct.pack("<Q", len(new)) + new + raw[8 + n:])


def test_tampered_weights_refused(tmp_path):
    info = random_expert(tmp_path, "t")
    raw = bytearray(info.path.read_bytes())
    raw[-3] ^= 0xFF
    info.path.write_bytes(bytes(raw))
    with pytest.raises(ExpertFileError, match="checksum"):
        load_expert(info.path)


def test_unknown_architecture_refused(tmp_path):
    info = random_expert(tmp_path, "u")
    _rewrite_meta(info.path, lambda m: m.update(architecture="transformer/9"))
    with pytest.raises(ExpertFileError, match="unknown architecture 'transformer/9'"):
        read_expert_info(info.path)


def test_wrong_shapes_refused(tmp_path):
    info = random_expert(tmp_path, "s")
    _rewrite_meta(info.path, lambda m: m["net"].update(hidden=9))
    with pytest.raises(ExpertFileError, match="shape"):
        load_expert(info.path)


def test_malformed_metadata_refused(tmp_path):
    info = random_expert(tmp_path, "m")
    raw = info.path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header["__metadata__"][META_KEY] = "{not json"
    new = json.dumps(header).encode()
    info.path.write_bytes(struct.pack("<Q", len(new)) + new + raw[8 + n:])
    with pytest.raises(ExpertFileError, match="malformed"):
        read_expert_info(info.path)


def test_oversized_header_and_truncation_refused(tmp_path):
    info = random_expert(tmp_path, "o")
    raw = info.path.read_bytes()
    huge = tmp_path / "huge.expert.safetensors"
    huge.write_bytes(struct.pack("<Q", 50 * 2**30) + raw[8:])
    with pytest.raises(ExpertFileError, match="header claims"):
        read_expert_info(huge)
    cut = tmp_path / "cut.expert.safetensors"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ExpertFileError):
        load_expert(cut)


class _Boom:
    marker = None

    def __reduce__(self):
        return (open, (str(_Boom.marker), "w"))


def test_pickle_never_executed(tmp_path):
    _Boom.marker = tmp_path / "pwned"
    bad = tmp_path / "evil.expert.safetensors"
    bad.write_bytes(pickle.dumps({"w": _Boom()}))
    pt = tmp_path / "model.pt"
    torch.save({"w": torch.zeros(2)}, pt)
    for path in (bad, pt):
        with pytest.raises(ExpertFileError):
            load_expert(path)
    assert not _Boom.marker.exists()


def test_incompatible_frontend_names_differences(tmp_path):
    info = random_expert(tmp_path, "f", frontend=FrontendConfig.small(n_mels=40, bands=((0, 10), (10, 25), (25, 40))))
    with pytest.raises(IncompatibleExpertError, match="n_mels: 32 ≠ 40"):
        load_expert(info.path, frontend=FrontendConfig.small())


def test_library_lists_broken_and_incompatible(tmp_path):
    random_expert(tmp_path, "good")
    random_expert(tmp_path, "other", frontend=FrontendConfig())
    (tmp_path / "junk.expert.safetensors").write_bytes(b"hello world, not a model")
    lib = ExpertLibrary([tmp_path], frontend=FrontendConfig.small())
    by_label = {e.label: e for e in lib.entries}
    assert by_label["good"].ok
    assert not by_label["other"].ok and "front end differs" in by_label["other"].error
    assert not by_label["junk"].ok and by_label["junk"].error
    assert [e.label for e in lib.usable()] == ["good"]
    assert lib.find("good").label == "good"
    module = lib.load(lib.find("good")).module
    assert isinstance(module, ExpertCNN)


def test_save_requires_suffix_and_label(tmp_path):
    module = ExpertCNN(FrontendConfig.small(), SMALL_NET)
    from relstudio.core.errors import ParameterError

    with pytest.raises(ParameterError):
        save_expert(tmp_path / "x.safetensors", module, label="x")
    with pytest.raises(ParameterError):
        save_expert(tmp_path / "x.expert.safetensors", module, label="")
    assert np.all(np.isfinite([p.detach().numpy().sum() for p in module.parameters()]))


def test_library_finds_by_class_name_unless_ambiguous(tmp_path):
    from relstudio.core.errors import ParameterError

    random_expert(tmp_path, "metal (genre)", seed=1)
    random_expert(tmp_path, "metal (sound)", seed=2)
    random_expert(tmp_path, "organ (sound)", seed=3)
    lib = ExpertLibrary([tmp_path], frontend=FrontendConfig.small())
    assert lib.find("organ").label == "organ (sound)"
    assert lib.find("metal (genre)").label == "metal (genre)"
    with pytest.raises(ParameterError, match="ambiguous"):
        lib.find("metal")


def test_files_from_before_the_level_window_load_unchanged():
    """An expert written before ``level_window`` existed (its front end has no such key) keeps its
    fingerprint and its front end (each frame its own reference), and is refused beside the new default
    with the difference named."""
    old = Path(__file__).resolve().parents[1] / "data" / "legacy" / "before_level_window.expert.safetensors"
    assert b"level_window" not in old.read_bytes()
    expert = load_expert(old)
    assert expert.info.frontend.level_window == 0
    with pytest.raises(IncompatibleExpertError, match="level_window: 10 ≠ 0"):
        load_expert(old, frontend=dataclasses.replace(expert.info.frontend, level_window=10))
