"""The training wizard end to end on a tiny synthetic folder: scan, train in the background, cancel, results."""

import time

import pytest
from PySide6.QtCore import Qt

from relstudio.core.training.config import TrainingConfig
from relstudio.core.training.scan import scan_dataset
from relstudio.gui.document import Document
from relstudio.gui.main_window import MainWindow
from relstudio.gui.playback import Player
from relstudio.gui.training.queue import CANCELLED, DONE, QUEUED, RUNNING
from relstudio.gui.training.wizard import CLASSES, RESULTS, SETTINGS, SOURCE, TRAINING
from tests.gui.conftest import FakeBackend, ScriptedDialogs, wait_idle
from tests.training_factory import make_dataset


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("ds") / "sounds", per_class=6, groups=3)


@pytest.fixture
def window(qtbot, library, cache, tmp_path, track):
    doc = Document(library=library, cache=cache, device="cpu", viewpoint_folder=tmp_path / "vp")
    w = MainWindow(doc, player=Player(FakeBackend()), dialogs=ScriptedDialogs())
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    w.open_path(track)
    wait_idle(qtbot, doc)
    yield w
    w.close()


def _until(qtbot, cond, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        qtbot.wait(20)


def _to_settings(qtbot, wizard, dataset, *, remembered=False):
    """``remembered``: a training started before, so the wizard opens with its folder."""
    assert wizard.currentId() == SOURCE and wizard.source_page.isComplete() == remembered
    wizard.dialogs.answers.append(str(dataset))
    wizard.source_page._choose_folder()  # "Folder…" answered by the scripted dialog
    assert wizard.source_page.isComplete()
    wizard.next()
    assert wizard.currentId() == CLASSES
    _until(qtbot, lambda: wizard.classes_page.summary is not None, 20)
    wizard.next()
    assert wizard.currentId() == SETTINGS


def _small(page, *, epochs=4, patience=3):
    page.epochs.setValue(epochs)
    page.patience.setValue(patience)
    page.batch.setValue(8)
    page.hidden.setValue(8)
    page.lr.setValue(0.005)


def test_wizard_trains_in_the_background_and_the_new_experts_are_added_on_request(qtbot, window, dataset):
    doc = window.doc
    before = list(doc.enabled)
    wizard = window.models.open_training_wizard()
    qtbot.waitExposed(wizard)
    _to_settings(qtbot, wizard, dataset)
    # the classes page shows the core scan: clip and group counts, split by group
    expected = scan_dataset(dataset, config=TrainingConfig())
    page = wizard.classes_page
    rows = {page.table.topLevelItem(i).text(0): [page.table.topLevelItem(i).text(c) for c in range(1, 7)]
            for i in range(page.table.topLevelItemCount())}
    assert rows == {c: [str(expected.counts[c]), str(expected.groups[c]), *(str(expected.split_counts[c][k])
                                                                            for k in ("train", "val", "test")),
                        expected.split.by[c]] for c in expected.classes}
    assert wizard.settings_page.name.text() == "sounds"
    _small(wizard.settings_page)
    wizard.next()
    assert wizard.currentId() == TRAINING and wizard.job.state in (QUEUED, RUNNING)
    # the main window stays usable meanwhile: toggling an expert redraws at once
    doc.set_expert_enabled(before[0], False)
    assert doc.enabled == before[1:]
    doc.set_enabled(before)
    _until(qtbot, lambda: wizard.job.finished)
    assert wizard.job.state == DONE, wizard.job.error
    _until(qtbot, lambda: wizard.currentId() == RESULTS, 5)
    # the live plot drew every model's losses per epoch, as the job recorded them
    job, plot = wizard.job, wizard.progress_page.plot
    experts = [n for s, n in job.history if s == "experts"]
    assert sorted(experts) == ["clicks (sounds)", "noise (sounds)", "tone (sounds)"]
    for (stage, name), hist in job.history.items():
        assert plot.data(stage, name, "train") == ([h[0] for h in hist], [h[1] for h in hist])
        assert plot.data(stage, name, "val")[1] == [h[2] for h in hist]
    assert {s for s, _ in job.history} == {"experts", "relnet", "convnet", "convkong"}
    fits = job.outcome.report.fits
    assert {n: job.best[("experts", n)] for n in experts} == {n: fits[n]["best_epoch"] for n in experts}
    x, _y = plot.best_markers[plot.experts_plot].getData()
    assert sorted(x) == sorted(fits[n]["best_epoch"] for n in experts)  # a dot at each kept epoch
    # results: held-out scores of the core evaluation
    ev = job.outcome.evaluation
    relnet = next(r for r in ev.rows if r["model"] == "RELNET")
    assert wizard.results_page.value("RELNET", "MAP@3") == f"{relnet['map@3']:.3f}"
    assert wizard.results_page.experts.rowCount() == 3
    # the new experts are in the panel, the open view is untouched (issue 16, point 3) ...
    new = [e.info.fingerprint for e in doc.library.usable() if e.path.parent == job.outcome.folder]
    assert len(new) == 3 and doc.enabled == before
    assert window.expert_panel.item_for(new[0]).checkState(0) == Qt.CheckState.Unchecked
    title, text, actions = window.dialogs.notes[-1]
    assert title == "Training finished" and "3 experts" in text and list(actions) == ["Add to view"]
    assert "unchanged" in wizard.results_page.summary.text() and wizard.results_page.add_button.isEnabled()
    # ... until "Add to view" (the notification's button; the results page has the same one)
    actions["Add to view"]()
    assert doc.enabled == before + new
    for fp in new:
        item = window.expert_panel.item_for(fp)
        assert item is not None and item.checkState(0) == Qt.CheckState.Checked
    wait_idle(qtbot, doc)
    assert [e.fingerprint for e in doc.current().experts] == before + new
    wizard.accept()


def test_cancel_leaves_nothing_and_the_queue_runs_the_next(qtbot, window, dataset):
    doc = window.doc
    q = window.training
    wizard = window.models.open_training_wizard()
    _to_settings(qtbot, wizard, dataset)
    _small(wizard.settings_page, epochs=5000, patience=5000)  # runs until cancelled
    wizard.settings_page.name.setText("long")
    wizard.next()
    first = wizard.job
    # a second training, queued behind the first from another wizard
    second_wizard = window.models.open_training_wizard()
    _to_settings(qtbot, second_wizard, dataset, remembered=True)
    assert second_wizard.settings_page.epochs.value() == 5000  # the last started training's settings
    second_wizard.classes_page.set_checked({"clicks", "tone"})
    _small(second_wizard.settings_page, epochs=2, patience=2)
    second_wizard.settings_page.name.setText("short")
    second_wizard.settings_page.relnet.setChecked(False)
    second_wizard.next()
    second = second_wizard.job
    third = window.models.open_training_wizard()  # remembers the last one started
    page = third.settings_page
    assert third.source_page.path.text() == str(dataset) and page.epochs.value() == 2 and page.patience.value() == 2
    assert not page.relnet.isChecked() and page.lr.value() == 0.005 and page.hidden.value() == 8
    third.reject()
    assert second.state == QUEUED and q.ahead_of(second) == 1
    assert "Waiting: 1 training" in second_wizard.progress_page.state.text()
    _until(qtbot, lambda: first.history, 30)  # the live plot has its first epoch
    assert wizard.progress_page.plot.curves
    qtbot.mouseClick(wizard.progress_page.cancel_button, Qt.MouseButton.LeftButton)
    assert first.state == CANCELLED and "Cancelled" in wizard.progress_page.state.text()
    assert wizard.progress_page.note.isHidden()  # no "the training goes on in the background" after Cancel
    _until(qtbot, lambda: second.finished)
    assert q.wait()
    assert second.state == DONE and second.outcome.folder.name == "short"
    assert sorted(p.name for p in q.experts_root.iterdir()) == ["short"]  # nothing of the cancelled one
    assert [p for p in q.staging_root.rglob("*") if p.is_file()] == []
    labels = {e.label for e in doc.library.usable()}
    assert "clicks (short)" in labels and not any("(long)" in lab for lab in labels)
    assert window.training_dock.isVisible()
    panel = window.training_panel
    texts = [panel.tree.topLevelItem(i).text(1) for i in range(2)]
    assert texts == [DONE, CANCELLED]
    # "Show" on the finished one opens its results again
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    qtbot.mouseClick(panel.show_button, Qt.MouseButton.LeftButton)
    shown = window.models.wizards[-1]
    assert shown.job is second and shown.currentId() == RESULTS
    assert [shown.results_page.experts.item(r, 0).text() for r in range(2)] == ["clicks (short)", "tone (short)"]
