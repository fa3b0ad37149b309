"""The wizard's training run without a window: same model as ``relstudio train``, staging, publishing, cancel."""

import json

import pytest

from relstudio.cli import main
from relstudio.core.experts.expert_file import read_expert_info
from relstudio.core.experts.relnet_file import read_classifier_info
from relstudio.core.frontend import FrontendConfig
from relstudio.core.progress import Progress, run_task
from relstudio.core.training.dataset import read_dataset
from relstudio.core.training.reviewed import ReviewLabel, ReviewLayer
from relstudio.gui.training.run import TrainingRequest, preset_config, run_training
from tests.synth import noise, tone, write_wav
from tests.training_factory import FRONTEND, make_dataset

FAST = dict(max_epochs=3, patience=2, batch_size=8, learning_rate=5e-3, hidden=8)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("ds") / "sounds", per_class=6, groups=3)


def _files(folder):
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_the_wizard_run_trains_the_same_models_as_the_cli(dataset, tmp_path):
    """Same data and settings: ``relstudio train`` and the wizard's run give models with equal fingerprints."""
    cli_out = tmp_path / "cli"
    code = main(["train", str(dataset), "--out", str(cli_out), "--family", "sounds", "--relnet", "--baselines",
                 "--max-epochs", "3", "--patience", "2", "--batch-size", "8", "--lr", "0.005", "--device", "cpu"])
    assert code == 0
    config = preset_config("paper", max_epochs=3, patience=2, batch_size=8, learning_rate=0.005)
    request = TrainingRequest(read_dataset(dataset), ("clicks", "noise", "tone"), config, FrontendConfig(), "cpu",
                              relnet=True, baselines=True, family="sounds")
    out = run_task(run_training(request, experts_root=tmp_path / "lib", staging_root=tmp_path / "staging"))
    assert out.folder == tmp_path / "lib" / "sounds"
    for name in ("clicks", "noise", "tone"):
        ours = read_expert_info(out.folder / f"sounds-{name}.expert.safetensors")
        theirs = read_expert_info(cli_out / f"sounds-{name}.expert.safetensors")
        assert ours.fingerprint == theirs.fingerprint and ours.label == f"{name} (sounds)"
    for stem in ("sounds.relnet", "sounds-convnet.classifier", "sounds-convkong.classifier"):
        assert read_classifier_info(out.folder / f"{stem}.safetensors").fingerprint == \
            read_classifier_info(cli_out / f"{stem}.safetensors").fingerprint
    report = json.loads((out.folder / "training_report.json").read_text())
    assert all(str(out.folder) in p for p in report["models"].values())  # names the published files
    assert _files(tmp_path / "staging") == []
    assert {r["model"] for r in out.evaluation.rows} == {"RELNET", "CONVNET", "CONVKONG", "MV", "SUM", "PROD", "RV"}
    assert out.evaluation.clips == len(report["data"]["test_clips"]) > 0


def test_closing_the_run_leaves_nothing_behind(dataset, tmp_path):
    request = TrainingRequest(read_dataset(dataset), ("clicks", "tone"), preset_config("paper", **FAST),
                              FRONTEND, "cpu", family="x")
    task = run_training(request, experts_root=tmp_path / "lib", staging_root=tmp_path / "staging")
    epochs = 0
    for p in task:
        assert isinstance(p, Progress)
        if p.metrics.get("stage") == "relnet":  # the experts are complete in the staging folder by now
            assert any(f.endswith(".expert.safetensors") for f in _files(tmp_path / "staging"))
            epochs += 1
            break
    task.close()
    assert epochs == 1
    assert _files(tmp_path / "staging") == [] and _files(tmp_path / "lib") == []


def test_reviewed_segments_join_the_training_data(dataset, tmp_path):
    x = tone(500, 3.0, harmonics=3)
    x[16000:32000] = noise(1.0, seed=9)
    track = tmp_path / "track.wav"
    write_wav(track, x)
    from relstudio.core.audio import load_audio

    clip = load_audio(track, rate=FRONTEND.sample_rate)
    layer = ReviewLayer(track, clip.content_hash, (
        ReviewLabel(1.0, 1.5, "noise"), ReviewLabel(1.4, 2.0, "noise"),  # overlapping: one clip 1.0–2.0 s
        ReviewLabel(0.0, 0.8, "tone"), ReviewLabel(2.2, 2.9, "tone", positive=False),
        ReviewLabel(2.2, 2.9, "bird")))  # a class that is not trained: left out
    request = TrainingRequest(read_dataset(dataset), ("noise", "tone"), preset_config("paper", **FAST),
                              FRONTEND, "cpu", family="rev", reviewed=(layer,))
    out = run_task(run_training(request, experts_root=tmp_path / "lib", staging_root=tmp_path / "staging"))
    counts = out.report.data["counts"]
    assert counts == {"noise": 7, "tone": 7}  # 6 clips each + one reviewed clip each
    cut = sorted((tmp_path / "staging").rglob("*.wav"))
    assert [p.parent.name for p in cut] == ["noise", "tone"]  # kept: the experts' metadata names them
    noise_clip = load_audio(cut[0], rate=FRONTEND.sample_rate)
    assert noise_clip.duration == pytest.approx(1.0, abs=1e-3)
    assert abs(noise_clip.samples - clip.samples[16000:32000]).max() < 1e-6
    groups = out.report.data["groups"]
    assert groups == {"noise": 4, "tone": 4}  # the track is one more group


def test_recommended_preset_is_the_default_and_augments_with_negatives():
    from relstudio.core.training.config import AugmentConfig, TrainingConfig
    from relstudio.gui.training.run import PRESETS

    assert next(iter(PRESETS)) == "recommended"
    config = preset_config("recommended")
    assert config == TrainingConfig.recommended()
    assert config.augment == AugmentConfig.recommended() and config.augment.active and config.negatives.active
    assert preset_config("recommended", augment="none").augment == AugmentConfig()
    assert preset_config("paper", augment="light").augment == AugmentConfig.light()
