"""Negatives for every expert: digital silence, coloured noise and near-silent copies of the clips.

The ``frame_max`` front end references each frame to its own loudest bin, so
hiss at −60 dBFS reaches the network at full scale; an expert that never saw
noise or silence labelled "not my class" answers at random there. These
clips (label ``NEGATIVE``: every one-vs-all expert's target is "no") teach it.
Noise is generated as audio and analysed by the front end; silence and the
quiet copies are made on cached dB mel (a gain is a dB offset). All random
numbers come from one seeded ``numpy`` generator, so a run is repeatable.
"""

from __future__ import annotations

import numpy as np
import torch

from relstudio.core.frontend import FrontendConfig, mel_db, to_tensor
from relstudio.core.training.config import NegativeConfig

NEGATIVE = -1  # label of a clip that belongs to no class
COLOURS = ("white", "pink", "brown")


def noise(colour: str, n_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Gaussian noise with a 1/f^0 (white), 1/f (pink) or 1/f² (brown) power spectrum, RMS 1."""
    if colour not in COLOURS:
        raise ValueError(f"noise colour must be one of {COLOURS}, got {colour!r}")
    x = rng.standard_normal(n_samples)
    if colour != "white":
        spec = np.fft.rfft(x)
        f = np.arange(len(spec), dtype=np.float64)
        f[0] = 1.0
        spec /= f ** (0.5 if colour == "pink" else 1.0)
        spec[0] = 0.0
        x = np.fft.irfft(spec, n_samples)
    return (x / max(float(np.sqrt(np.mean(x ** 2))), 1e-12)).astype(np.float32)


def noise_mel_db(colour: str, n_frames: int, level_dbfs: float, frontend: FrontendConfig,
                 rng: np.random.Generator) -> np.ndarray:
    """``(n_mels, n_frames)`` dB mel of ``colour`` noise at RMS ``level_dbfs``."""
    n = max(1, (n_frames - 1) * frontend.hop_length)
    x = noise(colour, n, rng) * np.float32(10.0 ** (level_dbfs / 20.0))
    with torch.inference_mode():
        return mel_db(to_tensor(x), frontend)[:, :n_frames].numpy()


def negative_clips(db: torch.Tensor, n_frames: torch.Tensor, rows, config: NegativeConfig,
                   frontend: FrontendConfig, seed: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """``round(fraction · len(rows))`` negatives made from the clips ``rows`` of ``db``.

    Returns ``(K, n_mels, width)`` float16 dB (padded with ``-top_db``), their
    ``(K,)`` lengths and their kinds (``silence``, ``noise-<colour>``, ``quiet``).
    """
    rows = [int(r) for r in rows]
    k = int(round(config.fraction * len(rows)))
    floor = -frontend.top_db
    width = int(db.shape[-1])
    out = np.full((k, db.shape[1], width), floor, np.float32)
    lengths = np.zeros(k, np.int64)
    kinds = []
    if k == 0 or not rows:
        return out.astype(np.float16), lengths, kinds
    rng = np.random.default_rng([seed, 0x5E6A])
    shares = np.array([config.silence, config.noise, config.quiet], np.float64)
    choice = rng.choice(3, size=k, p=shares / shares.sum())
    all_len = n_frames.cpu().numpy()
    for j in range(k):
        src = rows[int(rng.integers(len(rows)))]
        n = int(all_len[src])
        lengths[j] = n
        if choice[j] == 0:
            kinds.append("silence")
        elif choice[j] == 1:
            colour = COLOURS[int(rng.integers(len(COLOURS)))]
            level = float(rng.uniform(*config.noise_dbfs))
            out[j, :, :n] = noise_mel_db(colour, n, level, frontend, rng)
            kinds.append(f"noise-{colour}")
        else:
            clip = db[src, :, :n].float().cpu().numpy()
            loud = float(np.percentile(clip.max(axis=0), 95))
            drop = loud - frontend.silence_db + float(rng.uniform(*config.quiet_db))
            out[j, :, :n] = np.maximum(clip - max(drop, 0.0), floor)
            kinds.append("quiet")
    return out.astype(np.float16), lengths, kinds


def with_negatives(features, train_rows, val_rows, config: NegativeConfig, seed: int):
    """``features`` with negatives appended (label :data:`NEGATIVE`), and the new train / validation rows.

    Training negatives are made from training clips, validation negatives from
    validation clips (other seeds), so early stopping also watches silence and noise.
    """
    from relstudio.core.training.feature_cache import FeatureSet

    train_rows, val_rows = list(train_rows), list(val_rows)
    if not config.active:
        return features, train_rows, val_rows, {}
    fe = features.frontend
    parts, counts = [], {}
    for name, rows, s in (("train", train_rows, seed), ("val", val_rows, seed + 7919)):
        db, lengths, kinds = negative_clips(features.db, features.n_frames, rows, config, fe, s)
        parts.append((db, lengths))
        for kind in kinds:
            counts[f"{name}:{kind.split('-')[0]}"] = counts.get(f"{name}:{kind.split('-')[0]}", 0) + 1
    dev = features.db.device
    base = len(features)
    n_train, n_val = len(parts[0][1]), len(parts[1][1])
    db = torch.cat([features.db] + [torch.from_numpy(d).to(dev) for d, _ in parts], dim=0)
    n_frames = torch.cat([features.n_frames.cpu()] + [torch.from_numpy(n) for _, n in parts])
    labels = torch.cat([features.labels, torch.full((n_train + n_val,), NEGATIVE, dtype=torch.long, device=dev)])
    extended = FeatureSet(features.dataset, fe, db, n_frames, labels,
                          tuple(features.clip_index) + (-1,) * (n_train + n_val), features.unreadable)
    train_rows += list(range(base, base + n_train))
    val_rows += list(range(base + n_train, base + n_train + n_val))
    return extended, train_rows, val_rows, counts
