"""``relstudio train`` killed (SIGKILL) at several points: the library sees the complete output or nothing.

A real process trains a tiny data set (3 classes, 3 epochs, RELNET); a
watcher kills it when its hidden staging folder appears, when the first temp
file, the first expert, the RELNET and the report are there, or not at all.
After each kill the folder holding ``--out`` is scanned like a library.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from relstudio.core.experts.library import ExpertLibrary
from relstudio.core.staging import STAGING_MARK
from tests.reliability.corpus import AUDIO_DIR
from tests.training_factory import make_dataset

REPO = AUDIO_DIR.parents[3]
COMPLETE = {"clicks.expert.safetensors", "noise.expert.safetensors", "tone.expert.safetensors",
            "relnet.relnet.safetensors", "training_report.json"}
POINTS = {
    "staging folder made": lambda names: True,
    "first temp file": lambda names: any(n.endswith(".tmp") for n in names),
    "first expert written": lambda names: any(n.endswith(".expert.safetensors") for n in names),
    "RELNET written": lambda names: any(n.endswith(".relnet.safetensors") for n in names),
    "report written": lambda names: "training_report.json" in names,
    "never (control)": lambda names: False,
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("killed") / "ds", per_class=4, groups=2)


def _staged(parent, out) -> list[str]:
    names = []
    for folder in parent.iterdir():
        if folder.name.startswith(f".{out.name}{STAGING_MARK}"):
            try:
                names += [p.name for p in folder.iterdir()] or ["<empty>"]
            except FileNotFoundError:
                pass
    return names


def _train_and_kill(dataset, out, point) -> bool:
    """Run the training, SIGKILL it at ``point``; True when it was killed before it finished."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    cmd = [sys.executable, "-m", "relstudio", "train", str(dataset), "--out", str(out), "--relnet",
           "--max-epochs", "3", "--batch-size", "8", "--test-fraction", "0", "--threads", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=REPO)
    killed, deadline = False, time.monotonic() + 600
    while proc.poll() is None and time.monotonic() < deadline:
        names = _staged(out.parent, out)
        if names and POINTS[point]([n for n in names if n != "<empty>"]):
            proc.send_signal(signal.SIGKILL)
            killed = True
            break
        time.sleep(0.001)
    code = proc.wait(timeout=600)
    return killed and code == -signal.SIGKILL and not out.exists()


@pytest.mark.slow
def test_sigkill_leaves_complete_output_or_nothing(dataset, tmp_path):
    cut_short = []
    for i, point in enumerate(POINTS):
        parent = tmp_path / f"run{i}"
        parent.mkdir()
        out = parent / "models"
        if _train_and_kill(dataset, out, point):
            cut_short.append(point)
        library = ExpertLibrary([(parent, "user")])
        if out.exists():
            assert {p.name for p in out.iterdir()} == COMPLETE, point
            assert sorted(e.label for e in library.usable()) == ["clicks", "noise", "tone"], point
        else:
            assert library.entries == [], (point, [e.path for e in library.entries])
        assert _staged(parent, out) == [], f"{point}: the stale staging folder was not cleaned by the scan"
        assert not [p for p in parent.rglob("*.tmp")], point
    assert "never (control)" not in cut_short
    assert len(cut_short) >= 3, f"too few kills landed before the end: {cut_short}"


def test_out_not_writable_fails_before_training(dataset, tmp_path, read_only, capsys, monkeypatch):
    import relstudio.core.training.pipeline as pipeline
    from relstudio.cli import main

    def started(*a, **k):
        raise AssertionError("training started before --out was checked")

    monkeypatch.setattr(pipeline, "prepare", started)
    locked = read_only(tmp_path / "locked")
    assert main(["train", str(dataset), "--out", str(locked / "models"), "--max-epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert "cannot write there" in err and str(locked / "models") in err and "Traceback" not in err
