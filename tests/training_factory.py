"""Tiny labelled datasets and training settings for the training / RELNET / evaluation tests."""

from __future__ import annotations

import csv

import numpy as np

from relstudio.core.frontend import FrontendConfig
from relstudio.core.training.config import TrainingConfig
from tests.synth import clicks, noise, tone, write_wav

RATE = 16000
FRONTEND = FrontendConfig.small()
CLASSES = ("clicks", "noise", "tone")
TINY = TrainingConfig(max_epochs=25, patience=8, min_delta=0.0, batch_size=8, learning_rate=5e-3,
                      filters=(4, 4, 4), hidden=8, val_fraction=0.25, test_fraction=0.25)


def signal(label: str, k: int) -> np.ndarray:
    """Clip ``k`` of a class: clearly separable sounds of varied length and level."""
    rng = np.random.default_rng(100 + k)
    seconds = 0.5 + 0.1 * (k % 6)
    amp = float(rng.uniform(0.1, 0.8))
    if label == "tone":
        return tone(float(rng.uniform(300, 1200)), seconds, rate=RATE, amp=amp, harmonics=3)
    if label == "noise":
        return noise(seconds, rate=RATE, amp=amp, seed=k)
    return clicks(seconds, rate=RATE, every=float(rng.uniform(0.08, 0.2)), amp=amp)


def make_dataset(root, *, per_class: int = 8, groups: int = 4, manifest: bool = True, classes=CLASSES):
    """``root/<class>/<class>_<k>.wav`` with a manifest of ``groups`` groups per class."""
    rows = []
    for label in classes:
        (root / label).mkdir(parents=True, exist_ok=True)
        for k in range(per_class):
            rel = f"{label}/{label}_{k}.wav"
            write_wav(root / rel, signal(label, k), RATE)
            rows.append([rel, label, f"{label}-g{k % groups}", "CC0"])
    if manifest:
        with open(root / "manifest.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["path", "label", "group", "license"])
            w.writerows(rows)
    return root
