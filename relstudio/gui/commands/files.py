"""File commands: open audio, sessions and model files; recent files; save sessions; exports; excerpts.

Opening another track or session first asks to save unsaved changes
(:mod:`.unsaved`); a session whose track is not found by path, relative path or
content offers *Locate…*; Save session proposes a name next to the track.
"""

from __future__ import annotations

from pathlib import Path

from relstudio.core.errors import RelstudioError
from relstudio.gui import exports, session
from relstudio.gui.commands.unsaved import UnsavedChanges
from relstudio.gui.dialogs import AUDIO_FILTER, OPEN_FILTER, SESSION_FILTER
from relstudio.gui.model_import import is_model_file
from relstudio.gui.session_track import same_content

MAX_RECENT = 10


class FileCommands:
    def __init__(self, *, doc, dialogs, settings, status, timeline, playback, import_models):
        """``playback``: the :class:`~relstudio.gui.commands.playback.PlaybackCommands` (margin, excerpts);
        ``import_models(paths)``: what opening a model file does."""
        self.doc, self.dialogs, self.settings, self.status = doc, dialogs, settings, status
        self.timeline, self.playback, self.import_models = timeline, playback, import_models
        self.session_path: Path | None = None
        self.unsaved = UnsavedChanges(doc=doc, dialogs=dialogs, state=self.state, save=self.save_session,
                                      session_path=lambda: self.session_path)

    def state(self, *, with_track: bool = True) -> dict:
        """The session dict of the window now (``with_track=False``: no file hash, for comparisons)."""
        return session.session_dict(self.doc, view_range=self.timeline.view_range() if self.doc.track else None,
                                    margin=self.playback.margin, with_track=with_track)

    # -- opening ---------------------------------------------------------------------
    def open_path(self, path) -> None:
        """Open an audio file, a session or (import) an expert / RELNET / classifier file, by its name."""
        path = Path(path)
        if path.suffix == session.SUFFIX:
            self.open_session(path)
        elif is_model_file(path) or path.suffix == ".safetensors":
            self.import_models([str(path)])
        elif self.unsaved.confirm(f"opening {path.name}"):
            self.session_path = None  # a plain track starts a new session
            self.doc.open_track(path)

    def open_dialog(self) -> None:
        path = self.dialogs.open_file("Open audio, session or model", OPEN_FILTER, kind="audio")
        if path:
            self.open_path(path)

    def open_dropped(self, paths) -> None:
        """Import the model files among ``paths``; open the first other file."""
        models = [p for p in paths if is_model_file(p) or p.endswith(".safetensors")]
        if models:
            self.import_models(models)
        others = [p for p in paths if p not in models]
        if others:
            self.open_path(others[0])

    def open_excerpt(self, path: str, start: float, end: float) -> None:
        """Open ``path`` (unless it is the open track) and play ``start``–``end`` (a collection excerpt)."""
        if self.doc.track is not None and self.doc.path is not None and Path(self.doc.path) == Path(path):
            self.playback.play_range(start, end)
            return

        def once():
            self.doc.trackChanged.disconnect(once)
            if self.doc.path is not None and Path(self.doc.path) == Path(path):
                self.playback.play_range(start, end)

        self.doc.trackChanged.connect(once)
        self.open_path(path)

    # -- recent files ------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self.settings.value("files/recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def add_recent(self, path: str) -> None:
        items = [path] + [p for p in self.recent_files() if p != path]
        self.settings.setValue("files/recent", items[:MAX_RECENT])

    # -- sessions -----------------------------------------------------------------------
    def open_session_dialog(self) -> None:
        path = self.dialogs.open_file("Open session", SESSION_FILTER)
        if path:
            self.open_session(path)

    def open_session(self, path, *, recovered: bool = False) -> None:
        """Open a session (after asking to save unsaved changes); ``recovered``: the autosave recovery file."""
        try:
            state = session.read_session(path)
        except RelstudioError as exc:
            self.dialogs.error("Cannot open session", str(exc))
            return
        if not recovered and not self.unsaved.confirm(f"opening {Path(path).name}"):
            return
        origin = state.get("recovered_from") if recovered else str(path)
        self.session_path = Path(origin) if origin else None
        if state.get("margin") is not None:
            self.playback.set_margin(float(state["margin"]))
        missing = session.apply_session(self.doc, state, session_path=path, locate=self._locate)
        if missing:
            self.dialogs.error("Session partly restored", "Not found: " + ", ".join(missing))

    def _locate(self, ref: dict) -> Path | None:
        """The *Locate…* dialog for a session track found neither by path nor by content."""
        choice = self.dialogs.choose("Track not found", f"The session's track {ref['name']} is not at "
                                     f"{ref['path']}, nor next to the session, nor (by content) in the folders "
                                     "near it.", ["Locate…", "Open without the track"])
        chosen = self.dialogs.open_file(f"Locate {ref['name']}", AUDIO_FILTER, kind="audio") if choice == "Locate…" else ""
        if not chosen:
            return None
        if not same_content(Path(chosen), ref):
            self.status.showMessage(f"{Path(chosen).name} is not byte for byte the track saved in the session "
                                    "(marks may not line up)", 10000)
        self.unsaved.mark_changed()  # the session should now point at the new place
        return Path(chosen)

    def offer_recovery(self) -> bool:
        return self.unsaved.offer_recovery(lambda p: self.open_session(p, recovered=True))

    def save_session(self, *, ask: bool = False) -> bool:
        """Save to the open session file (or ask for one, proposed next to the track); True when saved."""
        path = self.session_path
        if ask or path is None:
            stem = self.doc.path.stem if self.doc.path else "session"
            beside = Path(self.doc.path).absolute().parent / (stem + session.SUFFIX) if self.doc.path else None
            chosen = self.dialogs.save_file("Save session", SESSION_FILTER, str(beside) if beside else stem + session.SUFFIX)
            if not chosen:
                return False
            path = Path(chosen)
        try:
            self.session_path = session.write_session(path, self.state())
        except (RelstudioError, OSError) as exc:
            self.dialogs.error("Cannot save session", str(exc))
            return False
        self.unsaved.mark_clean()
        self.unsaved.discard_recovery()
        self.status.showMessage(f"session saved to {self.session_path}", 5000)
        return True

    # -- exports --------------------------------------------------------------------------
    def export_segments(self, fmt: str) -> None:
        text, suffix, filt = exports.SEGMENT_FORMATS[fmt]
        stem = self.doc.path.stem if self.doc.path else "relevance"
        path = self.dialogs.save_file(f"Export {text.rstrip('…')}", filt, stem + suffix)
        if path:
            self._export(lambda: exports.export_segments(self.doc, path, fmt))

    def export_view(self, kind: str) -> None:
        stem = self.doc.path.stem if self.doc.path else "relstudio"
        if kind == "png":
            path = self.dialogs.save_file("Export view as PNG", "PNG image (*.png)", stem + ".png")
            if path:
                self._export(lambda: exports.export_widget_png(self.timeline, path))
        else:
            path = self.dialogs.save_file("Export relevance plot as SVG", "SVG (*.svg)", stem + "-relevance.svg")
            if path:
                self._export(lambda: exports.export_plot(self.timeline.relevance, path))

    def _export(self, write) -> None:
        try:
            path = write()
        except (RelstudioError, OSError) as exc:
            self.dialogs.error("Export failed", str(exc))
            return
        self.status.showMessage(f"exported {path}", 5000)
