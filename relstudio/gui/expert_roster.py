"""The library's experts as the window lists, names and colours them (``doc.roster``).

Experts are known by fingerprint everywhere in the GUI; :class:`ExpertRoster`
turns a fingerprint back into its library entry, a colour and a label that
tells two experts of the same class apart (by family). An expert that has
left the library but still has probabilities in the open analysis keeps the
label and colour the analysis recorded.
"""

from __future__ import annotations

from relstudio.core.errors import RelstudioError
from relstudio.core.experts.choice import default_selection, expert_family
from relstudio.core.experts.library import PALETTE, ExpertLibrary, LibraryEntry


class ExpertRoster:
    def __init__(self, library: ExpertLibrary, *, analysed=lambda: ()):
        """``analysed()``: the ExpertRefs of the open analysis (the fallback for experts no longer listed)."""
        self.library = library
        self.analysed = analysed

    def entry(self, fingerprint: str) -> LibraryEntry | None:
        for e in self.library.entries:
            if e.info is not None and e.info.fingerprint == fingerprint:
                return e
        return None

    def usable_fingerprints(self) -> list[str]:
        return [e.info.fingerprint for e in self.library.usable()]

    def colour(self, fingerprint: str) -> str:
        e = self.entry(fingerprint)
        if e is not None:
            return self.library.colour_of(e)
        refs = [r for r in self.analysed() if r.fingerprint == fingerprint]
        return refs[0].colour if refs and refs[0].colour else PALETTE[hash(fingerprint) % len(PALETTE)]

    def display_label(self, fingerprint: str) -> str:
        """The label, with the family when two usable experts share a label."""
        e = self.entry(fingerprint)
        if e is None:
            refs = [r.label for r in self.analysed() if r.fingerprint == fingerprint]
            return refs[0] if refs else fingerprint[:8]
        twins = [o for o in self.library.usable() if o.label == e.label]
        if len(twins) > 1:
            family = expert_family(e) or e.path.parent.name
            return f"{e.label} ({family})"
        return e.label

    def default_enabled(self) -> list[str]:
        """Shipped experts of one family (genre first), one per class (else up to six usable)."""
        return default_selection(self.library)

    def resolve(self, keys) -> list[str]:
        """Fingerprints of the usable experts named by label or fingerprint (unknown keys skipped)."""
        out = []
        for key in keys:
            try:
                e = self.library.find(key)
            except RelstudioError:
                continue
            if e.ok and e.info.fingerprint not in out:
                out.append(e.info.fingerprint)
        return out
