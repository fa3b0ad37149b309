"""The training loop shared by experts, RELNET and the baselines: Adam, early stopping, best weights.

A model may hold several independent *members* (the N experts of a
:class:`~relstudio.core.training.stacked.StackedExperts`, whose parameters
all have the member index first). Each member has its own validation loss,
patience and best weights; training ends when every member has stopped or
after ``max_epochs``, and each member's best weights are restored.
The loop yields :class:`~relstudio.core.progress.Progress` after every batch
(so a cancel lands quickly) and per-epoch metrics for plotting; it reads
losses back from the device once per epoch only.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import torch

from relstudio.core.progress import Progress, Task
from relstudio.core.training.augment import make_batch
from relstudio.core.training.config import TrainingConfig


@dataclass
class FitResult:
    names: list[str]
    best_epoch: list[int]
    best_val_loss: list[float]
    epochs: int
    seconds: float
    history: list[dict] = field(default_factory=list)  # per epoch: epoch, train_loss, val_loss (per member)
    stopped_early: bool = False
    validation: str = "validation split"

    def to_dict(self) -> dict:
        return {"names": self.names, "best_epoch": self.best_epoch, "best_val_loss": self.best_val_loss,
                "epochs": self.epochs, "seconds": round(self.seconds, 2), "stopped_early": self.stopped_early,
                "validation": self.validation, "history": self.history}


def _losses(model, loss_fn, features, rows, config, *, augment, generator, train: bool, optimizer=None):
    """Sum over batches of (weighted loss, weight) per member; steps the optimiser when training."""
    num = den = None
    for start in range(0, rows.shape[0], config.batch_size):
        batch = rows[start:start + config.batch_size]
        labels = features.labels.index_select(0, batch.to(features.labels.device, non_blocking=True))
        x, _, mask = make_batch(features.db, features.n_frames, batch, features.frontend,
                                augment=augment if train else None, generator=generator, labels=labels)
        with torch.set_grad_enabled(train):
            n, d = loss_fn(model, x, mask, labels)
            if train:
                optimizer.zero_grad(set_to_none=True)
                (n / d.clamp_min(1e-12)).sum().backward()
                optimizer.step()
        n, d = n.detach(), d.detach()
        num, den = (n, d) if num is None else (num + n, den + d)
        yield
    return num / den.clamp_min(1e-12)


def learning_rate(config: TrainingConfig, step: int, total: int) -> float:
    """The rate of batch ``step`` (from 0) of ``total``: constant, or half a cosine from the
    configured rate down to 0 (``lr_schedule="cosine"``), so that the last epochs settle."""
    if config.lr_schedule == "constant" or total <= 1:
        return config.learning_rate
    return config.learning_rate * 0.5 * (1.0 + math.cos(math.pi * min(step, total) / total))


class WeightAverage:
    """An exponential moving average of the weights, updated after every batch (``decay`` 0: off).

    ``TrainingConfig.average_epochs`` sets its span: ``decay = 1 − 1 / (average_epochs · batches per epoch)``.
    Averaged weights sit in a wider, flatter minimum than the last step's, which carries better to
    sources training never heard (docs/training.md).
    :meth:`swap` exchanges the model's weights with the average (and back), so validation, early stopping
    and the restored best weights see the average while training goes on from the trained weights.
    """

    def __init__(self, named, decay: float):
        self.decay, self.named = decay, named
        self.shadow = {k: p.detach().clone() for k, p in named} if decay else {}

    @torch.no_grad()
    def update(self):
        for k, p in self.named if self.decay else ():
            self.shadow[k].lerp_(p, 1.0 - self.decay)

    @torch.no_grad()
    def swap(self):
        for k, p in self.named if self.decay else ():
            tmp = p.detach().clone()
            p.copy_(self.shadow[k])
            self.shadow[k].copy_(tmp)


def fit(model, loss_fn, features, train_rows, val_rows, *, config: TrainingConfig, names: list[str],
        stage: str = "training") -> Task[FitResult]:
    """Train ``model`` in place; yields progress, returns :class:`FitResult`.

    ``loss_fn(model, x, mask, labels) -> (num, den)`` gives per-member sums
    of weighted loss and weight, each ``(n_members,)``. ``train_rows`` and
    ``val_rows`` index ``features``; the model lives on the features'
    device. With no validation rows the training loss decides early
    stopping (and the result says so).
    """
    n_members = len(names)
    torch.manual_seed(config.seed)
    gen = torch.Generator().manual_seed(config.seed)  # CPU: shuffling and augmentation never wait for a device
    train_rows = torch.as_tensor(list(train_rows), dtype=torch.long)
    val_rows = torch.as_tensor(list(val_rows), dtype=torch.long)
    params = [p for p in model.parameters() if p.requires_grad]
    named = [(k, p) for k, p in model.named_parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=config.learning_rate, weight_decay=config.weight_decay)
    best = {k: p.detach().clone() for k, p in named}
    n_batches = -(-len(train_rows) // config.batch_size)
    span = config.average_epochs * n_batches  # batches; under one batch there is nothing to average
    average = WeightAverage(named, 1.0 - 1.0 / span if span > 1.0 else 0.0)
    best_loss = [float("inf")] * n_members
    best_epoch = [0] * n_members
    wait = [0] * n_members
    result = FitResult(list(names), best_epoch, best_loss, 0, 0.0,
                       validation="validation split" if len(val_rows) else "training loss (no validation clips)")
    t0 = time.perf_counter()
    for epoch in range(1, config.max_epochs + 1):
        model.train()
        perm = train_rows[torch.randperm(len(train_rows), generator=gen)]
        steps = _losses(model, loss_fn, features, perm, config, augment=config.augment, generator=gen,
                        train=True, optimizer=optimizer)
        b = 0
        try:
            while True:
                next(steps)
                average.update()
                b += 1
                for group in optimizer.param_groups:  # the rate of the next batch
                    group["lr"] = learning_rate(config, (epoch - 1) * n_batches + b, config.max_epochs * n_batches)
                yield Progress((epoch - 1 + b / n_batches) / config.max_epochs,
                               f"{stage}: epoch {epoch}, batch {b}/{n_batches}")
        except StopIteration as stop:
            train_loss = stop.value
        model.eval()
        average.swap()  # validate (and keep as best) the averaged weights
        if len(val_rows):
            steps = _losses(model, loss_fn, features, val_rows, config, augment=None, generator=gen, train=False)
            try:
                while True:
                    next(steps)
            except StopIteration as stop:
                val_loss = stop.value
        else:
            val_loss = train_loss
        tl, vl = train_loss.cpu().tolist(), val_loss.cpu().tolist()
        for k in range(n_members):
            if wait[k] >= config.patience:
                continue
            if vl[k] < best_loss[k] - config.min_delta:
                best_loss[k], best_epoch[k], wait[k] = vl[k], epoch, 0
                with torch.no_grad():
                    for name, p in named:
                        if n_members > 1:
                            best[name][k].copy_(p[k])
                        else:
                            best[name].copy_(p)
            else:
                wait[k] += 1
        average.swap()  # back to the trained weights
        result.history.append({"epoch": epoch, "train_loss": dict(zip(names, tl)), "val_loss": dict(zip(names, vl))})
        result.epochs = epoch
        active = [names[k] for k in range(n_members) if wait[k] < config.patience]
        loss_txt = " ".join(f"{names[k]} {tl[k]:.3f}/{vl[k]:.3f}" for k in range(min(n_members, 6)))
        yield Progress(epoch / config.max_epochs, f"{stage}: epoch {epoch} train/val {loss_txt}",
                       {"stage": stage, "epoch": epoch, "train_loss": dict(zip(names, tl)),
                        "val_loss": dict(zip(names, vl)), "best_epoch": dict(zip(names, best_epoch)),
                        "best_val_loss": dict(zip(names, best_loss)), "active": active,
                        "seconds": time.perf_counter() - t0})
        if not active:
            result.stopped_early = True
            break
    with torch.no_grad():
        for name, p in named:
            p.copy_(best[name])
    model.eval()
    result.seconds = time.perf_counter() - t0
    yield Progress(1.0, f"{stage}: done after {result.epochs} epochs (best {best_epoch})")
    return result
