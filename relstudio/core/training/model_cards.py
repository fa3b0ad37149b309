"""Model cards: held-out scores written into a model file's metadata, and rendered as Markdown.

Rewriting a card keeps the weights, so an expert's fingerprint (and every
RELNET that names it) stays valid.
"""

from __future__ import annotations

import math

from relstudio.core.experts.expert_file import load_expert, save_expert
from relstudio.core.experts.relnet_file import load_classifier, save_classifier
from relstudio.core.training.tables import confusion_table, results_table


def _clean(v):
    """JSON-safe: NaN → None, numpy scalars → floats, rounded."""
    if isinstance(v, dict):
        return {str(k): _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if isinstance(v, float) or hasattr(v, "item"):
        v = float(v) if not isinstance(v, int) else v
        return None if isinstance(v, float) and math.isnan(v) else (round(v, 4) if isinstance(v, float) else v)
    return v


def rewrite_expert_card(path, card: dict) -> None:
    """Replace the ``model_card`` of an expert file (weights and fingerprint unchanged)."""
    e = load_expert(path)
    m = e.info.meta
    before = e.fingerprint
    info = save_expert(path, e.module, label=e.label, description=m.get("description", ""), colour=m.get("colour", ""),
                       training=m.get("training"), data=m.get("data"), licence=m.get("licence", ""),
                       model_card=_clean(card))
    assert info.fingerprint == before, "rewriting a model card must not change the weights"


def rewrite_classifier_card(path, card: dict, experts) -> None:
    """Replace the ``model_card`` of a RELNET / classifier file."""
    c = load_classifier(path, experts=experts)
    m = c.info.meta
    save_classifier(path, c.module, classes=c.info.classes, experts=experts if c.info.kind == "relnet" else (),
                    description=m.get("description", ""), training=m.get("training"), data=m.get("data"),
                    licence=m.get("licence", ""), model_card=_clean(card))


def _f(v, digits: int = 3) -> str:
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{digits}f}"


def split_table(data: dict) -> str:
    counts = data.get("split_counts", {})
    groups = data.get("groups", {})
    by = data.get("split", {}).get("by", {})
    lines = ["| class | clips | groups | train | validation | test | split by |", "|---|---:|---:|---:|---:|---:|---|"]
    for c, n in data.get("counts", {}).items():
        s = counts.get(c, {})
        lines.append(f"| {c} | {n} | {groups.get(c, '?')} | {s.get('train', 0)} | {s.get('val', 0)} | {s.get('test', 0)} "
                     f"| {by.get(c, '?')} |")
    return "\n".join(lines)


def experts_table(rows: list[dict]) -> str:
    """Rows: file, label, colour, class, best_epoch, epochs, and held-out precision / recall."""
    head = ("| file | label | colour | best / run epochs | held-out precision | held-out recall | "
            "cross-source precision | cross-source recall |")
    lines = [head, "|---|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| `{r['file']}` | {r['label']} | `{r['colour']}` | {r['best_epoch']} / {r['epochs']} "
                     f"| {_f(r.get('precision'))} | {_f(r.get('recall'))} | {_f(r.get('cross_precision'))} "
                     f"| {_f(r.get('cross_recall'))} |")
    return "\n".join(lines)


def evaluation_markdown(report, *, title: str) -> str:
    parts = [f"**{title}** — {report.split}; padded test: zero-padded to {report.pad_frames} frames.", "",
             results_table(report)]
    if "RELNET" in report.confusion:
        parts += ["", "RELNET confusion matrix (w/o padding):", "", confusion_table(report.confusion["RELNET"], report.classes)]
    return "\n".join(parts)


# An augmentation's range, listed only where its probability is above 0 (off: its range says nothing).
_RANGE_OF = {"noise_db": "noise_probability", "mix_db": "mix_probability", "reverb_s": "reverb_probability",
             "lowpass_hz": "lowpass_probability"}


