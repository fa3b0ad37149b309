"""The batch job on a Dask distributed cluster: one task per track.

``analyze_collection(..., scheduler="tcp://HOST:PORT")`` uses :func:`dask_runner`.
Workers must see the tracks and expert files under the same paths (a shared
file system) and have relstudio installed; each worker process loads the
experts once and keeps them. Results — the table row and the segment
probabilities — stream back to the client, which writes them into its own
probability cache and tables, so a later run (local or on the cluster) skips
the tracks. Dask is imported only here, when a scheduler is used.
"""

from __future__ import annotations

import time
from dataclasses import replace

from relstudio.core.collection.worker import JobSpec, run_one
from relstudio.core.errors import ParameterError


def analyse_on_worker(path: str, spec: JobSpec) -> dict:
    """The task run on a Dask worker (no disk cache there; probabilities go back to the client)."""
    if spec.threads:
        from relstudio.core.threads import set_ceiling

        set_ceiling(spec.threads)
    return run_one(path, spec, return_probs=True)


def connect(scheduler, *, timeout: float = 10.0):
    """``(client, owned)`` for a scheduler address or an existing ``distributed.Client``."""
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise ParameterError("--scheduler needs dask[distributed] (pip install 'dask[distributed]')") from exc
    if isinstance(scheduler, Client):
        return scheduler, False
    address = str(scheduler)
    if "://" not in address:
        raise ParameterError(f"scheduler must look like tcp://HOST:PORT, got {address!r}")
    try:
        return Client(address, timeout=f"{timeout}s"), True
    except (OSError, TimeoutError) as exc:
        raise ParameterError(f"cannot reach the Dask scheduler at {address} ({exc})") from exc


def dask_runner(paths, spec: JobSpec, *, scheduler, in_flight: int | None = None, poll: float = 0.2):
    """Yield one result dict per track as the cluster finishes them (``None`` while waiting)."""
    from distributed import as_completed

    client, owned = connect(scheduler)
    spec = replace(spec, cache_folder=None, device="cpu", threads=spec.threads or 1)
    it = iter(paths)
    if in_flight is None:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        in_flight = max(8, 4 * n_workers)
    live: dict = {}
    done = as_completed()

    def submit_more():
        while len(live) < in_flight:
            path = next(it, None)
            if path is None:
                return
            future = client.submit(analyse_on_worker, str(path), spec, pure=False)
            live[future] = str(path)
            done.add(future)

    try:
        submit_more()
        while live:
            if not done.has_ready():
                time.sleep(poll)
                yield None
                continue
            for future in done.next_batch(block=False):
                path = live.pop(future)
                try:
                    yield future.result()
                except Exception as exc:  # noqa: BLE001 — a lost worker or task is one failed track
                    yield {"path": path, "ok": False, "reason": f"task failed on the cluster: {exc}"}
                future.release()
            submit_more()
    finally:
        if live:
            client.cancel(list(live))
        if owned:
            client.close()
