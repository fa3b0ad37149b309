"""Labelled datasets: a folder ``root/<class>/*`` or a CSV ``path,label[,group]``.

A folder with a ``manifest.csv`` that has ``path``, ``label`` and ``group``
columns (as in the shared data sets) takes its labels and groups from the
manifest. DCASE 2018 Task 2 CSVs (``fname,label[,manually_verified]``) work
too; their audio is looked up next to the CSV or in ``audio_<csv stem>/``.
Clips without a group form a group of their own.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from relstudio.core.errors import DatasetError

AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".oga", ".mp3", ".aif", ".aiff", ".au", ".opus", ".m4a", ".w64"}


@dataclass(frozen=True)
class ClipRecord:
    path: Path
    label: str
    group: str
    licence: str = ""
    source: str = ""  # the package / soundfont the clip comes from (manifest column source_pkg), if known
    train_only: bool = False  # an extra clip (e.g. a render): always trained on, never validated or tested

    @property
    def source_key(self) -> str:
        """The source for splits across sources: the first package of ``a+b`` (a render's MIDI package), else the group."""
        return (self.source.split("+")[0] if self.source else "") or self.group

    def split_unit(self, by: str) -> str:
        """What a split holds out together: the clip's source when ``by == "source"``, else its group."""
        return self.source_key if by == "source" else self.group

    def relative_to(self, root: Path) -> str:
        try:
            return self.path.relative_to(root).as_posix()
        except ValueError:
            return self.path.as_posix()


@dataclass(frozen=True, eq=False)
class Dataset:
    """Clips with labels and groups; ``classes`` in a fixed (sorted or requested) order."""

    root: Path
    name: str
    clips: tuple[ClipRecord, ...]
    classes: tuple[str, ...]
    missing: tuple[str, ...] = field(default=())  # listed in a CSV but not on disk
    notes: tuple[str, ...] = field(default=())  # e.g. audio files beside a manifest that it does not list

    def __len__(self) -> int:
        return len(self.clips)

    def label_index(self) -> list[int]:
        return [self.classes.index(c.label) for c in self.clips]

    def relative(self, clip: ClipRecord) -> str:
        return clip.relative_to(self.root)

    @property
    def fingerprint(self) -> str:
        """Identity of the clip list (relative paths + labels), to recognise the same data set."""
        rows = sorted(f"{self.relative(c)}\t{c.label}" for c in self.clips)
        return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]

    def counts(self) -> dict[str, int]:
        return {c: sum(1 for r in self.clips if r.label == c) for c in self.classes}

    def groups(self) -> dict[str, int]:
        """Number of distinct groups per class."""
        return {c: len({r.group for r in self.clips if r.label == c}) for c in self.classes}

    def licences(self) -> dict[str, list[str]]:
        return {c: sorted({r.licence for r in self.clips if r.label == c and r.licence}) for c in self.classes}

    def subset(self, indices) -> "Dataset":
        return replace(self, clips=tuple(self.clips[i] for i in indices))


def _is_audio(p: Path) -> bool:
    return p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES and not p.name.startswith(".")


