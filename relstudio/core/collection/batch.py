"""Analyse a whole folder: a generator task that fills the collection table.

Every readable track (found recursively) is analysed by the experts and
summarised into one row (:mod:`relstudio.core.collection.excerpts`). Finished
rows are cached by audio content, experts and settings, so a rerun — or a run
resumed after Ctrl-C — only analyses what is new; unreadable files are listed
with the reason. The tables are rewritten atomically every few seconds while
the run goes on, and once more, marked complete, at the end.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from relstudio.core.collection.results import CollectionResults, write_results
from relstudio.core.collection.rowcache import RowCache, row_key
from relstudio.core.collection.worker import JobSpec
from relstudio.core.errors import ParameterError
from relstudio.core.progress import Progress, Task

# Unless --workers says otherwise, worker processes are used only with ≥ 4 cores and at least this
# much audio: each one spends ~3.5 CPU-s starting (torch, librosa), what one process needs for
# ~35 min of 5-s clips, and one process already keeps 2 cores busy (docs/benchmarks.md, Collections).
SPAWN_WORTH_SECONDS = 3600.0
AUDIO_EXTENSIONS = frozenset({".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif", ".aiff", ".aifc", ".au",
                              ".snd", ".w64", ".rf64", ".caf", ".m4a", ".mp4", ".wma", ".webm"})


def find_tracks(folder, *, extensions=AUDIO_EXTENSIONS, exclude=()) -> list[Path]:
    """Audio files under ``folder``: recursive, by extension, sorted; hidden files and ``exclude`` folders skipped."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ParameterError(f"{folder} is not a folder")
    skip = [Path(e).resolve() for e in exclude]
    found = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).parts
        if any(part.startswith(".") for part in rel) or path.suffix.lower() not in extensions:
            continue
        if skip and any(path.resolve().is_relative_to(s) for s in skip):
            continue
        if path.is_file():
            found.append(path)
    return sorted(found)


def expert_path(expert) -> str:
    """The file of an expert given as a path, ``Expert``, ``ExpertInfo`` or library entry."""
    for obj in (expert, getattr(expert, "info", None)):
        if isinstance(obj, (str, Path)):
            return str(Path(obj).resolve())
        if obj is not None and isinstance(getattr(obj, "path", None), Path):
            return str(obj.path.resolve())
    raise ParameterError(f"cannot tell which expert file {expert!r} is")


def default_workers() -> int:
    from relstudio.core.threads import machine_cores

    return machine_cores()


