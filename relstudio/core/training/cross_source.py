"""Validation across sources: experts trained without a source, scored on that source's clips.

A *source* is a clip's package or soundfont (``ClipRecord.source``; the first
package of ``a+b`` renders — the MIDI package — else the group). Sources are
dealt into ``k`` folds (largest first, each to the fold with the fewest
clips, so every source is held out exactly once); per fold the experts are
trained on every other source (validation for early stopping: whole groups
of the remaining clips) and predict the held-out clips. Train-only clips
(``ClipRecord.train_only``, e.g. renders) are never validated, held out or
scored; they join every fold's training set unless they share a package or
soundfont with a held-out clip (a render of a held-out ``MIDI+soundfont``
clip's soundfont would be its samples heard in training). Each clip is then
labelled by three rules the app uses:

- ``top_segment``: the winner of its most relevant segment (R_max),
- ``top_window``: the winner (mean probability) of its most relevant ~1-s
  window (relevance of the window's mean probabilities),
- ``sum``: the SUM fusion of all its segments.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch

from relstudio.core.experts.expert_file import load_expert
from relstudio.core.nets.expert_cnn import FusedExperts
from relstudio.core.progress import Progress, Task, scaled
from relstudio.core.relevance import fuse, relevance
from relstudio.core.training.augment import make_batch
from relstudio.core.training.config import TrainingConfig
from relstudio.core.training.expert_training import train_experts
from relstudio.core.training.metrics import confusion, precision_recall
from relstudio.core.training.prepared import Prepared
from relstudio.core.training.split import Split, split_indices

RULES = ("top_segment", "top_window", "sum")


def source_of(clip) -> str:
    return clip.source_key


def source_folds(dataset, k: int) -> list[list[str]]:
    """Sources dealt into ``min(k, n_sources)`` folds, spreading every class over the folds (deterministic).

    Largest source first, each to the fold where it adds least to the squared
    per-class shares (so no fold holds all sources of one class while another
    source of that class exists).
    """
    size = defaultdict(lambda: defaultdict(int))
    for c in (c for c in dataset.clips if not c.train_only):
        size[source_of(c)][c.label] += 1
    total = defaultdict(int)
    for per in size.values():
        for label, n in per.items():
            total[label] += n
    folds = [[] for _ in range(max(1, min(k, len(size))))]
    load = [defaultdict(int) for _ in folds]
    for src in sorted(size, key=lambda s: (-sum(size[s].values()), s)):
        cost = [sum((load[j][c] + n) ** 2 / total[c] for c, n in size[src].items()) + 1e-9 * sum(load[j].values())
                for j in range(len(folds))]
        j = int(np.argmin(cost))
        folds[j].append(src)
        for c, n in size[src].items():
            load[j][c] += n
    return folds


def _parts(clip) -> set[str]:
    return {p for p in (clip.source or "").split("+") if p} | {source_of(clip)}


def extra_rows(dataset, held_parts) -> list[int]:
    """Train-only clips that share no package / soundfont (``a+b`` source part) with the held-out clips."""
    return [i for i, c in enumerate(dataset.clips) if c.train_only and not _parts(c) & set(held_parts)]


@torch.no_grad()
def segment_probs(experts, features, rows, batch_size: int = 50) -> list[np.ndarray]:
    """Per clip ``(N, S)`` positive probabilities of the experts (unpadded, no augmentation)."""
    fused = FusedExperts([e.module for e in experts]).eval()
    out, rows = [], torch.as_tensor(list(rows), dtype=torch.long)
    for s in range(0, len(rows), batch_size):
        x, _, mask = make_batch(features.db, features.n_frames, rows[s:s + batch_size], features.frontend)
        p = fused(x).float().cpu().numpy()
        valid = mask.sum(dim=1).cpu().numpy()
        out.extend(p[b, :, :max(1, valid[b])] for b in range(len(p)))
    return out


def window_segments(frontend) -> int:
    """Segments in the ~1-s window of the ``top_window`` rule for ``frontend``'s segment rate."""
    return max(1, round(frontend.sample_rate / (frontend.hop_length * frontend.pool_stride)))


def clip_decisions(probs: np.ndarray, window: int) -> dict:
    """The class index each rule gives one clip's ``(N, S)`` probabilities."""
    rel = relevance(probs)
    w = max(1, min(window, probs.shape[1]))
    kernel = np.ones(w) / w
    mean = np.stack([np.convolve(row, kernel, mode="valid") for row in probs])
    mean = np.clip(mean, 0.0, 1.0)  # a window of saturated probabilities can round to 1 + 1e-16
    best = int(relevance(mean).argmax())
    return {"top_segment": int(probs[:, int(rel.argmax())].argmax()), "top_window": int(mean[:, best].argmax()),
            "sum": int(fuse(probs, "SUM").argmax())}


def rule_scores(decisions: dict, truth: np.ndarray, classes) -> dict:
    """Accuracy and per-class recall / precision of each rule."""
    out = {}
    for rule, pred in decisions.items():
        scores = np.eye(len(classes))[np.asarray(pred, dtype=np.int64)]
        m = confusion(scores, truth)
        prec, rec = precision_recall(m)
        out[rule] = {"accuracy": float((np.asarray(pred) == truth).mean()) if len(truth) else 0.0,
                     "per_class": {c: {"recall": float(rec[i]), "precision": float(prec[i]), "clips": int(m[i].sum())}
                                   for i, c in enumerate(classes)},
                     "confusion": m.tolist()}
    return out