def _read_csv_rows(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: cannot read the CSV ({exc})") from exc
    rows = list(csv.reader(text.splitlines()))
    rows = [r for r in rows if r and any(v.strip() for v in r)]
    if not rows:
        raise DatasetError(f"{path}: the CSV is empty")
    head = [h.strip().lower() for h in rows[0]]
    if "label" in head and ("path" in head or "fname" in head):
        names, body = head, rows[1:]
    else:
        names, body = ["path", "label", "group"][:len(rows[0])], rows
    if "fname" in names and "path" not in names:
        names = ["path" if n == "fname" else n for n in names]
    out = []
    for i, r in enumerate(body, start=2 if body is not rows else 1):
        if len(r) < 2:
            raise DatasetError(f"{path}: line {i} needs at least path,label, got {r!r}")
        out.append({n: v.strip() for n, v in zip(names, r)})
    return out


def _from_rows(root: Path, rows: list[dict], csv_path: Path, name: str) -> tuple[list[ClipRecord], list[str]]:
    fallback = csv_path.parent / f"audio_{csv_path.stem}"
    clips, missing = [], []
    for row in rows:
        rel, label = row.get("path", ""), row.get("label", "")
        if not rel or not label:
            raise DatasetError(f"{csv_path}: a row has an empty path or label ({row})")
        p = Path(rel) if Path(rel).is_absolute() else root / rel
        if not p.exists() and (fallback / rel).exists():
            p = fallback / rel
        if not p.exists():
            missing.append(rel)
            continue
        group = row.get("group") or f"clip:{rel}"
        clips.append(ClipRecord(p, label, group, row.get("license", row.get("licence", "")),
                                row.get("source_pkg", row.get("source", ""))))
    return clips, missing


def read_dataset(path, *, classes=None) -> Dataset:
    """Read a labelled folder or CSV; ``classes`` (names) keeps only those, in that order.

    Raises :class:`DatasetError` naming the path when nothing usable is found
    or a requested class does not exist.
    """
    path = Path(path)
    if not path.exists():
        raise DatasetError(f"{path}: no such folder or CSV")
    if path.is_file():
        if path.suffix.lower() != ".csv":
            raise DatasetError(f"{path}: a dataset is a folder of class folders or a .csv file")
        clips, missing = _from_rows(path.parent, _read_csv_rows(path), path, path.stem)
        root, name, notes = path.parent, path.stem, ()
    else:
        root, name, missing, notes = path, path.name, [], ()
        manifest = path / "manifest.csv"
        rows = _read_csv_rows(manifest) if manifest.is_file() else None
        if rows and "label" in rows[0] and "path" in rows[0]:
            clips, missing = _from_rows(path, rows, manifest, name)
            notes = _unlisted_note(path, clips)
        else:
            clips = [ClipRecord(f, d.name, f"clip:{d.name}/{f.relative_to(d).as_posix()}")
                     for d in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
                     for f in sorted(d.rglob("*")) if _is_audio(f)]
    dataset = Dataset(root, name, tuple(clips), tuple(sorted({c.label for c in clips})), tuple(missing),
                      notes)
    return select_classes(dataset, classes) if classes else _at_least_two(dataset)


def _unlisted_note(folder: Path, clips) -> tuple[str, ...]:
    """A note naming how many audio files under ``folder`` the manifest does not list (they are not used)."""
    listed = {c.path.resolve() for c in clips}
    unlisted = [f for f in folder.rglob("*") if _is_audio(f) and f.resolve() not in listed
                and not any(part.startswith(".") for part in f.relative_to(folder).parts)]
    if not unlisted:
        return ()
    example = unlisted[0].relative_to(folder).as_posix()
    return (f"{len(unlisted)} audio file{'s' if len(unlisted) > 1 else ''} not in manifest.csv, ignored "
            f"(e.g. {example})",)


def _at_least_two(dataset: Dataset) -> Dataset:
    if len(dataset.classes) < 2:
        raise DatasetError(f"{dataset.root}: need at least 2 classes with audio files, "
                           f"found {list(dataset.classes) or 'none'}")
    return dataset


def select_classes(dataset: Dataset, classes) -> Dataset:
    """Only the clips of ``classes`` (names, or a comma-separated string), in that class order."""
    wanted = [c.strip() for c in (classes.split(",") if isinstance(classes, str) else classes) if c.strip()]
    unknown = [c for c in wanted if c not in dataset.classes]
    if unknown:
        raise DatasetError(f"{dataset.root}: no class {', '.join(map(repr, unknown))} "
                           f"(classes: {', '.join(dataset.classes) or 'none'})")
    if len(set(wanted)) != len(wanted):
        raise DatasetError(f"classes listed twice: {wanted}")
    clips = tuple(c for c in dataset.clips if c.label in wanted)
    return _at_least_two(replace(dataset, clips=clips, classes=tuple(wanted)))
