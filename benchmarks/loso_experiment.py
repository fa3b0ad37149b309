"""One family's across-sources folds only (no shipped files, no RELNET): a quick A/B of a training change.

    .venv/bin/python benchmarks/loso_experiment.py --family sound [--extras] [--val-by source]
                                                   [--train-set main[:drums,organ]] [--lowpass 0.3] [--tag NAME]

Same data, settings, folds and thread pinning as ``make retrain``
(:mod:`benchmarks.retrain_shipped`); ``--extras`` adds the family's
train-only renders (:mod:`benchmarks.sound_renders`), which every fold trains
on and none predicts. Prints and writes ``build/experiments/<tag>.json``:
accuracy per rule, per-class recall, wall time.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import pin_kernels  # noqa: E402

pin_kernels()  # the retrain's kernels (before torch is imported), so an experiment matches make retrain


def summary(loso: dict) -> dict:
    """Accuracy and per-class recall of every rule, rounded."""
    return {rule: {"accuracy": round(v["accuracy"], 3),
                   "recall": {c: round(s["recall"], 3) for c, s in v["per_class"].items()},
                   "confusion": v["confusion"]}
            for rule, v in loso["rules"].items()}


def recordings_only(loso: dict, dataset) -> dict:
    """Accuracy of every rule over the scored clips that are no render (``_render_`` not in the file name)."""
    import numpy as np

    pred = loso["predictions"]
    rows = [k for k, i in enumerate(pred["rows"]) if "_render_" not in dataset.clips[i].path.name]
    truth = np.array([dataset.classes.index(dataset.clips[pred["rows"][k]].label) for k in rows])
    return {"clips": len(rows), **{r: round(float((np.array(pred[r])[rows] == truth).mean()), 3)
                                   for r in ("top_segment", "top_window", "sum")}}


def _sum_calls(loso: dict, dataset):
    """Each scored clip with the class SUM called it."""
    pred = loso["predictions"]
    return [(dataset.clips[i], dataset.classes[pred["sum"][k]]) for k, i in enumerate(pred["rows"])]


def called_per_source(loso: dict, dataset) -> dict:
    """Per source: how often SUM called its clips each class (where the errors go)."""
    from collections import Counter, defaultdict

    out = defaultdict(Counter)
    for clip, called in _sum_calls(loso, dataset):
        out[clip.source_key][called] += 1
    return {s: dict(sorted(c.items())) for s, c in sorted(out.items())}


def recall_per_source(loso: dict, dataset) -> dict:
    """Per source and class: SUM's recall over that source's clips of the class (which held-out source a class fails on)."""
    from collections import Counter, defaultdict

    hits, n = Counter(), Counter()
    for clip, called in _sum_calls(loso, dataset):
        hits[(clip.source_key, clip.label)] += called == clip.label
        n[(clip.source_key, clip.label)] += 1
    out = defaultdict(dict)
    for source, label in sorted(n):
        out[source][label] = f"{hits[(source, label)]}/{n[(source, label)]}"
    return dict(out)


def fold_demo(folds: Path, *, family: str) -> dict:
    """Each fold's experts on the demo song: shares of the audible segments and 1-s windows per section."""
    from benchmarks.retrain_shipped import demo_sections
    from relstudio.core.experts.expert_file import load_expert

    out = {}
    for fold in sorted(folds.glob("fold*")):
        experts = [load_expert(p) for p in sorted(fold.rglob("*.expert.safetensors"))]
        shares = demo_sections(experts, None) if family == "genre" else demo_sections(None, experts)
        out[fold.name] = {k: v["windows_1s"] for k, v in shares.items()}
    return out


def typed_changes(text: str, *owners) -> list[dict]:
    """``key=value,…`` split among ``owners`` (the first that has the field), each value of its field's type
    (``a:b`` for a pair)."""
    out = [{} for _ in owners]
    for key, value in (kv.split("=") for kv in text.split(",") if kv):
        k = next((i for i, o in enumerate(owners) if hasattr(o, key)), None)
        if k is None:
            raise SystemExit(f"{key} is no field of {', '.join(type(o).__name__ for o in owners)}")
        current = getattr(owners[k], key)
        out[k][key] = (tuple(float(v) for v in value.split(":")) if isinstance(current, tuple)
                       else type(current)(value))
    return out


def with_settings(cfg, settings: str):
    """``cfg`` with ``key=value,…`` changes of TrainingConfig or AugmentConfig fields."""
    from benchmarks.retrain_shipped import with_changes

    augment, train = typed_changes(settings, cfg.augment, cfg)
    return with_changes(cfg, {**augment, **train})


