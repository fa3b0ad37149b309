"""The whole training run the CLI and the GUI wizard share: data → experts → RELNET (→ baselines).

Same data and settings give the same files whoever drives the generator.
The output is all-or-nothing: every file is written into a hidden staging
folder beside ``out_dir`` (:func:`relstudio.core.staging.staged_output`) and
moved in when the whole run completed; a cancel, an error or a kill leaves
``out_dir`` as it was (``out_dir`` is checked writable before any work).
"""

from __future__ import annotations

import time
from pathlib import Path

from relstudio.core.device import resolve_device
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.frontend import FrontendConfig
from relstudio.core.nets.relnet import CONVKONG, CONVNET, RELNET
from relstudio.core.progress import Progress, Task, scaled
from relstudio.core.staging import staged_output
from relstudio.core.training.config import TrainingConfig
from relstudio.core.training.expert_training import train_experts
from relstudio.core.training.prepared import prepare
from relstudio.core.training.relnet_training import train_classifiers
from relstudio.core.training.reports import TrainingReport


def train(dataset, *, out_dir, classes=None, config: TrainingConfig = TrainingConfig(),
          frontend: FrontendConfig = FrontendConfig(), device=None, relnet: bool = True, baselines: bool = False,
          family: str = "", colours: dict | None = None, cache_folder="default",
          classifier_config: TrainingConfig | None = None) -> Task[TrainingReport]:
    """Train experts (and RELNET / CONVNET / CONV-KONG) on ``dataset``; writes ``training_report.json``.

    ``classifier_config`` (default: ``config``) sets the second stage's epochs etc.;
    the split always follows the experts' held-out clips.

    Progress metrics carry ``stage`` (``experts``, ``relnet``, ``convnet``,
    ``convkong``), ``epoch`` and per-model ``train_loss`` / ``val_loss``.
    """
    out_dir = Path(out_dir)
    with staged_output(out_dir) as staging:
        report = yield from _train_into(staging, dataset, classes=classes, config=config, frontend=frontend,
                                        device=device, relnet=relnet, baselines=baselines, family=family,
                                        colours=colours, cache_folder=cache_folder,
                                        classifier_config=classifier_config)
        report.models = {k: out_dir / Path(p).name for k, p in report.models.items()}
        path = report.write(staging)  # names the files where they will be
    yield Progress(1.0, f"wrote {len(report.models)} models and {path.name} in {out_dir}")
    return report


def _train_into(out_dir, dataset, *, classes, config, frontend, device, relnet, baselines, family, colours,
                cache_folder, classifier_config) -> Task[TrainingReport]:
    t0 = time.perf_counter()
    dev = resolve_device(device)  # None: CUDA when available
    prepared = yield from scaled(prepare(dataset, classes=classes, config=config, frontend=frontend, device=dev,
                                         cache_folder=cache_folder), 0.0, 0.05)
    t_features = time.perf_counter() - t0
    kinds = ((RELNET,) if relnet else ()) + ((CONVNET, CONVKONG) if baselines else ())
    split_at = 0.05 + 0.9 / (1 + 0.6 * len(kinds))
    report = yield from scaled(train_experts(prepared.dataset, out_dir=out_dir, config=config, device=dev,
                                             family=family, colours=colours, prepared=prepared), 0.05, split_at)
    report.seconds["features"] = t_features
    if kinds:
        experts = [load_expert(report.models[label], device=dev) for label in report.models]
        second = yield from scaled(train_classifiers(prepared.dataset, out_dir=out_dir, experts=experts, kinds=kinds,
                                                     config=classifier_config or config, device=dev,
                                                     family=family, prepared=prepared),
                                   split_at, 0.99)
        second.seconds.pop("features", None)
        report.merge(second)
    report.seconds["total"] = time.perf_counter() - t0
    return report
