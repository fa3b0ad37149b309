"""Viewpoints: named sets of experts, stored as small JSON files.

A viewpoint is what the paper calls the classes "regarded in a classification
problem": the same track scored by {rock, classical} and by {rock, classical,
metal} has different relevance. A viewpoint names its experts by label or by
fingerprint (a fingerprint pins one exact expert file; a label follows the
library). Files live in ``user_data_dir()/viewpoints/NAME.json``::

    {"format": "relstudio-viewpoint", "name": "genre", "experts": ["metal", "orchestral"],
     "description": "…"}

Shipped presets (one or more per family of shipped experts, by label) live in
``resources/viewpoints/`` (:func:`shipped_viewpoints`). ``first_screen`` marks
the paper's Fig. 2 pair on the demo: the set ``"enabled"`` on first start and
the one ``"compared"`` with it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from relstudio.core.errors import FileFormatError, ParameterError, RelstudioError

FORMAT = "relstudio-viewpoint"
_NAME = re.compile(r"^[\w][\w .+-]{0,63}$")
FIRST_SCREEN = ("", "enabled", "compared")


@dataclass(frozen=True)
class Viewpoint:
    """A named, ordered set of experts (labels or fingerprints)."""

    name: str
    experts: tuple[str, ...]
    description: str = ""
    first_screen: str = ""  # one of FIRST_SCREEN (shipped presets only)

    def __post_init__(self):
        object.__setattr__(self, "experts", tuple(str(e) for e in self.experts))
        check_name(self.name)
        if not self.experts or any(not e for e in self.experts):
            raise ParameterError(f"viewpoint {self.name!r} needs at least one expert label or fingerprint")
        if len(set(self.experts)) != len(self.experts):
            raise ParameterError(f"viewpoint {self.name!r} names an expert twice: {list(self.experts)}")
        if self.first_screen not in FIRST_SCREEN:
            raise ParameterError(f"viewpoint {self.name!r}: first_screen must be one of {FIRST_SCREEN}, "
                                 f"got {self.first_screen!r}")

    def to_dict(self) -> dict:
        d = {"format": FORMAT, "name": self.name, "experts": list(self.experts), "description": self.description}
        return {**d, "first_screen": self.first_screen} if self.first_screen else d

    @classmethod
    def from_dict(cls, d: dict, *, source: str = "") -> "Viewpoint":
        """A viewpoint from its JSON, checked against :class:`ViewpointSchema` (errors name the file and field)."""
        from relstudio.core.schemas import validated
        from relstudio.core.schemas.documents import ViewpointSchema

        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise FileFormatError(source or "data", "not a relstudio viewpoint")
        v = validated(ViewpointSchema, d, path=source or "data")
        try:
            return cls(v.name, tuple(v.experts), v.description, v.first_screen)
        except ParameterError as exc:
            raise FileFormatError(source or "data", str(exc)) from exc

    def resolve(self, library) -> list:
        """The :class:`~relstudio.core.experts.library.LibraryEntry` of each expert, in order."""
        return [library.find(key) for key in self.experts]


def check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name) or name.strip() != name:
        raise ParameterError(f"viewpoint name {name!r} must be 1–64 letters, digits, spaces or _ . + -")
    return name


def viewpoints_dir() -> Path:
    from relstudio.core.paths import user_data_dir

    return user_data_dir() / "viewpoints"


def shipped_viewpoints_dir() -> Path:
    from relstudio.core.paths import resources_dir

    return resources_dir() / "viewpoints"


def shipped_viewpoints() -> list[Viewpoint]:
    """The presets shipped with relstudio (the paper's genre pair, one set per family)."""
    return list_viewpoints(folder=shipped_viewpoints_dir())


def _path(name: str, folder: Path | None) -> Path:
    return (Path(folder) if folder is not None else viewpoints_dir()) / f"{check_name(name)}.json"


def save_viewpoint(viewpoint: Viewpoint, *, folder: Path | None = None) -> Path:
    """Write (or replace) ``viewpoint`` atomically; returns the file."""
    from relstudio.core.fileio import atomic_write_bytes

    path = _path(viewpoint.name, folder)
    atomic_write_bytes(path, (json.dumps(viewpoint.to_dict(), indent=1) + "\n").encode("utf-8"))
    return path


def load_viewpoint(name_or_path, *, folder: Path | None = None) -> Viewpoint:
    """A viewpoint by name (in the viewpoints folder) or by the path of its JSON file."""
    text = str(name_or_path)
    path = Path(text) if text.endswith(".json") else _path(text, folder)
    if not path.exists():
        known = ", ".join(v.name for v in list_viewpoints(folder=folder)) or "none"
        raise ParameterError(f"no viewpoint {text!r} (known: {known})")
    return _read(path)


def _read(path: Path) -> Viewpoint:
    from relstudio.core.schemas import read_json_file

    return Viewpoint.from_dict(read_json_file(path, what="viewpoint", max_bytes=1024 * 1024), source=str(path))


def scan_viewpoints(*, folder: Path | None = None) -> tuple[list[Viewpoint], list[tuple[Path, str]]]:
    """``(viewpoints, unusable)``: every readable viewpoint by name, and each other file with its reason."""
    folder = Path(folder) if folder is not None else viewpoints_dir()
    found, bad = [], []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            found.append(_read(path))
        except RelstudioError as exc:
            bad.append((path, getattr(exc, "problem", str(exc))))
        except Exception as exc:  # noqa: BLE001 — one file never stops the listing
            bad.append((path, f"unreadable ({type(exc).__name__}: {str(exc)[:200]})"))
    return found, bad


def list_viewpoints(*, folder: Path | None = None) -> list[Viewpoint]:
    """Every readable viewpoint, sorted by name (unreadable files are skipped; see :func:`scan_viewpoints`)."""
    return scan_viewpoints(folder=folder)[0]


def delete_viewpoint(name: str, *, folder: Path | None = None) -> None:
    path = _path(name, folder)
    if not path.exists():
        raise ParameterError(f"no viewpoint {name!r} to delete")
    path.unlink()
