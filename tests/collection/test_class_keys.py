"""One key for classes everywhere: a RELNET's class ``tone`` is the expert label ``tone (kind)`` in the
JSON, the CSV and the Collection panel (issue 16, point 4: every class-score cell was 0.000)."""

import csv
import json

import pytest
import torch
from PySide6.QtCore import Qt

from relstudio.core.collection.batch import analyze_collection
from relstudio.core.collection.results import class_label, read_results, write_results
from relstudio.core.errors import ParameterError
from relstudio.core.experts.expert_file import load_expert, save_expert
from relstudio.core.experts.relnet_file import save_classifier
from relstudio.core.nets.relnet import RelNet
from relstudio.core.progress import run_task
from relstudio.gui.panels.collection_table import BASE_COLUMNS, SORT_ROLE, CollectionModel
from tests.collection.conftest import make_collection
from tests.expert_factory import SMALL_NET


@pytest.fixture()
def family(tmp_path, tone_noise):
    """The tone/noise experts relabelled 'tone (kind)', 'noise (kind)' and a RELNET whose classes are 'tone', 'noise'."""
    folder = tmp_path / "family"
    folder.mkdir()
    experts = [load_expert(i.path) for i in tone_noise]
    infos = [save_expert(folder / f"{e.info.label}.expert.safetensors", e.module, label=f"{e.info.label} (kind)")
             for e in experts]
    experts = [load_expert(i.path) for i in infos]
    torch.manual_seed(3)
    module = RelNet(experts[0].info.frontend, [e.module for e in experts], 2, SMALL_NET).eval()
    relnet = folder / "kind.relnet.safetensors"
    save_classifier(relnet, module, classes=["tone", "noise"], experts=experts)
    return infos, relnet


def test_csv_scores_equal_json_scores_and_are_not_zero(tmp_path, family):
    infos, relnet = family
    results = run_task(analyze_collection(make_collection(tmp_path / "music", n_tone=2, n_noise=1, bad=False),
                                          infos, relnet=relnet, workers=1))
    json_path, csv_path = write_results(tmp_path / "out", results)
    data = json.loads(json_path.read_text())
    labels = [e["label"] for e in data["experts"]]
    assert labels == ["tone (kind)", "noise (kind)"]
    rows = {r["track"]: r for r in data["rows"]}
    table = list(csv.DictReader(csv_path.open()))
    assert len(table) == len(rows) == 3
    for line in table:
        row = rows[line["track"]]
        assert set(row["scores"]) == set(labels) and row["classification"] in labels
        for lab in labels:
            assert float(line[f"score_{lab}"]) == pytest.approx(row["scores"][lab], abs=1e-4)
        assert sum(float(line[f"score_{lab}"]) for lab in labels) == pytest.approx(1.0, abs=1e-3)
    cells = [float(line[f"score_{lab}"]) for line in table for lab in labels]
    assert sum(c > 0 for c in cells) == len(cells)

    model = CollectionModel()  # the panel's table
    model.reset(results.labels, results.rows)
    for r in range(model.rowCount()):
        row = rows[model.index(r, 0).data()]
        for c, lab in enumerate(labels):
            cell = model.index(r, len(BASE_COLUMNS) + c)
            assert cell.data(SORT_ROLE) == pytest.approx(row["scores"][lab], abs=1e-5) and cell.data(SORT_ROLE) > 0


def test_an_older_table_keyed_by_class_reads_with_one_key(tmp_path):
    row = {"track": "a.wav", "path": "/a.wav", "duration": 1.0, "classification": "metal", "method": "RELNET",
           "scores": {"metal": 0.7, "orchestral": 0.3}, "mean_relevance": 0.5, "peak_relevance": 0.9,
           "excerpts": [], "class_excerpts": {}, "curve": []}
    data = {"format": "relstudio-collection", "root": str(tmp_path), "rows": [row],
            "experts": [{"label": "metal (genre)", "fingerprint": "a"}, {"label": "orchestral (genre)", "fingerprint": "b"}]}
    (tmp_path / "collection.json").write_text(json.dumps(data))
    got = read_results(tmp_path).rows[0]
    assert got["scores"] == {"metal (genre)": 0.7, "orchestral (genre)": 0.3}
    assert got["classification"] == "metal (genre)"
    assert class_label("metal", ["metal (genre)", "electronic (genre)"]) == "metal (genre)"
    assert class_label("rock", ["metal (genre)"]) is None
    with pytest.raises(ParameterError, match="ambiguous"):
        class_label("metal", ["metal (genre)", "metal (mood)"])
