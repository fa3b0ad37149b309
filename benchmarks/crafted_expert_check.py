"""``relstudio experts check`` on crafted headers (issue 15): time and peak memory of the refusal.

Each case is the corpus' good expert with its metadata edited (5 million hidden
units, 10^12, an 805-million-parameter net) and is checked in a fresh process
(``/usr/bin/time``-like: wall time and ``ru_maxrss`` of that child), next to the
good expert as the baseline. ``process`` columns: a whole cold ``python -m relstudio experts
check`` (interpreter start and imports included; a refused header never imports torch). Run: ``.venv/bin/python benchmarks/crafted_expert_check.py``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import WORK, machine  # noqa: E402
from tests.reliability.corpus import GOOD_EXPERT  # noqa: E402
from tests.reliability.crafted import crafted  # noqa: E402

CASES = {
    "good expert (baseline)": None,
    "hidden 5,000,000": {"hidden": 5_000_000},
    "hidden 10^12": {"hidden": 10 ** 12},
    "filters 3×4096, hidden 65536": {"filters": [4096] * 3, "hidden": 65536},
}


def check(path: Path) -> tuple[float, float, int, str]:
    """(wall s, growth of the peak RSS in MB, exit code, stderr line) of ``relstudio experts check PATH``.

    Measured in a fresh child after a warm-up check of the good expert, so imports are excluded.
    """
    env = dict(os.environ, PYTHONPATH=str(REPO))
    code = ("import resource, sys, time\nfrom relstudio.cli import main\n"
            "import torch, pydantic, safetensors.numpy  # imports are not what is measured\n"
            f"main(['experts', 'check', {str(GOOD_EXPERT)!r}])  # warm-up: lazy imports of the check path\n"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\nt = time.perf_counter()\n"
            f"rc = main(['experts', 'check', {str(path)!r}])\n"
            "grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n"
            "print(f'@@ {time.perf_counter() - t:.4f} {grown}', file=sys.stderr)\nsys.exit(rc)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    line = next(x for x in done.stderr.splitlines() if x.startswith("@@"))
    _, seconds, kb = line.split()
    message = next((x for x in done.stderr.splitlines() if x.startswith("relstudio:")), "ok")
    return float(seconds), int(kb) / 1024, done.returncode, message


def cold(path: Path) -> tuple[float, float]:
    """(wall s, peak RSS MB) of a whole fresh ``python -m relstudio experts check PATH`` process.

    Measured by ``/usr/bin/time`` (a child forked from this torch-sized process would report
    this process's peak as its own).
    """
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run(["/usr/bin/time", "-f", "@@ %e %M", sys.executable, "-m", "relstudio", "experts", "check",
                           str(path)], env=env, capture_output=True, text=True, timeout=600)
    _, seconds, kb = next(x for x in done.stderr.splitlines() if x.startswith("@@")).split()
    return float(seconds), int(kb) / 1024


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}; times and peak-memory growth after imports and a warm-up check")
    print(f"{'case':<32} {'check s':>8} {'+peak MB':>8} {'process s':>9} {'proc MB':>7} exit  message")
    for name, net in CASES.items():
        path = GOOD_EXPERT if net is None else crafted(WORK / f"crafted-{len(name)}.expert.safetensors",
                                                        lambda meta, header, net=net: meta["net"].update(net))
        seconds, mb, rc, message = check(path)
        wall, peak = cold(path)
        print(f"{name:<32} {seconds:>8.4f} {mb:>8.1f} {wall:>9.2f} {peak:>7.0f} {rc:>4}  {message[-90:]}")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - t0:.1f} s; parent peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