def pooled_table(reports) -> list[dict]:
    """Table-1 rows of several folds' :class:`EvaluationReport` pooled (clip-weighted means)."""
    rows = {}
    for rep in reports:
        for r in rep.rows:
            acc = rows.setdefault(r["model"], {"model": r["model"], "clips": 0})
            for key in ("map@3_padded", "map@3", "accuracy_padded", "accuracy"):
                acc[key] = acc.get(key, 0.0) + r[key] * rep.clips
            acc["clips"] += rep.clips
    return [{k: (v / r["clips"] if k not in ("model", "clips") else v) for k, v in r.items()} for r in rows.values()]


def fold_rows(dataset, held, config: TrainingConfig) -> tuple[list[int], list[int], list[int], str]:
    """One fold's rows: its held-out scored clips (of the sources ``held``), and the training and validation
    clips of the other sources (train-only clips aside: :func:`extra_rows` adds them); ``by`` of the split."""
    src = [source_of(c) for c in dataset.clips]
    test = [i for i, c in enumerate(dataset.clips) if src[i] in held and not c.train_only]
    rest = [i for i, c in enumerate(dataset.clips) if src[i] not in held and not c.train_only]
    sub = split_indices([dataset.clips[i].label for i in rest], [dataset.clips[i].split_unit(config.val_by) for i in rest],
                        val_fraction=config.val_fraction, test_fraction=0.0, seed=config.seed)
    return test, [rest[i] for i in sub.train], [rest[i] for i in sub.val], sub.by


def cross_source(prepared: Prepared, *, config: TrainingConfig, k: int = 5, family: str = "",
                 work_dir: Path | None = None, classifier_config: TrainingConfig | None = None,
                 pad_frames: int | None = None, cache_folder=None) -> Task[dict]:
    """Train the experts ``k`` times, each time without one fold of sources; returns scores per rule.

    Result: ``folds`` (sources per fold), ``rules`` (accuracy, per-class
    recall/precision, confusion), ``per_source`` accuracy of every rule and
    the number of clips. With ``classifier_config`` each fold also trains
    RELNET, CONVNET and CONV-KONG and ``table`` holds the Table-1 rows of all
    models on the held-out sources (pooled over folds; padded to ``pad_frames``).
    ``config.val_by == "source"`` holds out whole sources (not groups) of the
    remaining clips for early stopping, so validation too is on unheard sources.
    """
    ds, fs = prepared.dataset, prepared.features
    folds = source_folds(ds, k)
    src = [source_of(c) for c in ds.clips]
    truth = fs.labels.cpu().numpy()
    window = window_segments(fs.frontend)
    decisions = {r: np.zeros(len(ds), np.int64) for r in RULES}
    tested = np.zeros(len(ds), bool)
    tables = []
    tmp = tempfile.TemporaryDirectory() if work_dir is None else None
    base = Path(tmp.name) if tmp else Path(work_dir)
    try:
        for j, held in enumerate(folds):
            test, train, val, by = fold_rows(ds, held, config)
            held_parts = set().union(*(_parts(ds.clips[i]) for i in test))
            train_rows = sorted(train + extra_rows(ds, held_parts))
            split = Split(tuple(int(i) for i in train_rows), tuple(val), tuple(test), by)
            fold = Prepared(ds, fs, split, prepared.unreadable)
            out = base / f"fold{j}"
            out.mkdir(parents=True, exist_ok=True)
            report = yield from scaled(train_experts(ds, out_dir=out, config=config, family=family, prepared=fold),
                                       j / len(folds), (j + 1) / len(folds))
            experts = [load_expert(report.models[label]) for label in report.models]
            if classifier_config is not None:
                tables.append((yield from _fold_table(ds, fold, out, experts, classifier_config, family,
                                                      pad_frames, cache_folder)))
            for i, p in zip(test, segment_probs(experts, fs, test)):
                for rule, c in clip_decisions(p, window).items():
                    decisions[rule][i] = c
                tested[i] = True
            yield Progress((j + 1) / len(folds), f"cross-source fold {j + 1}/{len(folds)}: held out {', '.join(held)}")
    finally:
        if tmp:
            tmp.cleanup()
    rows = np.flatnonzero(tested)
    result = {"folds": folds, "clips": int(len(rows)), "window_segments": window,
              "predictions": {"rows": rows.tolist(), **{r: d[rows].tolist() for r, d in decisions.items()}},
              "rules": rule_scores({r: d[rows] for r, d in decisions.items()}, truth[rows], ds.classes)}
    per_source = {}
    for s in sorted({src[i] for i in rows}):
        idx = [i for i in rows if src[i] == s]
        per_source[s] = {"clips": len(idx), **{r: float((decisions[r][idx] == truth[idx]).mean()) for r in RULES}}
    result["per_source"] = per_source
    if tables:
        result["table"] = pooled_table(tables)
        result["relnet_confusion"] = np.sum([t.confusion["RELNET"] for t in tables], axis=0).tolist()
    return result


def _fold_table(ds, fold: Prepared, out: Path, experts, config: TrainingConfig, family: str, pad_frames,
                cache_folder):
    """RELNET and the baselines trained on one fold; their evaluation on its held-out clips."""
    from relstudio.core.experts.relnet_file import load_classifier
    from relstudio.core.nets.relnet import KINDS
    from relstudio.core.training.evaluate import evaluate
    from relstudio.core.training.relnet_training import train_classifiers

    rep = yield from train_classifiers(ds, out_dir=out, experts=experts, kinds=KINDS, config=config, family=family,
                                       prepared=fold)
    classifiers = [load_classifier(rep.models[kind], experts=experts) for kind in KINDS]
    return (yield from evaluate(ds.subset(list(fold.split.test)), experts=experts, classifiers=classifiers,
                                split="all", pad_frames=pad_frames or "auto", cache_folder=cache_folder))
