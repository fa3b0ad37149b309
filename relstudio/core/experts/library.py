"""The model library: the experts, RELNETs and classifiers found in a set of folders, read by header only.

Broken or incompatible expert files are kept as entries with the reason, so
the GUI can list them greyed and the CLI can explain them. Which RELNET fits
a set of experts has one rule (:func:`matching_relnets`): all of its experts
are among them (``exact``: it has exactly them), the largest RELNET first.
:func:`copy_to_user_folder` imports any model file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from relstudio.core.errors import ExpertFileError, ParameterError, RelstudioError
from relstudio.core.experts.expert_file import (EXPERT_SUFFIX, ExpertInfo, load_expert, read_expert_info,
                                                verify_expert)
from relstudio.core.experts.relnet_file import CLASSIFIER_SUFFIX, RELNET_SUFFIX, ClassifierInfo, read_classifier_info
from relstudio.core.fileio import atomic_write_bytes
from relstudio.core.frontend import FrontendConfig
from relstudio.core.paths import shipped_experts_dir, user_experts_dir

CLASSIFIER_SUFFIXES = (RELNET_SUFFIX, CLASSIFIER_SUFFIX)
MODEL_SUFFIXES = (EXPERT_SUFFIX,) + CLASSIFIER_SUFFIXES

PALETTE = ("#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6",
           "#bcf60c", "#008080", "#9a6324", "#800000", "#808000", "#000075", "#fabebe")


@dataclass(frozen=True)
class LibraryEntry:
    path: Path
    info: ExpertInfo | None
    error: str = ""
    origin: str = "user"  # "shipped" | "user" | "imported"

    @property
    def ok(self) -> bool:
        return self.info is not None and not self.error

    @property
    def label(self) -> str:
        return self.info.label if self.info else self.path.name.replace(EXPERT_SUFFIX, "")


class ExpertLibrary:
    def __init__(self, folders=None, *, frontend: FrontendConfig | None = None):
        if folders is None:
            folders = [(shipped_experts_dir(), "shipped"), (user_experts_dir(), "user")]
        self.folders = [(Path(f), "user") if isinstance(f, (str, Path)) else (Path(f[0]), f[1]) for f in folders]
        self._fixed_frontend = frontend
        self.frontend = frontend or FrontendConfig()
        self.entries: list[LibraryEntry] = []
        self.rescan()

    def rescan(self) -> list[LibraryEntry]:
        from relstudio.core.staging import clean_stale, is_hidden

        for folder, origin in self.folders:
            if origin != "shipped":
                clean_stale(folder)  # what killed runs left (hidden, so never listed anyway)
        headers = [(p, origin, self._read(p)) for folder, origin in self.folders if folder.is_dir()
                   for p in sorted(folder.rglob(f"*{EXPERT_SUFFIX}")) if not is_hidden(p, folder)]
        if self._fixed_frontend is None:
            self.frontend = self._common_frontend([h for _, _, h in headers if isinstance(h, ExpertInfo)])
        self.entries = [self._entry(p, origin, h) for p, origin, h in headers]
        return self.entries

    @staticmethod
    def _read(path: Path) -> ExpertInfo | str:
        try:  # expert files are small: shapes and checksum are checked now, so a broken one is listed greyed
            return verify_expert(read_expert_info(path))
        except RelstudioError as exc:
            return getattr(exc, "problem", str(exc))
        except Exception as exc:  # noqa: BLE001 — one file never stops the scan, whatever it holds
            return f"unreadable model file ({type(exc).__name__}: {str(exc)[:200]})"

    @staticmethod
    def _common_frontend(infos: list[ExpertInfo]) -> FrontendConfig:
        """The default front end if any expert uses it, else the one most experts use."""
        counts: dict[FrontendConfig, int] = {}
        for info in infos:
            counts[info.frontend] = counts.get(info.frontend, 0) + 1
        default = FrontendConfig()
        if not counts or default in counts:
            return default
        return max(counts, key=counts.get)

    def inspect(self, path, origin: str = "imported") -> LibraryEntry:
        path = Path(path)
        return self._entry(path, origin, self._read(path))

    def _entry(self, path: Path, origin: str, info: ExpertInfo | str) -> LibraryEntry:
        if isinstance(info, str):
            return LibraryEntry(path, None, info, origin)
        if info.frontend != self.frontend:
            diffs = "; ".join(self.frontend.differences(info.frontend))
            return LibraryEntry(path, info, f"front end differs ({diffs})", origin)
        return LibraryEntry(path, info, "", origin)

    def add(self, path) -> LibraryEntry:
        entry = self.inspect(path)
        self.entries = [e for e in self.entries if e.path != entry.path] + [entry]
        return entry

    def usable(self) -> list[LibraryEntry]:
        return [e for e in self.entries if e.ok]

    def colour_of(self, entry: LibraryEntry) -> str:
        if entry.info and entry.info.colour:
            return entry.info.colour
        labels = sorted({e.label for e in self.entries})
        return PALETTE[labels.index(entry.label) % len(PALETTE)] if entry.label in labels else PALETTE[0]

    def find(self, name_or_path: str) -> LibraryEntry:
        """An entry by label, file name, fingerprint or path."""
        p = Path(name_or_path)
        if p.suffix and (p.exists() or name_or_path.endswith(EXPERT_SUFFIX)):
            if not p.exists():
                raise ExpertFileError(p, "no such file")
            return self.add(p)
        for e in self.entries:
            if name_or_path in (e.label, e.path.name, e.path.name.replace(EXPERT_SUFFIX, "")) or (
                    e.info and e.info.fingerprint == name_or_path):
                return e
        from relstudio.core.experts.choice import expert_class

        same_class = [e for e in self.entries if e.info and expert_class(e) == name_or_path]
        if len(same_class) == 1:
            return same_class[0]
        if same_class:
            options = ", ".join(repr(e.label) for e in same_class)
            raise ParameterError(f"{name_or_path!r} is ambiguous: several experts detect it ({options})")
        known = ", ".join(sorted({e.label for e in self.entries})) or "none"
        raise ParameterError(f"no expert named {name_or_path!r} (known: {known})")

    def relnets(self) -> list[ClassifierInfo]:
        """The RELNET files of the library's folders (header only)."""
        return find_relnets(folder for folder, _origin in self.folders)

    def classifiers(self) -> list[ClassifierInfo]:
        """The RELNET and other classifier files of the library's folders (header only)."""
        return find_relnets((folder for folder, _origin in self.folders), suffixes=CLASSIFIER_SUFFIXES)

    def relnet_for(self, fingerprints, *, exact: bool = False) -> ClassifierInfo | None:
        """The RELNET that fits the experts ``fingerprints`` (see :func:`matching_relnets`), or ``None``."""
        return matching_relnet(self.relnets(), fingerprints, frontend=self.frontend, exact=exact)

    def load(self, entry: LibraryEntry, *, device=None):
        if not entry.ok:
            raise ExpertFileError(entry.path, entry.error or "unusable expert")
        return load_expert(entry.path, frontend=self.frontend, device=device)


