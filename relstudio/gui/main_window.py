"""The workstation window: wiring of document, views, panels, player, menus and status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QVBoxLayout, QWidget

from relstudio.core.errors import RelstudioError
from relstudio.gui import actions, exports, session
from relstudio.gui.dialogs import MODEL_FILTER, OPEN_FILTER, SESSION_FILTER, Dialogs
from relstudio.gui.document import Document
from relstudio.gui.library_commands import is_model_file
from relstudio.gui.model_commands import ModelCommands
from relstudio.gui.panels.expert_panel import ExpertPanel
from relstudio.gui.panels.viewpoint_panel import ViewpointPanel
from relstudio.gui.playback import Player
from relstudio.gui.playback_commands import PlaybackCommands
from relstudio.gui.review_commands import ReviewCommands
from relstudio.gui.status import StatusBar
from relstudio.gui.views.timeline import Timeline

MAX_RECENT = 10


def app_settings() -> QSettings:
    """Settings in an ini file under the user data folder (tests isolate it through RELSTUDIO_DATA_DIR)."""
    from relstudio.core.paths import user_data_dir

    return QSettings(str(user_data_dir() / "gui.ini"), QSettings.Format.IniFormat)


class MainWindow(PlaybackCommands, ReviewCommands, ModelCommands, QMainWindow):
    def __init__(self, doc: Document | None = None, *, player: Player | None = None, dialogs=None,
                 settings: QSettings | None = None):
        super().__init__()
        self.doc = doc if doc is not None else Document()
        self.player = player if player is not None else Player()
        self.player.setParent(self)
        self.dialogs = dialogs if dialogs is not None else Dialogs(self)
        self.settings = settings if settings is not None else app_settings()
        self.session_path: Path | None = None
        self.margin = float(self.settings.value("playback/margin", 0.25))
        self.setWindowTitle("relstudio")
        self.resize(1480, 920)
        self.timeline = Timeline(self.doc)
        self.setCentralWidget(self.timeline)
        self.expert_panel = ExpertPanel(self.doc)
        self.viewpoint_panel = ViewpointPanel(self.doc)
        side = QWidget()
        col = QVBoxLayout(side)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.expert_panel, 1)
        col.addWidget(self.viewpoint_panel)
        self.dock = QDockWidget("Experts", self)
        self.dock.setObjectName("experts")
        self.dock.setWidget(side)
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                              | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.dock.setMinimumWidth(300)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.resizeDocks([self.dock], [340], Qt.Orientation.Horizontal)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_collection_dock()
        self._add_model_docks()
        self.status = StatusBar(self.doc, self.player, self)
        self.setStatusBar(self.status)
        self.act = actions.build(self)
        self.setAcceptDrops(True)
        self._wire()
        self._restore_enabled()
        self.timeline.set_follow(self.act.follow.isChecked())
        self._restore_layout()

    # -- wiring ------------------------------------------------------------------------------
    def _wire(self) -> None:
        d, p = self.doc, self.player
        d.trackChanged.connect(self._track_changed)
        d.problem.connect(self.dialogs.error)
        d.crashed.connect(self._crashed)
        d.relevanceChanged.connect(self._remember_enabled)
        p.positionChanged.connect(d.set_position)
        p.error.connect(lambda msg: self.status.showMessage(msg, 8000))
        p.availabilityChanged.connect(lambda *_: actions.update_playback(self))
        p.stateChanged.connect(lambda *_: actions.update_playback(self))
        p.stateChanged.connect(lambda state: self.timeline.set_playing(state == "playing"))
        self.timeline.seekRequested.connect(self.seek)
        self.timeline.segmentActivated.connect(self.play_segment)
        self.expert_panel.importDialogRequested.connect(self.import_expert_dialog)
        self.expert_panel.importRequested.connect(self.import_models)
        self.timeline.relevance.contextRequested.connect(self.show_review_menu)
        self.status.warnings_button.clicked.connect(self.show_warnings)
        self.expert_panel.modelCardRequested.connect(self.show_model_card)
        self.viewpoint_panel.keepRequested.connect(self.keep_viewpoint)
        self.collection_panel.excerpt_activated.connect(self.open_excerpt)
        actions.update_playback(self)

    def _add_collection_dock(self) -> None:
        from relstudio.gui.panels.collection_panel import CollectionPanel

        enabled = lambda: [e for e in (self.doc.entry(f) for f in self.doc.enabled) if e is not None]  # noqa: E731
        self.collection_panel = CollectionPanel(enabled, cache=self.doc.cache, device=self.doc.device.type)
        self.collection_dock = QDockWidget("Collection", self)
        self.collection_dock.setObjectName("collection")
        self.collection_dock.setWidget(self.collection_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.collection_dock)
        self.resizeDocks([self.collection_dock], [220], Qt.Orientation.Vertical)

    def open_excerpt(self, path: str, start: float, end: float) -> None:
        """Open ``path`` (unless it is the open track) and play ``start``–``end`` (a collection excerpt)."""
        def play():
            self.doc.viewRangeRequested.emit(max(0.0, start - 2.0), end + 2.0)
            self.player.play_ranges([(start, end)], margin=self.margin)

        if self.doc.track is not None and self.doc.path is not None and Path(self.doc.path) == Path(path):
            play()
            return

        def once():
            self.doc.trackChanged.disconnect(once)
            if self.doc.path is not None and Path(self.doc.path) == Path(path):
                play()

        self.doc.trackChanged.connect(once)
        self.open_path(path)

    def _restore_enabled(self) -> None:
        stored = self.settings.value("experts/enabled", None)
        usable = set(self.doc.usable_fingerprints())
        if stored is None:
            fps = self.doc.default_enabled()
        else:
            stored = [stored] if isinstance(stored, str) else list(stored)
            fps = [f for f in stored if f in usable]
        self.doc.set_enabled(fps)

    def _restore_layout(self) -> None:
        """Docks and sizes as the user left them; the first time, the collection and training docks start hidden."""
        state = self.settings.value("window/state")
        if state is None or not self.restoreState(state):
            for dock in (getattr(self, "collection_dock", None), getattr(self, "training_dock", None)):
                if dock is not None:
                    dock.hide()

    def _remember_enabled(self) -> None:
        self.settings.setValue("experts/enabled", list(self.doc.enabled))

    def _track_changed(self) -> None:
        clip = self.doc.track.clip
        self.player.set_audio(clip.samples, clip.rate)
        self.setWindowTitle(f"{clip.name} — relstudio")
        self._add_recent(str(self.doc.path))
        actions.update_playback(self)

    def _crashed(self, title: str, exc, tb: str) -> None:
        from relstudio.gui.app import write_crash_log

        path = write_crash_log(tb)
        self.dialogs.error(title, f"{type(exc).__name__}: {exc}\n\nThe details were written to {path}")

    # -- files -------------------------------------------------------------------------------
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

    def recent_files(self) -> list[str]:
        value = self.settings.value("files/recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _add_recent(self, path: str) -> None:
        items = [path] + [p for p in self.recent_files() if p != path]
        self.settings.setValue("files/recent", items[:MAX_RECENT])

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
            self.set_margin(float(state["margin"]))
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
        state = session.session_dict(self.doc, view_range=self.timeline.view_range(), margin=self.margin)
        self.session_path = session.write_session(path, state)
        self.status.showMessage(f"session saved to {self.session_path}", 5000)

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

    # -- experts -----------------------------------------------------------------------------
    def import_expert_dialog(self) -> None:
        paths = self.dialogs.open_files("Import models", MODEL_FILTER)
        if paths:
            self.import_experts(paths)

    def import_experts(self, paths) -> None:
        self.import_models(paths)

    def show_model_card(self, path: str | None = None) -> None:
        from relstudio.gui.panels.model_card import ModelCardDialog

        if path is None:
            item = self.expert_panel.tree.currentItem()
            path = item.data(0, Qt.ItemDataRole.UserRole + 2) if item is not None else None
        if not path:
            self.status.showMessage("select an expert in the panel first", 4000)
            return
        entry = next((e for e in self.doc.library.entries if str(e.path) == str(path)), None)
        dialog = ModelCardDialog(path, error=entry.error if entry else "", parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def keep_viewpoint(self) -> None:
        if not self.doc.enabled:
            self.dialogs.error("Keep viewpoint", "Enable at least one expert first.")
            return
        name = self.dialogs.text("Keep viewpoint", "Name of this set of experts:",
                                 " vs ".join(self.doc.display_label(f) for f in self.doc.enabled)[:60])
        if name:
            try:
                self.doc.keep_viewpoint(name)
            except RelstudioError as exc:
                self.dialogs.error("Keep viewpoint", str(exc))

    # -- Qt events ---------------------------------------------------------------------------
    def dragEnterEvent(self, event):
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event):
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        models = [p for p in paths if is_model_file(p) or p.endswith(".safetensors")]
        if models:
            self.import_models(models)
        others = [p for p in paths if p not in models]
        if others:
            self.open_path(others[0])
        event.acceptProposedAction()

    def closeEvent(self, event):
        self.settings.setValue("playback/follow", self.act.follow.isChecked())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()
        self.collection_panel.shutdown()
        for wizard in list(self.wizards):
            wizard.close()
        self.player.close()
        self.doc.close()
        super().closeEvent(event)
