"""Shared helpers for the benchmarks: test tracks, random experts, timing."""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

WORK = Path(tempfile.gettempdir()) / "relstudio-bench"
# The same numeric kernels on every x86-64 machine with AVX2: torch dispatches its own kernels, oneDNN's
# convolutions and MKL's matrix products by the CPU's instruction set, so a training run on a machine with
# AVX-512 took other rounding steps than one without and ended with other weights (issue 14: three fingerprints
# for one genre expert: the VM of 2026-12-02 02:30, this VM by default, this VM pinned to AVX2).
REPRODUCIBLE_KERNELS = {"ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2", "MKL_CBWR": "AVX2"}


def pin_kernels() -> None:
    """Set :data:`REPRODUCIBLE_KERNELS` (unless the caller set them), before torch is imported."""
    if platform.machine() in ("x86_64", "AMD64"):
        for key, value in REPRODUCIBLE_KERNELS.items():
            os.environ.setdefault(key, value)


def kernels_in_force() -> str:
    """The kernel settings of :data:`REPRODUCIBLE_KERNELS` this process runs with, as ``KEY=value, …``."""
    return ", ".join(f"{k}={os.environ[k]}" for k in REPRODUCIBLE_KERNELS if k in os.environ) or "not pinned"


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``; ``platform.processor()`` elsewhere): it decides the kernels' speed."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "CPU model unknown"


def machine() -> str:
    import torch

    cpu = f"{cpu_model()} ({platform.machine()})"
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    from relstudio.core.threads import machine_cores, pinned_threads

    policy = os.environ.get("OMP_WAIT_POLICY", "unset")
    threads = (f"{pinned_threads()} torch threads (pinned)" if pinned_threads()
               else "threads sized per analysis (core/threads.py)")
    return (f"{platform.node()} · {cpu} · {machine_cores()} cores · torch {torch.__version__}, {threads}, "
            f"OMP_WAIT_POLICY={policy} · {gpu}")


def test_track(seconds: float, *, channels: int = 2, rate: int = 44100, fmt: str = "wav") -> Path:
    """A 16-bit WAV (or ``fmt="flac"``) of real-ish music: the demo track looped (or noise when it is missing)."""
    import soundfile as sf

    from relstudio.core.paths import demo_track

    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"track-{int(seconds)}s-{channels}ch.{fmt}"
    if path.exists():
        return path
    n = int(seconds * rate)
    try:
        base, base_rate = sf.read(str(demo_track()), dtype="float32", always_2d=True)
        assert base_rate == rate
    except Exception:
        base = np.random.default_rng(0).standard_normal((rate * 10, 2)).astype(np.float32) * 0.1
    reps = int(np.ceil(n / len(base)))
    data = np.tile(base, (reps, 1))[:n]
    data = data[:, :channels] if channels <= data.shape[1] else np.repeat(data[:, :1], channels, 1)
    with sf.SoundFile(str(path), "w", rate, channels, subtype="PCM_16") as f:
        for i in range(0, n, rate * 60):
            f.write(data[i:i + rate * 60])
    return path


def random_experts(n: int, frontend=None):
    import torch

    from relstudio.core.experts.expert_file import load_expert, save_expert
    from relstudio.core.frontend import FrontendConfig
    from relstudio.core.nets.expert_cnn import ExpertCNN

    frontend = frontend or FrontendConfig()
    folder = WORK / f"experts-{frontend.fingerprint()}"  # a changed default front end never reuses old files
    experts = []
    for i in range(n):
        path = folder / f"bench{i}.expert.safetensors"
        if not path.exists():
            torch.manual_seed(i)
            save_expert(path, ExpertCNN(frontend), label=f"bench{i}")
        experts.append(load_expert(path))
    return experts


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    """Minimum wall time of ``repeat`` runs (and the last result)."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def median(xs):
    return statistics.median(xs)


@contextlib.contextmanager
def competing_process(*, core: int | None = None):
    """One busy process beside the benchmark: ``yes > /dev/null`` pinned to one core (the last one).

    Falls back to an unpinned ``yes`` without taskset. Stopped (by its own pid) on exit.
    """
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(range(os.cpu_count() or 1))
    core = cores[-1] if core is None else core
    cmd = ["yes"]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", str(core), "yes"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.3)  # let it reach full speed
        yield proc
    finally:
        proc.kill()
        proc.wait()


def host_load() -> str:
    """The 1-, 5- and 15-min load averages and the busiest other processes (for the notes)."""
    one, five, fifteen = os.getloadavg()
    top = subprocess.run(["ps", "-eo", "pcpu,comm", "--sort=-pcpu", "--no-headers"],
                         capture_output=True, text=True).stdout.splitlines()[:4]
    busy = ", ".join(" ".join(line.split()[::-1]) + "%" for line in top if line.strip())
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}; busiest: {busy}"


@dataclass
class Row:
    """One measured figure; speed rows are repeated with a competing busy process (loaded/quiet)."""

    key: str  # "1", "1b", "start-window", … (matches the quiet and the loaded run)
    target: str
    value: float | None  # in ``unit``; None: not measured (``verdict`` says why)
    unit: str
    baseline: str
    verdict: str
    speed: bool = True
    budget: float | None = None  # in ``unit``: the loaded figure is shown against it too


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "not measured"
    return f"{value:.2f} {unit}" if unit == "s" else f"{value:.0f} {unit}"


def table(quiet: list[Row], loaded: dict[str, Row]) -> list[str]:
    """Markdown: every quiet row, with its loaded twin and the ratio loaded/quiet where there is one."""
    lines = ["| target | relstudio (quiet) | baseline (same run) | verdict | with 1 busy process | loaded/quiet |",
             "|---|---|---|---|---|---|"]
    for r in quiet:
        twin = loaded.get(r.key)
        if twin is None or twin.value is None or r.value is None:
            load_text, ratio = ("not run" if r.speed and r.value is not None else "—"), "—"
        else:
            load_text = shown(twin.value, twin.unit)
            if r.budget:
                load_text += f" ({twin.value / r.budget:.2f} of the budget)"
            ratio = f"{twin.value / r.value:.2f} ×"
        lines.append(f"| {r.target} | {shown(r.value, r.unit)} | {r.baseline} | {r.verdict} | {load_text} | {ratio} |")
    return lines
