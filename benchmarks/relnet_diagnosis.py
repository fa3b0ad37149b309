"""Why RELNET ranks below SUM on the sound family's held-out sources: inference on ``make retrain``'s fold models.

    PYTHONPATH=. .venv/bin/python benchmarks/relnet_diagnosis.py [--build build/retrain] [--data ../shared/data]
                                                                  [--train-sample 150] > /tmp/relnet_diagnosis.txt

For each fold of ``build/retrain/sound/folds/fold<j>`` (sources dealt as :func:`source_folds` dealt them for
Table 1) the fold's experts, RELNET and CONVNET score the fold's held-out clips (train-only clips never):

(a) without padding (each clip at its own length): accuracy and MAP@3 of SUM, RV, CONVNET, RELNET, RELNET's
    classifier branch with uniform segment weights (``BRANCH (uniform)``) and the experts' own per-segment
    probabilities, normalised over the experts, weighted by R_max (``EXPERTS x R_max``);
(b) with padding (every clip zero-padded to the Table-1 length, 2 x the longest clip of the data set, as
    ``make retrain``): the share of each clip's R_max weight on padded segments (those not computed from real
    frames only), the mean R_max on padded and on real segments, and RELNET / SUM / branch accuracy;
(c) RELNET, its branch and CONVNET on up to ``--train-sample`` of the fold's own (non-train-only) training clips
    against the held-out clips (without padding).

It also prints the Table-1 rows of :func:`evaluate` (the code path of ``make retrain``) pooled over the folds, to
check against trained_experts/README.md. Inference only, one torch thread; nothing is trained or written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import pin_kernels  # noqa: E402

pin_kernels()  # the kernels make retrain ran with

import numpy as np  # noqa: E402
import torch  # noqa: E402

NAMES = ("SUM", "RV", "CONVNET", "RELNET", "BRANCH (uniform)", "EXPERTS x R_max")


def load_fold(*, folder: Path):
    """The fold's experts (class order) and its classifiers by kind."""
    from relstudio.core.experts.expert_file import load_expert
    from relstudio.core.experts.relnet_file import load_classifier

    experts = [load_expert(p) for p in sorted(folder.glob("*.expert.safetensors"))]
    return experts, {c.info.kind.upper(): c for c in (load_classifier(p, experts=experts)
                                                     for p in sorted(folder.glob("*.safetensors"))
                                                     if not p.name.endswith(".expert.safetensors"))}


@torch.no_grad()
def segment_outputs(*, relnet, order, features, rows, pad, batch_size: int = 50) -> list[dict]:
    """Per clip: experts' probs ``(N, S)``, RELNET branch ``(S, C)`` (expert class order) and R_max ``(S,)``,
    unpadded (``un``) and padded to ``pad`` frames (``pad``); ``real``: the unpadded segment count."""
    from relstudio.core.training.augment import make_batch

    out, rows_t = [], torch.as_tensor(list(rows), dtype=torch.long)
    for s in range(0, len(rows_t), batch_size):
        x, _, mask = make_batch(features.db, features.n_frames, rows_t[s:s + batch_size], features.frontend)
        xp = torch.nn.functional.pad(x[..., :pad], (0, max(0, pad - x.shape[-1])))
        parts = {}
        for key, inp in (("un", x), ("pad", xp)):
            experts = relnet.relevance_branch(inp).float().numpy()
            branch, rel = relnet.segment_outputs(inp)
            parts[key] = (experts, branch.float().numpy()[..., order], rel.float().numpy())
        valid = mask.sum(dim=1).numpy()
        (e, br, r), (ep, brp, rp) = parts["un"], parts["pad"]
        out += [{"real": int(n), "un": (e[b, :, :n], br[b, :n], r[b, :n]), "pad": (ep[b], brp[b], rp[b])}
                for b, n in enumerate(valid)]
    return out


def clip_scores_of(*, seg, which: str) -> dict:
    """``(n_clips, C)`` scores of every model in :data:`NAMES` but CONVNET from :func:`segment_outputs`."""
    from relstudio.core.classification import clip_scores
    from relstudio.core.relevance import fuse, relevance

    def experts_rmax(p):
        dist = p / np.clip(p.sum(axis=0, keepdims=True), 1e-30, None)
        return clip_scores(dist.T, relevance(p))

    rules = {"SUM": lambda e, b, r: fuse(e, "SUM"), "RV": lambda e, b, r: fuse(e, "RV"),
             "RELNET": lambda e, b, r: clip_scores(b, r), "BRANCH (uniform)": lambda e, b, r: clip_scores(b, 0 * r),
             "EXPERTS x R_max": lambda e, b, r: experts_rmax(e)}
    return {name: np.stack([f(*s[which]) for s in seg]) for name, f in rules.items()}


