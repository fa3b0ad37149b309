"""What a dataset holds before training: classes, clip counts, groups, unreadable files, the split."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from relstudio.core.errors import AudioReadError
from relstudio.core.progress import Progress, Task, run_task
from relstudio.core.training.config import TrainingConfig
from relstudio.core.training.dataset import Dataset, read_dataset
from relstudio.core.training.split import Split, split_dataset


@dataclass(frozen=True, eq=False)
class DatasetSummary:
    """A labelled dataset as the training wizard shows it."""

    dataset: Dataset
    counts: dict  # class → clips
    groups: dict  # class → distinct groups
    unreadable: tuple[tuple[str, str], ...]  # (relative path, reason)
    split: Split
    split_counts: dict = field(default_factory=dict)  # class → {"train", "val", "test"}

    @property
    def classes(self) -> tuple[str, ...]:
        return self.dataset.classes

    def to_dict(self) -> dict:
        return {"dataset": self.dataset.name, "root": str(self.dataset.root),
                "dataset_fingerprint": self.dataset.fingerprint, "classes": list(self.classes),
                "counts": dict(self.counts), "groups": dict(self.groups),
                "unreadable": [list(u) for u in self.unreadable], "missing": list(self.dataset.missing),
                "notes": list(self.dataset.notes),
                "split": self.split.to_dict(), "split_counts": dict(self.split_counts)}

    def describe(self) -> str:
        lines = [f"{self.dataset.name}: {len(self.dataset)} clips, {len(self.classes)} classes"]
        for c in self.classes:
            s = self.split_counts.get(c, {})
            lines.append(f"  {c:<16} {self.counts[c]:>5} clips {self.groups[c]:>4} groups   "
                         f"train {s.get('train', 0)} / val {s.get('val', 0)} / test {s.get('test', 0)}"
                         f"  (split by {self.split.by.get(c, '?')})")
        for note in self.dataset.notes + tuple(self.split.notes):
            lines.append(f"  note: {note}")
        if self.unreadable:
            lines.append(f"  {len(self.unreadable)} unreadable files skipped:")
            lines.extend(f"    {p}: {why}" for p, why in self.unreadable)
        return "\n".join(lines)


def check_readable(path: Path) -> str:
    """``""`` when ``path`` looks decodable, else the reason (header check; full decode as fallback)."""
    import soundfile as sf

    try:
        if path.stat().st_size == 0:
            return "file is empty (0 bytes)"
        info = sf.info(str(path))
        if info.frames <= 0 and info.duration <= 0:
            return "contains no audio samples"
        return ""
    except OSError as exc:
        return f"cannot read ({exc.strerror or exc})"
    except Exception:
        pass
    from relstudio.core.audio import load_audio

    try:
        load_audio(path, rate=8000)
        return ""
    except AudioReadError as exc:
        return exc.problem
    except Exception as exc:  # noqa: BLE001 — one undecodable file never aborts a scan; it is listed
        return f"not a readable audio file ({type(exc).__name__}: {str(exc)[:200]})"


def split_counts(dataset: Dataset, split: Split) -> dict:
    out = {c: {"train": 0, "val": 0, "test": 0} for c in dataset.classes}
    for side in ("train", "val", "test"):
        for i in getattr(split, side):
            out[dataset.clips[i].label][side] += 1
    return out


def scan_dataset_task(path, *, classes=None, config: TrainingConfig = TrainingConfig(),
                      check_audio: bool = True) -> Task[DatasetSummary]:
    """Read a dataset, check every file's header, and split what is readable (generator task)."""
    dataset = path if isinstance(path, Dataset) else read_dataset(path, classes=classes)
    bad, keep = [], []
    n = len(dataset.clips)
    for i, clip in enumerate(dataset.clips):
        why = check_readable(clip.path) if check_audio else ""
        if why:
            bad.append((dataset.relative(clip), why))
        else:
            keep.append(i)
        if i % 25 == 24 or i == n - 1:
            yield Progress((i + 1) / n, f"checked {i + 1} of {n} files")
    usable = dataset.subset(keep)
    split = split_dataset(usable, val_fraction=config.val_fraction, test_fraction=config.test_fraction,
                          seed=config.seed, test_groups=config.test_groups, unit=config.val_by)
    return DatasetSummary(usable, usable.counts(), usable.groups(), tuple(bad), split, split_counts(usable, split))


def scan_dataset(path, *, classes=None, config: TrainingConfig = TrainingConfig(),
                 check_audio: bool = True) -> DatasetSummary:
    """:func:`scan_dataset_task` run to its end."""
    return run_task(scan_dataset_task(path, classes=classes, config=config, check_audio=check_audio))
