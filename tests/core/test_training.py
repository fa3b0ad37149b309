"""Batched expert training, early stopping, cancel, the whole pipeline and the CLI."""

import json

import numpy as np
import pytest
import torch

from relstudio.cli import main
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.experts.relnet_file import load_classifier
from relstudio.core.progress import run_task
from relstudio.core.training.expert_training import class_weights, one_vs_all_loss, train_experts
from relstudio.core.training.feature_cache import FeatureSet
from relstudio.core.training.pipeline import train
from relstudio.core.training.prepared import prepare
from relstudio.core.training.stacked import StackedExperts
from relstudio.core.training.trainer import fit
from relstudio.core.nets.expert_cnn import ExpertCNNConfig
from tests.training_factory import FRONTEND, TINY, make_dataset


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("ds") / "sounds")


@pytest.fixture(scope="module")
def prepared(dataset):
    return run_task(prepare(dataset, config=TINY, frontend=FRONTEND, cache_folder=None))


@pytest.fixture(scope="module")
def trained(dataset, tmp_path_factory):
    out = tmp_path_factory.mktemp("models")
    report = run_task(train(dataset, out_dir=out, config=TINY, frontend=FRONTEND, relnet=True, baselines=True,
                            cache_folder=None))
    return out, report


def test_stacked_expert_equals_its_standalone_expert(tmp_path):
    from relstudio.core.experts.expert_file import save_expert

    net = ExpertCNNConfig((4, 5, 3), 7)
    stacked = StackedExperts(FRONTEND, net, 3, seed=4).eval()
    x = torch.rand(2, FRONTEND.n_mels, 40)
    with torch.no_grad():
        logits = stacked(x)
        for k in range(3):
            alone = stacked.expert(k)
            assert torch.allclose(alone.segment_logits(x), logits[:, k], atol=1e-5)
        info = save_expert(tmp_path / "e.expert.safetensors", stacked.expert(1), label="e")
        assert torch.allclose(load_expert(info.path).module.segment_logits(x), logits[:, 1], atol=1e-5)


def test_class_weights_balance_a_one_to_nine_ratio():
    labels = torch.tensor([0] * 10 + [1] * 90)
    w = class_weights(labels, 2, "weights")
    assert torch.allclose(w[0], torch.tensor([100 / 180, 100 / 20]))  # expert 0: negatives, positives
    assert torch.allclose(w[0, 1] * 10, w[0, 0] * 90)  # both sides weigh the same in total
    assert torch.equal(class_weights(labels, 2, "none"), torch.ones(2, 2))


def test_early_stopping_restores_each_experts_best_weights(prepared):
    config = TINY.replace(max_epochs=14, patience=100, learning_rate=3e-2)
    model = StackedExperts(FRONTEND, ExpertCNNConfig(config.filters, config.hidden), 3, seed=0)
    fs = prepared.features
    weights = class_weights(fs.labels, 3, "weights")
    # validation clips with wrong labels: the better the fit, the worse the validation loss
    labels = fs.labels.clone()
    val = torch.tensor(prepared.split.val)
    labels[val] = (labels[val] + 1) % 3
    fs = FeatureSet(fs.dataset, fs.frontend, fs.db, fs.n_frames, labels, fs.clip_index)
    snapshots = []
    names = list(prepared.classes)
    task = fit(model, one_vs_all_loss(weights), fs, prepared.split.train, prepared.split.val,
               config=config, names=names)

    def record(p):
        if p.metrics:
            snapshots.append({k: v.detach().clone() for k, v in model.named_parameters()})
    result = run_task(task, record)
    history = [[h["val_loss"][n] for n in names] for h in result.history]
    assert len(snapshots) == result.epochs == 14
    for k, name in enumerate(names):
        best = int(np.argmin([h[k] for h in history])) + 1
        assert result.best_epoch[k] == best
        for pname, p in model.named_parameters():
            assert torch.equal(p[k], snapshots[best - 1][pname][k]), (name, pname)
    assert any(b < result.epochs for b in result.best_epoch)  # the restore did something


