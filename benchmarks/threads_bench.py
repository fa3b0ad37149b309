"""Threads beside a busy program (issue 17): 10 shipped experts over 3 min of features, quiet vs loaded.

    .venv/bin/python benchmarks/threads_bench.py [--variants before passive after] [--repeat 15]

Each variant runs in a fresh process (OpenMP reads its wait policy when torch is first imported):

- ``before``: OMP_WAIT_POLICY removed before torch is imported, torch's default threads (= cores);
- ``passive``: OMP_WAIT_POLICY=PASSIVE (as ``import relstudio`` sets it), torch's default threads;
- ``after``: passive, and threads sized by ``relstudio.core.threads`` at every call (what
  ``analyze`` does).

For each: the median wall time and CPU time of the experts pass (features → probabilities, the fused
network) and of ``analyze`` on the in-memory clip (mel + experts), quiet and with one ``yes > /dev/null``
pinned to one core (``benchmarks.common.competing_process``); and the CPU time per wall second over
200 × (one parallel op, then 2 ms asleep) — high when idle OpenMP threads spin, low when they sleep,
which shows whether the wait policy took effect. Prints JSON lines and a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
variant, repeat = sys.argv[2], int(sys.argv[3])
import relstudio
if variant == "before":
    os.environ.pop("OMP_WAIT_POLICY", None)
policy = os.environ.get("OMP_WAIT_POLICY", "(unset)")
import torch
from benchmarks.common import competing_process, median, test_track
from relstudio.core.analysis import analyze, _fused
from relstudio.core.audio import load_audio
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.frontend import features, to_tensor
from relstudio.core.progress import run_task
try:
    from relstudio.core.threads import fit_torch_threads
except ImportError:
    fit_torch_threads = None
sized = variant == "after"
if sized and fit_torch_threads is None:
    sys.exit("relstudio.core.threads is missing: variant 'after' needs it")
if not sized and fit_torch_threads is not None:  # analyze keeps torch's default threads, as before
    import relstudio.core.threads as _threads
    _threads.fit_torch_threads = lambda **kw: torch.get_num_threads()
paths = sorted((__import__("pathlib").Path(sys.argv[1]) / "trained_experts").glob("*.expert.safetensors"))[:10]
experts = [load_expert(p) for p in paths]
clip = load_audio(test_track(180.0))
fe = experts[0].info.frontend
x = features(to_tensor(clip.samples), fe)[None]
fused = _fused(experts, torch.device("cpu"))
default_threads = torch.get_num_threads()

def experts_pass():
    if sized:
        fit_torch_threads()  # as analyze does; the other variants keep torch's default
    with torch.inference_mode():
        return fused(x)

def analysis():
    return run_task(analyze(clip, experts, device="cpu", keep_mel=False))

def timed(fn):
    walls, cpus, threads = [], [], []
    fn(); fn()
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w); cpus.append(time.process_time() - c)
        threads.append(torch.get_num_threads())
    return dict(ms=1000 * median(walls), cpu_ms=1000 * median(cpus), threads=max(threads))

def idle_cpu():
    # CPU-s per wall-s over 200 × (one parallel op on all threads, then 2 ms asleep): spinning
    # OpenMP threads burn CPU in the gaps, passive ones do not (OMP_WAIT_POLICY took effect)
    if torch.get_num_threads() != default_threads:
        torch.set_num_threads(default_threads)
    a = torch.rand(4_000_000)
    a.mul_(1.0)
    w, c = time.perf_counter(), time.process_time()
    for _ in range(200):
        a.mul_(1.0000001)
        time.sleep(0.002)
    return (time.process_time() - c) / (time.perf_counter() - w)

out = dict(variant=variant, policy=policy, idle_cpu=idle_cpu())
for name, fn in (("experts", experts_pass), ("analysis", analysis)):
    out[name + "_quiet"] = timed(fn)
    with competing_process():
        out[name + "_loaded"] = timed(fn)
print(json.dumps(out))
"""


def run_variant(variant: str, repeat: int) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), variant, str(repeat)],
                          capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"variant {variant!r} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def table(results: list[dict]) -> list[str]:
    lines = ["| variant (OMP_WAIT_POLICY) | pass | quiet: wall, CPU, threads | 1 busy process: wall, CPU, threads "
             "| loaded/quiet | CPU-s per s, op + 2 ms gaps |", "|---|---|---|---|---:|---:|"]
    for r in results:
        for name in ("experts", "analysis"):
            q, l = r[name + "_quiet"], r[name + "_loaded"]
            lines.append(f"| {r['variant']} ({r['policy']}) | {name} | {q['ms']:.0f} ms, {q['cpu_ms']:.0f} ms, {q['threads']} "
                         f"| {l['ms']:.0f} ms, {l['cpu_ms']:.0f} ms, {l['threads']} | {l['ms'] / q['ms']:.2f} × | {r['idle_cpu']:.2f} |")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", nargs="+", default=["before", "passive", "after"],
                    choices=["before", "passive", "after"])
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from benchmarks.common import host_load, machine

    print(f"machine: {machine()}; before: {host_load()}")
    results = []
    for v in args.variants:
        results.append(run_variant(v, args.repeat))
        print(json.dumps(results[-1]), flush=True)
    print(f"after: {host_load()}\n")
    print("\n".join(table(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
