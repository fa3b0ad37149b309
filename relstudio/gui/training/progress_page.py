"""Wizard page 4: a queued or running training — live loss curves, progress, time left, Cancel.

The page watches a :class:`~relstudio.gui.training.queue.TrainingJob` of the
window's queue; closing the wizard does not stop the training (the Training
panel lists it). When the job is done the wizard moves on to the results.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWizardPage

from relstudio.gui.training.loss_plot import LossPlot
from relstudio.gui.training.queue import CANCELLED, DONE, FAILED, QUEUED, RUNNING

STAGES = {"experts": "training the experts", "relnet": "training RELNET", "convnet": "training CONVNET",
          "convkong": "training CONV-KONG"}


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "estimating…"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    m, s = divmod(seconds, 60)
    if m < 60:
        return f"{m} min {s:02d} s"
    h, m = divmod(m, 60)
    return f"{h} h {m:02d} min"


class ProgressPage(QWizardPage):
    def __init__(self, wizard):
        super().__init__()
        self.wiz = wizard
        self.setTitle("Training")
        self.job = None
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setFormat("%p %")
        self.time_left = QLabel()
        self.time_left.setMinimumWidth(210)
        self.cancel_button = QPushButton("Cancel training")
        self.cancel_button.setToolTip("Stop now: nothing of this training is kept")
        self.cancel_button.clicked.connect(self._cancel)
        self.plot = LossPlot()
        self.legend = QLabel("solid: training loss   ·   dashed: validation loss (early stopping)   ·   "
                             "●: best epoch so far (its weights are kept)")
        self.legend.setObjectName("hint")
        self.note = QLabel("You can close this window: the training goes on in the background "
                           "(View ▸ Show training panel) and the new experts appear in the expert panel.")
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.time_left)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addLayout(row)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.note)
        self.clock = QTimer(self)
        self.clock.setInterval(1000)
        self.clock.timeout.connect(self._tick)
        q = wizard.queue
        q.jobChanged.connect(self._job_changed)
        q.epochAdded.connect(self._epoch)

    def initializePage(self) -> None:
        self.job = self.wiz.job
        self.setSubTitle(f"“{self.job.name}”: {len(self.job.request.classes)} classes, "
                         f"{len(self.job.request.dataset)} clips of {self.job.request.dataset.name}")
        self.plot.show_job(self.job)
        self.clock.start()
        self._update()

    def _job_changed(self, job_id: int) -> None:
        if self.job is not None and job_id == self.job.id:
            self._update()

    def _epoch(self, job_id: int, _stage: str, _epoch: int) -> None:
        if self.job is not None and job_id == self.job.id:
            self.plot.refresh()
            self._update()

    def _tick(self) -> None:
        if self.job is not None and self.job.state == RUNNING:
            left = self.job.time_left()
            self.time_left.setText(f"time left ≤ {format_duration(left)}" if left is not None else
                                   "time left: estimating…")
            self.time_left.setToolTip("at the pace so far, if no model stops early (early stopping usually "
                                      "ends sooner)")

    def _update(self) -> None:
        job = self.job
        self.bar.setValue(int(1000 * job.fraction))
        self.cancel_button.setEnabled(not job.finished)
        if job.state == QUEUED:
            ahead = self.wiz.queue.ahead_of(job)
            self.state.setText(f"Waiting: {ahead} training{'s' if ahead != 1 else ''} before this one.")
            self.time_left.setText("")
        elif job.state == RUNNING:
            self.state.setText(self._running_text(job))
            self._tick()
        elif job.state == DONE:
            self.state.setText(f"Done in {format_duration(job.elapsed())}.")
            self.time_left.setText("")
            self.clock.stop()
        elif job.state == CANCELLED:
            self.state.setText("<b>Cancelled</b> — nothing of this training was kept. Close the wizard, or "
                               "open it again to change the settings.")
            self.time_left.setText("")
            self.clock.stop()
        elif job.state == FAILED:
            self.state.setText(f"<span style='color:#ff8a70'><b>Failed:</b> {job.error}</span>")
            self.time_left.setText("")
            self.clock.stop()
        self.note.setVisible(job.state in (QUEUED, RUNNING))  # after Cancel nothing goes on in the background
        self.completeChanged.emit()
        if job.state == DONE and self.wiz.currentPage() is self:
            QTimer.singleShot(0, self.wiz.next)

    @staticmethod
    def _running_text(job) -> str:
        if not job.stage:
            return f"<b>preparing the data</b> — {job.message}"
        config = job.request.config
        done = f"{job.epoch} epoch{'s' if job.epoch != 1 else ''} done"
        text = f"<b>{STAGES.get(job.stage, job.stage)}</b> — {done} (at most {config.max_epochs})"
        if job.stage == "experts":
            n = len(job.request.classes)
            text += f" · {len(job.active)} of {n} experts still improving (patience {config.patience})"
        return text

    def _cancel(self) -> None:
        if self.job is not None:
            self.wiz.queue.cancel(self.job.id)

    def isComplete(self) -> bool:
        return self.job is not None and self.job.state == DONE
