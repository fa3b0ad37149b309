"""Second training stage (paper §4.1): RELNET's classifier with the experts frozen, and the baselines.

``train_classifiers`` trains any of RELNET, CONVNET and CONV-KONG on the same
clips as the experts: when the experts' metadata names held-out test clips of
this dataset, exactly those are held out again, so no model sees them.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch

from relstudio.core.device import describe
from relstudio.core.device import resolve_device
from relstudio.core.errors import ParameterError
from relstudio.core.experts.relnet_file import save_classifier, suffix_for
from relstudio.core.names import safe_filename
from relstudio.core.nets.expert_cnn import ExpertCNNConfig
from relstudio.core.nets.relnet import CONVKONG, CONVNET, KINDS, RELNET, ConvKong, ConvNet, RelNet
from relstudio.core.progress import Progress, Task, scaled
from relstudio.core.training.augment import make_batch
from relstudio.core.training.config import TrainingConfig
from relstudio.core.training.metrics import accuracy, map_at_k
from relstudio.core.training.prepared import Prepared, prepare
from relstudio.core.training.reports import TrainingReport, delete_quietly, licence_text
from relstudio.core.training.split import Split, split_indices
from relstudio.core.training.trainer import fit


def classifier_loss(weights: torch.Tensor):
    """Class-weighted categorical cross-entropy of the clip output (one member)."""
    def loss(model, x, mask, labels):
        p = model(x, mask).gather(1, labels[:, None])[:, 0].clamp_min(1e-7)
        w = weights.index_select(0, labels)
        return (-w * torch.log(p)).sum().reshape(1), w.sum().reshape(1)
    return loss


@torch.no_grad()
def clip_scores(module, features, rows, *, batch_size: int = 100, pad_frames: int | None = None) -> np.ndarray:
    """``(len(rows), C)`` clip probabilities; ``pad_frames``: zero-pad to that length, no mask (paper's padded test)."""
    rows = torch.as_tensor(list(rows), dtype=torch.long)
    out = []
    for s in range(0, len(rows), batch_size):
        x, _, mask = make_batch(features.db, features.n_frames, rows[s:s + batch_size], features.frontend)
        if pad_frames is not None:
            x = torch.nn.functional.pad(x[..., :pad_frames], (0, max(0, pad_frames - x.shape[-1])))
            mask = None
        out.append(module(x, mask).float().cpu().numpy())
    n = getattr(module, "n_classes", 0)
    return np.concatenate(out) if out else np.zeros((0, n), np.float32)


def held_out_like_experts(prepared: Prepared, experts, config: TrainingConfig) -> tuple[Split, list[str]]:
    """The prepared split, or — when the experts held out other clips of this dataset — theirs."""
    notes = []
    theirs = None
    for e in experts:
        data = e.info.meta.get("data", {})
        if data.get("dataset_fingerprint") == prepared.dataset.fingerprint and "test_clips" in data:
            theirs = set(data["test_clips"])
            break
    if theirs is None or theirs == set(prepared.clip_names(prepared.split.test)):
        return prepared.split, notes
    names = prepared.clip_names(range(len(prepared.dataset)))
    rest = [i for i, n in enumerate(names) if n not in theirs]
    test = [i for i, n in enumerate(names) if n in theirs]
    clips = prepared.dataset.clips
    sub = split_indices([clips[i].label for i in rest], [clips[i].group for i in rest],
                        val_fraction=config.val_fraction, test_fraction=0.0, seed=config.seed)
    notes.append("held out the experts' test clips (their split differs from this run's settings)")
    return Split(tuple(rest[i] for i in sub.train), tuple(rest[i] for i in sub.val), tuple(test), sub.by,
                 sub.notes), notes


def build(kind: str, frontend, n_classes: int, net: ExpertCNNConfig, experts=()):
    if kind == RELNET:
        return RelNet(frontend, [e.module for e in experts], n_classes, net)
    if kind == CONVNET:
        return ConvNet(frontend, n_classes, net)
    if kind == CONVKONG:
        return ConvKong(frontend, n_classes, net)
    raise ParameterError(f"model kind must be one of {KINDS}, got {kind!r}")


def train_classifiers(dataset, *, out_dir, experts=(), kinds=(RELNET,), classes=None,
                      config: TrainingConfig = TrainingConfig(), device=None, family: str = "",
                      prepared: Prepared | None = None) -> Task[TrainingReport]:
    """Train RELNET (needs the loaded ``experts``) and/or the CONVNET / CONV-KONG baselines.

    Yields progress with per-epoch ``train_loss``/``val_loss``; returns a
    :class:`TrainingReport`. Files: ``<family or relnet>.relnet.safetensors``
    and ``<family->convnet|convkong.classifier.safetensors`` in ``out_dir``.
    """
    kinds = tuple(kinds)
    if any(k not in KINDS for k in kinds) or not kinds:
        raise ParameterError(f"kinds must be a non-empty subset of {KINDS}, got {kinds}")
    experts = list(experts)
    if RELNET in kinds and not experts:
        raise ParameterError("RELNET needs the trained experts (train them first)")
    dev = resolve_device(device)  # None: CUDA when available
    frontend = experts[0].info.frontend if experts else None
    t0 = time.perf_counter()
    if prepared is None:
        from relstudio.core.frontend import FrontendConfig

        prepared = yield from scaled(prepare(dataset, classes=classes, config=config, device=dev,
                                             frontend=frontend or FrontendConfig()), 0.0, 0.05)
    fs = prepared.features
    if any(e.info.frontend != fs.frontend for e in experts):
        raise ParameterError("the experts' front end differs from the features'")
    split, notes = held_out_like_experts(prepared, experts, config)
    data = dict(prepared.data_summary(), test_clips=prepared.clip_names(split.test))
    report = TrainingReport(prepared.dataset.name, list(prepared.classes), describe(dev), config.to_dict(), data,
                            unreadable=[list(u) for u in prepared.unreadable], notes=list(split.notes) + notes)
    report.seconds["features"] = time.perf_counter() - t0
    n_classes = len(prepared.classes)
    train = prepared.epoch_rows(split.train, config)
    counts = torch.bincount(fs.labels.index_select(0, torch.as_tensor(train, device=dev)), minlength=n_classes)
    weights = (counts.sum() / (n_classes * counts.clamp_min(1).float())) if config.balance == "weights" \
        else torch.ones(n_classes, device=dev)
    net = ExpertCNNConfig(config.filters, config.hidden, 2)
    out_dir = Path(out_dir)
    trained = []
    span = 0.95 / len(kinds)
    for j, kind in enumerate(kinds):
        torch.manual_seed(config.seed)
        model = build(kind, fs.frontend, n_classes, net, experts).to(dev)
        result = yield from scaled(fit(model, classifier_loss(weights), fs, train, split.val, config=config,
                                       names=[kind], stage=kind), 0.05 + j * span, 0.05 + (j + 1) * span)
        rows = split.val or split.train
        scores = clip_scores(model, fs, rows, batch_size=config.batch_size)
        truth = fs.labels.cpu().numpy()[list(rows)]
        report.validation[kind] = {"map@3": map_at_k(scores, truth), "accuracy": accuracy(scores, truth)}
        report.fits[kind] = result.to_dict()
        report.seconds[kind] = result.seconds
        trained.append((kind, model, result))
    written = []
    try:
        for kind, model, result in trained:
            stem = safe_filename((family or "relnet") if kind == RELNET else (f"{family}-{kind}" if family else kind))
            path = out_dir / f"{stem}{suffix_for(kind)}"
            written.append(path)
            training = dict(config.to_dict(), best_epoch=result.best_epoch[0], epochs_run=result.epochs,
                            best_val_loss=result.best_val_loss[0], device=describe(dev), family=family,
                            validation=report.validation[kind], seconds=round(result.seconds, 1))
            save_classifier(path, model, classes=prepared.classes, experts=experts if kind == RELNET else (),
                            description=f"{kind.upper()} over {', '.join(prepared.classes)} ({prepared.dataset.name})",
                            training=training, data=data, licence=licence_text(data), model_card={"family": family, "kind": kind,
                                                                      "validation": report.validation[kind]})
            report.models[kind] = path
    except BaseException:
        delete_quietly(written)
        raise
    yield Progress(1.0, f"saved {', '.join(k for k, _, _ in trained)} in {out_dir}")
    return report