def measure_fold(*, folder: Path, features, classes, test, train, pad) -> dict:
    """Scores, truths and padded-segment relevance of one fold (see the module docstring)."""
    from relstudio.core.training.evaluate import _scores_to_classes
    from relstudio.core.training.relnet_training import clip_scores

    experts, clfs = load_fold(folder=folder)
    relnet, conv = clfs["RELNET"], clfs["CONVNET"]
    order = [list(relnet.info.classes).index(c) for c in classes]
    truth = {k: features.labels[r].numpy() for k, r in (("test", test), ("train", train))}
    seg = segment_outputs(relnet=relnet.module.eval(), order=order, features=features, rows=test, pad=pad)
    tr = segment_outputs(relnet=relnet.module.eval(), order=order, features=features, rows=train, pad=pad)
    conv_un = {k: _scores_to_classes(clip_scores(conv.module.eval(), features, r), conv.info.classes, classes, "")
               for k, r in (("test", test), ("train", train))}
    pad_rel = [s["pad"][2] for s in seg]
    with torch.no_grad():  # pure padding: an all-zero input, the middle segment
        zeros = torch.zeros(1, features.frontend.n_mels, 4 * features.frontend.segment_frames)
        zero_p = relnet.module.relevance_branch(zeros)[0, :, 2].numpy()
    return {"truth": truth, "un": {**clip_scores_of(seg=seg, which="un"), "CONVNET": conv_un["test"]},
            "pad": clip_scores_of(seg=seg, which="pad"),
            "train": {**clip_scores_of(seg=tr, which="un"), "CONVNET": conv_un["train"]},
            "share": np.array([r[s["real"]:].sum() / max(r.sum(), 1e-12) for r, s in zip(pad_rel, seg)]),
            "seg_share": np.array([1 - s["real"] / len(r) for r, s in zip(pad_rel, seg)]),
            "r_pad": np.concatenate([r[s["real"]:] for r, s in zip(pad_rel, seg)]),
            "r_real": np.concatenate([r[:s["real"]] for r, s in zip(pad_rel, seg)]),
            "pad_winner": np.concatenate([s["pad"][1][s["real"]:].argmax(axis=1) for s in seg]),
            "epochs": epochs(models=[relnet, conv], experts=experts),
            "zero_p": zero_p, "experts": experts, "clfs": list(clfs.values())}


def epochs(*, models, experts) -> str:
    """Best epoch / max epochs x passes an epoch of the classifiers, and the experts' range."""
    t = [m.info.meta["training"] for m in models]
    e = [x.info.meta["training"] for x in experts]
    return ", ".join(f"{m.info.kind} {x['best_epoch']}/{x['max_epochs']}x{x['epoch_repeats']}" for m, x in zip(models, t)) + \
        f", experts {min(x['best_epoch'] for x in e)}-{max(x['best_epoch'] for x in e)}/{e[0]['max_epochs']}x{e[0]['epoch_repeats']}"


def pooled(*, folds: list[dict], part: str, key: str):
    """One measure concatenated over folds."""
    return np.concatenate([f[part][key] if part else f[key] for f in folds])


