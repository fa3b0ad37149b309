"""relstudio benchmarks: every figure as a ratio against a baseline run in the same process.

    .venv/bin/python benchmarks/run.py [--skip hour,gui,training,start,loaded]

Every speed row runs twice: on the machine as it is ("quiet") and again beside one competing busy
process (``yes > /dev/null`` pinned to one core, ``benchmarks.common.competing_process``), reported
as the ratio loaded/quiet (issue 17). Prints the load of the machine before and after, and a Markdown
table; paste both into docs/benchmarks.md with the date and machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (Row, best_of, competing_process, host_load, machine, random_experts,  # noqa: E402
                               table, test_track)


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
    rows.append(Row("1", f"1. analysis of a {seconds / 60:.0f}-min stereo WAV, {n_experts} experts (CPU)",
                    t_ours * 1000, "ms", f"librosa load+mel {t_base * 1000:.0f} ms",
                    f"{t_ours / t_base:.2f} × librosa (target ≤ 1.25)"))

    # the same experts run one by one (naive per-expert nn.Conv1d) vs fused
    import torch

    from relstudio.core.frontend import features, to_tensor

    clip = load_audio(path)
    x = features(to_tensor(clip.samples), experts[0].info.frontend)[None]

    def naive():
        with torch.inference_mode():
            return [e.module.segment_probs(x) for e in experts]

    from relstudio.core.nets.expert_cnn import FusedExperts
    from relstudio.core.threads import fit_torch_threads

    fused = FusedExperts([e.module for e in experts]).eval()
    fit_torch_threads()  # as analyze does before running the experts
    naive(), fused(x)
    t_naive, _ = best_of(naive, 3)
    t_fused, _ = best_of(lambda: fused(x), 5)
    rows.append(Row("1b", f"1b. {n_experts} experts on {seconds / 60:.0f} min of features, fused",
                    t_fused * 1000, "ms", f"one by one {t_naive * 1000:.0f} ms", f"{t_naive / t_fused:.1f} × faster"))


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
try:  # VmHWM: ru_maxrss would include the benchmark parent's resident memory at fork
    rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) / 1024
except (OSError, StopIteration):
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
    rows.append(Row("3", "3. 1-hour mono track (CLI process): decode + analysis, 10 experts", total, "s",
                    f"decode {r['decode']:.1f} s, analysis {r['analyse']:.1f} s ({r['progress_steps']} progress steps)",
                    f"{total / 30:.2f} of the 30 s budget; {r['duration'] / total:.0f} × real time", budget=30.0))
    rows.append(Row("3b", "3b. 1-hour track (CLI process): peak resident memory", r["rss_mb"], "MB",
                    "goal 800 MB (issue 17)", f"{r['rss_mb'] / 800:.2f} of the goal", speed=False))


def bench_start(rows):
    """Issue 17: cold start of the window and the CLI; the hour-long track in the window."""
    from benchmarks.startup_bench import measure_hour, measure_start, xvfb
    from relstudio.core.paths import demo_track

    with xvfb() as display:
        start = measure_start(display, demo_track())
        hour = measure_hour(display, test_track(3600.0, channels=1, fmt="flac"))  # the one-hour FLAC
    why = "needs Xvfb"
    for key, what, value in (("start-window", "launch `relstudio-gui TRACK` → window shown (Xvfb)", start.get("window")),
                             ("start-wave", "launch → first painted waveform (demo track, 4:48)", start.get("waveform"))):
        goal = "goal ≤ 2 s" if key == "start-window" else "goal: ≤ 1 s after the window"
        rows.append(Row(key, f"S1. cold start: {what}", value, "s", "Sonic Visualiser ≈ 1 s to the window (issue 17)",
                        goal if value is not None else why, budget=2.0 if key == "start-window" else None))
    rows.append(Row("cli-list", "S2. CLI cold: `relstudio experts list`", start["cli_list"], "s", "—", "median of 3"))
    rows.append(Row("cli-help", "S3. CLI cold: `relstudio --help`", start["cli_help"], "s", "—", "median of 3"))
    if hour is None:
        rows.append(Row("hour-rss", "3e. 1-hour track in the window: peak memory", None, "MB", "—", why, speed=False))
        return
    rows.append(Row("hour-wave", "3e. 1-hour FLAC in the window: first waveform after the window", hour["waveform-painted"]
                    - hour["window-shown"], "s", f"window at {hour['window-shown']:.1f} s", "goal ≤ 1 s"))
    rows.append(Row("hour-done", "3f. 1-hour track in the window: full relevance on screen, from the window",
                    hour["analysis-done"] - hour["window-shown"], "s", f"from launch {hour['analysis-done']:.1f} s",
                    "goal ≤ 15 s", budget=15.0))
    rows.append(Row("hour-rss", "3g. 1-hour track in the window: peak resident memory of the GUI process",
                    hour["rss_mb"], "MB", "Sonic Visualiser 1240 MB (issue 17)", f"{hour['rss_mb'] / 800:.2f} of the 800 MB goal",
                    speed=False))


GPU_ROWS = (Row("4", "4. batch analysis on a GPU", None, "", "—", "no GPU machine was lent to this task", speed=False),
            Row("5-gpu", "5b. training the shipped families on a GPU", None, "", "—", "no GPU machine was lent to this task",
                speed=False))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--skip", default="", help="comma list of: hour, gui, training, start, loaded")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    benches = [bench_track_analysis]
    benches += [] if "hour" in skip else [bench_hour]
    benches += [] if "gui" in skip else [_optional("benchmarks.gui_bench", "bench_gui", "2")]
    benches += [] if "training" in skip else [_optional("benchmarks.training_bench", "bench_training", "5")]
    benches += [] if "start" in skip else [bench_start]
    t0 = time.perf_counter()
    print(f"before: {host_load()}", flush=True)
    quiet: list[Row] = []
    for bench in benches:
        bench(quiet)
    loaded: list[Row] = []
    if "loaded" not in skip:
        print(f"quiet rows done: {host_load()}", flush=True)
        for bench in benches:
            measured: list[Row] = []
            with competing_process():
                bench(measured)
            loaded += [r for r in measured if r.speed]
    print(f"after: {host_load()}\n")
    print(f"machine: {machine()}  ·  {time.strftime('%Y-%m-%d %H:%M')}  ·  {time.perf_counter() - t0:.0f} s total\n")
    print("\n".join(table(quiet + list(GPU_ROWS), {r.key: r for r in loaded})))
    return 0


def _optional(module: str, name: str, key: str):
    def bench(rows):
        try:
            fn = getattr(__import__(module, fromlist=[name]), name)
        except ImportError as exc:
            rows.append(Row(key, f"{key}. {module}", None, "", "—", f"not run: {exc}", speed=False))
        else:
            fn(rows)
    return bench


if __name__ == "__main__":
    raise SystemExit(main())
