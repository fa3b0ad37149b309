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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/genre")
    ap.add_argument("--experts", nargs="+", required=True, help="expert files or folders")
    ap.add_argument("--labels", nargs="*", help="only experts with these labels")
    ap.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--class", dest="cls", default="metal")
    ap.add_argument("-k", type=int, default=20)
    ap.add_argument("-o", "--output", default=None, help="keep the last table here")
    args = ap.parse_args()

    import torch

    from relstudio.core.cache import ProbabilityCache
    from relstudio.core.collection.batch import analyze_collection
    from relstudio.core.collection.ranking import precision_at, rank
    from relstudio.core.experts.expert_file import EXPERT_SUFFIX, read_expert_info
    from relstudio.core.progress import run_task

    torch.set_num_threads(min(2, torch.get_num_threads()))
    files = []
    for e in args.experts:
        p = Path(e)
        files += sorted(p.rglob(f"*{EXPERT_SUFFIX}")) if p.is_dir() else [p]
    infos = [read_expert_info(f) for f in files]
    if args.labels:
        infos = [i for i in infos if i.label in args.labels]
    print("experts:", ", ".join(f"{i.label} ({i.path.parent.name})" for i in infos))
    report = {"experts": [i.label for i in infos], "cpu_count": os.cpu_count(), "device": args.device, "runs": []}
    cache_root = Path(tempfile.mkdtemp(prefix="relstudio-bench-"))
    results = None
    for w in args.workers:
        cache = ProbabilityCache(cache_root / f"w{w}")
        t0 = time.perf_counter()
        results = run_task(analyze_collection(args.data, [i.path for i in infos], cache=cache, workers=w,
                                              device=args.device, relnet=None))
        wall = time.perf_counter() - t0
        audio = sum(r["duration"] for r in results.rows)
        run = {"workers": w, "tracks": len(results.rows), "failed": len(results.failures), "audio_s": round(audio, 1),
               "wall_s": round(wall, 2), "x_realtime": round(audio / wall, 1), "stats": results.stats}
        report["runs"].append(run)
        print(json.dumps(run))
    t0 = time.perf_counter()
    again = run_task(analyze_collection(args.data, [i.path for i in infos], output=args.output, cache=cache,
                                        workers=args.workers[-1], device=args.device, relnet=None))
    report["resume"] = {"wall_s": round(time.perf_counter() - t0, 2), **{k: again.stats[k] for k in ("analysed", "reused")}}
    print("resume:", report["resume"])
    if args.cls in results.labels:
        ranked = rank(again, by=f"class:{args.cls}")
        truth = lambda item: item["track"].split("/")[0] == args.cls  # noqa: E731 — class folders
        report["ranking"] = {f"precision@{args.k}": precision_at(ranked, truth, args.k),
                             "precision@80": precision_at(ranked, truth, 80),
                             f"excerpts_precision@{args.k}": precision_at(rank(again, by=f"class:{args.cls}",
                                                                               what="excerpts"), truth, args.k),
                             "accuracy_SUM": sum(r["classification"] == r["track"].split("/")[0] for r in again.rows)
                             / max(1, len(again.rows))}
        print("ranking:", report["ranking"])
    print(json.dumps(report))


if __name__ == "__main__":
    main()