def table(*, title: str, rows: dict, cols: list[str]) -> str:
    lines = [f"**{title}**", "", "| measure | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
    lines += [f"| {name} | " + " | ".join(vals) + " |" for name, vals in rows.items()]
    return "\n".join(lines) + "\n"


def winners(won, classes) -> str:
    """Classes that win at least 5 % of ``won`` (segment winners)."""
    share = np.bincount(won, minlength=len(classes)) / max(1, len(won))
    return ", ".join(f"{c} {v:.0%}" for c, v in zip(classes, share) if v >= 0.05)


def report(*, folds: list[dict], classes) -> str:
    from relstudio.core.relevance import relevance
    from relstudio.core.training.metrics import accuracy, map_at_k

    sets = [("pooled", folds)] + [(f"fold{j}", [f]) for j, f in enumerate(folds)]
    cols = [f"{n} ({sum(len(f['truth']['test']) for f in fs)} clips)" for n, fs in sets]
    y = {n: pooled(folds=fs, part="truth", key="test") for n, fs in sets}
    yt = {n: pooled(folds=fs, part="truth", key="train") for n, fs in sets}

    def both(part, name, truth):
        return [f"{accuracy(pooled(folds=fs, part=part, key=name), truth[n]):.3f} / "
                f"{map_at_k(pooled(folds=fs, part=part, key=name), truth[n]):.3f}" for n, fs in sets]

    a = {m: both("un", m, y) for m in NAMES}
    b = {"share of R_max on padded segments (mean per clip)": [
            f"{pooled(folds=fs, part='', key='share').mean():.3f}" for _, fs in sets],
         "share of segments padded (mean per clip)": [
            f"{pooled(folds=fs, part='', key='seg_share').mean():.3f}" for _, fs in sets],
         "mean R_max padded / real segments": [f"{pooled(folds=fs, part='', key='r_pad').mean():.3f} / "
                                               f"{pooled(folds=fs, part='', key='r_real').mean():.3f}" for _, fs in sets],
         "branch winner on padded segments": [winners(pooled(folds=fs, part='', key='pad_winner'), classes)
                                              for _, fs in sets],
         "experts' P on an all-zero input (its R_max)": [
            ", ".join(f"{c[:4]} {v:.2f}" for c, v in zip(classes, fs[0]["zero_p"])) + f" ({relevance(fs[0]['zero_p'][:, None])[0]:.2f})"
            if len(fs) == 1 else "" for _, fs in sets],
         **{f"{m} acc / MAP@3 padded": both("pad", m, y) for m in ("RELNET", "SUM", "BRANCH (uniform)", "RV")},
         **{f"{m} padded: clips called": [winners(pooled(folds=fs, part="pad", key=m).argmax(axis=1), classes)
                                          for _, fs in sets] for m in ("RELNET", "SUM")}}
    c = {f"{m} train / held-out acc": [f"{accuracy(pooled(folds=fs, part='train', key=m), yt[n]):.3f} / "
                                       f"{accuracy(pooled(folds=fs, part='un', key=m), y[n]):.3f}" for n, fs in sets]
         for m in ("RELNET", "BRANCH (uniform)", "CONVNET", "SUM")}
    c["training clips scored"] = [str(len(yt[n])) for n, _ in sets]
    c["best epoch / max epochs x passes"] = [fs[0]["epochs"] if len(fs) == 1 else "" for _, fs in sets]
    return "\n".join([table(title="(a) without padding: accuracy / MAP@3", rows=a, cols=cols),
                      table(title="(b) with padding", rows=b, cols=cols),
                      table(title="(c) training clips (sample) vs held-out, without padding", rows=c, cols=cols)])


def main(argv=None) -> None:
    from benchmarks.retrain_shipped import EXTRAS, TRAIN_SETS, configs, family_config
    from benchmarks.shipped_data import family_dataset
    from relstudio.core.progress import run_task
    from relstudio.core.training.cross_source import fold_rows, pooled_table, source_folds
    from relstudio.core.training.evaluate import evaluate, expert_class
    from relstudio.core.training.metrics import accuracy, map_at_k
    from relstudio.core.training.prepared import prepare

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(ROOT / "build" / "retrain"))
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--train-sample", type=int, default=150, help="training clips scored per fold")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    build, cfg = Path(args.build), family_config(configs(False)[0], "sound")
    ds = family_dataset("sound", Path(args.data), None, extras=EXTRAS["sound"], train_sets=TRAIN_SETS["sound"])
    prep = run_task(prepare(ds, config=cfg, cache_folder=build / "features"))
    ds, fs = prep.dataset, prep.features
    pad = 2 * int(fs.n_frames.max())  # as make retrain's Table 1
    folds, evals = [], []
    for j, held in enumerate(source_folds(ds, 3)):
        test, train, _val, _by = fold_rows(ds, held, cfg)
        train = sorted(train)[::max(1, -(-len(train) // args.train_sample))]
        f = measure_fold(folder=build / "sound" / "folds" / f"fold{j}", features=fs, classes=list(ds.classes),
                         test=test, train=train, pad=pad)
        assert [expert_class(e) for e in f["experts"]] == list(ds.classes)
        named = {n for c in f["clfs"] for n in c.info.meta["data"]["test_clips"]}
        assert named == {ds.relative(ds.clips[i]) for i in test}, f"fold{j}: not the clips its models held out"
        evals.append(run_task(evaluate(ds.subset(test), experts=f["experts"], classifiers=f["clfs"], split="all",
                                       pad_frames=pad, cache_folder=build / "features")))
        folds.append(f)
        print(f"fold{j}: {len(test)} held-out clips of {', '.join(held)}", file=sys.stderr, flush=True)
    print(f"# RELNET diagnosis, sound family, {len(folds)} folds of {build / 'sound' / 'folds'}; padded to {pad} frames\n")
    print(table(title="Table 1 check: evaluate() pooled over the folds (MAP@3 padded / unpadded, acc. padded / unpadded)",
                rows={r["model"]: [f"{r['map@3_padded']:.3f} / {r['map@3']:.3f} / {r['accuracy_padded']:.3f} / "
                                   f"{r['accuracy']:.3f}"] for r in pooled_table(evals)}, cols=["pooled"]))
    mine = {m: (pooled(folds=folds, part="un", key=m), pooled(folds=folds, part="pad", key=m)) for m in ("SUM", "RV", "RELNET")}
    mine["CONVNET"] = (pooled(folds=folds, part="un", key="CONVNET"), None)
    y = pooled(folds=folds, part="truth", key="test")
    diff = max(abs(r[k] - f(mine[r["model"]][i], y)) for r in pooled_table(evals) if r["model"] in mine
               for k, f, i in (("accuracy", accuracy, 0), ("map@3", map_at_k, 0), ("accuracy_padded", accuracy, 1),
                               ("map@3_padded", map_at_k, 1)) if mine[r["model"]][i] is not None)
    print(f"Largest difference of (a)/(b) below from evaluate() for SUM, RV, CONVNET, RELNET: {diff:.4f}\n")
    print(report(folds=folds, classes=list(ds.classes)))


if __name__ == "__main__":
    main()
