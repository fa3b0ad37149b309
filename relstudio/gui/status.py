"""Status bar: messages, analysis progress and Cancel, warnings, training, cursor and analysis time, device, audio."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton

from relstudio.gui import theme
from relstudio.gui.views.common import format_time
from relstudio.gui.wording import plural


class SteadyLabel(QLabel):
    """A status-bar label whose width only grows, so a new text that fits (the position 30 times a second
    while playing, the expert count at every toggle) repaints the label alone: a widget of fixed size
    does not invalidate its parent's layout, which would repaint the status bar and much of the window."""

    def __init__(self, text: str = ""):
        super().__init__(text)
        self.setFixedSize(self.sizeHint())

    def setText(self, text: str) -> None:
        super().setText(text)
        need = self.sizeHint()
        if need.width() > self.width() or need.height() > self.height():
            self.setFixedSize(max(need.width(), self.width()), max(need.height(), self.height()))


class StatusBar(QStatusBar):
    def __init__(self, doc, player, training, parent=None):
        super().__init__(parent)
        self.doc, self.player, self.training = doc, player, training
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFixedWidth(220)
        self.progress.setFormat("%p %")
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop the running analysis (Ctrl+.)")
        self.cancel_button.clicked.connect(doc.cancel)
        self.task_label = SteadyLabel()
        self.position_label = SteadyLabel("0:00.0")
        self.analysis_label = SteadyLabel("no track")
        self.device_label = QLabel()
        self.device_label.setToolTip("where the experts run")
        self.audio_label = QLabel()
        self.warnings_button = QToolButton()
        self.warnings_button.setStyleSheet(f"color: {theme.THRESHOLD}")
        self.training_label = SteadyLabel()
        self.training_label.setToolTip("background training (View ▸ Show training panel)")
        for w in (self.task_label, self.progress, self.cancel_button):
            self.addWidget(w)
        for w in (self.warnings_button, self.training_label, self.position_label, self.analysis_label,
                  self.device_label, self.audio_label):
            self.addPermanentWidget(w)
        self._set_busy(False)
        doc.runner.progress.connect(self._progress)
        doc.runner.busyChanged.connect(self._set_busy)
        doc.runner.cancelled.connect(self._cancelled)  # methods, not lambdas: disconnected when the bar is deleted
        doc.message.connect(self._doc_message)
        doc.positionChanged.connect(self._position)
        doc.analysisChanged.connect(self._analysis)
        doc.relevanceChanged.connect(self._analysis)
        doc.trackChanged.connect(self._analysis)
        player.availabilityChanged.connect(lambda *_: self.update_audio())
        doc.warningsChanged.connect(self.update_warnings)
        training.jobChanged.connect(lambda _id: self.update_training())
        doc.engineReady.connect(self.update_device)
        self.update_device()
        self.update_audio()
        self.update_warnings()
        self.update_training()

    def update_warnings(self) -> None:
        """A "⚠ n" button while the open track has decode or analysis warnings (click: list them)."""
        n = len(self.doc.warnings)
        self.warnings_button.setText(f"⚠ {n} warning{'s' if n != 1 else ''}")
        self.warnings_button.setToolTip("\n".join(self.doc.warnings))
        self.warnings_button.setVisible(n > 0)

    def update_device(self) -> None:
        """Where the experts run, or "loading experts…" while the window imports them (no torch before)."""
        from relstudio.gui.engine_warmup import LOADING_TEXT

        if not self.doc.engine_ready:
            self.device_label.setText(LOADING_TEXT)
            return
        from relstudio.core.device import describe

        self.device_label.setText(describe(self.doc.device))

    def update_training(self) -> None:
        job = self.training.running
        waiting = len(self.training.waiting)
        if job is None:
            self.training_label.setText("")
            self.training_label.setVisible(False)
            return
        more = f" (+{waiting} queued)" if waiting else ""
        self.training_label.setText(f"training {job.name}: {100 * job.fraction:.0f} %{more}")
        self.training_label.setVisible(True)

    def _cancelled(self, name: str) -> None:
        self.showMessage(f"cancelled: {name}", 5000)

    def _doc_message(self, text: str) -> None:
        self.showMessage(text, 8000)

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(1000 * min(max(fraction, 0.0), 1.0)))
        if message:
            self.task_label.setText(message)

    def _set_busy(self, busy: bool) -> None:
        for w in (self.progress, self.cancel_button, self.task_label):
            w.setVisible(busy)
        if busy:
            self.progress.setValue(0)
            self.task_label.setText(self.doc.runner.current_name)

    def _position(self, t: float) -> None:
        total = self.doc.track.clip.duration if self.doc.track is not None else 0.0
        self.position_label.setText(f"{format_time(t)} / {format_time(total)}")

    def _analysis(self) -> None:
        a, cur = self.doc.analysis, self.doc.current()
        if self.doc.track is None:
            self.analysis_label.setText("no track")
        elif a is None:
            self.analysis_label.setText("analysing…")
        else:
            n = len(cur.experts) if cur is not None else 0
            self.analysis_label.setText(f"{plural(a.n_segments, 'segment')} · {plural(n, 'expert')} · "
                                        f"analysis {a.seconds:.2f} s")

    def update_audio(self) -> None:
        if self.player.available:
            self.audio_label.setText("audio out")
            self.audio_label.setToolTip("")
            self.audio_label.setStyleSheet("")
        else:
            self.audio_label.setText("no audio output")
            self.audio_label.setToolTip(self.player.unavailable_reason)
            self.audio_label.setStyleSheet(f"color: {theme.THRESHOLD}")