def find_relnets(folders, *, suffixes=(RELNET_SUFFIX,)) -> list[ClassifierInfo]:
    """RELNET (or, with ``suffixes``, other classifier) files under ``folders`` (recursively), sorted
    by path within each folder; unreadable and hidden (staged, half-written) files are skipped."""
    from relstudio.core.staging import is_hidden

    found = []
    for folder in map(Path, folders):
        paths = sorted(p for s in suffixes for p in folder.rglob(f"*{s}")) if folder.is_dir() else ()
        for path in paths:
            if is_hidden(path, folder):
                continue
            try:
                found.append(read_classifier_info(path))
            except Exception:  # noqa: BLE001 — one bad file never stops the search, whatever it holds
                continue
    return found


def matching_relnets(relnets, enabled, *, frontend=None, exact: bool = False) -> list[ClassifierInfo]:
    """The RELNETs whose experts (fingerprints) are all in ``enabled`` (``exact``: are exactly
    ``enabled``) and whose front end is ``frontend`` (when given): most experts first, then by path."""
    enabled = set(enabled)
    fits = [r for r in relnets if r.experts and {fp for _, fp in r.experts} <= enabled
            and (not exact or len(r.experts) == len(enabled)) and (frontend is None or r.frontend == frontend)]
    return sorted(fits, key=lambda r: (-len(r.experts), str(r.path)))


def matching_relnet(relnets, enabled, *, frontend=None, exact: bool = False) -> ClassifierInfo | None:
    """The first of :func:`matching_relnets` (``None`` when no RELNET fits)."""
    fits = matching_relnets(relnets, enabled, frontend=frontend, exact=exact)
    return fits[0] if fits else None


def copy_to_user_folder(path) -> Path:
    """Copy a model file into ``core.paths.user_experts_dir()`` (atomically); returns the copy.

    Every file is checked first and not copied when broken (an
    :class:`~relstudio.core.errors.ExpertFileError` names the file and the
    problem): an expert file wholly (:func:`verify_expert`: header, schema,
    shapes, checksum), a RELNET or classifier file by its header. An expert made
    for another front end is copied (listed greyed, usable in a library of that front end).
    """
    src = Path(path)
    if not src.name.endswith(MODEL_SUFFIXES):
        raise ParameterError(f"{src}: not an expert file nor a RELNET or classifier file "
                             f"(expected a name ending in {', '.join(MODEL_SUFFIXES)})")
    if not src.is_file():
        raise ExpertFileError(src, "no such file")
    if src.name.endswith(CLASSIFIER_SUFFIXES):
        read_classifier_info(src)
    else:
        verify_expert(src)
    dest = user_experts_dir() / src.name
    if src.resolve() != dest.resolve():
        atomic_write_bytes(dest, src.read_bytes())
    return dest
