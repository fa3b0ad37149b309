"""Which experts to use first, what class and family an expert file belongs to, importing one (headless)."""

from __future__ import annotations

from pathlib import Path

from relstudio.core.errors import RelstudioError
from relstudio.core.experts.expert_file import EXPERT_SUFFIX

DEFAULT_FAMILIES = ("sound", "main", "genre")  # the sound-class family (either name), then the genres


def expert_class(entry) -> str:
    """The class an expert detects: ``training.class`` or ``model_card.class`` of its metadata,
    else its label without a ``" (family)"`` suffix."""
    meta = entry.info.meta if entry.info else {}
    for key in ("training", "model_card"):
        value = (meta.get(key) or {}).get("class") if isinstance(meta.get(key), dict) else None
        if value:
            return str(value)
    label = entry.label
    return label.rsplit(" (", 1)[0] if label.endswith(")") and " (" in label else label


def expert_family(entry) -> str:
    """The family an expert was trained in (``family`` of its metadata, model card or training), or ``""``."""
    meta = entry.info.meta if entry.info else {}
    found = [meta.get("family")] + [(meta.get(k) or {}).get("family") for k in ("model_card", "training")
                                     if isinstance(meta.get(k), dict)]
    return str(next((f for f in found if f), ""))


def default_selection(library) -> list[str]:
    """Shipped experts of the sound-class and genre families, one per class (else up to six usable)."""
    usable = library.usable()
    shipped = [e for e in usable if e.origin == "shipped"] or usable
    order = [f for f in DEFAULT_FAMILIES if any(expert_family(e) == f for e in shipped)]
    pool = [e for f in order for e in shipped if expert_family(e) == f] if order else shipped
    chosen, classes = [], set()
    for e in pool:
        if expert_class(e) not in classes:
            chosen.append(e.info.fingerprint)
            classes.add(expert_class(e))
    return chosen if order else chosen[:6]


def copy_to_user_folder(path) -> Path:
    """Check an expert file, then copy it into ``core.paths.user_experts_dir()`` (atomically); returns the copy.

    A file that fails the check (:func:`verify_expert`: header, schema, shapes,
    checksum) raises :class:`ExpertFileError` and is not copied; one made for
    another front end is copied (it is listed greyed, usable in a library of
    that front end).
    """
    from relstudio.core.experts.model_file import atomic_write_bytes
    from relstudio.core.paths import user_experts_dir

    src = Path(path)
    if not src.name.endswith(EXPERT_SUFFIX):
        raise RelstudioError(f"{src}: not an expert file (expected a name ending in {EXPERT_SUFFIX})")
    if not src.is_file():
        raise RelstudioError(f"{src}: no such file")
    from relstudio.core.experts.expert_file import verify_expert

    verify_expert(src)  # raises ExpertFileError naming the file and the problem; nothing copied
    dest = user_experts_dir() / src.name
    if src.resolve() != dest.resolve():
        atomic_write_bytes(dest, src.read_bytes())
    return dest
