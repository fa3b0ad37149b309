"""relstudio benchmarks: every figure as a ratio against a baseline run in the same process.

    .venv/bin/python benchmarks/run.py [--quick] [--skip hour,gui,training]

Prints a Markdown table; paste it into docs/benchmarks.md with the date and machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import best_of, machine, random_experts, test_track  # noqa: E402


def bench_track_analysis(rows, seconds=180.0, n_experts=10):
    """Target 1: decode → mel → 10 experts → relevance vs librosa load + mel alone."""
    import librosa

    from relstudio.core.analysis import analyze
    from relstudio.core.audio import load_audio
    from relstudio.core.progress import run_task

    path = test_track(seconds)
    experts = random_experts(n_experts)

    def baseline():
        y, sr = librosa.load(str(path), sr=None, mono=True)
        return librosa.feature.melspectrogram(y=y, sr=sr, n_fft=2048, hop_length=1024, n_mels=128)

    def ours():
        clip = load_audio(path)
        result = run_task(analyze(clip, experts, keep_mel=True))
        return result.relevance

    baseline(), ours()  # warm-up (numba, MKL-DNN kernels)
    t_base, _ = best_of(baseline, 5)
    t_ours, _ = best_of(ours, 5)
    rows.append((f"1. analysis of a {seconds / 60:.0f}-min stereo WAV, {n_experts} experts (CPU)",
                 f"{t_ours * 1000:.0f} ms", f"librosa load+mel {t_base * 1000:.0f} ms",
                 f"{t_ours / t_base:.2f} × (target ≤ 1.25)"))

    # the same experts run one by one (naive per-expert nn.Conv1d) vs fused
    import torch

    from relstudio.core.frontend import features, to_tensor

    clip = load_audio(path)
    x = features(to_tensor(clip.samples), experts[0].info.frontend)[None]

    def naive():
        with torch.inference_mode():
            return [e.module.segment_probs(x) for e in experts]

    from relstudio.core.nets.expert_cnn import FusedExperts

    fused = FusedExperts([e.module for e in experts]).eval()
    naive(), fused(x)
    t_naive, _ = best_of(naive, 3)
    t_fused, _ = best_of(lambda: fused(x), 5)
    rows.append((f"1b. {n_experts} experts on {seconds / 60:.0f} min of features", f"fused {t_fused * 1000:.0f} ms",
                 f"one by one {t_naive * 1000:.0f} ms", f"{t_naive / t_fused:.1f} × faster"))


HOUR_SCRIPT = r"""
import json, resource, sys, time
from relstudio.core.audio import load_audio
from relstudio.core.analysis import analyze
from relstudio.core.progress import run_task
sys.path.insert(0, sys.argv[3])
from benchmarks.common import random_experts
experts = random_experts(int(sys.argv[2]))
t0 = time.perf_counter()
clip = load_audio(sys.argv[1])
t1 = time.perf_counter()
steps = []
result = run_task(analyze(clip, experts, keep_mel=True, chunk_seconds=60), steps.append)
t2 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(decode=t1 - t0, analyse=t2 - t1, rss_mb=rss, progress_steps=len(steps),
                      segments=result.n_segments, duration=clip.duration)))
"""


def bench_hour(rows, n_experts=10):
    """Target 3: a 1-hour mono track opened and fully analysed, peak RSS."""
    path = test_track(3600.0, channels=1)
    root = str(Path(__file__).resolve().parents[1])
    out = subprocess.run([sys.executable, "-c", HOUR_SCRIPT, str(path), str(n_experts), root],
                         capture_output=True, text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    total = r["decode"] + r["analyse"]
    rows.append(("3. 1-hour mono track: decode + analysis, 10 experts", f"{total:.1f} s",
                 f"decode {r['decode']:.1f} s, analysis {r['analyse']:.1f} s ({r['progress_steps']} progress steps)",
                 f"{total / 30:.2f} of the 30 s budget; {r['duration'] / total:.0f} × real time"))
    rows.append(("3b. 1-hour track: peak resident memory", f"{r['rss_mb']:.0f} MB", "budget 2048 MB",
                 f"{r['rss_mb'] / 2048:.2f} of budget"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--skip", default="", help="comma list of: hour, gui, training")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    rows: list[tuple[str, str, str, str]] = []
    t0 = time.perf_counter()
    bench_track_analysis(rows)
    if "hour" not in skip:
        bench_hour(rows)
    if "gui" not in skip:
        try:
            from benchmarks.gui_bench import bench_gui
        except ImportError as exc:
            rows.append(("2. GUI toggle / redraw", "not run", str(exc), ""))
        else:
            bench_gui(rows)
    if "training" not in skip:
        try:
            from benchmarks.training_bench import bench_training
        except ImportError as exc:
            rows.append(("5. training", "not run", str(exc), ""))
        else:
            bench_training(rows)
    print(f"machine: {machine()}  ·  {time.strftime('%Y-%m-%d')}  ·  {time.perf_counter() - t0:.0f} s total\n")
    print("| target | relstudio | baseline (same run) | ratio |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
