"""The document's kept viewpoints: name → fingerprints of a set of experts, saved with the user's viewpoints.

:class:`ViewpointSets` is a ``dict`` (``doc.viewpoints``: the session and the
viewpoint panel read it as one) that also loads, keeps and removes viewpoints
through :mod:`relstudio.core.viewpoints`. The shipped presets come first (those
whose every expert is in the library), then the user's (a user's viewpoint of
the same name wins). It knows nothing of relevance: the
:class:`~relstudio.gui.document.Document` applies and compares viewpoints.
"""

from __future__ import annotations

from pathlib import Path

from relstudio.core.errors import RelstudioError


class ViewpointSets(dict):
    def __init__(self, *, folder: Path | None, resolve, shipped: bool = True):
        """``folder``: where they are saved (``None``: the user's); ``resolve``: labels → usable fingerprints;
        ``shipped``: also list the shipped presets."""
        super().__init__()
        self.folder = folder
        self.resolve = resolve
        self.shipped = shipped
        self.first_screen: dict[str, str] = {}  # "enabled" / "compared" → the shipped preset's name

    def load(self) -> list[tuple[Path, str]]:
        """Add the shipped presets whose experts are all in the library, then the saved viewpoints whose
        experts are (at least partly) in it; returns each saved file that cannot be used, with the reason."""
        from relstudio.core.viewpoints import scan_viewpoints, shipped_viewpoints

        for vp in shipped_viewpoints() if self.shipped else []:
            fps = self.resolve(vp.experts)
            if len(fps) == len(vp.experts):
                self[vp.name] = tuple(fps)
                if vp.first_screen:
                    self.first_screen[vp.first_screen] = vp.name
        found, unusable = scan_viewpoints(folder=self.folder)
        for vp in found:
            fps = self.resolve(vp.experts)
            if fps:
                self[vp.name] = tuple(fps)
        return unusable

    def keep(self, name: str, fingerprints, *, persist: bool = True) -> str:
        """Keep ``fingerprints`` as the viewpoint ``name`` (saved with ``persist``); returns the name kept."""
        from relstudio.core.viewpoints import Viewpoint, save_viewpoint

        vp = Viewpoint(name, tuple(fingerprints))  # validates the name and refuses an empty set
        if persist:
            save_viewpoint(vp, folder=self.folder)
        self[vp.name] = vp.experts
        return vp.name

    def remove(self, name: str) -> None:
        """Forget ``name`` here and in the saved viewpoints (one kept only for this session is just forgotten)."""
        from relstudio.core.viewpoints import delete_viewpoint

        self.pop(name, None)
        try:
            delete_viewpoint(name, folder=self.folder)
        except RelstudioError:
            pass  # it only lived in this session
