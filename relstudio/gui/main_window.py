"""The workstation window: it composes document, views, docks, player, status bar and command objects.

The window owns the training queue and builds one object per command group
(:mod:`relstudio.gui.commands`), each handed what it uses; menus, keys and
panel signals are bound to their methods. The window itself only keeps its
title, recent files, layout and the Qt events (drop, close).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QMainWindow

from relstudio.gui import actions, window_docks
from relstudio.gui.commands.files import FileCommands
from relstudio.gui.commands.models import ModelCommands
from relstudio.gui.commands.playback import PlaybackCommands
from relstudio.gui.commands.review import ReviewCommands
from relstudio.gui.commands.selection import SelectionCommands
from relstudio.gui.crash_log import write_crash_log
from relstudio.gui.dialogs import Dialogs
from relstudio.gui.document import Document
from relstudio.gui.playback import Player
from relstudio.gui.status import StatusBar
from relstudio.gui.training.queue import TrainingQueue
from relstudio.gui.views.timeline import Timeline


def app_settings() -> QSettings:
    """Settings in an ini file under the user data folder (tests isolate it through RELSTUDIO_DATA_DIR)."""
    from relstudio.core.paths import user_data_dir

    return QSettings(str(user_data_dir() / "gui.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    def __init__(self, doc: Document | None = None, *, player: Player | None = None, dialogs=None,
                 settings: QSettings | None = None, training: TrainingQueue | None = None):
        super().__init__()
        self.doc = doc if doc is not None else Document()
        self.player = player if player is not None else Player()
        self.player.setParent(self)
        self.settings = settings if settings is not None else app_settings()
        self.dialogs = dialogs if dialogs is not None else Dialogs(self, settings=self.settings)
        self.training = training if training is not None else TrainingQueue(parent=self)
        self.setWindowTitle("relstudio")
        self.resize(1480, 920)
        self.timeline = Timeline(self.doc)
        self.setCentralWidget(self.timeline)
        self.docks = window_docks.add_docks(self, doc=self.doc, training=self.training)
        self.expert_panel, self.viewpoint_panel = self.docks.expert_panel, self.docks.viewpoint_panel
        self.classification_panel, self.collection_panel = self.docks.classification_panel, self.docks.collection_panel
        self.training_panel, self.training_dock = self.docks.training_panel, self.docks.training
        self.status = StatusBar(self.doc, self.player, self.training, self)
        self.setStatusBar(self.status)
        self._build_commands()
        self.act = actions.build(self, doc=self.doc, timeline=self.timeline, player=self.player,
                                 settings=self.settings, dialogs=self.dialogs, files=self.files,
                                 playback=self.playback, review=self.review, models=self.models,
                                 docks=self.docks.shortcuts(), selection=self.selection,
                                 reset_layout=lambda: window_docks.reset_layout(self, self.docks, self.timeline))
        self.setAcceptDrops(True)
        self._wire()
        self._restore_enabled()
        self.timeline.set_follow(self.act.follow.isChecked())
        window_docks.restore_layout(self, self.docks, self.settings)
        QTimer.singleShot(0, self.files.offer_recovery)  # a recovery file left by a run that did not end well

    def _build_commands(self) -> None:
        d = self.doc
        self.playback = PlaybackCommands(doc=d, player=self.player, timeline=self.timeline, settings=self.settings,
                                         status=self.status, parent=self)
        self.selection = SelectionCommands(doc=d, player=self.player, timeline=self.timeline, dialogs=self.dialogs,
                                           status=self.status)
        self.review = ReviewCommands(doc=d, dialogs=self.dialogs, status=self.status,
                                     play_segment=self.playback.play_segment, parent=self)
        self.models = ModelCommands(doc=d, training=self.training, dialogs=self.dialogs, status=self.status,
                                    selected_model_path=self.expert_panel.selected_path, parent=self,
                                    settings=self.settings)
        self.files = FileCommands(doc=d, dialogs=self.dialogs, settings=self.settings, status=self.status,
                                  timeline=self.timeline, playback=self.playback,
                                  import_models=self.models.import_models)

    # -- wiring ------------------------------------------------------------------------------
    def _wire(self) -> None:
        d, p, tl = self.doc, self.player, self.timeline
        d.trackChanged.connect(self._track_changed)
        d.problem.connect(self.dialogs.error)
        d.crashed.connect(self._crashed)
        d.relevanceChanged.connect(self._remember_enabled)
        p.positionChanged.connect(d.set_position)
        p.error.connect(lambda msg: self.status.showMessage(msg, 8000))
        p.availabilityChanged.connect(lambda *_: self._update_playback())
        p.stateChanged.connect(lambda *_: self._update_playback())
        p.stateChanged.connect(lambda state: tl.set_playing(state == "playing"))
        tl.seekRequested.connect(self.playback.seek)
        tl.passageActivated.connect(self.playback.play_passage)
        tl.relevance.contextRequested.connect(self.review.show_review_menu)
        self.expert_panel.importDialogRequested.connect(self.models.import_dialog)
        self.expert_panel.importRequested.connect(self.models.import_models)
        self.expert_panel.modelCardRequested.connect(self.models.show_model_card)
        self.viewpoint_panel.keepRequested.connect(self.models.keep_viewpoint)
        self.status.warnings_button.clicked.connect(self.models.show_warnings)
        self.collection_panel.excerpt_activated.connect(self.files.open_excerpt)
        self.classification_panel.passageActivated.connect(self.playback.play_passage)
        self.classification_panel.passageChosen.connect(self.playback.reveal_passage)
        self.training_panel.newRequested.connect(lambda: self.models.open_training_wizard())
        self.training_panel.showRequested.connect(lambda job_id: self.models.open_training_wizard(job_id))
        self.training.jobAdded.connect(lambda _id: window_docks.show_training(self, self.docks))
        self._update_playback()

    def _update_playback(self) -> None:
        actions.update_playback(self.act, player=self.player, doc=self.doc)

    def _restore_enabled(self) -> None:
        stored = self.settings.value("experts/enabled", None)
        usable = set(self.doc.roster.usable_fingerprints())
        first = self.doc.viewpoints.first_screen  # the shipped Fig. 2 pair, when its experts are here
        if stored is None:
            fps = self.doc.viewpoints.get(first.get("enabled"), None) or self.doc.roster.default_enabled()
        else:
            stored = [stored] if isinstance(stored, str) else list(stored)
            fps = [f for f in stored if f in usable]
        self.doc.set_enabled(list(fps))
        if stored is None and first.get("compared"):
            self.doc.set_compare(first["compared"])  # first start: the paper's point, one curve against the other

    def _remember_enabled(self) -> None:
        self.settings.setValue("experts/enabled", list(self.doc.enabled))

    def _track_changed(self) -> None:
        clip = self.doc.track.clip
        self.player.set_audio(clip.pcm, clip.rate)  # int16 stays int16 (an hour is 318 MB, not 635)
        self.setWindowTitle(f"{clip.name} — relstudio")
        self.files.add_recent(str(self.doc.path))
        self._update_playback()

    def _crashed(self, title: str, exc, tb: str) -> None:
        path = write_crash_log(tb)
        self.dialogs.error(title, f"{type(exc).__name__}: {exc}\n\nThe details were written to {path}")

    def open_path(self, path) -> None:
        """Open an audio file, a session or (import) a model file (the command line, tests, screenshots)."""
        self.files.open_path(Path(path))

    # -- Qt events ---------------------------------------------------------------------------
    def dragEnterEvent(self, event):
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event):
        self.files.open_dropped([u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()])
        event.acceptProposedAction()

    def closeEvent(self, event):
        if not self.files.unsaved.confirm("quitting"):  # Save / Discard / Cancel
            event.ignore()
            return
        self.files.unsaved.window_closed()
        self.settings.setValue("playback/follow", self.act.follow.isChecked())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()
        self.collection_panel.shutdown()
        self.models.close_wizards()
        self.training.shutdown()
        self.player.close()
        self.doc.close()
        super().closeEvent(event)
