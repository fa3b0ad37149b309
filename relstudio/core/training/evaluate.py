"""Table-1-style evaluation: MAP@3 and accuracy of every model, with and without test-set padding.

Models: RELNET, CONVNET, CONV-KONG (classifier files) and the expert fusions
MV, SUM, PROD, RV (from the experts). "Without padding" runs every clip at
its own length (padded segments masked, which equals running it alone);
"with padding" zero-pads every clip to ``pad_frames`` and lets every segment
count, as the paper's padded test (Table 1, left column). By default the
evaluated clips are the held-out test clips the models' metadata names
(when the dataset is the one they were trained on), else the whole dataset.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from relstudio.core.device import resolve_device
from relstudio.core.errors import DatasetError, ParameterError
from relstudio.core.nets.expert_cnn import FusedExperts
from relstudio.core.progress import Progress, Task, scaled
from relstudio.core.relevance import FUSIONS, fuse
from relstudio.core.training.augment import make_batch
from relstudio.core.training.dataset import Dataset, read_dataset, select_classes
from relstudio.core.experts.choice import expert_class as class_of
from relstudio.core.training.feature_cache import extract_features
from relstudio.core.training.metrics import accuracy, confusion, detector_scores, map_at_k, precision_recall
from relstudio.core.training.relnet_training import clip_scores
from relstudio.core.training.tables import ORDER


def expert_class(expert) -> str:
    """The class a loaded expert detects (see :func:`relstudio.core.experts.choice.expert_class`)."""
    return class_of(expert)


@dataclass
class EvaluationReport:
    dataset: str
    classes: list[str]
    clips: int
    pad_frames: int
    split: str
    rows: list[dict] = field(default_factory=list)  # model, group, map@3/accuracy padded/unpadded
    confusion: dict = field(default_factory=dict)  # model → (C, C) list, unpadded
    per_class: dict = field(default_factory=dict)  # model → class → {precision, recall}
    detectors: dict = field(default_factory=dict)  # expert label → detector scores (unpadded)
    notes: list = field(default_factory=list)
    skipped: list = field(default_factory=list)

    def row(self, model: str) -> dict:
        return next(r for r in self.rows if r["model"] == model)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("dataset", "classes", "clips", "pad_frames", "split", "rows",
                                              "confusion", "per_class", "detectors", "notes", "skipped")}

    def markdown(self) -> str:
        from relstudio.core.training.tables import report_markdown

        return report_markdown(self)

    def csv(self) -> str:
        from relstudio.core.training.tables import report_csv

        return report_csv(self)


def _clips_to_evaluate(dataset: Dataset, models_meta: list[dict], split: str) -> tuple[Dataset, str, list[str]]:
    if split not in ("auto", "test", "all"):
        raise ParameterError(f"split must be 'auto', 'test' or 'all', got {split!r}")
    same = [m for m in models_meta if m.get("data", {}).get("dataset") == dataset.name and "test_clips" in m["data"]]
    if split == "all" or (split == "auto" and not same):
        note = [] if not same else ["evaluated on ALL clips although the models were trained on this dataset: "
                                    "scores include training clips"]
        return dataset, f"all {len(dataset)} clips of {dataset.name}", note
    if not same:
        raise DatasetError(f"split 'test' needs models trained on {dataset.name!r}; these name no held-out clips of it")
    held = set(same[0]["data"]["test_clips"])
    keep = [i for i, c in enumerate(dataset.clips) if dataset.relative(c) in held]
    if not keep:
        raise DatasetError(f"none of the models' {len(held)} held-out clips is in {dataset.root}")
    return dataset.subset(keep), f"held-out test split: {len(keep)} of {len(dataset)} clips of {dataset.name}", []


def _scores_to_classes(scores: np.ndarray, own: tuple[str, ...], classes: list[str], path) -> np.ndarray:
    if set(own) != set(classes):
        raise ParameterError(f"{path}: its classes {list(own)} differ from the experts' {classes}")
    return scores[:, [own.index(c) for c in classes]]


@torch.no_grad()
def _expert_probs(fused: FusedExperts, features, rows, pad_frames, batch_size: int):
    """Per clip: ``(N, S_clip)`` positive probabilities unpadded, and ``(N, S_pad)`` padded."""
    un, pad = [], []
    rows_t = torch.as_tensor(list(rows), dtype=torch.long)
    fe = features.frontend
    for s in range(0, len(rows_t), batch_size):
        x, lengths, mask = make_batch(features.db, features.n_frames, rows_t[s:s + batch_size], fe)
        p = fused(x).float().cpu().numpy()
        valid = mask.sum(dim=1).cpu().numpy()
        un.extend(p[b, :, :valid[b]] for b in range(len(p)))
        xp = torch.nn.functional.pad(x[..., :pad_frames], (0, max(0, pad_frames - x.shape[-1])))
        pad.extend(fused(xp).float().cpu().numpy())
    return un, pad


def evaluate(dataset, *, experts=(), classifiers=(), split: str = "auto", pad_frames: int | str = "auto",
             device=None, batch_size: int = 50, cache_folder="default") -> Task[EvaluationReport]:
    """Score ``experts`` (their fusions) and loaded ``classifiers`` on ``dataset``; returns a report."""
    experts, classifiers = list(experts), list(classifiers)
    if not experts and not classifiers:
        raise ParameterError("nothing to evaluate: give experts and/or classifier files")
    classes = [expert_class(e) for e in experts] if experts else list(classifiers[0].info.classes)
    if len(set(classes)) != len(classes):
        raise ParameterError(f"two experts detect the same class: {classes}")
    frontends = {m.info.frontend for m in experts + classifiers}
    if len(frontends) != 1:
        raise ParameterError("the models use different front ends")
    frontend = frontends.pop()
    ds = dataset if isinstance(dataset, Dataset) else read_dataset(dataset)
    present = [c for c in classes if c in ds.classes]
    if not present:
        raise DatasetError(f"{ds.root}: none of the models' classes {classes} is in the dataset ({list(ds.classes)})")
    skipped = [c for c in ds.classes if c not in classes]
    ds = select_classes(ds, present) if len(present) >= 2 else ds.subset(
        [i for i, c in enumerate(ds.clips) if c.label in present])
    ds, split_text, notes = _clips_to_evaluate(ds, [m.info.meta for m in experts + classifiers], split)
    dev = resolve_device(device)  # None: CUDA when available
    fs = yield from scaled(extract_features(ds, frontend, device=dev, folder=cache_folder), 0.0, 0.5)
    truth = np.array([classes.index(ds.clips[i].label) for i in fs.clip_index], dtype=np.int64)
    rows = list(range(len(fs)))
    if not rows:
        raise DatasetError(f"{ds.root}: no readable clips to evaluate")
    width = int(fs.n_frames.max())
    pad = width if pad_frames == "auto" else int(pad_frames)
    if pad < frontend.segment_frames:
        raise ParameterError(f"pad_frames must be at least one segment ({frontend.segment_frames}), got {pad}")
    report = EvaluationReport(ds.name, classes, len(rows), pad, split_text, notes=notes,
                              skipped=[list(u) for u in fs.unreadable] + [[c, "class has no model"] for c in skipped])
    results = {}
    for j, clf in enumerate(classifiers):
        kind = clf.info.kind
        module = clf.module.to(dev).eval()
        un = _scores_to_classes(clip_scores(module, fs, rows, batch_size=batch_size), clf.info.classes, classes, clf.info.path)
        pd = _scores_to_classes(clip_scores(module, fs, rows, batch_size=batch_size, pad_frames=pad),
                                clf.info.classes, classes, clf.info.path)
        results[kind.upper()] = (pd, un)
        yield Progress(0.5 + 0.4 * (j + 1) / max(1, len(classifiers)), f"evaluated {kind}")
    if experts:
        fused = FusedExperts([e.module.to(dev) for e in experts]).to(dev).eval()
        un_p, pad_p = _expert_probs(fused, fs, rows, pad, batch_size)
        for method in FUSIONS:
            results[method] = (np.stack([fuse(p, method) for p in pad_p]), np.stack([fuse(p, method) for p in un_p]))
        for k, e in enumerate(experts):
            clip_prob = np.array([p[k].mean() if p.shape[1] else 0.0 for p in un_p])
            report.detectors[e.label] = detector_scores(clip_prob, truth == k)
    for name, (pd, un) in results.items():
        report.rows.append({"model": name, "map@3_padded": map_at_k(pd, truth), "map@3": map_at_k(un, truth),
                            "accuracy_padded": accuracy(pd, truth), "accuracy": accuracy(un, truth)})
        m = confusion(un, truth)
        prec, rec = precision_recall(m)
        report.confusion[name] = m.tolist()
        report.per_class[name] = {c: {"precision": float(prec[i]), "recall": float(rec[i]), "clips": int(m[i].sum())}
                                  for i, c in enumerate(classes)}
    report.rows.sort(key=lambda r: ORDER.index(r["model"]) if r["model"] in ORDER else len(ORDER))
    yield Progress(1.0, f"evaluated {len(report.rows)} models on {len(rows)} clips")
    return report
