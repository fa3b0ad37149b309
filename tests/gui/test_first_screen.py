"""The first screen (issue 16, point 7): one family (genre), the shipped viewpoints of the paper's Fig. 2
listed and one compared, a preset per family, and "analysing … N %" while the analysis runs."""

import pytest
import torch

from relstudio.core.experts.expert_file import save_expert
from relstudio.core.experts.library import ExpertLibrary
from relstudio.core.nets.expert_cnn import ExpertCNN
from relstudio.core.viewpoints import shipped_viewpoints
from tests.gui.conftest import FRONTEND, NET, make_window, wait_idle

FAMILIES = {"sound": ("drums", "electronic", "metal", "organ", "speech"), "genre": ("electronic", "metal", "orchestral"),
            "instrument": ("clarinet", "flute", "guitar", "piano", "trumpet", "violin")}


@pytest.fixture
def shipped_library(tmp_path):
    folder = tmp_path / "shipped"
    folder.mkdir()
    seed = 0
    for family, classes in FAMILIES.items():
        for cls in classes:
            seed += 1
            torch.manual_seed(seed)
            save_expert(folder / f"{family}-{cls}.expert.safetensors", ExpertCNN(FRONTEND, NET),
                        label=f"{cls} ({family})", training={"class": cls, "family": family})
    return ExpertLibrary([(folder, "shipped")], frontend=FRONTEND)


def test_every_family_has_a_shipped_preset_naming_shipped_labels():
    presets = shipped_viewpoints()
    families = {lab.rsplit(" (", 1)[1].rstrip(")") for vp in presets for lab in vp.experts}
    assert families == set(FAMILIES)
    labels = {f"{c} ({f})" for f, cs in FAMILIES.items() for c in cs}
    assert all(set(vp.experts) <= labels for vp in presets)
    roles = {vp.first_screen: vp for vp in presets if vp.first_screen}
    assert set(roles["compared"].experts) == {"electronic (genre)", "orchestral (genre)"}
    assert set(roles["enabled"].experts) == set(roles["compared"].experts) | {"metal (genre)"}


def test_the_demo_opens_with_the_genres_and_figure_2_compared(qtbot, shipped_library, cache, tmp_path, track):
    w = make_window(qtbot, shipped_library, cache, tmp_path)
    doc = w.doc
    try:
        labels = [doc.roster.entry(f).label for f in doc.enabled]
        assert sorted(labels) == ["electronic (genre)", "metal (genre)", "orchestral (genre)"]
        assert {"electronic vs orchestral", "electronic vs orchestral + metal", "sound classes",
                "instruments"} <= set(doc.viewpoints)
        assert doc.compare == "electronic vs orchestral"
        listed = [w.viewpoint_panel.list.item(i).text() for i in range(w.viewpoint_panel.list.count())]
        assert any("electronic vs orchestral" in t for t in listed)
        message, messages = w.timeline.relevance.message, []
        set_text = message.setText
        message.setText = lambda text, *a: (messages.append(text), set_text(text, *a))  # every text the pane shows
        w.open_path(track)
        wait_idle(qtbot, doc)
        shown = [m for m in messages if m]
        assert shown and all(m.startswith("analysing … ") and m.endswith(" %") for m in shown), set(shown)
        assert doc.relevance.compared_view() is not None  # the second curve is drawn
    finally:
        w.close()
