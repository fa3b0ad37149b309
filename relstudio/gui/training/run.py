"""One training run of the wizard as a plain generator (no Qt; testable without a window).

``run_training`` drives the very same core generator as ``relstudio train``
(:func:`relstudio.core.training.pipeline.train`, same dataset, settings and
front end → the same weights), into a private staging folder. Reviewed
segments, when asked for, are cut into clips there and trained on with the
dataset (:mod:`relstudio.core.training.reviewed`). The held-out test clips
are then scored (:func:`relstudio.core.training.evaluate.evaluate`) and the
finished models are published with one folder rename into the user's expert
folder (:func:`relstudio.core.training.publish.publish_folder`). Cancel (closing
the generator) or an error removes the staging folder: nothing half-written,
nothing published.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from relstudio.core.experts.expert_file import EXPERT_SUFFIX
from relstudio.core.frontend import FrontendConfig
from relstudio.core.progress import Progress, Task, scaled
from relstudio.core.training.config import AugmentConfig, TrainingConfig
from relstudio.core.training.dataset import Dataset
from relstudio.core.training.publish import publish_folder, slug

PRESETS = {  # name → (description, the TrainingConfig constructor of that preset); the first is the default
    "recommended": ("Recommended (the shipped experts' settings): full augmentation, silence and noise negatives, "
                    "lr 0.002, batches of 32, up to 150 epochs, patience 25, weights averaged over 8 epochs",
                    TrainingConfig.recommended),
    "paper": ("Paper §3.1: Adam lr 0.001, batches of 100, up to 1000 epochs, patience 50, Δ 0.05",
              TrainingConfig.paper),
    "quick": ("Quick (the shipped models' settings): lr 0.002, batches of 32, up to 60 epochs, patience 15",
              TrainingConfig.quick),
}


def preset_config(name: str, **changes) -> TrainingConfig:
    """The settings of preset ``name`` (a key of :data:`PRESETS`) with ``changes`` applied (``augment``: a
    name of :data:`~relstudio.core.training.config.AUGMENT_PRESETS`)."""
    augment = changes.pop("augment", None)
    if isinstance(augment, str):
        changes["augment"] = AugmentConfig.named(augment)
    elif augment is not None:
        changes["augment"] = augment
    return PRESETS[name][1](**changes)


@dataclass(frozen=True, eq=False)
class TrainingRequest:
    """Everything one queued training needs (the dataset is the wizard's scanned, readable clips)."""

    dataset: Dataset
    classes: tuple[str, ...]
    config: TrainingConfig = TrainingConfig()
    frontend: FrontendConfig = FrontendConfig()
    device: str = "cpu"
    relnet: bool = True
    baselines: bool = True
    family: str = ""
    reviewed: tuple = ()  # ReviewLayer objects whose positive marks join the data
    colours: dict = field(default_factory=dict)  # class → colour (metadata only; the weights do not depend on it)

    @property
    def name(self) -> str:
        return self.family or self.dataset.name


@dataclass
class TrainingOutcome:
    report: object  # TrainingReport, paths pointing at the published files
    evaluation: object | None  # EvaluationReport on the held-out clips, or None
    folder: Path
    experts: list[Path] = field(default_factory=list)
    relnet: Path | None = None
    notes: list[str] = field(default_factory=list)
    kept: Path | None = None  # the staging folder, kept when it holds the reviewed clips the models name

    def discard(self) -> None:
        """Remove everything this run published (a run cancelled just as it finished)."""
        for folder in (self.folder, self.kept):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)


def _training_data(request: TrainingRequest, staging: Path) -> Task[Dataset]:
    from relstudio.core.training.reviewed import cut_reviewed, union_dataset

    ds = request.dataset
    extra = []
    if request.reviewed:
        extra = yield from cut_reviewed(request.reviewed, folder=staging / "reviewed", classes=request.classes,
                                        rate=request.frontend.sample_rate)
    return union_dataset(ds, extra, classes=request.classes)


def run_training(request: TrainingRequest, *, experts_root, staging_root) -> Task[TrainingOutcome]:
    """Train, evaluate on the held-out clips and publish into ``experts_root/<family>``; yields progress."""
    from relstudio.core.device import choose_device
    from relstudio.core.experts.expert_file import load_expert
    from relstudio.core.experts.relnet_file import load_classifier
    from relstudio.core.training.evaluate import evaluate
    from relstudio.core.training.pipeline import train
    from relstudio.core.training.reports import REPORT_NAME

    staging_root, experts_root = Path(staging_root), Path(experts_root)
    staging_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{slug(request.name)}-", dir=staging_root))
    published = None
    try:
        data = yield from scaled(_training_data(request, staging), 0.0, 0.02)
        device = choose_device(request.device)
        models = staging / "models"
        report = yield from scaled(train(data, out_dir=models, config=request.config, frontend=request.frontend,
                                         device=device, relnet=request.relnet, baselines=request.baselines,
                                         family=request.family, colours=request.colours or None), 0.02, 0.93)
        notes = list(report.notes)
        evaluation = None
        expert_paths = [Path(p) for p in report.models.values() if str(p).endswith(EXPERT_SUFFIX)]
        if report.data.get("test_clips"):
            experts = [load_expert(p, device=device) for p in expert_paths]
            others = [Path(p) for k, p in report.models.items() if not str(p).endswith(EXPERT_SUFFIX)]
            classifiers = [load_classifier(p, experts=experts, device=device) for p in others]
            yield Progress(0.93, "scoring the held-out test clips")
            evaluation = yield from scaled(evaluate(data, experts=experts, classifiers=classifiers, split="test",
                                                    device=device), 0.93, 0.99)
        else:
            notes.append("no held-out test clips (test fraction 0): no held-out scores")
        yield Progress(0.995, f"saving {len(report.models)} models")  # the last point where a cancel lands
        published = publish_folder(models, root=experts_root, name=slug(request.name))
        report.models = {k: published / Path(p).name for k, p in report.models.items()}
        report.write(published)  # the report names the published files
        relnet = next((p for k, p in report.models.items() if k == "relnet"), None)
        kept = staging if (staging / "reviewed").is_dir() else None
        return TrainingOutcome(report, evaluation, published, [published / p.name for p in expert_paths], relnet,
                               notes, kept)
    finally:
        keep_reviewed = published is not None and (staging / "reviewed").is_dir()
        if keep_reviewed:  # the experts' metadata names these clips: keep them, drop the rest
            shutil.rmtree(staging / "models", ignore_errors=True)
            (staging / REPORT_NAME).unlink(missing_ok=True)
        else:
            shutil.rmtree(staging, ignore_errors=True)
