"""Collections on a real folder: batch throughput (× real time) per runner, resume, ranking precision@k.

    .venv/bin/python benchmarks/collection_genre.py --data ../shared/data/genre \
        --experts trained_experts --labels metal orchestral electronic

Each runner starts with an empty cache (a fresh temporary cache folder), so it
decodes and analyses every clip; the resume run reuses the last cache. Data
sets are never needed by tests.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _average_precision(hits: list[bool]) -> float | None:
    found, total = 0, 0.0
    for i, hit in enumerate(hits, 1):
        if hit:
            found += 1
            total += found / i
    return round(total / found, 4) if found else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/genre")
    ap.add_argument("--experts", nargs="+", required=True, help="expert files or folders")
    ap.add_argument("--labels", nargs="*", help="only experts with these labels")
    ap.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=2, help="torch threads of this process (default 2)")
    ap.add_argument("--class", dest="cls", default="metal")
    ap.add_argument("-k", type=int, default=20)
    ap.add_argument("-o", "--output", default=None, help="keep the last table here")
    ap.add_argument("--relnet", default=None, help="classify with this RELNET file (default: SUM fusion)")
    args = ap.parse_args()

    import torch

    from relstudio.core.cache import ProbabilityCache
    from relstudio.core.collection.batch import analyze_collection
    from relstudio.core.collection.ranking import precision_at, rank
    from relstudio.core.experts.expert_file import EXPERT_SUFFIX, read_expert_info
    from relstudio.core.progress import run_task

    torch.set_num_threads(args.threads)  # of this process (the 1-worker runner); worker processes use 1 each
    files = []
    for e in args.experts:
        p = Path(e)
        files += sorted(p.rglob(f"*{EXPERT_SUFFIX}")) if p.is_dir() else [p]
    infos = [read_expert_info(f) for f in files]
    if args.labels:
        infos = [i for i in infos if i.label in args.labels]
    print("experts:", ", ".join(f"{i.label} ({i.path.parent.name})" for i in infos))
    report = {"experts": [i.label for i in infos], "cpu_count": os.cpu_count(), "device": args.device,
              "threads": args.threads, "runs": []}
    cache_root = Path(tempfile.mkdtemp(prefix="relstudio-bench-"))
    results = None
    for n, w in enumerate(args.workers):
        cache = ProbabilityCache(cache_root / f"run{n}")
        import resource

        t0, c0 = time.perf_counter(), time.process_time()
        k0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        results = run_task(analyze_collection(args.data, [i.path for i in infos], cache=cache, workers=w,
                                              device=args.device, relnet=None))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        k1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu += (k1.ru_utime - k0.ru_utime) + (k1.ru_stime - k0.ru_stime)  # worker processes (reaped at the end)
        audio = sum(r["duration"] for r in results.rows)
        run = {"workers": w, "load_avg_1min": round(os.getloadavg()[0], 2), "tracks": len(results.rows),
               "failed": len(results.failures), "audio_s": round(audio, 1), "wall_s": round(wall, 2),
               "x_realtime": round(audio / wall, 1), "cpu_s": round(cpu, 2),
               "x_realtime_per_cpu_s": round(audio / cpu, 1), "stats": results.stats}
        report["runs"].append(run)
        print(json.dumps(run))
    t0 = time.perf_counter()
    again = run_task(analyze_collection(args.data, [i.path for i in infos], output=args.output, cache=cache,
                                        workers=args.workers[-1], device=args.device, relnet=args.relnet))
    report["resume"] = {"wall_s": round(time.perf_counter() - t0, 2),
                        **{k: again.stats[k] for k in ("analysed", "reused")}}
    print("resume:", report["resume"])
    if any(lab.rsplit(" (", 1)[0] == args.cls for lab in results.labels):
        ranked = rank(again, by=f"class:{args.cls}")
        truth = lambda item: item["track"].split("/")[0] == args.cls  # noqa: E731 — class folders
        base = lambda label: label.rsplit(" (", 1)[0]  # noqa: E731 — "metal (genre)" → "metal"
        report["ranking"] = {f"precision@{args.k}": precision_at(ranked, truth, args.k),
                             "precision@80": precision_at(ranked, truth, 80),
                             f"excerpts_precision@{args.k}": precision_at(rank(again, by=f"class:{args.cls}",
                                                                               what="excerpts"), truth, args.k),
                             f"accuracy_{again.classifier}": sum(base(r["classification"]) == r["track"].split("/")[0]
                                                                 for r in again.rows) / max(1, len(again.rows))}
        held = set(infos[0].meta.get("data", {}).get("test_clips", []))
        if held:  # the experts' own held-out clips (split by group): no training clip in this ranking
            sub = [item for item in ranked if item["track"] in held]
            n_pos = sum(truth(item) for item in sub)
            report["ranking"]["held_out"] = {
                "clips": len(sub), "positives": n_pos, "precision@10": precision_at(sub, truth, 10),
                f"R-precision (@{n_pos})": precision_at(sub, truth, n_pos) if n_pos else None,
                "average_precision": _average_precision([truth(item) for item in sub])}
        print("ranking:", json.dumps(report["ranking"]))
    for w in sorted(set(args.workers)):
        best = max(r["x_realtime"] for r in report["runs"] if r["workers"] == w)
        print(f"best of {sum(r['workers'] == w for r in report['runs'])}, {w} worker(s): {best} x real time")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