def main(argv=None) -> int:
    from benchmarks.retrain_shipped import FOLDS, configs
    from benchmarks.shipped_data import family_dataset
    from benchmarks.render_instruments import default_out
    from benchmarks.sound_renders import CLIPS
    from relstudio.core.frontend import FrontendConfig
    from relstudio.core.progress import run_task
    from relstudio.core.threads import pin_threads
    from relstudio.core.training.cross_source import cross_source
    from relstudio.core.training.prepared import prepare

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", default="sound")
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--extras", type=int, nargs="?", const=CLIPS, default=0,
                        help=f"add the family's train-only renders (phrases per class and soundfont, default {CLIPS})")
    parser.add_argument("--extra-classes", default="", help="only these classes' renders (comma-separated)")
    parser.add_argument("--train-set", action="append", default=[],
                        help="a data set whose clips are train-only: main, or main:drums,organ (repeat for more)")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--val-by", default="group", choices=("group", "source"), help="early-stopping split")
    parser.add_argument("--lowpass", type=float, default=None, help="low-pass augmentation probability")
    parser.add_argument("--lowpass-hz", default=None, help="low-pass cut range LO,HI in Hz")
    parser.add_argument("--seed", type=int, default=None, help="training seed (default: the retrain's)")
    parser.add_argument("--frontend", default="", help="front-end changes, e.g. silence_db=-100,top_db=200")
    parser.add_argument("--set", default="", dest="settings",
                        help="training or augmentation changes, e.g. average_epochs=8,eq_db=12")
    parser.add_argument("--table", action="store_true",
                        help="each fold also trains RELNET, CONVNET, CONV-KONG (Table 1 on the held-out sources)")
    parser.add_argument("--classifier-set", default="", dest="classifier_settings",
                        help="with --table: changes to the classifiers' config, e.g. epoch_repeats=2,max_epochs=40")
    parser.add_argument("--tag", default="")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--demo", action="store_true",
                        help="apply each fold's experts to the demo song (never trained on): shares per section")
    args = parser.parse_args(argv)
    pin_threads(args.threads)
    cfg, clf_cfg = configs(False)
    clf_cfg = with_settings(clf_cfg, args.classifier_settings) if args.table else None
    cfg = cfg.replace(max_epochs=args.epochs, val_by=args.val_by)
    if args.seed is not None:
        cfg = cfg.replace(seed=args.seed)
    if args.lowpass is not None:
        cfg = cfg.replace(augment=dataclasses.replace(cfg.augment, lowpass_probability=args.lowpass))
    if args.lowpass_hz:
        cfg = cfg.replace(augment=dataclasses.replace(cfg.augment, lowpass_hz=tuple(
            float(v) for v in args.lowpass_hz.split(","))))
    cfg = with_settings(cfg, args.settings)
    build = ROOT / "build" / "retrain"
    if args.family == "instrument":
        from benchmarks.render_instruments import render

        render(default_out(), log=lambda s: None)
    ds = family_dataset(args.family, Path(args.data), default_out(), extras=args.extras,
                        extra_classes=tuple(c for c in args.extra_classes.split(",") if c) or None,
                        train_sets=tuple(args.train_set))
    t0 = time.perf_counter()
    frontend = FrontendConfig(**typed_changes(args.frontend, FrontendConfig())[0])
    prepared = run_task(prepare(ds, config=cfg, frontend=frontend, cache_folder=build / "features"))
    tag = args.tag or f"{args.family}{'-extras' if args.extras else ''}"
    folds = ROOT / "build" / "experiments" / tag
    loso = run_task(cross_source(prepared, config=cfg, k=FOLDS[args.family], family=args.family,
                                 cache_folder=build / "features",
                                 work_dir=folds if args.demo else None, classifier_config=clf_cfg,
                                 pad_frames=2 * int(prepared.features.n_frames.max())),
                    lambda p: "fold" in p.message and print(" ", p.message[:150], flush=True))
    out = {"family": args.family, "extras": args.extras, "train_sets": args.train_set, "epochs": args.epochs, "val_by": args.val_by, "seed": cfg.seed, "frontend": args.frontend, "settings": args.settings,
           "lowpass": [cfg.augment.lowpass_probability, list(cfg.augment.lowpass_hz)],
           "train_clips": len(ds), "train_only": sum(c.train_only for c in ds.clips),
           "scored_clips": loso["clips"], "wall_s": round(time.perf_counter() - t0, 1), "rules": summary(loso),
           "recordings_only": recordings_only(loso, prepared.dataset),
           "per_source": {s: round(v["sum"], 3) for s, v in loso["per_source"].items()},
           "called": called_per_source(loso, prepared.dataset),
           "recall_per_source": recall_per_source(loso, prepared.dataset),
           **({"classifier_settings": args.classifier_settings, "table": loso["table"]} if args.table else {})}
    path = ROOT / "build" / "experiments" / f"{tag}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1))  # before the demo, which a failure there must not lose
    if args.demo:
        out["demo"] = fold_demo(folds, family=args.family)
        path.write_text(json.dumps(out, indent=1))
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
