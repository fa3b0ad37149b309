"""Training speed (issue 7, target 5): batched experts over cached features vs the naive way.

relstudio trains all one-vs-all experts of a dataset as one stacked network over mel features
computed once. The naive baseline trains each expert on its own and decodes + computes the mel of
every clip in every epoch. Both run the same number of epochs here (the baseline to early stop
would take hours); the ratio is per epoch. Uses ../shared/data/main when present, else a synthetic
folder.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

SHARED_MAIN = Path(__file__).resolve().parents[2] / "shared" / "data" / "main"
EPOCHS = 3


def _synthetic_dataset(root: Path) -> Path:
    import soundfile as sf

    rng = np.random.default_rng(0)
    t = np.arange(44100 * 3) / 44100
    for c, f0 in enumerate((110, 220, 440, 880, 1760)):
        (root / f"class{c}").mkdir(parents=True, exist_ok=True)
        for i in range(40):
            x = 0.3 * np.sin(2 * np.pi * f0 * (1 + 0.01 * i) * t) + 0.05 * rng.standard_normal(len(t))
            sf.write(root / f"class{c}" / f"{i}.wav", x.astype(np.float32), 44100)
    return root


def _naive_epoch_one_expert(clips, positive: str, frontend, config):
    """One epoch of one expert, decoding and computing features of every clip again."""
    import torch

    from relstudio.core.audio import load_audio
    from relstudio.core.frontend import features, to_tensor
    from relstudio.core.nets.expert_cnn import ExpertCNN, clip_output, segment_mask

    torch.manual_seed(0)
    model = ExpertCNN(frontend)
    opt = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    order = np.random.default_rng(0).permutation(len(clips))
    for b in range(0, len(order), config.batch_size):
        batch = [clips[i] for i in order[b:b + config.batch_size]]
        feats = [features(to_tensor(load_audio(c.path).samples), frontend) for c in batch]
        width = max(max(f.shape[-1] for f in feats), frontend.segment_frames)
        x = torch.stack([torch.nn.functional.pad(f, (0, width - f.shape[-1])) for f in feats])
        n_frames = torch.tensor([f.shape[-1] for f in feats])
        seg = model.segment_probs(x)
        mask = segment_mask(n_frames, seg.shape[1], frontend)
        y = torch.tensor([1 if c.label == positive else 0 for c in batch])
        loss = torch.nn.functional.nll_loss(torch.log(clip_output(seg, mask) + 1e-9), y)
        opt.zero_grad()
        loss.backward()
        opt.step()


def bench_training(rows):
    from relstudio.core.frontend import FrontendConfig
    from relstudio.core.progress import run_task
    from relstudio.core.training.config import TrainingConfig
    from relstudio.core.training.dataset import read_dataset
    from relstudio.core.training.expert_training import train_experts

    with tempfile.TemporaryDirectory() as tmp:
        root = SHARED_MAIN if SHARED_MAIN.is_dir() else _synthetic_dataset(Path(tmp) / "data")
        dataset = read_dataset(root)
        classes = sorted({c.label for c in dataset.clips})
        config = TrainingConfig(max_epochs=EPOCHS, patience=EPOCHS + 1, min_delta=0.0)
        frontend = FrontendConfig()
        # features are computed once and kept in the on-disk cache: warm it with one untimed epoch, so that
        # every run (quiet, then beside a busy process) times the same thing — the epochs alone
        run_task(train_experts(dataset, out_dir=Path(tmp) / "warm", config=config.replace(max_epochs=1, patience=2),
                               frontend=frontend))
        t0 = time.perf_counter()
        run_task(train_experts(dataset, out_dir=Path(tmp) / "out", config=config, frontend=frontend))
        ours = time.perf_counter() - t0  # EPOCHS epochs over cached features
        t0 = time.perf_counter()
        # ours trains on the training split and scores the validation split each epoch (~80 % of clips)
        subset = list(dataset.clips)[: int(0.8 * len(dataset.clips))]
        _naive_epoch_one_expert(subset, classes[0], frontend, config)
        naive_epoch = (time.perf_counter() - t0) * len(classes)  # every expert alone, decoding each epoch
    ours_epoch = ours / EPOCHS
    from benchmarks.common import Row

    rows.append(Row("5", f"5. training {len(classes)} experts, per epoch ({root.name}, {len(dataset.clips)} clips, CPU): "
                    "stacked experts, cached features", ours_epoch, "s",
                    f"{naive_epoch:.1f} s (each expert alone, decoding every epoch)",
                    f"{naive_epoch / ours_epoch:.0f} × faster (target ≥ 5)"))
