"""Hand-made experts for tests: random ones, and tiny ones fitted in a second on synthetic audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from relstudio.core.experts.expert_file import save_expert
from relstudio.core.frontend import FrontendConfig, features, to_tensor
from relstudio.core.nets.expert_cnn import ExpertCNN, ExpertCNNConfig

SMALL_NET = ExpertCNNConfig(filters=(6, 6, 4), hidden=8)


def random_expert(folder, label, *, frontend=None, seed=0, net=SMALL_NET, colour=""):
    torch.manual_seed(seed)
    module = ExpertCNN(frontend or FrontendConfig.small(), net)
    return save_expert(folder / f"{label}.expert.safetensors", module, label=label,
                       description=f"random test expert {label}", colour=colour)


def fit_expert(folder, label, positives, negatives, *, frontend=None, steps=120, seed=0, net=SMALL_NET):
    """Fit a one-vs-all expert on lists of 1-D signals (at the front end's rate)."""
    frontend = frontend or FrontendConfig.small()
    torch.manual_seed(seed)
    module = ExpertCNN(frontend, net)
    xs = [features(to_tensor(x), frontend) for x in positives + negatives]
    width = min(x.shape[-1] for x in xs)
    batch = torch.stack([x[:, :width] for x in xs])
    target = torch.tensor([1] * len(positives) + [0] * len(negatives))
    opt = torch.optim.Adam(module.parameters(), lr=1e-2)
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.nll_loss(torch.log(module(batch) + 1e-9), target)
        loss.backward()
        opt.step()
    module.eval()
    return save_expert(folder / f"{label}.expert.safetensors", module, label=label,
                       description=f"fitted test expert {label}")


def tone_noise_experts(folder, *, rate=16000):
    """Two fitted experts: 'tone' (harmonic tones) and 'noise' (broadband noise)."""
    from tests.synth import noise, tone

    tones = [tone(f, 1.0, rate=rate, harmonics=3) for f in (220, 330, 440, 550, 660, 880)]
    noises = [noise(1.0, rate=rate, seed=s) for s in range(6)]
    return (fit_expert(folder, "tone", tones, noises, seed=1),
            fit_expert(folder, "noise", noises, tones, seed=2))


def as_array(x):
    return np.asarray(x, np.float32)


SHIPPED = Path(__file__).resolve().parents[1] / "trained_experts"


def shipped_library():
    """The library of ``trained_experts/`` alone; the test is skipped when no expert is shipped."""
    import pytest

    from relstudio.core.experts.library import ExpertLibrary

    if not any(SHIPPED.glob("*.expert.safetensors")):
        pytest.skip("no shipped experts in trained_experts/")
    return ExpertLibrary([(SHIPPED, "shipped")])
