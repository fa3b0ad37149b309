"""Markdown and CSV renderings of an evaluation (the paper's Table 1 layout) and of a confusion matrix."""

from __future__ import annotations

import csv
import io
import math

ORDER = ("CONVNET", "RELNET", "CONV-KONG", "CONVKONG", "MV", "SUM", "PROD", "RV")
GROUPS = {"CONVNET": "NN baseline", "RELNET": "This (RELNET)", "CONVKONG": "Attention", "CONV-KONG": "Attention",
          "MV": "Expert fusion", "SUM": "Expert fusion", "PROD": "Expert fusion", "RV": "Expert fusion"}
DISPLAY = {"CONVKONG": "CONV-KONG"}


def _f(v) -> str:
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.3f}"


def results_table(report) -> str:
    lines = ["| Group | Model | MAP@3 with padding | MAP@3 w/o padding | Acc. with padding | Acc. w/o padding |",
             "|---|---|---:|---:|---:|---:|"]
    for r in report.rows:
        m = r["model"]
        lines.append(f"| {GROUPS.get(m, '')} | {DISPLAY.get(m, m)} | {_f(r['map@3_padded'])} | {_f(r['map@3'])} "
                     f"| {_f(r['accuracy_padded'])} | {_f(r['accuracy'])} |")
    return "\n".join(lines)


def confusion_table(matrix, classes) -> str:
    head = "| true \\ predicted | " + " | ".join(classes) + " | recall |"
    lines = [head, "|---|" + "---:|" * (len(classes) + 1)]
    for i, c in enumerate(classes):
        row = matrix[i]
        total = sum(row)
        rec = row[i] / total if total else float("nan")
        lines.append(f"| **{c}** | " + " | ".join(str(v) for v in row) + f" | {_f(rec)} |")
    cols = [sum(matrix[i][j] for i in range(len(classes))) for j in range(len(classes))]
    lines.append("| precision | " + " | ".join(_f(matrix[j][j] / cols[j] if cols[j] else float("nan"))
                                               for j in range(len(classes))) + " | |")
    return "\n".join(lines)


def detectors_table(report) -> str:
    lines = ["| Expert | precision | recall | balanced acc. | TP | FP | FN | TN |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for label, s in report.detectors.items():
        lines.append(f"| {label} | {_f(s['precision'])} | {_f(s['recall'])} | {_f(s['balanced_accuracy'])} "
                     f"| {s['tp']} | {s['fp']} | {s['fn']} | {s['tn']} |")
    return "\n".join(lines)


def report_markdown(report) -> str:
    parts = [f"### {report.dataset}: {report.split}",
             f"{report.clips} clips, classes: {', '.join(report.classes)}; padded test: every clip zero-padded "
             f"to {report.pad_frames} frames (all segments count); w/o padding: each clip at its own length.", "",
             results_table(report)]
    if "RELNET" in report.confusion:
        parts += ["", "RELNET confusion matrix (w/o padding):", "", confusion_table(report.confusion["RELNET"], report.classes)]
    if report.detectors:
        parts += ["", "Each expert as a clip-level detector (positive when its clip probability ≥ 0.5, w/o padding):",
                  "", detectors_table(report)]
    for note in report.notes:
        parts.append(f"\nNote: {note}")
    if report.skipped:
        parts.append("\nSkipped: " + "; ".join(f"{a} ({b})" for a, b in report.skipped))
    return "\n".join(parts) + "\n"


def report_csv(report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["dataset", "split", "clips", "pad_frames", "group", "model", "map3_padded", "map3_unpadded",
                "accuracy_padded", "accuracy_unpadded"])
    for r in report.rows:
        w.writerow([report.dataset, report.split, report.clips, report.pad_frames, GROUPS.get(r["model"], ""),
                    DISPLAY.get(r["model"], r["model"]), f"{r['map@3_padded']:.4f}", f"{r['map@3']:.4f}",
                    f"{r['accuracy_padded']:.4f}", f"{r['accuracy']:.4f}"])
    return buf.getvalue()
