"""MAP@3, accuracy, confusion, and the Table-1 evaluation with and without test-set padding."""

import numpy as np
import pytest
import torch

from relstudio.core.errors import ParameterError
from relstudio.core.experts.expert_file import load_expert
from relstudio.core.experts.relnet_file import load_classifier
from relstudio.core.frontend import features_from_db
from relstudio.core.progress import run_task
from relstudio.core.relevance import fuse
from relstudio.core.training.evaluate import evaluate
from relstudio.core.training.metrics import accuracy, confusion, detector_scores, map_at_k, precision_recall
from relstudio.core.training.pipeline import train
from relstudio.core.training.prepared import prepare
from relstudio.core.training.relnet_training import clip_scores
from tests.training_factory import CLASSES, FRONTEND, TINY, make_dataset


def test_map_at_3_and_accuracy_by_hand():
    scores = np.array([[0.9, 0.05, 0.03, 0.02],   # true 0 at rank 1 → 1
                       [0.5, 0.3, 0.2, 0.0],      # true 1 at rank 2 → 1/2
                       [0.4, 0.3, 0.2, 0.1],      # true 2 at rank 3 → 1/3
                       [0.4, 0.3, 0.2, 0.1]])     # true 3 at rank 4 → 0
    labels = [0, 1, 2, 3]
    assert map_at_k(scores, labels) == pytest.approx((1 + 1 / 2 + 1 / 3) / 4)
    assert accuracy(scores, labels) == 0.25
    m = confusion(scores, labels)
    assert m.tolist() == [[1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]]
    prec, rec = precision_recall(m)
    assert prec[0] == 0.25 and rec[0] == 1.0 and np.isnan(prec[1]) and rec[1] == 0.0
    d = detector_scores([0.9, 0.2, 0.6, 0.1], [True, True, False, False])
    assert (d["tp"], d["fp"], d["fn"], d["tn"]) == (1, 1, 1, 1) and d["precision"] == 0.5
    with pytest.raises(ParameterError):
        map_at_k(scores, [0, 1, 2, 4])


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = make_dataset(tmp_path_factory.mktemp("ds") / "sounds")
    out = tmp_path_factory.mktemp("models")
    report = run_task(train(root, out_dir=out, config=TINY, frontend=FRONTEND, relnet=True, baselines=True,
                            cache_folder=None))
    experts = [load_expert(out / f"{c}.expert.safetensors") for c in CLASSES]
    classifiers = [load_classifier(report.models[k], experts=experts) for k in ("relnet", "convnet", "convkong")]
    return root, experts, classifiers


def test_unpadded_scores_equal_each_clip_alone_and_padded_equal_zero_padding(models):
    root, experts, classifiers = models
    prepared = run_task(prepare(root, config=TINY, frontend=FRONTEND, cache_folder=None))
    fs = prepared.features
    rows = [0, 9, 20]
    relnet = classifiers[0].module
    un = clip_scores(relnet, fs, rows)
    pad = clip_scores(relnet, fs, rows, pad_frames=80)
    with torch.no_grad():
        for j, r in enumerate(rows):
            n = int(fs.n_frames[r])
            x = features_from_db(torch.as_tensor(fs.db[r, :, :n]).float(), FRONTEND)[None]
            assert np.allclose(un[j], relnet(x)[0].numpy(), atol=1e-5)
            padded = torch.nn.functional.pad(x, (0, 80 - n))
            assert np.allclose(pad[j], relnet(padded)[0].numpy(), atol=1e-5)
        assert not np.allclose(un, pad, atol=1e-3)


def test_evaluation_table_on_the_held_out_split(models):
    root, experts, classifiers = models
    report = run_task(evaluate(root, experts=experts, classifiers=classifiers, cache_folder=None))
    assert report.split.startswith("held-out test split: 6 of 24")
    assert [r["model"] for r in report.rows] == ["CONVNET", "RELNET", "CONVKONG", "MV", "SUM", "PROD", "RV"]
    for r in report.rows:
        for key in ("map@3", "map@3_padded", "accuracy", "accuracy_padded"):
            assert 0.0 <= r[key] <= 1.0
        assert r["map@3"] >= r["accuracy"] - 1e-12
    test_rows = run_task(prepare(root, config=TINY, frontend=FRONTEND, cache_folder=None))
    assert np.sum(report.confusion["RELNET"]) == 6
    assert report.pad_frames == max(int(test_rows.features.n_frames[r]) for r in test_rows.split.test)
    md = report.markdown()
    assert "| This (RELNET) | RELNET |" in md and "RELNET confusion matrix" in md and "| tone |" in md
    assert report.csv().splitlines()[0].startswith("dataset,split,clips,pad_frames,group,model,map3_padded")
    # the SUM fusion row agrees with fusing each clip's expert probabilities by hand
    sum_row = report.row("SUM")
    hits = []
    for r in test_rows.split.test:
        clip = test_rows.dataset.clips[r]
        x = features_from_db(torch.as_tensor(test_rows.features.db[r, :, :int(test_rows.features.n_frames[r])]).float(),
                     FRONTEND)[None]
        with torch.no_grad():
            p = np.stack([e.module.segment_probs(x)[0, :, 1].numpy() for e in experts])
        hits.append(int(np.argmax(fuse(p, "SUM")) == CLASSES.index(clip.label)))
    assert sum_row["accuracy"] == pytest.approx(np.mean(hits))


def test_evaluation_on_all_clips_says_it_includes_training_clips(models):
    root, experts, classifiers = models
    report = run_task(evaluate(root, experts=experts, split="all", pad_frames=100, cache_folder=None))
    assert report.clips == 24 and report.pad_frames == 100 and "training clips" in " ".join(report.notes)
    assert {r["model"] for r in report.rows} == {"MV", "SUM", "PROD", "RV"}
    assert set(report.detectors) == set(CLASSES)


def test_evaluation_refuses_mismatched_models(models):
    root, experts, classifiers = models
    with pytest.raises(ParameterError, match="classes"):
        run_task(evaluate(root, experts=experts[:2], classifiers=classifiers[1:2], cache_folder=None))
    with pytest.raises(ParameterError, match="nothing to evaluate"):
        run_task(evaluate(root, cache_folder=None))