def test_patience_stops_training_early(prepared):
    config = TINY.replace(max_epochs=200, patience=2, min_delta=10.0)  # nothing counts as improvement
    model = StackedExperts(FRONTEND, ExpertCNNConfig(config.filters, config.hidden), 3)
    weights = class_weights(prepared.features.labels, 3, "weights")
    result = run_task(fit(model, one_vs_all_loss(weights), prepared.features, prepared.split.train,
                          prepared.split.val, config=config, names=list(prepared.classes)))
    # the first epoch always improves on "no model yet"; then 2 epochs without improvement
    assert result.stopped_early and result.epochs == 3 and result.best_epoch == [1, 1, 1]


def test_cancel_leaves_no_files(dataset, tmp_path):
    task = train_experts(dataset, out_dir=tmp_path / "out", config=TINY, frontend=FRONTEND)
    seen = 0
    for p in task:
        if p.metrics.get("epoch") == 2:
            break
        seen += 1
    task.close()  # the GUI's cancel
    assert seen > 0
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_failure_while_saving_removes_the_files_already_written(prepared, tmp_path, monkeypatch):
    import relstudio.core.training.expert_training as et

    real, calls = et.save_expert, []

    def flaky(path, *a, **k):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(path, *a, **k)
    monkeypatch.setattr(et, "save_expert", flaky)
    with pytest.raises(KeyboardInterrupt):
        run_task(train_experts(None, out_dir=tmp_path, config=TINY.replace(max_epochs=2), prepared=prepared))
    assert len(calls) == 2 and not list(tmp_path.iterdir())


def test_pipeline_writes_loadable_models_with_their_card(trained, prepared):
    out, report = trained
    names = {p.name for p in out.iterdir()}
    assert names == {"clicks.expert.safetensors", "noise.expert.safetensors", "tone.expert.safetensors",
                     "relnet.relnet.safetensors", "convnet.classifier.safetensors", "convkong.classifier.safetensors",
                     "training_report.json"}
    expert = load_expert(out / "tone.expert.safetensors")
    meta = expert.info.meta
    assert meta["training"]["class"] == "tone" and meta["training"]["max_epochs"] == TINY.max_epochs
    assert meta["data"]["counts"] == {"clicks": 8, "noise": 8, "tone": 8}
    test_clips = set(meta["data"]["test_clips"])
    assert test_clips == set(prepared.clip_names(prepared.split.test)) and test_clips
    train_clips = set(prepared.clip_names(prepared.split.train))
    assert not test_clips & train_clips
    assert "tone: CC0" in meta["licence"]
    experts = [load_expert(out / f"{c}.expert.safetensors") for c in ("clicks", "noise", "tone")]
    relnet = load_classifier(out / "relnet.relnet.safetensors", experts=experts)
    assert relnet.info.classes == ("clicks", "noise", "tone") and relnet.info.meta["data"]["test_clips"]
    saved = json.loads((out / "training_report.json").read_text())
    assert set(saved["models"]) == {"clicks", "noise", "tone", "relnet", "convnet", "convkong"}
    hist = saved["fits"]["_experts"]["history"][0]
    assert set(hist["train_loss"]) == {"clicks", "noise", "tone"}  # per-expert curves for the GUI


def test_progress_metrics_carry_per_expert_losses(dataset, tmp_path):
    epochs = []
    run_task(train_experts(dataset, out_dir=tmp_path, config=TINY.replace(max_epochs=3), frontend=FRONTEND),
             lambda p: epochs.append(p.metrics) if p.metrics else None)
    assert [m["epoch"] for m in epochs] == [1, 2, 3]
    assert set(epochs[0]["val_loss"]) == {"clicks", "noise", "tone"} and epochs[0]["stage"] == "experts"


def test_cli_train_and_evaluate(dataset, tmp_path, capsys):
    out = tmp_path / "m"
    assert main(["train", str(dataset), "--out", str(out), "--relnet", "--max-epochs", "4", "--batch-size", "8",
                 "--test-fraction", "0.25", "--family", "synth", "--augment", "light"]) == 0
    assert (out / "synth-tone.expert.safetensors").exists() and (out / "synth.relnet.safetensors").exists()
    assert load_expert(out / "synth-tone.expert.safetensors").label == "tone (synth)"
    capsys.readouterr()
    prefix = tmp_path / "table"
    assert main(["evaluate", str(dataset), "--models", str(out), "-o", str(prefix)]) == 0
    printed = capsys.readouterr().out
    assert "| This (RELNET) | RELNET |" in printed and "held-out test split" in printed
    assert (tmp_path / "table.md").read_text() == printed
    assert (tmp_path / "table.csv").read_text().count("\n") == 1 + 5  # header, RELNET, 4 fusions
    assert main(["train", str(dataset), "--out", str(out), "--classes", "tone,violin"]) == 2
    assert "violin" in capsys.readouterr().err


