"""Train one one-vs-all expert per class (paper §3.1), all N together, each saved as its own file.

Positives are the class's clips, negatives all others plus the clips of
:mod:`~relstudio.core.training.negatives` (digital silence, coloured noise,
near-silent copies; ``TrainingConfig.negatives``, recorded in every file's
``training`` metadata with their counts); the loss is the
class-balanced categorical cross-entropy of the clip output (masked,
normalised sum of segment probabilities), so a 1:9 class ratio does not give
a trivial expert. Files are written only when training finished; a cancel
(closing the generator) or an error leaves nothing behind.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch

from relstudio.core.device import describe
from relstudio.core.device import resolve_device
from relstudio.core.experts.expert_file import EXPERT_SUFFIX, save_expert
from relstudio.core.experts.library import PALETTE
from relstudio.core.frontend import FrontendConfig
from relstudio.core.nets.expert_cnn import ExpertCNNConfig
from relstudio.core.progress import Progress, Task, scaled
from relstudio.core.training.augment import make_batch
from relstudio.core.training.config import TrainingConfig
from relstudio.core.training.metrics import detector_scores
from relstudio.core.training.negatives import with_negatives
from relstudio.core.training.prepared import Prepared, prepare
from relstudio.core.training.reports import TrainingReport, delete_quietly, licence_text
from relstudio.core.training.stacked import StackedExperts
from relstudio.core.training.trainer import fit


def expert_names(classes, family: str = "") -> list[tuple[str, str]]:
    """``(file stem, label)`` per class: ``metal`` / ``metal``, or with a family ``genre-metal`` / ``metal (genre)``."""
    from relstudio.core.names import safe_filename

    return [(safe_filename(f"{family}-{c}" if family else c), f"{c} ({family})" if family else c) for c in classes]


def class_weights(labels: torch.Tensor, n_classes: int, balance: str) -> torch.Tensor:
    """``(n_classes, 2)`` weights of (negative, positive) clips per one-vs-all expert.

    Labels below 0 (:data:`~relstudio.core.training.negatives.NEGATIVE`) are negatives of every expert.
    """
    counts = torch.bincount(labels[labels >= 0], minlength=n_classes).float()
    total = torch.tensor(float(labels.numel()), device=labels.device)
    if balance == "none":
        return torch.ones(n_classes, 2, device=labels.device)
    pos = total / (2.0 * counts.clamp_min(1.0))
    neg = total / (2.0 * (total - counts).clamp_min(1.0))
    return torch.stack([neg, pos], dim=1)


def one_vs_all_loss(weights: torch.Tensor):
    """Loss function for :func:`~relstudio.core.training.trainer.fit` over a StackedExperts."""
    def loss(model, x, mask, labels):
        probs = torch.softmax(model(x), dim=-1) * mask[:, None, :, None].to(x.dtype)  # (B, N, S, 2)
        clip = probs.sum(dim=2)
        clip = clip / clip.sum(dim=-1, keepdim=True).clamp_min(1e-12)
        n = clip.shape[1]
        target = (labels[:, None] == torch.arange(n, device=labels.device)[None]).long()  # (B, N)
        p = clip.gather(-1, target[..., None])[..., 0].clamp_min(1e-7)
        w = weights[torch.arange(n, device=labels.device)[None], target]
        return (-w * torch.log(p)).sum(dim=0), w.sum(dim=0)
    return loss


@torch.no_grad()
def stacked_clip_probs(model: StackedExperts, features, rows, *, batch_size: int = 100) -> np.ndarray:
    """``(len(rows), N)`` positive clip probability of every expert (masked, no augmentation)."""
    rows = torch.as_tensor(list(rows), dtype=torch.long)
    out = []
    for s in range(0, len(rows), batch_size):
        x, _, mask = make_batch(features.db, features.n_frames, rows[s:s + batch_size], features.frontend)
        probs = torch.softmax(model(x), dim=-1) * mask[:, None, :, None]
        clip = probs.sum(dim=2)
        out.append((clip[..., 1] / clip.sum(dim=-1).clamp_min(1e-12)).cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, model.n), np.float32)


def train_experts(dataset, *, out_dir, classes=None, config: TrainingConfig = TrainingConfig(),
                  frontend: FrontendConfig = FrontendConfig(), device=None, family: str = "",
                  colours: dict | None = None, licence: str | None = None,
                  prepared: Prepared | None = None) -> Task[TrainingReport]:
    """Train one expert per class of ``dataset`` (a path or Dataset) and save them in ``out_dir``.

    Yields :class:`Progress` (per-epoch metrics: ``train_loss`` and
    ``val_loss`` per expert label), returns a :class:`TrainingReport`. The
    held-out test clips (split by group) are never trained on and are named
    in each file's metadata for ``relstudio evaluate``.
    """
    t0 = time.perf_counter()
    dev = resolve_device(device)  # None: CUDA when available
    if prepared is None:
        prepared = yield from scaled(prepare(dataset, classes=classes, config=config, frontend=frontend, device=dev),
                                     0.0, 0.1)
    frontend = prepared.features.frontend
    t_feat = time.perf_counter() - t0
    classes = prepared.classes
    names = expert_names(classes, family)
    labels = [lab for _, lab in names]
    net = ExpertCNNConfig(config.filters, config.hidden, 2)
    model = StackedExperts(frontend, net, len(classes), seed=config.seed).to(dev)
    fs, split = prepared.features, prepared.split
    train = prepared.epoch_rows(split.train, config)  # the negatives are made from these rows: as many more
    fs_neg, train_rows, val_neg, neg_counts = with_negatives(fs, train, split.val, config.negatives, config.seed)
    weights = class_weights(fs_neg.labels.index_select(0, torch.as_tensor(train_rows, device=dev)), len(classes),
                            config.balance)
    result = yield from scaled(fit(model, one_vs_all_loss(weights), fs_neg, train_rows, val_neg, config=config,
                                   names=labels, stage="experts"), 0.1, 0.97)
    val_rows = split.val or split.train
    probs = stacked_clip_probs(model, fs, val_rows, batch_size=config.batch_size)
    truth = fs.labels.cpu().numpy()[list(val_rows)]
    data = prepared.data_summary()
    report = TrainingReport(prepared.dataset.name, list(classes), describe(dev), config.to_dict(), data,
                            unreadable=[list(u) for u in prepared.unreadable], notes=list(split.notes))
    fit_dict = result.to_dict()
    out_dir = Path(out_dir)
    written = []
    try:
        for k, ((stem, label), cls) in enumerate(zip(names, classes)):
            scores = detector_scores(probs[:, k], truth == k)
            report.validation[label] = {k2: v for k2, v in scores.items() if isinstance(v, float)}
            report.fits[label] = {"best_epoch": result.best_epoch[k], "best_val_loss": result.best_val_loss[k],
                                  "epochs": result.epochs, "validation": result.validation}
            training = dict(config.to_dict(), **{"class": cls, "family": family, "positive_label": cls,
                                                 "best_epoch": result.best_epoch[k], "epochs_run": result.epochs,
                                                 "best_val_loss": result.best_val_loss[k],
                                                 "validation": report.validation[label], "device": describe(dev),
                                                 "negative_clips": neg_counts,
                                                 "seconds": round(result.seconds, 1)})
            lic = licence if licence is not None else licence_text(data)
            colour = (colours or {}).get(cls) or PALETTE[k % len(PALETTE)]
            card = {"class": cls, "family": family, "task": f"one-vs-all detector: {cls} vs {', '.join(c for c in classes if c != cls)}",
                    "validation": report.validation[label]}
            path = out_dir / f"{stem}{EXPERT_SUFFIX}"
            written.append(path)
            save_expert(path, model.expert(k), label=label, colour=colour, training=training, data=data,
                        licence=lic, model_card=card,
                        description=f"{cls} vs other {family + ' ' if family else ''}classes ({prepared.dataset.name})")
            report.models[label] = path
    except BaseException:
        delete_quietly(written)
        raise
    report.fits["_experts"] = fit_dict
    report.seconds.update({"features": t_feat, "experts": result.seconds})
    yield Progress(1.0, f"saved {len(written)} experts in {out_dir}")
    return report
