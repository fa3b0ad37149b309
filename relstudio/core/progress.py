"""Progress reports of long tasks.

A long task is a generator that yields :class:`Progress` and *returns* its
result (``return value`` → ``StopIteration.value``). Callers cancel by closing
the generator; tasks clean up in ``finally`` blocks so nothing half-written
stays behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Generator, TypeVar

T = TypeVar("T")
Task = Generator["Progress", None, T]


@dataclass(frozen=True)
class Progress:
    fraction: float
    message: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    partial: Any = None  # a partial result, when the task can show one (e.g. an Analysis known up to a segment)


def run_task(task: Task[T], on_progress: Callable[[Progress], None] | None = None) -> T:
    """Drive ``task`` to its end and return its result."""
    try:
        while True:
            p = next(task)
            if on_progress is not None:
                on_progress(p)
    except StopIteration as stop:
        return stop.value


def scaled(task: Task[T], start: float, end: float) -> Task[T]:
    """Re-map a sub-task's fractions into ``[start, end]`` of a larger bar."""
    span = end - start
    try:
        while True:
            p = next(task)
            yield Progress(start + span * min(max(p.fraction, 0.0), 1.0), p.message, p.metrics, p.partial)
    except StopIteration as stop:
        return stop.value
    finally:
        task.close()


def with_partials(task: Task[T], convert: Callable[[Any], Any]) -> Task[T]:
    """``task`` with each report's ``partial`` replaced by ``convert(partial)`` (reports without one pass as they are)."""
    try:
        while True:
            p = next(task)
            yield p if p.partial is None else Progress(p.fraction, p.message, p.metrics, convert(p.partial))
    except StopIteration as stop:
        return stop.value
    finally:
        task.close()
