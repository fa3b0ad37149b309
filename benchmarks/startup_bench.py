"""Cold start and the hour-long track in the window (issue 17), under Xvfb, and the CLI's cold time.

The GUI is launched as a user would (``relstudio-gui TRACK``) with ``RELSTUDIO_STARTUP_LOG=1``: it
prints monotonic time stamps at window-shown, waveform-painted and analysis-done
(``relstudio/gui/startup_log.py``) and its peak RSS at each. Fresh settings, cache and log folders per
launch, so nothing comes from a previous run's cache. Needs ``Xvfb`` (the rows say "not run" without).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.common import median

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ("window-shown", "waveform-painted", "analysis-done")


@contextlib.contextmanager
def xvfb():
    """A private X server; yields its DISPLAY (``None`` without Xvfb)."""
    if not shutil.which("Xvfb"):
        yield None
        return
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as f:
            display = f.readline().strip()
        yield f":{display}" if display else None
    finally:
        proc.terminate()
        proc.wait()


def _gui_command() -> list[str]:
    script = Path(sys.executable).parent / "relstudio-gui"
    return [str(script)] if script.exists() else [sys.executable, "-m", "relstudio.gui.app"]


def launch_gui(display: str, track: Path, *, until: str, timeout: float = 300.0) -> dict:
    """Seconds from launch to each milestone up to ``until``, and the peak RSS (MB) at ``until``."""
    with tempfile.TemporaryDirectory(prefix="relstudio-startup-") as home:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", RELSTUDIO_STARTUP_LOG="1",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
                   **{k: os.path.join(home, k.lower()) for k in
                      ("RELSTUDIO_DATA_DIR", "RELSTUDIO_CACHE_DIR", "RELSTUDIO_LOG_DIR")})
        t0 = time.monotonic()
        proc = subprocess.Popen(_gui_command() + [str(track), "--device", "cpu"], env=env, text=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        out: dict = {}
        watchdog = threading.Timer(timeout, proc.kill)  # a hung window ends the read loop below
        watchdog.start()
        try:
            for line in proc.stderr:
                parts = line.split()
                if len(parts) == 4 and parts[0] == "relstudio-startup":
                    out[parts[1]] = float(parts[2]) - t0
                    out["rss_mb"] = float(parts[3])
                    if parts[1] == until:
                        break
        finally:
            watchdog.cancel()
            proc.kill()
            proc.wait()
        if until not in out:
            raise RuntimeError(f"relstudio-gui reached {sorted(out)} but not {until!r} (exit {proc.returncode})")
        return out


def cli_seconds(args: list[str], repeat: int = 3) -> float:
    """Median wall time of ``python -m relstudio ARGS`` (a cold process each time)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    times = []
    for _ in range(repeat):
        t0 = time.monotonic()
        subprocess.run([sys.executable, "-m", "relstudio", *args], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.monotonic() - t0)
    return median(times)


def measure_start(display: str | None, track: Path, repeat: int = 3) -> dict:
    """Median seconds launch → window and launch → first painted waveform, and the CLI's cold times."""
    out = {"cli_list": cli_seconds(["experts", "list"], repeat), "cli_help": cli_seconds(["--help"], repeat)}
    if display is not None:
        runs = [launch_gui(display, track, until="waveform-painted") for _ in range(repeat)]
        out["window"] = median([r["window-shown"] for r in runs])
        out["waveform"] = median([r["waveform-painted"] for r in runs])
    return out


def measure_hour(display: str | None, track: Path) -> dict | None:
    return launch_gui(display, track, until="analysis-done", timeout=600.0) if display else None
