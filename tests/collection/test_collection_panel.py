"""The GUI Collection panel: fills progressively, sorts, and emits excerpt activations (offscreen)."""

import pytest
from PySide6.QtCore import Qt

from relstudio.core.cache import ProbabilityCache
from relstudio.gui.panels.collection_panel import CollectionPanel
from relstudio.gui.panels.collection_table import CURVE_ROLE, SPARK
from tests.collection.conftest import make_collection


@pytest.fixture()
def panel(qtbot, tmp_path, tone_noise):
    p = CollectionPanel(lambda: [i.path for i in tone_noise], cache=ProbabilityCache(tmp_path / "cache"))
    qtbot.addWidget(p)
    yield p
    p.shutdown()


def test_panel_fills_while_running_sorts_and_activates(qtbot, tmp_path, panel):
    folder = make_collection(tmp_path / "music", n_tone=2, n_noise=3)
    inserted = []
    panel.model.rowsInserted.connect(lambda *a: inserted.append(panel.model.rowCount()))
    with qtbot.waitSignal(panel.finished, timeout=60000) as done:
        panel.open_folder(folder)
    assert inserted == [1, 2, 3, 4, 5]  # streamed one by one, not reset at the end
    assert len(done.args[0].failures) == 1 and "broken.wav" in panel.status.text()
    tone_col = panel.model.columnCount() - 2  # P(tone), P(noise) are the last columns
    assert panel.model.headerData(tone_col, Qt.Orientation.Horizontal) == "P(tone)"
    panel.table.sortByColumn(tone_col, Qt.SortOrder.DescendingOrder)
    order = [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())]
    assert sorted(order[:2]) == ["tone0.wav", "tone1.wav"] and all(t.startswith("noisy/") for t in order[2:])
    assert len(panel.proxy.index(0, SPARK).data(CURVE_ROLE)) > 1
    with qtbot.waitSignal(panel.excerpt_activated) as hit:
        panel.table.activated.emit(panel.proxy.index(0, 1))
    path, start, end = hit.args
    assert path.endswith(order[0]) and 0 <= start < end <= 2.5
    panel.table.setCurrentIndex(panel.proxy.index(0, 0))
    assert panel.excerpts.topLevelItemCount() >= 3  # best + per-class excerpts
    item = panel.excerpts.topLevelItem(0)
    with qtbot.waitSignal(panel.excerpt_activated) as hit:
        panel.excerpts.itemActivated.emit(item, 0)
    assert hit.args[0] == path and hit.args[1:] == pytest.approx([float(item.text(1)), float(item.text(2))], abs=0.006)


def test_panel_writes_previews(qtbot, tmp_path, panel):
    folder = make_collection(tmp_path / "music", n_tone=1, n_noise=1, bad=False)
    with qtbot.waitSignal(panel.finished, timeout=60000):
        panel.open_folder(folder)
    out = tmp_path / "prev"
    with qtbot.waitSignal(panel.runner.busyChanged, timeout=60000, check_params_cb=lambda busy: not busy):
        panel.write_previews(out, seconds=1.0)
    assert sorted(p.name for p in out.iterdir()) == ["noise0.preview.flac", "previews.m3u", "tone0.preview.flac"]


def test_window_opens_an_activated_excerpt_and_plays_it(qtbot, tmp_path, tone_noise):
    import numpy as np

    from relstudio.core.experts.library import ExpertLibrary
    from relstudio.gui.document import Document
    from relstudio.gui.main_window import MainWindow
    from relstudio.gui.playback import Player
    from tests.gui.conftest import FakeBackend, ScriptedDialogs, play_out, wait_idle
    from tests.synth import noise, tone, write_wav

    library = ExpertLibrary([(tone_noise[0].path.parent, "user")], frontend=tone_noise[0].frontend)
    doc = Document(library=library, cache=ProbabilityCache(tmp_path / "c"), device="cpu",
                   viewpoint_folder=tmp_path / "vp")
    w = MainWindow(doc, player=Player(FakeBackend()), dialogs=ScriptedDialogs())
    qtbot.addWidget(w)
    w.show()
    track = tmp_path / "t.wav"
    write_wav(track, np.concatenate([noise(2.0, seed=1), tone(440, 2.0)]))
    w.playback.set_margin(0.0)
    w.collection_panel.excerpt_activated.emit(str(track), 2.5, 3.5)
    wait_idle(qtbot, doc)
    assert w.player.state == "playing"
    rec = play_out(w.player, w.player.backend.stream)
    rate = doc.track.clip.rate
    np.testing.assert_array_equal(rec[: rate, 0], doc.track.clip.samples[int(2.5 * rate):int(3.5 * rate)])
    assert not rec[rate + 1:].any()
    w.close()