def estimated_seconds(paths, *, sample: int = 16) -> float:
    """Total duration of ``paths`` extrapolated from the headers of up to ``sample`` of them."""
    import soundfile as sf

    if not paths:
        return 0.0
    step = max(1, len(paths) // sample)
    seen = []
    for p in list(paths)[::step][:sample]:
        try:
            seen.append(sf.info(str(p)).duration)
        except Exception:  # noqa: BLE001 — unreadable here: counted as a long file
            seen.append(600.0)
    return sum(seen) / len(seen) * len(paths)


def analyze_collection(folder, experts, *, output=None, cache=None, viewpoint: str | None = None,
                       relnet="auto", workers: int | None = None, device: str = "cpu", scheduler: str | None = None,
                       top_k: int = 3, settings=None, write_every: float = 5.0,
                       runner=None) -> Task[CollectionResults]:
    """Analyse every track under ``folder``; yields :class:`Progress`, returns :class:`CollectionResults`.

    Parameters
    ----------
    experts : expert files (paths, ``Expert``s or library entries) sharing one front end
    output : folder for ``collection.csv``/``collection.json`` (None: write nothing)
    cache : :class:`~relstudio.core.cache.ProbabilityCache`; finished rows are cached beside it
    relnet : RELNET (or other classifier) file classifying tracks; ``"auto"`` finds one trained on
        exactly these experts in the library folders; None or none found: SUM fusion of the experts
    workers : CPU worker processes (≤ 1: this process, batching clips; default: one per core when
        there are ≥ 4 cores and about an hour of audio or more to analyse, else this process)
    device : "cpu", "cuda" or "auto"; on a GPU one process batches clips through the experts
    scheduler : ``tcp://HOST:PORT`` of a Dask scheduler (or a ``distributed.Client``)
    top_k : excerpts (passages) kept per track, overall and per class
    settings : :class:`~relstudio.core.relevance_settings.RelevanceSettings` of the rows' evidence,
        windows and passages (default settings when omitted); part of the finished-row cache key
    runner : a runner generator function (for tests); overrides workers/device/scheduler

    Each yielded ``Progress.metrics`` carries ``done``/``total`` counts and, when a
    track finished, its table ``row`` (or a ``failure``) for views filling progressively.
    """
    from relstudio.core.device import choose_device
    from relstudio.core.fileio import file_hash
    from relstudio.core.experts.expert_file import read_expert_info

    from relstudio.core.relevance_settings import RelevanceSettings

    if top_k < 1:
        raise ParameterError(f"top_k must be ≥ 1, got {top_k}")
    settings = RelevanceSettings() if settings is None else settings
    paths = [expert_path(e) for e in experts]
    if not paths:
        raise ParameterError("a batch run needs at least one expert")
    infos = [read_expert_info(p) for p in paths]
    frontend = infos[0].frontend
    for info in infos[1:]:
        if info.frontend != frontend:
            raise ParameterError(f"experts {infos[0].label!r} and {info.label!r} use different front ends: "
                                 + "; ".join(frontend.differences(info.frontend)))
    folder = Path(folder)
    tracks = find_tracks(folder, exclude=[output] if output else ())
    dev = choose_device(device) if scheduler is None else None
    if relnet == "auto":
        from relstudio.core.experts.library import find_relnets, matching_relnet
        from relstudio.core.paths import shipped_experts_dir, user_experts_dir

        found = matching_relnet(find_relnets([shipped_experts_dir(), user_experts_dir()]),
                                [i.fingerprint for i in infos], exact=True)
        relnet = found.path if found else None
    relnet_path = str(Path(relnet).resolve()) if relnet else None
    method = "SUM"
    if relnet_path:
        from relstudio.core.collection.classify import check_classifier

        method = check_classifier(relnet_path, infos)
    classifier_id = f"{method}:{file_hash(Path(relnet_path))}" if relnet_path else method
    shared_cache = cache is not None and cache.folder is not None and scheduler is None
    spec = JobSpec(tuple(paths), str(cache.folder) if shared_cache else None,
                   relnet_path, top_k, settings, dev.type if dev is not None else "cpu")
    rows = RowCache.beside(cache) if cache is not None else RowCache(None)
    fe_fp, fps = frontend.fingerprint(), [i.fingerprint for i in infos]
    refs = [{"label": i.label, "fingerprint": i.fingerprint} for i in infos]
    results = CollectionResults(str(folder.resolve()), refs, viewpoint, fe_fp, method, spec.settings)
    total = len(tracks)
    counts = {"analysed": 0, "reused": 0, "failed": 0}
    t_start = time.perf_counter()

    def add(path, row, how):
        row = dict(row, track=Path(path).relative_to(folder).as_posix(), path=str(Path(path).absolute()))
        results.rows.append(row)
        counts[how] += 1
        return row

    def fail(path, reason):
        failure = {"path": str(path), "reason": reason}
        results.failures.append(failure)
        counts["failed"] += 1
        return failure

    def progress(message, **metrics):
        done = sum(counts.values())
        return Progress(done / total if total else 1.0, message, dict(metrics, done=done, total=total, **counts))

    keys, todo = {}, []
    for path in tracks:
        try:
            key = row_key(file_hash(path), fe_fp, fps, classifier_id, spec.settings)
        except OSError as exc:
            yield progress(f"cannot read {path.name}", failure=fail(path, f"cannot read ({exc.strerror or exc})"))
            continue
        row = rows.get(key)
        if row is not None:
            yield progress(f"already analysed: {path.name}", row=add(path, row, "reused"))
        else:
            keys[str(path)] = key
            todo.append(str(path))
    yield progress(f"{len(todo)} of {total} tracks to analyse")
    if runner is None:
        runner = _choose_runner(todo, spec, workers, scheduler)
    job = runner(todo, spec) if todo else iter(())
    t_run, audio_seconds, last_write = time.perf_counter(), 0.0, time.perf_counter()
    try:
        for out in job:
            if out is None:
                yield progress("analysing…")
                continue
            path = out["path"]
            if not out["ok"]:
                yield progress(f"unreadable: {Path(path).name}", failure=fail(path, out["reason"]))
                continue
            if "probs" in out and cache is not None:
                _store_probs(cache, out)
            rows.put(keys[path], out["row"])
            audio_seconds += out["row"]["duration"]
            row = add(path, out["row"], "analysed")
            if output is not None and time.perf_counter() - last_write > write_every:
                results.stats = _stats(counts, audio_seconds, t_run, t_start)
                write_results(output, results)
                last_write = time.perf_counter()
            yield progress(f"analysed {Path(path).name}", row=row)
    finally:
        if hasattr(job, "close"):
            job.close()
    results.stats = _stats(counts, audio_seconds, t_run, t_start)
    results.complete = True
    if output is not None:
        write_results(output, results)
    return results


def _stats(counts, audio_seconds, t_run, t_start) -> dict:
    now = time.perf_counter()
    run = now - t_run
    return dict(counts, audio_seconds=round(audio_seconds, 3), run_seconds=round(run, 3),
                total_seconds=round(now - t_start, 3),
                realtime_factor=round(audio_seconds / run, 2) if run > 0 and audio_seconds else None)


def _store_probs(cache, out) -> None:
    from relstudio.core.cache import cache_key

    for fp, p in zip(out["fingerprints"], out["probs"]):
        cache.put(cache_key(out["row"]["content_hash"], out["frontend"], fp), p)


def _choose_runner(todo, spec: JobSpec, workers, scheduler):
    from functools import partial

    from relstudio.core.collection import runners

    if scheduler is not None:
        from relstudio.core.collection.dask import dask_runner

        return partial(dask_runner, scheduler=scheduler)
    if spec.device != "cpu":
        return runners.inline_runner
    inline = lambda paths, s: runners.inline_runner(paths, replace(s, threads=1))  # noqa: E731
    asked = workers
    workers = min(default_workers() if asked is None else int(asked), max(1, len(todo)))
    if asked is None and (workers < 4 or estimated_seconds(todo) < SPAWN_WORTH_SECONDS):
        workers = 1
    if workers <= 1:
        return inline
    from relstudio.core.threads import current_plan

    threads = current_plan(workers=workers).torch  # the free cores shared out
    return lambda paths, s: runners.process_runner(paths, replace(s, threads=threads), workers=workers)