def test_checks_gain_invariance_and_segment_winners(trained, dataset):
    from relstudio.core.training.checks import gain_check, segment_winners

    out, report = trained
    experts = [load_expert(report.models[c]) for c in ("clicks", "noise", "tone")]
    clips = [dataset / "tone" / "tone_1.wav", dataset / "noise" / "noise_2.wav"]
    gain = gain_check(experts, clips, FRONTEND.sample_rate)
    assert gain["clips"] == 2 and gain["segments"] > 10 and gain["same_winner"] >= 0.9
    seg = segment_winners(experts, [(clips[0], "tone"), (clips[1], "noise")], FRONTEND.sample_rate)
    assert 0.0 <= seg["right_winner"] <= 1.0 and seg["segments"] == gain["segments"]


def test_weight_average_is_validated_kept_and_restored(prepared):
    n_batches = -(-len(prepared.split.train) // TINY.batch_size)
    config = TINY.replace(max_epochs=5, patience=100, average_epochs=5.0 / n_batches)  # decay 0.8 per batch
    model = StackedExperts(FRONTEND, ExpertCNNConfig(config.filters, config.hidden), 3, seed=0)
    weights = class_weights(prepared.features.labels, 3, "weights")
    average = {k: v.detach().clone() for k, v in model.named_parameters()}  # the EMA, recomputed here
    per_epoch = []

    def record(p):
        if p.metrics:  # after validation: the trained (not averaged) weights are back in the model
            per_epoch.append({k: v.detach().clone() for k, v in average.items()})
        elif "batch" in p.message:
            for k, v in model.named_parameters():
                average[k] = 0.8 * average[k] + 0.2 * v.detach()
    result = run_task(fit(model, one_vs_all_loss(weights), prepared.features, prepared.split.train,
                          prepared.split.val, config=config, names=list(prepared.classes)), record)
    assert len(per_epoch) == result.epochs == 5
    for k in range(3):
        for name, p in model.named_parameters():  # each expert: the average of its best epoch
            assert torch.allclose(p[k], per_epoch[result.best_epoch[k] - 1][name][k], atol=1e-6), name
    raw = StackedExperts(FRONTEND, ExpertCNNConfig(config.filters, config.hidden), 3, seed=0)
    run_task(fit(raw, one_vs_all_loss(weights), prepared.features, prepared.split.train, prepared.split.val,
                 config=config.replace(average_epochs=0.0), names=list(prepared.classes)))
    assert not all(torch.equal(a, b) for a, b in zip(raw.parameters(), model.parameters()))


def test_cosine_schedule_lowers_the_rate_every_batch_to_zero(prepared, monkeypatch):
    from relstudio.core.training import trainer
    from relstudio.core.training.config import TrainingConfig
    from relstudio.core.errors import ParameterError

    rates = []

    class RecordingAdam(torch.optim.Adam):
        def step(self, closure=None):
            rates.append(self.param_groups[0]["lr"])
            return super().step(closure)

    monkeypatch.setattr(trainer.torch.optim, "Adam", RecordingAdam)
    config = TINY.replace(max_epochs=4, patience=100, lr_schedule="cosine")
    n_batches = -(-len(prepared.split.train) // config.batch_size)
    model = StackedExperts(FRONTEND, ExpertCNNConfig(config.filters, config.hidden), 3, seed=0)
    weights = class_weights(prepared.features.labels, 3, "weights")
    run_task(fit(model, one_vs_all_loss(weights), prepared.features, prepared.split.train, prepared.split.val,
                 config=config, names=list(prepared.classes)))
    total = 4 * n_batches
    assert len(rates) == total and rates[0] == config.learning_rate
    assert all(b < a for a, b in zip(rates, rates[1:]))
    assert rates[total // 2] == pytest.approx(config.learning_rate * 0.5 * (1 + np.cos(np.pi * (total // 2) / total)))
    assert rates[-1] < 0.05 * config.learning_rate
    assert trainer.learning_rate(TINY, 7, 10) == TINY.learning_rate  # constant by default
    with pytest.raises(ParameterError, match="lr_schedule"):
        TrainingConfig(lr_schedule="linear")

