"""``relstudio experts check`` on crafted headers (issue 15): time and peak memory of the refusal.

Each case is the corpus' good expert with its metadata edited (5 million hidden
units, 10^12, an 805-million-parameter net) and is checked in a fresh process
(``/usr/bin/time``-like: wall time and ``ru_maxrss`` of that child), next to the
good expert as the baseline. Run: ``.venv/bin/python benchmarks/crafted_expert_check.py``.
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
    """(wall s, peak RSS MB of the child, exit code, stderr line) of ``relstudio experts check PATH``."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    code = ("import resource, sys, time\nfrom relstudio.cli import main\nt = time.perf_counter()\n"
            f"rc = main(['experts', 'check', {str(path)!r}])\n"
            "print(f'@@ {time.perf_counter() - t:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}',"
            " file=sys.stderr)\nsys.exit(rc)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    line = next(x for x in done.stderr.splitlines() if x.startswith("@@"))
    _, seconds, kb = line.split()
    message = next((x for x in done.stderr.splitlines() if x.startswith("relstudio:")), "ok")
    return float(seconds), int(kb) / 1024, done.returncode, message


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}; peak RSS includes importing torch")
    print(f"{'case':<32} {'check s':>8} {'peak MB':>8} exit  message")
    for name, net in CASES.items():
        path = GOOD_EXPERT if net is None else crafted(WORK / f"crafted-{len(name)}.expert.safetensors",
                                                        lambda meta, header, net=net: meta["net"].update(net))
        seconds, mb, rc, message = check(path)
        print(f"{name:<32} {seconds:>8.3f} {mb:>8.0f} {rc:>4}  {message[-110:]}")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - t0:.1f} s; parent peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
