"""What a training run returns and writes next to its models (``training_report.json``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from relstudio.core.fileio import atomic_write_bytes

REPORT_NAME = "training_report.json"


@dataclass
class TrainingReport:
    """Paths written, the data used, per-model fit results and validation scores.

    ``models`` maps a model name (expert label, ``relnet``, ``convnet``,
    ``convkong``) to its file path; ``fits`` to :meth:`FitResult.to_dict`;
    ``validation`` to scores on the validation split.
    """

    dataset: str
    classes: list[str]
    device: str
    config: dict
    data: dict
    models: dict = field(default_factory=dict)
    fits: dict = field(default_factory=dict)
    validation: dict = field(default_factory=dict)
    unreadable: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"dataset": self.dataset, "classes": self.classes, "device": self.device, "config": self.config,
                "data": self.data, "models": {k: str(v) for k, v in self.models.items()}, "fits": self.fits,
                "validation": self.validation, "unreadable": self.unreadable, "seconds": self.seconds,
                "notes": self.notes}

    def merge(self, other: "TrainingReport") -> "TrainingReport":
        """This report with another stage's models, fits, scores and timings added."""
        self.models.update(other.models)
        self.fits.update(other.fits)
        self.validation.update(other.validation)
        self.seconds.update(other.seconds)
        self.notes.extend(n for n in other.notes if n not in self.notes)
        return self

    def write(self, folder) -> Path:
        path = Path(folder) / REPORT_NAME
        atomic_write_bytes(path, json.dumps(self.to_dict(), indent=1, sort_keys=True).encode())
        return path

    def summary(self) -> str:
        lines = [f"trained on {self.dataset} ({', '.join(self.classes)}) on {self.device}"]
        for name, path in self.models.items():
            fit = self.fits.get(name, {})
            val = self.validation.get(name, {})
            score = " ".join(f"{k} {v:.3f}" for k, v in val.items() if isinstance(v, float))
            best = fit.get("best_epoch", "?")
            best = best[0] if isinstance(best, list) and len(best) == 1 else best
            lines.append(f"  {name:<22} best epoch {best} of {fit.get('epochs', '?')}"
                         f"  val {score}  → {path}")
        if self.unreadable:
            lines.append(f"  skipped {len(self.unreadable)} unreadable files:")
            lines.extend(f"    {p}: {why}" for p, why in self.unreadable)
        lines.extend(f"  note: {n}" for n in self.notes)
        lines.append("  seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in self.seconds.items()))
        return "\n".join(lines)


def licence_text(data: dict) -> str:
    """Licences of the training data per class, from the dataset's manifest (empty when unknown)."""
    return "; ".join(f"{c}: {', '.join(v)}" for c, v in data.get("licences", {}).items() if v)


def delete_quietly(paths) -> None:
    """Remove files written by a run that did not finish (cancel, Ctrl-C, error)."""
    for p in paths:
        try:
            Path(p).unlink()
        except OSError:
            pass
