"""The collection table: one row per track, written as CSV and JSON (atomically).

``collection.json`` holds everything (per-class scores, top-k excerpts overall
and per class, a short relevance curve per track, unreadable files, run
statistics); ``collection.csv`` is the flat view a spreadsheet opens: one row
per track with the class scores and the top-k excerpts as columns.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from relstudio.core.errors import FileFormatError, ParameterError

FORMAT = "relstudio-collection"
JSON_NAME = "collection.json"
CSV_NAME = "collection.csv"


def class_label(name: str, labels) -> str | None:
    """The one key of a class: ``name`` itself, or the one label whose class part (before ``" (family)"``)
    is ``name`` (a RELNET's class ``metal`` is the expert label ``metal (genre)``); ``None`` when none is."""
    labels = list(labels)
    if name in labels:
        return name
    same_class = [lab for lab in labels if lab.rsplit(" (", 1)[0] == name.rsplit(" (", 1)[0]]
    if len(same_class) > 1:
        raise ParameterError(f"class {name!r} is ambiguous here: {', '.join(same_class)}")
    return same_class[0] if same_class else None


def keyed_by_label(scores: dict, labels) -> dict:
    """``scores`` {class: p} keyed by the experts' labels wherever a class names one (others keep their key)."""
    return {(class_label(str(k), labels) or str(k)): v for k, v in scores.items()}


@dataclass
class CollectionResults:
    """Rows of an analysed collection and how they were made.

    ``rows`` are dicts with ``track`` (path relative to ``root``), ``path``
    (absolute), ``content_hash``, ``duration``, ``classification``, ``method``,
    ``scores`` {label: p} (keyed by the experts' labels, :func:`keyed_by_label`), ``mean_relevance``, ``peak_relevance``,
    ``silent_share``, ``excerpts`` [{start, end, relevance, mean, winner, classes}] (the best
    passages: ``relevance`` is the peak window R_max, ``classes`` each class's peak score),
    ``class_excerpts`` {label: [...]} and ``curve`` (≤ 64 floats). ``settings`` holds ``top_k``
    and the ``relevance`` settings (:meth:`RelevanceSettings.to_dict`).
    """

    root: str
    experts: list[dict]  # [{label, fingerprint}]
    viewpoint: str | None = None
    frontend: str = ""
    classifier: str = "SUM"
    settings: dict = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)  # [{path, reason}]
    stats: dict = field(default_factory=dict)
    complete: bool = False

    @property
    def labels(self) -> list[str]:
        return [e["label"] for e in self.experts]

    def to_dict(self) -> dict:
        return {"format": FORMAT, "format_version": 1, "root": self.root, "experts": self.experts,
                "viewpoint": self.viewpoint, "frontend": self.frontend, "classifier": self.classifier,
                "settings": self.settings, "complete": self.complete, "stats": self.stats,
                "failures": self.failures, "rows": self.rows}

    @classmethod
    def from_dict(cls, d: dict, *, source: str = "") -> "CollectionResults":
        """A table from its JSON; checked against :class:`CollectionSchema` (errors name the file and field)."""
        from relstudio.core.schemas import validated
        from relstudio.core.schemas.documents import CollectionSchema

        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise FileFormatError(source or "data", "not a relstudio collection table")
        validated(CollectionSchema, d, path=source or "data")
        results = cls(d["root"], list(d["experts"]), d.get("viewpoint"), d.get("frontend", ""),
                      d.get("classifier", "SUM"), dict(d.get("settings", {})), list(d["rows"]),
                      list(d.get("failures", [])), dict(d.get("stats", {})), d.get("complete", False))
        for row in results.rows:  # tables written before one key: a RELNET's scores by class name
            row["scores"] = keyed_by_label(dict(row["scores"]), results.labels)
            row["classification"] = class_label(row["classification"], results.labels) or row["classification"]
        return results


def csv_text(results: CollectionResults) -> str:
    labels = results.labels
    k = max([len(r["excerpts"]) for r in results.rows] + [int(results.settings.get("top_k", 0))])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    head = ["track", "duration", "classification", "method", "mean_relevance", "peak_relevance"]
    head += [f"score_{lab}" for lab in labels]
    for i in range(1, k + 1):
        head += [f"excerpt{i}_start", f"excerpt{i}_end", f"excerpt{i}_winner", f"excerpt{i}_relevance"]
    w.writerow(head)
    for r in results.rows:
        line = [r["track"], f"{r['duration']:.3f}", r["classification"], r["method"],
                f"{r['mean_relevance']:.4f}", f"{r['peak_relevance']:.4f}"]
        line += [f"{r['scores'].get(lab, 0.0):.4f}" for lab in labels]
        for i in range(k):
            if i < len(r["excerpts"]):
                e = r["excerpts"][i]
                line += [f"{e['start']:.3f}", f"{e['end']:.3f}", e["winner"], f"{e['relevance']:.4f}"]
            else:
                line += ["", "", "", ""]
        w.writerow(line)
    return buf.getvalue()


def write_results(folder, results: CollectionResults) -> tuple[Path, Path]:
    """Write ``collection.json`` and ``collection.csv`` into ``folder`` (temp file + rename each)."""
    from relstudio.core.fileio import atomic_write_bytes

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ParameterError(f"output {folder} exists and is not a folder")
    results.rows.sort(key=lambda r: r["track"])
    json_path, csv_path = folder / JSON_NAME, folder / CSV_NAME
    atomic_write_bytes(json_path, (json.dumps(results.to_dict(), indent=1) + "\n").encode("utf-8"))
    atomic_write_bytes(csv_path, csv_text(results).encode("utf-8"))
    return json_path, csv_path


def read_results(path) -> CollectionResults:
    """Read a results folder (or its ``collection.json``)."""
    path = Path(path)
    if path.is_dir():
        path = path / JSON_NAME
    if not path.exists():
        raise ParameterError(f"{path}: no collection table here (run 'relstudio analyze --batch DIR -o FOLDER')")
    from relstudio.core.schemas import read_json_file

    data = read_json_file(path, what="collection table")
    return CollectionResults.from_dict(data, source=str(path))
