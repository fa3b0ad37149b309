"""Classification panel: RELNET's class probabilities and the SUM / RV fusions equal the core's, and why."""

import numpy as np
import pytest
import torch
from PySide6.QtCore import QPoint, Qt

from relstudio.core.analysis import analyze
from relstudio.core.audibility import track_evidence
from relstudio.core.audio import load_audio
from relstudio.core.classification import clip_scores, segment_shares
from relstudio.core.experts.library import ExpertLibrary
from relstudio.core.experts.relnet_file import load_classifier
from relstudio.core.frontend import features, to_tensor
from relstudio.core.progress import run_task
from relstudio.core.relevance import fuse
from relstudio.core.training.pipeline import train
from relstudio.gui.classification import class_passages
from relstudio.gui.document import Document
from relstudio.gui.main_window import MainWindow
from relstudio.gui.playback import Player
from tests.gui.conftest import FakeBackend, ScriptedDialogs, wait_idle
from tests.training_factory import FRONTEND, TINY, make_dataset


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Experts and a RELNET trained by the core on a tiny synthetic folder."""
    root = tmp_path_factory.mktemp("cls")
    ds = make_dataset(root / "sounds", per_class=6, groups=3)
    report = run_task(train(ds, out_dir=root / "models", config=TINY.replace(max_epochs=6), frontend=FRONTEND,
                            relnet=True, family="syn", cache_folder=None))
    return root / "models", report


@pytest.fixture
def window(qtbot, trained, cache, tmp_path, track):
    library = ExpertLibrary([(trained[0], "user")], frontend=FRONTEND)
    doc = Document(library=library, cache=cache, device="cpu", viewpoint_folder=tmp_path / "vp")
    w = MainWindow(doc, player=Player(FakeBackend()), dialogs=ScriptedDialogs())
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    w.open_path(track)
    wait_idle(qtbot, doc)
    qtbot.waitUntil(lambda: doc.classification.result is not None and not doc.classification.busy, timeout=20000)
    yield w
    w.close()


def test_panel_shows_the_core_relnet_and_fusions(qtbot, window, trained, track):
    doc, panel = window.doc, window.classification_panel
    library = doc.library
    assert doc.classification.relnet.path == trained[1].models["relnet"]
    experts = [library.load(e) for e in library.usable()]
    fps = [e.fingerprint for e in experts]
    assert sorted(doc.enabled) == sorted(fps)
    clip = load_audio(track, rate=FRONTEND.sample_rate)
    # fusions: core.relevance.fuse over the enabled experts' probabilities
    expected = run_task(analyze(clip, [experts[fps.index(f)] for f in doc.enabled], device="cpu", keep_mel=False))
    for i, fp in enumerate(doc.enabled):
        e = expected.evidence  # silent segments take no part
        assert panel.value(fp, "SUM") == pytest.approx(fuse(expected.probs, "SUM", weights=e)[i], abs=1e-6)
        assert panel.value(fp, "RV") == pytest.approx(fuse(expected.probs, "RV", weights=e)[i], abs=1e-6)
    # RELNET: the model's own segment outputs over the whole track, pooled over the audible segments
    # (issue 13: silence takes no part; with every segment audible this is RelNet.forward)
    relnet = load_classifier(trained[1].models["relnet"], experts=experts)
    with torch.no_grad():
        seg_p, seg_r = relnet.module.segment_outputs(features(to_tensor(clip.samples), FRONTEND)[None])
    out = clip_scores(seg_p[0].numpy(), seg_r[0].numpy(), evidence=expected.evidence)
    for c, (_label, fp) in enumerate(relnet.info.experts):
        assert panel.value(fp, "RELNET") == pytest.approx(float(out[c]), abs=1e-5)
    assert sum(panel.value(fp, "RELNET") for fp in fps) == pytest.approx(1.0, abs=1e-6)


def test_clicking_a_score_highlights_the_passages_behind_it(qtbot, window):
    doc, panel = window.doc, window.classification_panel
    view = window.timeline.relevance
    item = panel.table.topLevelItem(1)
    fp = item.data(0, Qt.ItemDataRole.UserRole)
    rect = panel.table.visualItemRect(item)
    x = panel.table.header().sectionPosition(3) + 5  # the RV column
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, rect.center().y()))
    assert doc.classification.highlight_key == (fp, "RV")
    cur, rel_view = doc.current(), doc.relevance.view()
    shares = segment_shares(cur.probs, "RV", doc.enabled.index(fp), weights=cur.evidence)  # evidence-aware
    want = class_passages(rel_view, shares)
    assert doc.classification.highlighted == want and 1 <= len(want) <= 5
    per_window = np.bincount(rel_view.windows.segment_window, weights=shares, minlength=rel_view.windows.n_windows)
    for p, share in want:  # each passage holds the shares of its windows; the largest first
        assert share == pytest.approx(per_window[p.first:p.stop].sum())
    assert [s for _p, s in want] == sorted((s for _p, s in want), reverse=True)
    assert view.contribution_overlay.passages == [p for p, _s in want]
    assert panel.passages.count() == len(want)
    # RELNET shares: relevance-weighted class probabilities of each audible segment
    doc.classification.highlight(fp, "RELNET")
    res = doc.classification.result
    c = res.experts.index(fp)
    relnet_shares = res.segment_probs[:, c] * res.weights * cur.evidence
    got, want = doc.classification.highlighted, class_passages(rel_view, relnet_shares / relnet_shares.sum())
    assert [(p.start, p.end) for p, _s in got] == [(p.start, p.end) for p, _s in want]
    np.testing.assert_allclose([s for _p, s in got], [s for _p, s in want], rtol=1e-9)
    # clicking a listed passage brings it into view with the cursor on it
    window.timeline.set_view_range(0.0, 0.5)
    p = doc.classification.highlighted[-1][0]
    item = panel.passages.item(panel.passages.count() - 1)
    assert item.text().startswith(f"#{panel.passages.count()} ") and "P " in item.text() and "winner " in item.text()
    qtbot.mouseClick(panel.passages.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.passages.visualItemRect(item).center())
    t0, t1 = window.timeline.view_range()
    assert t0 <= p.start and p.end <= t1 and doc.position == pytest.approx(p.start)


def test_without_all_its_experts_no_relnet_then_enable_them(qtbot, window):
    doc, panel = window.doc, window.classification_panel
    all_fps = list(doc.enabled)
    doc.set_expert_enabled(all_fps[0], False)
    assert doc.classification.relnet is None
    assert all(panel.value(fp, "RELNET") is None for fp in all_fps[1:])
    assert not panel.enable_button.isHidden()
    qtbot.mouseClick(panel.enable_button, Qt.MouseButton.LeftButton)
    assert sorted(doc.enabled) == sorted(all_fps)
    wait_idle(qtbot, doc)
    assert panel.value(all_fps[0], "RELNET") is not None  # cached result: no second RELNET run
    assert np.isclose(sum(panel.value(fp, "RELNET") for fp in all_fps), 1.0)


def test_when_several_relnets_match_the_user_picks_one(qtbot, window, tmp_path, track):
    from relstudio.core.experts.relnet_file import save_classifier
    from relstudio.core.nets.relnet import RelNet

    doc, panel = window.doc, window.classification_panel
    first = doc.classification.relnet
    assert panel.chooser.isHidden()
    experts = [doc.library.load(doc.roster.entry(fp)) for _, fp in first.experts]
    torch.manual_seed(5)
    more = tmp_path / "more"
    other = save_classifier(more / "other.relnet.safetensors", RelNet(FRONTEND, [e.module for e in experts], 3,
                                                                        first.net),
                            classes=first.classes, experts=experts)
    doc.library.folders.append((more, "user"))
    doc.rescan_library()
    matches = doc.classification.matches
    assert {r.fingerprint for r in matches} == {other.fingerprint, first.fingerprint}
    assert doc.classification.relnet is matches[0]  # equal sizes: the first by path until the user picks
    assert not panel.chooser.isHidden() and panel.chooser.count() == 2
    panel.chooser.activated.emit(panel.chooser.findData(first.fingerprint))  # as a user's pick does
    assert doc.classification.relnet.fingerprint == first.fingerprint
    panel.chooser.activated.emit(panel.chooser.findData(other.fingerprint))
    qtbot.waitUntil(lambda: doc.classification.result is not None
                    and doc.classification.result.relnet.fingerprint == other.fingerprint, timeout=10000)
    clip = load_audio(track, rate=FRONTEND.sample_rate)
    model = load_classifier(other.path, experts=experts)
    with torch.no_grad():
        seg_p, seg_r = model.module.segment_outputs(features(to_tensor(clip.samples), FRONTEND)[None])
    _, evidence = track_evidence(clip.samples, frontend=FRONTEND)  # silent segments take no part (issue 13)
    out = clip_scores(seg_p[0].numpy(), seg_r[0].numpy(), evidence=evidence)
    for c, (_label, fp) in enumerate(other.experts):
        assert panel.value(fp, "RELNET") == pytest.approx(float(out[c]), abs=1e-5)


def test_relnet_shares_weight_the_evidence_once():
    """A segment on the audibility ramp (evidence 0.5) holds half its weighted probability, not a quarter."""
    from types import SimpleNamespace

    from relstudio.core.classification import TrackClassification
    from relstudio.gui.classification import ClassificationState

    probs = np.array([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]])
    evidence = np.array([1.0, 0.5, 0.0])
    result = TrackClassification(None, ("a", "b"), ("fa", "fb"), clip_scores(probs, np.ones(3), evidence=evidence),
                                 probs, np.ones(3), evidence)
    segments = SimpleNamespace(n_segments=3, evidence=evidence)
    state = SimpleNamespace(result=result, doc=SimpleNamespace(relevance=SimpleNamespace(segments=lambda: segments)))
    shares = ClassificationState.shares(state, "fa", "RELNET")
    np.testing.assert_allclose(shares, [2 / 3, 1 / 3, 0.0])  # evidence twice would give [0.8, 0.2, 0]
