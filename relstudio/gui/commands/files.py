"""File commands: open audio, sessions and model files; recent files; save sessions; exports; excerpts."""

from __future__ import annotations

from pathlib import Path

from relstudio.core.errors import RelstudioError
from relstudio.gui import exports, session
from relstudio.gui.dialogs import OPEN_FILTER, SESSION_FILTER
from relstudio.gui.model_import import is_model_file

MAX_RECENT = 10


class FileCommands:
    def __init__(self, *, doc, dialogs, settings, status, timeline, playback, import_models):
        """``playback``: the :class:`~relstudio.gui.commands.playback.PlaybackCommands` (margin, excerpts);
        ``import_models(paths)``: what opening a model file does."""
        self.doc, self.dialogs, self.settings, self.status = doc, dialogs, settings, status
        self.timeline, self.playback, self.import_models = timeline, playback, import_models
        self.session_path: Path | None = None

    # -- opening ---------------------------------------------------------------------
    def open_path(self, path) -> None:
        """Open an audio file, a session or (import) an expert / RELNET / classifier file, by its name."""
        path = Path(path)
        if path.suffix == session.SUFFIX:
            self.open_session(path)
        elif is_model_file(path) or path.suffix == ".safetensors":
            self.import_models([str(path)])
        else:
            self.doc.open_track(path)

    def open_dialog(self) -> None:
        folder = str(self.doc.path.parent) if self.doc.path else ""
        path = self.dialogs.open_file("Open audio, session or model", OPEN_FILTER, folder)
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

    def open_session(self, path) -> None:
        try:
            state = session.read_session(path)
        except RelstudioError as exc:
            self.dialogs.error("Cannot open session", str(exc))
            return
        self.session_path = Path(path)
        if state.get("margin") is not None:
            self.playback.set_margin(float(state["margin"]))
        missing = session.apply_session(self.doc, state)
        if missing:
            self.dialogs.error("Session partly restored", "Not found: " + ", ".join(missing))

    def save_session(self, *, ask: bool = False) -> None:
        path = self.session_path
        if ask or path is None:
            stem = self.doc.path.stem if self.doc.path else "session"
            chosen = self.dialogs.save_file("Save session", SESSION_FILTER, stem + session.SUFFIX)
            if not chosen:
                return
            path = Path(chosen)
        state = session.session_dict(self.doc, view_range=self.timeline.view_range(), margin=self.playback.margin)
        self.session_path = session.write_session(path, state)
        self.status.showMessage(f"session saved to {self.session_path}", 5000)

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
