"""``relstudio train`` and ``relstudio evaluate``: thin wrappers over :mod:`relstudio.core.training`.

Ctrl-C stops cleanly: files are only written when a stage finished, through
temp file + rename. Without a terminal, progress is one line per 10 epochs
(and the last) on stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path

from relstudio.cli.common import add_device_option, add_library_option, load_experts, open_library, progress_bar
from relstudio.core.errors import ParameterError
from relstudio.core.training.config import AUGMENT_PRESETS, TrainingConfig


def _log_epochs(p) -> None:
    m = p.metrics
    if m.get("epoch") and (m["epoch"] % 10 == 0 or not m.get("active")):
        print(p.message, file=sys.stderr, flush=True)


def _config(args):
    changes = {k: v for k, v in {"max_epochs": args.max_epochs, "patience": args.patience,
                                 "min_delta": args.min_delta, "batch_size": args.batch_size,
                                 "learning_rate": args.lr, "seed": args.seed, "val_fraction": args.val_fraction,
                                 "test_fraction": args.test_fraction}.items() if v is not None}
    if args.test_groups:
        changes["test_groups"] = tuple(g.strip() for g in args.test_groups.split(",") if g.strip())
    changes["augment"] = args.augment  # a preset name (AugmentConfig.named)
    return TrainingConfig(**changes)


def cmd_train(args) -> int:
    from relstudio.core.device import choose_device, describe
    from relstudio.core.frontend import FrontendConfig
    from relstudio.core.threads import fit_torch_threads, set_ceiling
    from relstudio.core.training.pipeline import train
    from relstudio.core.training.scan import scan_dataset

    device = choose_device(args.device)
    if device.type == "cpu":
        set_ceiling(args.threads)  # 0: the free cores (core/threads.py)
        fit_torch_threads()
    config = _config(args)
    frontend = FrontendConfig.paper() if args.frontend == "paper" else FrontendConfig()
    summary = scan_dataset(args.dataset, classes=args.classes, config=config)
    print(summary.describe(), file=sys.stderr)
    print(f"training on {describe(device)}; results in {args.out}", file=sys.stderr)
    report = progress_bar(train(args.dataset, classes=args.classes, out_dir=Path(args.out), config=config,
                                frontend=frontend, device=device,
                                relnet=args.relnet, baselines=args.baselines, family=args.family or ""),
                          desc="train", on_progress=_log_epochs)
    print(report.summary())
    return 0


def _load_models(args, device):
    """(experts, classifiers) from --models DIR, --experts, --relnet and --classifiers."""
    from relstudio.core.experts.expert_file import EXPERT_SUFFIX
    from relstudio.core.experts.library import ExpertLibrary
    from relstudio.core.experts.relnet_file import (CLASSIFIER_SUFFIX, RELNET_SUFFIX, find_experts, load_classifier,
                                                     read_classifier_info)

    folder = Path(args.models) if args.models else None
    if folder is not None and not folder.is_dir():
        raise ParameterError(f"--models {folder}: no such folder")
    library = ExpertLibrary([(folder, "user")]) if folder is not None else open_library(args)
    relnet = args.relnet or (next(iter(sorted(folder.glob(f"*{RELNET_SUFFIX}"))), None) if folder else None)
    if args.experts:
        experts = load_experts(library, args.experts, device=device)
    elif relnet:
        experts = [library.load(e, device=device) for e in find_experts(read_classifier_info(relnet), library)]
    elif folder is not None:
        experts = [library.load(e, device=device) for e in library.usable() if e.path.name.endswith(EXPERT_SUFFIX)]
    else:
        raise ParameterError("say which models to evaluate: --models DIR, --experts NAME|PATH …, or --relnet FILE")
    files = ([Path(relnet)] if relnet else []) + [Path(p) for p in args.classifiers or []]
    if folder is not None and not args.classifiers:
        files += sorted(folder.glob(f"*{CLASSIFIER_SUFFIX}"))
    classifiers = [load_classifier(p, experts=experts, device=device) for p in files]
    return experts, classifiers


def cmd_evaluate(args) -> int:
    from relstudio.core.device import choose_device
    from relstudio.core.fileio import atomic_write_bytes
    from relstudio.core.training.evaluate import evaluate

    device = choose_device(args.device)
    experts, classifiers = _load_models(args, device)
    pad = "auto" if args.pad_frames in (None, "auto") else int(args.pad_frames)
    report = progress_bar(evaluate(args.dataset, experts=experts, classifiers=classifiers, split=args.split,
                                   pad_frames=pad, device=device), desc="evaluate", on_progress=_log_epochs)
    text = report.markdown()
    sys.stdout.write(text)
    prefix = Path(args.output) if args.output else Path(f"{report.dataset}-evaluation")
    atomic_write_bytes(prefix.with_name(prefix.name + ".md"), text.encode("utf-8"))
    atomic_write_bytes(prefix.with_name(prefix.name + ".csv"), report.csv().encode("utf-8"))
    print(f"wrote {prefix}.md and {prefix}.csv", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    t = subparsers.add_parser("train", help="train one expert per class (and RELNET) from a labelled folder or CSV")
    t.add_argument("dataset", help="folder root/<class>/* (manifest.csv with groups honoured) or CSV path,label[,group]")
    t.add_argument("--out", required=True, help="folder for the model files and training_report.json")
    t.add_argument("--classes", help="comma-separated subset of classes (default: all)")
    t.add_argument("--relnet", action="store_true", help="also train RELNET (experts frozen)")
    t.add_argument("--baselines", action="store_true", help="also train the CONVNET and CONV-KONG baselines")
    t.add_argument("--family", help="name prefix: files FAMILY-CLASS.expert.safetensors, labels 'CLASS (FAMILY)'")
    add_device_option(t)
    t.add_argument("--max-epochs", type=int, help="at most this many epochs (paper: 1000)")
    t.add_argument("--patience", type=int, help="early-stopping patience in epochs (paper: 50)")
    t.add_argument("--min-delta", type=float, help="minimum validation-loss improvement (paper: 0.05)")
    t.add_argument("--batch-size", type=int, help="clips per batch (paper: 100)")
    t.add_argument("--lr", type=float, help="Adam learning rate (default 0.001)")
    t.add_argument("--seed", type=int, help="random seed (default 0)")
    t.add_argument("--val-fraction", type=float, help="share of training clips for early stopping (0.2)")
    t.add_argument("--test-fraction", type=float, help="share of clips held out for evaluate, by group (0.2)")
    t.add_argument("--test-groups", help="comma-separated groups always held out for testing (e.g. a demo song)")
    t.add_argument("--augment", choices=AUGMENT_PRESETS, default="none",
                   help="random EQ tilt, time shift, crop and noise on training batches (default none)")
    t.add_argument("--frontend", choices=["default", "paper"], default="default",
                   help="mel bands: all 128 bins (default) or the paper's lowest 100")
    t.add_argument("--threads", type=int, default=0, help="at most this many CPU threads for torch (default: the free cores)")
    t.set_defaults(func=cmd_train)

    e = subparsers.add_parser("evaluate", help="Table 1: MAP@3 and accuracy of RELNET, baselines and expert fusions")
    e.add_argument("dataset", help="labelled folder or CSV")
    e.add_argument("--models", metavar="DIR", help="a 'relstudio train' output folder (experts, RELNET, baselines)")
    e.add_argument("--experts", nargs="+", metavar="NAME|PATH", help="experts by label, file name or path")
    add_library_option(e, help="expert folders instead of the default library")
    e.add_argument("--relnet", metavar="FILE", help="a .relnet.safetensors file (its experts are found by fingerprint)")
    e.add_argument("--classifiers", nargs="+", metavar="FILE", help="CONVNET / CONV-KONG .classifier.safetensors files")
    e.add_argument("--split", choices=["auto", "test", "all"], default="auto",
                   help="auto: the models' held-out clips when DATASET is their training set, else all clips")
    e.add_argument("--pad-frames", help="padded test length in frames (default auto: the longest evaluated clip)")
    add_device_option(e)
    e.add_argument("-o", "--output", metavar="PREFIX", help="write PREFIX.md and PREFIX.csv (default DATASET-evaluation)")
    e.set_defaults(func=cmd_evaluate)
