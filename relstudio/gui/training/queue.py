"""The training queue: trainings run one after another in the background, each with its loss history.

:class:`TrainingQueue` is owned by the main window (which hands it to the status
bar, the Training dock and each wizard) and has its own worker lane (a
:class:`~relstudio.gui.tasks.TaskRunner`), so the analysis of the open track
never waits for, nor cancels, a training. Each :class:`TrainingJob` keeps what
the views draw: state, progress, the per-epoch train/validation losses of every
model, the time left, and the outcome.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from relstudio.core.errors import RelstudioError
from relstudio.gui.crash_log import write_crash_log
from relstudio.gui.tasks import TaskRunner
from relstudio.gui.training.run import TrainingOutcome, TrainingRequest, run_training

QUEUED, RUNNING, DONE, CANCELLED, FAILED = "queued", "running", "done", "cancelled", "failed"


@dataclass
class TrainingJob:
    id: int
    request: TrainingRequest
    state: str = QUEUED
    fraction: float = 0.0
    message: str = ""
    stage: str = ""
    epoch: int = 0
    active: tuple = ()  # models of the current stage still improving (early stopping)
    # (stage, model name) → list of (epoch, train loss, validation loss)
    history: dict = field(default_factory=dict)
    best: dict = field(default_factory=dict)  # (stage, model name) → best epoch so far (its weights are kept)
    started: float | None = None
    ended: float | None = None
    outcome: TrainingOutcome | None = None
    error: str = ""

    @property
    def name(self) -> str:
        return self.request.name

    @property
    def finished(self) -> bool:
        return self.state in (DONE, CANCELLED, FAILED)

    def elapsed(self, now: float | None = None) -> float:
        if self.started is None:
            return 0.0
        return (self.ended or now or time.monotonic()) - self.started

    def time_left(self, now: float | None = None) -> float | None:
        """Seconds left at the pace so far (an upper bound: early stopping usually ends sooner)."""
        if self.state != RUNNING or self.fraction < 0.02:
            return None
        return self.elapsed(now) * (1.0 - self.fraction) / self.fraction

    def add_epoch(self, metrics: dict) -> None:
        stage, epoch = str(metrics.get("stage", "")), int(metrics.get("epoch", 0))
        self.stage, self.epoch, self.active = stage, epoch, tuple(metrics.get("active", ()))
        train, val = metrics.get("train_loss", {}), metrics.get("val_loss", {})
        for name, loss in train.items():
            self.history.setdefault((stage, str(name)), []).append((epoch, float(loss), float(val.get(name, loss))))
        for name, best in (metrics.get("best_epoch") or {}).items():
            self.best[(stage, str(name))] = int(best)


class TrainingQueue(QObject):
    """Signals: ``jobAdded(id)``, ``jobChanged(id)`` (state or progress), ``epochAdded(id, stage, epoch)``,
    ``jobFinished(id)`` (done, cancelled or failed), ``busyChanged(bool)``."""

    jobAdded = Signal(int)
    jobChanged = Signal(int)
    epochAdded = Signal(int, str, int)
    jobFinished = Signal(int)
    busyChanged = Signal(bool)

    def __init__(self, *, experts_root=None, staging_root=None, parent=None):
        super().__init__(parent)
        from relstudio.core.paths import user_data_dir, user_experts_dir

        self.experts_root = Path(experts_root) if experts_root else user_experts_dir()
        self.staging_root = Path(staging_root) if staging_root else user_data_dir() / "training-staging"
        self.runner = TaskRunner(self)
        self.runner.progress.connect(self._progress)
        self.runner.metrics.connect(self._metrics)
        self.jobs: list[TrainingJob] = []
        self._running: TrainingJob | None = None

    # -- queries ---------------------------------------------------------------------
    def job(self, job_id: int) -> TrainingJob:
        return next(j for j in self.jobs if j.id == job_id)

    @property
    def running(self) -> TrainingJob | None:
        return self._running

    @property
    def waiting(self) -> list[TrainingJob]:
        return [j for j in self.jobs if j.state == QUEUED]

    @property
    def busy(self) -> bool:
        return self._running is not None or bool(self.waiting)

    def ahead_of(self, job: TrainingJob) -> int:
        """Trainings that run before ``job`` starts."""
        if job.state != QUEUED:
            return 0
        return (self._running is not None) + sum(1 for j in self.waiting if j.id < job.id)

    # -- commands --------------------------------------------------------------------
    def submit(self, request: TrainingRequest) -> TrainingJob:
        """Queue a training; it starts when the ones before it have ended."""
        was_busy = self.busy
        job = TrainingJob(max((j.id for j in self.jobs), default=0) + 1, request)
        self.jobs.append(job)
        self.jobAdded.emit(job.id)
        if not was_busy:
            self.busyChanged.emit(True)
        self._start_next()
        return job

    def cancel(self, job_id: int) -> None:
        """Cancel a queued or running training (a running one stops at its next batch; nothing is kept)."""
        job = self.job(job_id)
        if job.finished:
            return
        if job is self._running:
            self.runner.cancel()  # the worker closes the generator: its finally removes the staging folder
            self._running = None
        self._end(job, CANCELLED)
        self._start_next()

    def cancel_all(self) -> None:
        for job in list(self.jobs):
            self.cancel(job.id)

    def wait(self, timeout_ms: int = 60000) -> bool:
        """Block until the worker threads (including a cancelled one cleaning up) have ended."""
        return self.runner.wait(timeout_ms)

    def shutdown(self) -> None:
        for job in self.waiting:
            self._end(job, CANCELLED)
        if self._running is not None:
            self.cancel(self._running.id)
        self.runner.wait(60000)

    # -- internals ---------------------------------------------------------------------
    def _start_next(self) -> None:
        if self._running is not None:
            return
        nxt = next(iter(self.waiting), None)
        if nxt is None:
            self.busyChanged.emit(False)
            return
        self._running = nxt
        nxt.state, nxt.started = RUNNING, time.monotonic()
        self.runner.submit(run_training(nxt.request, experts_root=self.experts_root, staging_root=self.staging_root),
                           name=f"training {nxt.name}", on_done=lambda out, j=nxt: self._done(j, out),
                           on_error=lambda exc, tb, j=nxt: self._failed(j, exc, tb),
                           on_dropped=lambda out: out.discard())  # cancelled as it published: keep nothing
        self.jobChanged.emit(nxt.id)

    def _progress(self, fraction: float, message: str) -> None:
        job = self._running
        if job is not None:
            job.fraction, job.message = max(job.fraction, fraction), message or job.message
            self.jobChanged.emit(job.id)

    def _metrics(self, metrics: dict) -> None:
        job = self._running
        if job is not None and "train_loss" in metrics and "epoch" in metrics:
            job.add_epoch(metrics)
            self.epochAdded.emit(job.id, job.stage, int(metrics["epoch"]))

    def _end(self, job: TrainingJob, state: str) -> None:
        job.state, job.ended = state, time.monotonic()
        self.jobChanged.emit(job.id)
        self.jobFinished.emit(job.id)

    def _done(self, job: TrainingJob, outcome: TrainingOutcome) -> None:
        job.outcome, job.fraction = outcome, 1.0
        self._running = None
        self._end(job, DONE)
        self._start_next()

    def _failed(self, job: TrainingJob, exc, tb: str) -> None:
        job.error = str(exc) if isinstance(exc, RelstudioError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, RelstudioError):
            write_crash_log(tb)
        self._running = None
        self._end(job, FAILED)
        self._start_next()
