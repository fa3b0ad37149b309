"""A dataset made ready for training: features once, readable clips only, the split by group."""

from __future__ import annotations

from dataclasses import dataclass

from relstudio.core.frontend import FrontendConfig
from relstudio.core.progress import Progress, Task
from relstudio.core.training.config import TrainingConfig
from relstudio.core.training.dataset import Dataset, read_dataset, select_classes
from relstudio.core.training.feature_cache import FeatureSet, extract_features
from relstudio.core.training.scan import split_counts
from relstudio.core.training.split import Split, repeated, source_balanced, split_dataset


@dataclass(frozen=True, eq=False)
class Prepared:
    """``features`` rows are the clips of ``dataset`` (unreadable ones already dropped)."""

    dataset: Dataset
    features: FeatureSet
    split: Split
    unreadable: tuple[tuple[str, str], ...]

    @property
    def classes(self) -> tuple[str, ...]:
        return self.dataset.classes

    def clip_names(self, rows) -> list[str]:
        return [self.dataset.relative(self.dataset.clips[r]) for r in rows]

    def epoch_rows(self, rows, config: TrainingConfig) -> tuple[int, ...]:
        """An epoch's training rows: ``rows`` balanced across each class's sources
        (``config.source_balance``), then every row ``config.epoch_repeats`` times."""
        labels = self.features.labels.cpu().tolist()
        sources = [self.dataset.clips[c].source_key for c in self.features.clip_index]
        return repeated(source_balanced(rows, labels, sources, config.source_balance), config.epoch_repeats)

    def data_summary(self) -> dict:
        """The data part of every model file's metadata (counts, groups, split, held-out clips)."""
        ds = self.dataset
        return {"dataset": ds.name, "dataset_fingerprint": ds.fingerprint, "classes": list(ds.classes),
                "counts": ds.counts(), "groups": ds.groups(), "split": self.split.to_dict(),
                "split_counts": split_counts(ds, self.split), "test_clips": self.clip_names(self.split.test),
                "unreadable": [list(u) for u in self.unreadable], "licences": ds.licences()}


def prepare(dataset, *, classes=None, config: TrainingConfig = TrainingConfig(),
            frontend: FrontendConfig = FrontendConfig(), device=None, cache_folder="default") -> Task[Prepared]:
    """Read, extract features (cached) and split; yields progress, returns :class:`Prepared`."""
    if not isinstance(dataset, Dataset):
        dataset = read_dataset(dataset, classes=classes)
    elif classes:
        dataset = select_classes(dataset, classes)
    yield Progress(0.0, f"reading {len(dataset)} clips of {dataset.name}")
    raw = yield from extract_features(dataset, frontend, device=device, folder=cache_folder)
    usable = dataset.subset(raw.clip_index)
    features = FeatureSet(usable, frontend, raw.db, raw.n_frames, raw.labels, tuple(range(len(usable))),
                          raw.unreadable)
    split = split_dataset(usable, val_fraction=config.val_fraction, test_fraction=config.test_fraction,
                          seed=config.seed, test_groups=config.test_groups, unit=config.val_by)
    return Prepared(usable, features, split, raw.unreadable)
