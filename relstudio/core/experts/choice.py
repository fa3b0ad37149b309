"""Which experts to use first and what class and family an expert file belongs to (headless)."""

from __future__ import annotations

DEFAULT_FAMILIES = ("genre", "sound", "main")  # the first screen shows one family: the genres, else sound classes


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
    """Shipped experts of one family (the first of :data:`DEFAULT_FAMILIES` present: taxonomies never mix),
    one per class (else up to six usable)."""
    usable = library.usable()
    shipped = [e for e in usable if e.origin == "shipped"] or usable
    order = [f for f in DEFAULT_FAMILIES if any(expert_family(e) == f for e in shipped)][:1]
    pool = [e for f in order for e in shipped if expert_family(e) == f] if order else shipped
    chosen, classes = [], set()
    for e in pool:
        if expert_class(e) not in classes:
            chosen.append(e.info.fingerprint)
            classes.add(expert_class(e))
    return chosen if order else chosen[:6]
