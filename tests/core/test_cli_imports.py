"""Commands that need no audio never import torch or librosa (issue 17: a cold ``experts list`` is fast).

Each command runs in a fresh interpreter; ``-X importtime`` lists every module it imported.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from relstudio.core.frontend import FrontendConfig
from relstudio.core.nets.net_config import ExpertCNNConfig, expert_shapes
from tests.expert_factory import tone_noise_experts

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "librosa")


def imported_modules(args, tmp_path) -> set[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               RELSTUDIO_DATA_DIR=str(tmp_path / "data"), RELSTUDIO_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "relstudio", *args], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")]
    return set(lines)


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lib")
    tone_noise_experts(folder)
    return folder


@pytest.mark.parametrize("args", [["--help"], ["experts", "list"], ["viewpoints", "list"], ["rank", "--help"]])
def test_commands_without_audio_never_import_torch(args, library, tmp_path):
    modules = imported_modules(args + (["--library", str(library)] if args[0] == "experts" else []), tmp_path)
    assert "relstudio.cli" in modules  # the listing is real
    assert not [m for m in HEAVY if m in modules]


def test_experts_list_reads_the_library_without_torch(library, tmp_path):
    modules = imported_modules(["experts", "list", "--library", str(library)], tmp_path)
    assert "relstudio.core.experts.model_file" in modules and "torch" not in modules


@pytest.mark.parametrize("frontend, net", [(FrontendConfig(), ExpertCNNConfig()),
                                           (FrontendConfig.small(), ExpertCNNConfig(filters=(3, 4, 5), hidden=7)),
                                           (FrontendConfig.paper(), ExpertCNNConfig(n_outputs=3))])
def test_expert_shapes_match_the_module(frontend, net):
    from relstudio.core.nets.expert_cnn import ExpertCNN

    module = ExpertCNN(frontend, net)
    assert expert_shapes(frontend, net) == {k: tuple(v.shape) for k, v in module.state_dict().items()}
