"""Classification scores: MAP@3 (DCASE 2018 Task 2), accuracy, confusion, precision and recall."""

from __future__ import annotations

import numpy as np

from relstudio.core.errors import ParameterError


def _check(scores, labels) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if s.ndim != 2 or y.shape != (s.shape[0],):
        raise ParameterError(f"scores must be (n_clips, n_classes) and labels (n_clips,), got {s.shape}, {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= s.shape[1]):
        raise ParameterError(f"labels must be class indices in [0, {s.shape[1]}), got {y.min()}…{y.max()}")
    return s, y


def ranks(scores, labels) -> np.ndarray:
    """1-based rank of the true class per clip (ties broken by class order, as a stable sort)."""
    s, y = _check(scores, labels)
    order = np.argsort(-s, axis=1, kind="stable")
    return np.argmax(order == y[:, None], axis=1) + 1


def map_at_k(scores, labels, *, k: int = 3) -> float:
    """Mean average precision at ``k`` with one true label per clip: mean of 1/rank if rank ≤ k else 0."""
    r = ranks(scores, labels)
    return float(np.mean(np.where(r <= k, 1.0 / r, 0.0))) if r.size else float("nan")


def accuracy(scores, labels) -> float:
    r = ranks(scores, labels)
    return float(np.mean(r == 1)) if r.size else float("nan")


def confusion(scores, labels) -> np.ndarray:
    """``(n_classes, n_classes)`` counts: row = true class, column = predicted (top-1)."""
    s, y = _check(scores, labels)
    c = s.shape[1]
    pred = np.argmax(s, axis=1)
    return np.bincount(y * c + pred, minlength=c * c).reshape(c, c)


def precision_recall(matrix) -> tuple[np.ndarray, np.ndarray]:
    """Per-class precision and recall from a confusion matrix (NaN where undefined)."""
    m = np.asarray(matrix, dtype=np.float64)
    tp = np.diag(m)
    with np.errstate(divide="ignore", invalid="ignore"):
        return tp / m.sum(axis=0), tp / m.sum(axis=1)


def detector_scores(positive_prob, is_positive, *, threshold: float = 0.5) -> dict:
    """Precision / recall / balanced accuracy of one expert as a clip-level detector."""
    p = np.asarray(positive_prob, dtype=np.float64) >= threshold
    t = np.asarray(is_positive, dtype=bool)
    tp, fp, fn, tn = (int(np.sum(p & t)), int(np.sum(p & ~t)), int(np.sum(~p & t)), int(np.sum(~p & ~t)))
    nan = float("nan")
    return {"precision": tp / (tp + fp) if tp + fp else nan, "recall": tp / (tp + fn) if tp + fn else nan,
            "specificity": tn / (tn + fp) if tn + fp else nan,
            "balanced_accuracy": (tp / max(tp + fn, 1) + tn / max(tn + fp, 1)) / 2 if (tp + fn and tn + fp) else nan,
            "tp": tp, "fp": fp, "fn": fn, "tn": tn}
