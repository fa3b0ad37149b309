"""The one place that sizes CPU threads for this machine and its current load (issue 17).

A musicologist's desktop runs other programs. torch's intra-op threads work in fork-join steps: when
one of them waits for a core another process holds, every operation waits for it, and a busy
program beside the analysis slowed it down several times. So:

- **torch intra-op threads** = the *free* cores: the cores this process may use minus the load of
  other processes, never more, at least 1 (:func:`free_cores`, a pure function of the two).
  :func:`~relstudio.core.analysis.analyze` calls :func:`fit_torch_threads` on the CPU at every run,
  in the thread that runs it (torch keeps the OpenMP thread count per calling thread).
- **decoding threads** (the collection runner decodes ahead while the network runs with one torch
  thread): the free cores.
- **worker processes** share the free cores: ``free // workers`` torch threads each, at least 1.
- **passive waiting**: ``import relstudio`` sets ``OMP_WAIT_POLICY=PASSIVE`` (unless the user set
  it), so OpenMP threads sleep between operations instead of spinning on a core another program
  needs. OpenMP reads it once, when torch is first imported; :func:`passive_waiting` says whether
  it is set.

The load of other processes is the busy CPU time of the whole machine (``/proc/stat``) minus this
process's own CPU time, over the interval since the previous call (or a fresh 0.1-s sample when
that is older than :data:`MAX_AGE` s); elsewhere the 1-min load average. Cheap: one small file read.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass

from relstudio.core.errors import ParameterError

IDLE_ENOUGH = 0.25  # a core counts as free when other processes leave at least 75 % of it
SAMPLE_SECONDS = 0.1  # a fresh load sample: 10 clock ticks per core
MAX_AGE = 2.0  # a previous sample older than this is not used: take a fresh one


@dataclass(frozen=True)
class ThreadPlan:
    """How many threads to run: torch intra-op threads (per process) and decoding threads."""

    torch: int
    decode: int


def free_cores(*, cores: int, others_load: float) -> int:
    """Cores left to this process: ``cores`` minus the cores other processes keep busy, at least 1."""
    if not isinstance(cores, int) or cores < 1:
        raise ParameterError(f"cores must be a whole number ≥ 1, got {cores!r}")
    if not (isinstance(others_load, (int, float)) and math.isfinite(others_load) and others_load >= 0):
        raise ParameterError(f"others_load must be a finite number ≥ 0, got {others_load!r}")
    return max(1, min(cores, math.floor(cores - others_load + IDLE_ENOUGH)))


def plan_threads(*, cores: int, others_load: float, workers: int = 1, limit: int = 0) -> ThreadPlan:
    """Threads for ``workers`` processes sharing the free cores; ``limit`` (> 0) caps torch's threads."""
    if not isinstance(workers, int) or workers < 1:
        raise ParameterError(f"workers must be a whole number ≥ 1, got {workers!r}")
    if not isinstance(limit, int) or limit < 0:
        raise ParameterError(f"limit must be a whole number ≥ 0 (0: no limit), got {limit!r}")
    free = free_cores(cores=cores, others_load=others_load)
    torch_threads = max(1, free // workers)
    if limit:
        torch_threads = min(torch_threads, limit)
    return ThreadPlan(torch=torch_threads, decode=free)


def machine_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def passive_waiting() -> bool:
    """Whether OpenMP threads are asked to sleep when idle (``OMP_WAIT_POLICY=PASSIVE``)."""
    return os.environ.get("OMP_WAIT_POLICY", "").strip().upper() == "PASSIVE"


@dataclass(frozen=True)
class CpuSample:
    """Monotonic time, CPU-seconds all cores were busy since boot, and this process's CPU-seconds."""

    t: float
    busy: float
    own: float


def others_load_between(a: CpuSample, b: CpuSample) -> float:
    """Cores kept busy by other processes between samples ``a`` and ``b`` (≥ 0)."""
    elapsed = b.t - a.t
    if elapsed <= 0:
        raise ParameterError(f"the second sample must be later than the first, got {a.t} then {b.t}")
    return max(0.0, ((b.busy - a.busy) - (b.own - a.own)) / elapsed)


def read_sample() -> CpuSample | None:
    """Now, from ``/proc/stat`` (``None`` where it does not exist)."""
    try:
        with open("/proc/stat", "rb") as f:
            fields = f.readline().split()
        ticks = os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, AttributeError):
        return None
    if not fields or fields[0] != b"cpu":
        return None
    values = [int(v) for v in fields[1:9]]  # user nice system idle iowait irq softirq steal
    busy = sum(values) - values[3] - values[4]
    own = os.times()
    return CpuSample(time.monotonic(), busy / ticks, own.user + own.system)


_lock = threading.Lock()
_state: dict = {"sample": None, "load": 0.0, "ceiling": 0, "pinned": 0}


def others_load() -> float:
    """Cores other processes keep busy now (see the module docstring), ≥ 0."""
    with _lock:
        now = read_sample()
        if now is None:
            try:
                return max(0.0, os.getloadavg()[0])
            except (OSError, AttributeError):
                return 0.0
        last = _state["sample"]
        if last is None or now.t - last.t > MAX_AGE:
            time.sleep(SAMPLE_SECONDS)
            last, now = now, read_sample()
        elif now.t - last.t < SAMPLE_SECONDS:
            return _state["load"]  # too short to tell: the previous estimate
        _state["sample"], _state["load"] = now, others_load_between(last, now)
        return _state["load"]


def current_plan(*, workers: int = 1, limit: int = 0) -> ThreadPlan:
    """:func:`plan_threads` for this machine now, within the ceiling :func:`set_ceiling` set."""
    ceiling = _state["ceiling"]
    if ceiling and (not limit or ceiling < limit):
        limit = ceiling
    return plan_threads(cores=machine_cores(), others_load=others_load(), workers=workers, limit=limit)


def set_ceiling(threads: int) -> int:
    """At most ``threads`` torch threads in this process from now on (0: none); returns the previous ceiling.

    Worker processes and the collection runner (one torch thread beside the decoders) set it; every
    later :func:`fit_torch_threads`, e.g. in ``analyze``, stays within it.
    """
    if not isinstance(threads, int) or threads < 0:
        raise ParameterError(f"threads must be a whole number ≥ 0 (0: no ceiling), got {threads!r}")
    with _lock:
        previous, _state["ceiling"] = _state["ceiling"], threads
    return previous


def pin_threads(threads: int) -> None:
    """Exactly ``threads`` torch threads from now on, whatever the load (0: size them again).

    For runs that must repeat bit for bit (``make retrain``): the number of
    threads changes the order of float sums, so a run sized by the load gives
    other weights than the same run on a quiet machine.
    """
    if not isinstance(threads, int) or threads < 0:
        raise ParameterError(f"threads must be a whole number ≥ 0 (0: sized by the load), got {threads!r}")
    _state["pinned"] = threads
    if threads:
        import torch

        torch.set_num_threads(threads)


def pinned_threads() -> int:
    """The number :func:`pin_threads` fixed (0: sized by the load)."""
    return _state["pinned"]


def fit_torch_threads(*, limit: int = 0) -> int:
    """Size torch's intra-op threads (in the calling thread) for the load now; returns the number."""
    import torch

    n = _state.get("pinned") or current_plan(limit=limit).torch
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n