def config_text(cfg: dict) -> str:
    aug = cfg.get("augment", {})
    active = ", ".join(f"{k} {v}" for k, v in aug.items() if v not in (0, 0.0, 1.0, [-50.0, -30.0], (-50.0, -30.0))
                       and not (k in _RANGE_OF and not aug.get(_RANGE_OF[k])))
    rate = f"{cfg['learning_rate']} falling along half a cosine to 0" if cfg.get("lr_schedule") == "cosine" \
        else f"{cfg['learning_rate']}"
    return (f"Adam lr {rate}, batch {cfg['batch_size']} clips, at most {cfg['max_epochs']} epochs, "
            f"early stopping on the validation loss (patience {cfg['patience']}, min. improvement {cfg['min_delta']}), "
            f"{_epoch_rows_text(cfg)}{_averaged(cfg)}best epoch restored, class-balanced loss ({cfg['balance']}), "
            f"seed {cfg['seed']}, "
            f"filters {cfg['filters']}, hidden {cfg['hidden']}; augmentation: {active or 'none'}")


def _averaged(cfg: dict) -> str:
    n = cfg.get("average_epochs", 0)
    return f"weights averaged over about {n:g} epochs (EMA, validated as averaged), " if n else ""


def _epoch_rows_text(cfg: dict) -> str:
    n, cap = cfg.get("epoch_repeats", 1), cfg.get("source_balance", 1)
    balance = f"each class's smaller sources repeated up to {cap}× an epoch, " if cap and cap > 1 else ""
    return balance + (f"every clip {n} times an epoch, " if n and n > 1 else "")


def family_markdown(f: dict) -> str:
    """One family's model card section (``f`` is the plain summary the retrain script builds)."""
    data = f["data"]
    checks = f["checks"]
    parts = [f"## {f['title']} — family `{f['name']}` (data: `{f['dataset']}`)", "",
             f"Classes: {', '.join(data['classes'])}. Labels read `class ({f['name']})`; files "
             f"`{f['name']}-<class>.expert.safetensors`; RELNET `{f['relnet_file']}`.", "",
             experts_table(f["experts"]), "",
             "Held-out precision/recall: each expert as a clip-level detector (positive when its clip "
             "probability ≥ 0.5) on the held-out test clips" + (f"; cross-source: on all of `{f['cross_dataset']}`."
                                                                 if f.get("cross_dataset") else "."), "",
             "**Data and split** (by group; a group never lands on two sides):", "", split_table(data), ""]
    notes = data.get("split", {}).get("notes", [])
    by = data.get("split", {}).get("by", {})
    if by and all(v == "clip" for v in by.values()):
        parts += ["Every class comes from a single group, so this split is by clip (same samples on both "
                  "sides): its test scores measure memorisation, not generalisation.", ""]
    elif notes:
        parts += ["Notes: " + "; ".join(notes), ""]
    if f.get("test_groups"):
        parts += [f"Always held out for testing: group(s) {', '.join(f['test_groups'])} (the demo song).", ""]
    lic = data.get("licences", {})
    parts += ["**Licences of the training data:** " + "; ".join(f"{c}: {', '.join(v)}" for c, v in lic.items()), "",
              f"**Training:** experts — {config_text(f['config'])}.", "",
              f"RELNET / baselines — at most {f['classifier_config']['max_epochs']} epochs, patience "
              f"{f['classifier_config']['patience']}, otherwise the same. Wall time of the whole family "
              f"(features, experts, RELNET, CONVNET, CONV-KONG): {f['wall']:.0f} s on {f['device']}.", "",
              f["held_md"], ""]
    if f.get("cross_md"):
        parts += [f["cross_md"], ""]
    g = checks["gain"]
    s = checks["segments_held_out"]
    parts += [f"**Checks.** Same winner at −12, 0 and +12 dB: {g['same_winner']:.1%} of {g['segments']} segments "
              f"({g['clips']} held-out clips). Segments whose winning expert is the clip's class, held-out clips: "
              f"{s['right_winner']:.1%} of {s['segments']} (top-relevance half: {s['right_winner_top_half']:.1%})."]
    if "segments_cross" in checks:
        c = checks["segments_cross"]
        parts[-1] += (f" Cross-source (`{f['cross_dataset']}`): {c['right_winner']:.1%} of {c['segments']} "
                      f"(top-relevance half: {c['right_winner_top_half']:.1%}).")
    return "\n".join(parts) + "\n"
