"""Training panel: the queued, running and finished trainings, with progress, time left and Cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from relstudio.gui import theme
from relstudio.gui.training.progress_page import format_duration
from relstudio.gui.training.queue import CANCELLED, DONE, FAILED, QUEUED, RUNNING

JOB_ROLE = Qt.ItemDataRole.UserRole
STATE_COLOURS = {QUEUED: theme.TEXT_DIM, RUNNING: theme.ACCENT, DONE: "#5fd38d", CANCELLED: theme.TEXT_DIM,
                 FAILED: "#ff8a70"}


class TrainingPanel(QWidget):
    newRequested = Signal()
    showRequested = Signal(int)  # job id

    def __init__(self, queue, parent=None):
        super().__init__(parent)
        self.queue = queue
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Training", "State", "Progress", "Time"])
        self.tree.setRootIsDecorated(False)
        self.tree.itemDoubleClicked.connect(lambda it, _c: self.showRequested.emit(int(it.data(0, JOB_ROLE))))
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.new_button = QPushButton("New training…")
        self.show_button = QPushButton("Show")
        self.cancel_button = QPushButton("Cancel")
        self.new_button.clicked.connect(self.newRequested)
        self.show_button.clicked.connect(lambda: self._selected() is not None and self.showRequested.emit(
            self._selected()))
        self.cancel_button.clicked.connect(self._cancel)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.show_button, self.cancel_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        queue.jobAdded.connect(lambda _id: self.refresh())
        queue.jobChanged.connect(self._update_job)
        self.clock = QTimer(self)
        self.clock.setInterval(1000)
        self.clock.timeout.connect(lambda: self.queue.running and self._update_job(self.queue.running.id))
        self.clock.start()
        self.refresh()

    def refresh(self) -> None:
        current = self._selected()
        self.tree.clear()
        for job in reversed(self.queue.jobs):
            item = QTreeWidgetItem()
            item.setData(0, JOB_ROLE, job.id)
            self.tree.addTopLevelItem(item)
            self._fill(item, job)
            if job.id == current:
                self.tree.setCurrentItem(item)
        self._update_buttons()

    def _fill(self, item, job) -> None:
        item.setText(0, job.name)
        item.setToolTip(0, f"{', '.join(job.request.classes)} — {job.request.dataset.root}")
        item.setText(1, job.state)
        item.setForeground(1, QColor(STATE_COLOURS.get(job.state, theme.TEXT)))
        item.setText(2, f"{100 * job.fraction:.0f} %" if job.state in (RUNNING, DONE) else "")
        if job.state == RUNNING:
            item.setText(3, f"{format_duration(job.time_left())} left")
        elif job.finished:
            item.setText(3, format_duration(job.elapsed()))
        else:
            item.setText(3, "")
        if job.state == FAILED:
            item.setToolTip(1, job.error)

    def _update_job(self, job_id: int) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, JOB_ROLE) == job_id:
                self._fill(item, self.queue.job(job_id))
        self._update_buttons()

    def _selected(self) -> int | None:
        item = self.tree.currentItem()
        return int(item.data(0, JOB_ROLE)) if item is not None else None

    def _cancel(self) -> None:
        job_id = self._selected()
        if job_id is not None:
            self.queue.cancel(job_id)

    def _update_buttons(self) -> None:
        job_id = self._selected()
        job = self.queue.job(job_id) if job_id is not None else None
        self.show_button.setEnabled(job is not None and job.state != CANCELLED)
        self.cancel_button.setEnabled(job is not None and not job.finished)
