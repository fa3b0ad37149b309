"""Ways to run :func:`~relstudio.core.collection.worker.run_one` over many tracks.

A runner is a generator over track paths that yields one result dict per
track (in completion order) and ``None`` as a heartbeat while it waits, so the
consumer can report progress and cancel (close the generator) at any time;
its ``finally`` stops the workers.

- :func:`inline_runner`: this process; audio decoded ahead in as many threads as
  there are free cores, clips batched through the fused experts (the GPU path; on
  the CPU with one torch thread while it runs: intra-op threads beside the
  decoders only wait; ``core/threads.py``).
- :func:`process_runner`: a pool of worker processes on this machine, each
  loading the experts once.
- ``relstudio.core.collection.dask.dask_runner``: a Dask distributed cluster.
"""

from __future__ import annotations

from collections import deque

from relstudio.core.collection.worker import JobSpec, init_process, loaded, run_one, summarise_analysis
from relstudio.core.errors import RelstudioError


def _decode(path: str, rate: int):
    from relstudio.core.audio import load_audio

    try:
        return load_audio(path, rate=rate), None
    except RelstudioError as exc:
        return None, getattr(exc, "problem", None) or str(exc)
    except Exception as exc:  # noqa: BLE001
        return None, f"{type(exc).__name__}: {exc}"


def inline_runner(paths, spec: JobSpec, *, batch_size: int = 16, batch_seconds: float = 300.0,
                  prefetch: int = 4):
    """Analyse ``paths`` in this process, ``batch_size`` clips per forward pass."""
    from concurrent.futures import ThreadPoolExecutor

    from relstudio.core import threads
    from relstudio.core.collection.batched import analyze_clips

    experts, cache, classifier = loaded(spec)
    rate = experts[0].info.frontend.sample_rate
    ceiling_before = threads.set_ceiling(spec.threads) if spec.threads else None  # CPU: 1 beside the decoders
    threads.fit_torch_threads()  # the batched passes below do not go through analyze
    pool = ThreadPoolExecutor(max_workers=threads.current_plan().decode, thread_name_prefix="relstudio-decode")
    queue: deque = deque()
    it = iter(paths)

    def refill(n):
        while len(queue) < n:
            path = next(it, None)
            if path is None:
                return
            queue.append((str(path), pool.submit(_decode, str(path), rate)))

    try:
        refill(prefetch)
        while queue:
            group, seconds = [], 0.0
            while queue and len(group) < batch_size and seconds < batch_seconds:
                path, future = queue.popleft()
                refill(prefetch)
                clip, reason = future.result()
                if clip is None:
                    yield {"path": path, "ok": False, "reason": reason}
                    continue
                group.append((path, clip))
                seconds += clip.duration
            if not group:
                continue
            try:
                analyses = analyze_clips([c for _, c in group], experts, cache=cache, device=spec.device)
            except RelstudioError as exc:
                for path, _ in group:
                    yield {"path": path, "ok": False, "reason": str(exc)}
                continue
            for (path, clip), analysis in zip(group, analyses):
                yield {"path": path, "ok": True, "row": summarise_analysis(analysis, spec, classifier, clip),
                       "seconds": analysis.seconds}
            refill(prefetch)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        if ceiling_before is not None:
            threads.set_ceiling(ceiling_before)


def process_runner(paths, spec: JobSpec, *, workers: int = 2, start_method: str = "spawn"):
    """Analyse ``paths`` in ``workers`` processes (spawned: safe with torch's thread pools)."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(start_method),
                               initializer=init_process, initargs=(spec,))
    it = iter(paths)
    pending: dict = {}

    def refill():
        while len(pending) < 2 * workers:
            path = next(it, None)
            if path is None:
                return
            pending[pool.submit(run_one, str(path), spec)] = str(path)

    finished = False
    try:
        refill()
        while pending:
            done, _ = wait(list(pending), timeout=0.5, return_when=FIRST_COMPLETED)
            if not done:
                yield None
                continue
            for future in done:
                path = pending.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool as exc:
                    raise RelstudioError(f"a worker process died while analysing {path} ({exc}); "
                                         "run the batch again to resume") from exc
            refill()
        finished = True
    finally:  # done: let the workers exit; cancelled: drop queued tracks, running ones finish alone
        pool.shutdown(wait=finished, cancel_futures=not finished)
