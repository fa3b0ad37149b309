"""Bad datasets (empty folders, one class, unreadable files, a one-clip class) and interrupted training."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from relstudio.cli import main
from relstudio.core.errors import DatasetError
from relstudio.core.experts.expert_file import EXPERT_SUFFIX
from relstudio.core.experts.library import ExpertLibrary
from relstudio.core.frontend import FrontendConfig
from relstudio.core.progress import run_task
from relstudio.core.training.config import TrainingConfig
from relstudio.core.training.expert_training import train_experts
from relstudio.core.training.scan import scan_dataset
from tests.reliability.corpus import GOOD_EXPERT, generator

TINY = TrainingConfig(max_epochs=3, patience=2, filters=(4, 4, 2), hidden=8, batch_size=8)


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    return generator.write_datasets(tmp_path_factory.mktemp("datasets"))


@pytest.mark.parametrize("name,problem", [
    ("empty", "need at least 2 classes with audio files, found none"),
    ("no_folders", "need at least 2 classes with audio files, found none"),
    ("one_class", "need at least 2 classes with audio files, found ['tone']"),
])
def test_unusable_dataset_named(datasets, name, problem, capsys, tmp_path):
    with pytest.raises(DatasetError) as info:
        scan_dataset(datasets[name])
    assert str(datasets[name]) in str(info.value) and problem in str(info.value)
    code = main(["train", str(datasets[name]), "--out", str(tmp_path / "out"), "--max-epochs", "1"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.splitlines() == [f"relstudio: error: {datasets[name]}: {problem}"]
    assert not (tmp_path / "out").exists()


def test_unreadable_files_are_skipped_and_named(datasets):
    summary = scan_dataset(datasets["unreadable_mixed"])
    assert summary.counts == {"high": 4, "low": 4}
    assert dict(summary.unreadable) == {
        "high/empty.wav": "file is empty (0 bytes)",
        "high/noise.flac": "not a readable audio file (format not recognised)",
        "low/broken.wav": "not a readable audio file (it is a text file)",
    }
    text = summary.describe()
    assert "3 unreadable files skipped" in text and "low/broken.wav" in text


def test_class_with_one_clip_is_kept_and_noted(datasets):
    summary = scan_dataset(datasets["one_clip_class"])
    assert summary.counts == {"lonely": 1, "many": 5}
    assert summary.split_counts["lonely"] == {"train": 1, "val": 0, "test": 0}
    assert any("'lonely'" in note for note in summary.split.notes)


def test_training_over_unreadable_files_writes_loadable_experts(datasets, tmp_path):
    out = tmp_path / "experts"
    report = run_task(train_experts(datasets["unreadable_mixed"], out_dir=out, config=TINY,
                                         frontend=FrontendConfig.small()))
    assert sorted(p.name for p in out.iterdir()) == ["high" + EXPERT_SUFFIX, "low" + EXPERT_SUFFIX]
    assert len(report.unreadable) == 3
    library = ExpertLibrary([out], frontend=FrontendConfig.small())
    assert sorted(e.label for e in library.usable()) == ["high", "low"]


def test_cancelled_training_leaves_no_expert_file(datasets, tmp_path):
    out = tmp_path / "experts"
    out.mkdir()
    (out / GOOD_EXPERT.name).write_bytes(GOOD_EXPERT.read_bytes())  # an expert that was there before
    task = train_experts(datasets["unreadable_mixed"], out_dir=out, config=TINY.replace(max_epochs=50, patience=50),
                         frontend=FrontendConfig.small())
    for _, progress in zip(range(6), task):
        pass
    assert progress.fraction < 0.97
    task.close()
    assert sorted(p.name for p in out.iterdir()) == [GOOD_EXPERT.name]
    assert [e.label for e in ExpertLibrary([out]).usable()] == ["good"]


_KILLED_WRITER = """
import os, sys, time
import numpy as np
from relstudio.core.experts import model_file
def slow_fsync(fd):
    print("writing", flush=True)
    time.sleep(60)
os.fsync = slow_fsync
model_file.save_model(sys.argv[1], {"w": np.ones((256, 256), np.float32)}, {"format": "relstudio-expert"})
"""


def test_killed_during_a_write_leaves_no_expert_file(tmp_path):
    """SIGKILL while an expert file is being written: at most a hidden temp file, which the library ignores."""
    out = tmp_path / "experts"
    out.mkdir()
    (out / GOOD_EXPERT.name).write_bytes(GOOD_EXPERT.read_bytes())
    target = out / "victim.expert.safetensors"
    env = dict(os.environ, PYTHONPATH=str(GOOD_EXPERT.parents[4]))
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(target)], stdout=subprocess.PIPE, text=True,
                            env=env)
    try:
        assert proc.stdout.readline().strip() == "writing"
        leftovers = [p.name for p in out.iterdir() if p.name != GOOD_EXPERT.name]
        assert len(leftovers) == 1 and leftovers[0].startswith(".victim") and leftovers[0].endswith(".tmp")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert not target.exists()
    library = ExpertLibrary([out])
    assert [e.path.name for e in library.entries] == [GOOD_EXPERT.name] and library.entries[0].ok
