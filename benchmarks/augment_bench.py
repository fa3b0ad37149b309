"""What augmentation costs a training batch: ``make_batch`` with each augmentation against none.

    .venv/bin/python benchmarks/augment_bench.py [--batch 32] [--frames 1300] [--repeat 200]

Synthetic dB mel (``--clips`` rows of ``--frames`` frames, as long as the longest clip of a
shipped family), one torch thread, the shipped augmentation (``AugmentConfig.recommended()`` on
excerpts of ≤ 64 frames, as ``make retrain``) and each of its costly parts on its own (the room,
mixing, noise, with probability 1). Prints ms per batch and the ratio to one training step (forward
and backward) of 5 stacked experts on the shipped batch — what the augmentation adds to a step,
comparable across machines. A batch without augmentation reads each clip whole (as validation does),
so it is slower than the ≤ 64-frame excerpts.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def per_batch_ms(make, *, repeat: int) -> float:
    """Median of ``repeat`` calls of ``make(seed)``, in ms (after two warm-up calls)."""
    from benchmarks.common import median

    make(0), make(1)
    times = []
    for s in range(repeat):
        t = time.perf_counter()
        make(s)
        times.append(time.perf_counter() - t)
    return 1000.0 * median(times)


def training_step(make, frontend, labels):
    """``step(seed)``: the shipped batch ``seed`` built once, then one forward and backward pass of 5 experts."""
    import torch

    from relstudio.core.nets.expert_cnn import ExpertCNNConfig
    from relstudio.core.training.config import TrainingConfig
    from relstudio.core.training.expert_training import one_vs_all_loss
    from relstudio.core.training.stacked import StackedExperts

    cfg = TrainingConfig()
    model = StackedExperts(frontend, ExpertCNNConfig(cfg.filters, cfg.hidden, 2), 5, seed=0)
    loss = one_vs_all_loss(torch.ones(5, 2))
    batch = make(0)
    y = labels[: batch[0].shape[0]]

    def step(seed):
        model.zero_grad(set_to_none=True)
        n, d = loss(model, batch[0], batch[2], y)
        (n / d).sum().backward()
    return step


def main(argv=None) -> int:
    import torch

    from benchmarks.common import machine
    from relstudio.core.frontend import FrontendConfig
    from relstudio.core.training.augment import make_batch
    from relstudio.core.training.config import AugmentConfig

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32, help="clips a batch (the shipped experts': 32)")
    parser.add_argument("--clips", type=int, default=400)
    parser.add_argument("--frames", type=int, default=1300, help="width of the padded feature tensor")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    fe = FrontendConfig()
    g = torch.Generator().manual_seed(0)
    db = (torch.rand(args.clips, fe.n_mels, args.frames, generator=g) * fe.top_db - fe.top_db).half()
    n_frames = torch.randint(fe.segment_frames, args.frames + 1, (args.clips,), generator=g)
    labels = torch.randint(-1, 5, (args.clips,), generator=g)
    shipped = dataclasses.replace(AugmentConfig.recommended(), max_frames=64)
    variants = {"none": None, "shipped (recommended, ≤ 64 frames)": shipped,
                "crop + tempo only": dataclasses.replace(AugmentConfig(), max_frames=64, tempo=0.1, shift_frames=8),
                "room (p 1)": AugmentConfig(max_frames=64, reverb_probability=1.0),
                "mixing (p 1)": AugmentConfig(max_frames=64, mix_probability=1.0),
                "noise (p 1)": AugmentConfig(max_frames=64, noise_probability=1.0)}

    def maker(aug):
        def make(seed):
            rows = torch.randint(0, args.clips, (args.batch,), generator=torch.Generator().manual_seed(seed))
            return make_batch(db, n_frames, rows, fe, augment=aug, generator=torch.Generator().manual_seed(seed),
                              labels=labels[rows])
        return make

    ms = {name: per_batch_ms(maker(aug), repeat=args.repeat) for name, aug in variants.items()}
    ms["training step: 5 stacked experts, forward + backward"] = per_batch_ms(
        training_step(maker(shipped), fe, labels), repeat=args.repeat)
    step = ms["training step: 5 stacked experts, forward + backward"]
    print(f"{machine()}; batch {args.batch}, features {args.clips} × {fe.n_mels} × {args.frames}, 1 torch thread")
    print("| batch | ms | × a training step |\n|---|---:|---:|")
    for name, v in ms.items():
        print(f"| {name} | {v:.2f} | {v / step:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
