"""Run a core generator task in a worker thread: progress, cancel, errors, stale results dropped.

A task is a plain generator yielding :class:`~relstudio.core.progress.Progress`
and returning its result (see ``relstudio.core.progress``). :class:`TaskRunner`
runs one *current* job at a time: submitting a new job supersedes the running
one, whose result (or error) is then dropped. Cancel asks the worker to close
the generator at its next yield, so the task's ``finally`` blocks run in the
worker. Every exception the task raises — including ones a thread wrapper could
swallow — is caught in the worker and delivered to the GUI thread as a signal.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal

from relstudio.core.errors import Cancelled


class _Job(QThread):
    progressed = Signal(int, float, str)
    measured = Signal(int, object)  # Progress.metrics, when a report carries any
    partial = Signal(int, object)  # Progress.partial, when a report carries one
    succeeded = Signal(int, object)
    errored = Signal(int, object, str)
    stopped = Signal(int)

    def __init__(self, job_id: int, task, parent=None):
        super().__init__(parent)
        self.job_id, self.task, self.cancel_requested = job_id, task, False

    def run(self):  # worker thread: never touches widgets, only emits
        task = self.task
        try:
            while True:
                if self.cancel_requested:
                    task.close()
                    self.stopped.emit(self.job_id)
                    return
                p = next(task)
                self.progressed.emit(self.job_id, float(getattr(p, "fraction", 0.0)), str(getattr(p, "message", "")))
                metrics = getattr(p, "metrics", None)
                if metrics:
                    self.measured.emit(self.job_id, dict(metrics))
                if getattr(p, "partial", None) is not None:
                    self.partial.emit(self.job_id, p.partial)
        except StopIteration as stop:
            self.succeeded.emit(self.job_id, stop.value)
        except Cancelled:
            self.stopped.emit(self.job_id)
        except BaseException as exc:  # noqa: BLE001 — every failure must reach the GUI
            self.errored.emit(self.job_id, exc, traceback.format_exc())
        finally:
            self.task = None


@dataclass
class _Pending:
    name: str
    on_done: Callable[[Any], None]
    on_error: Callable[[BaseException, str], None] | None
    on_dropped: Callable[[Any], None] | None = None
    on_partial: Callable[[Any], None] | None = None


class TaskRunner(QObject):
    """One lane of background work for a document.

    Signals: ``progress(fraction, message)`` of the current job, ``metrics(dict)``
    (the ``Progress.metrics`` of the current job's reports that carry any, e.g.
    per-epoch losses), ``busyChanged(bool)``, ``failed(name, exception,
    traceback_text)`` when a job without its own error handler fails, ``cancelled(name)``.
    """

    progress = Signal(float, str)
    metrics = Signal(object)
    busyChanged = Signal(bool)
    failed = Signal(str, object, str)
    cancelled = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._next_id = 0
        self._current: int | None = None
        self._pending: dict[int, _Pending] = {}
        self._jobs: dict[int, _Job] = {}
        self.dropped = 0  # results of superseded jobs that were thrown away

    @property
    def busy(self) -> bool:
        return self._current is not None

    @property
    def current_name(self) -> str:
        return self._pending[self._current].name if self._current is not None else ""

    def submit(self, task, *, on_done: Callable[[Any], None], name: str = "task",
               on_error: Callable[[BaseException, str], None] | None = None,
               on_dropped: Callable[[Any], None] | None = None,
               on_partial: Callable[[Any], None] | None = None) -> int:
        """Start ``task`` (a generator) in a worker; ``on_done(result)`` runs in the GUI thread.

        ``on_dropped(result)`` runs instead when the job was cancelled or superseded but had
        already finished (e.g. to undo what it wrote). ``on_partial(value)`` runs in the GUI thread for each
        report of the current job that carries a partial result (``Progress.partial``), in order.
        """
        was_busy = self.busy
        self._supersede()
        self._next_id += 1
        job_id = self._next_id
        job = _Job(job_id, task)
        job.progressed.connect(self._on_progress)
        job.measured.connect(self._on_metrics)
        job.partial.connect(self._on_partial)
        job.succeeded.connect(self._on_success)
        job.errored.connect(self._on_error)
        job.stopped.connect(self._on_stopped)
        job.finished.connect(lambda j=job_id: self._forget(j))
        self._pending[job_id] = _Pending(name, on_done, on_error, on_dropped, on_partial)
        self._jobs[job_id] = job
        self._current = job_id
        job.start()
        if not was_busy:
            self.busyChanged.emit(True)
        self.progress.emit(0.0, name)
        return job_id

    def cancel(self) -> None:
        """Ask the current job to stop at its next progress report; its result is dropped."""
        if self._current is None:
            return
        name = self._pending[self._current].name
        self._supersede()
        self._current = None
        self.busyChanged.emit(False)
        self.cancelled.emit(name)

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until every worker thread has ended (used on close and in tests)."""
        ok = True
        for job in list(self._jobs.values()):
            ok = job.wait(timeout_ms) and ok
        return ok

    def shutdown(self, timeout_ms: int = 30000) -> None:
        self.cancel()
        self.wait(timeout_ms)

    # -- internals (GUI thread) ------------------------------------------------
    def _supersede(self) -> None:
        if self._current is not None:
            job = self._jobs.get(self._current)
            if job is not None:
                job.cancel_requested = True

    def _finish(self, job_id: int) -> _Pending | None:
        pending = self._pending.pop(job_id, None)
        if job_id != self._current:
            if pending is not None:
                self.dropped += 1
            return None
        self._current = None
        self.busyChanged.emit(False)
        return pending

    def _on_progress(self, job_id: int, fraction: float, message: str) -> None:
        if job_id == self._current:
            self.progress.emit(fraction, message)

    def _on_metrics(self, job_id: int, metrics) -> None:
        if job_id == self._current:
            self.metrics.emit(metrics)

    def _on_partial(self, job_id: int, value) -> None:
        pending = self._pending.get(job_id) if job_id == self._current else None
        if pending is not None and pending.on_partial is not None:
            pending.on_partial(value)

    def _on_success(self, job_id: int, value) -> None:
        known = self._pending.get(job_id)
        pending = self._finish(job_id)
        if pending is not None:
            pending.on_done(value)
        elif known is not None and known.on_dropped is not None:
            known.on_dropped(value)

    def _on_error(self, job_id: int, exc, text: str) -> None:
        pending = self._finish(job_id)
        if pending is None:
            return
        if pending.on_error is not None:
            pending.on_error(exc, text)
        else:
            self.failed.emit(pending.name, exc, text)

    def _on_stopped(self, job_id: int) -> None:
        self._finish(job_id)

    def _forget(self, job_id: int) -> None:
        job = self._jobs.pop(job_id, None)
        if job is not None:
            job.deleteLater()
