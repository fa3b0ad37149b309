"""Document: relevance of any expert set comes from stored probabilities; only new experts run."""

import json

import numpy as np
import pytest

from relstudio.core.analysis import analyze
from relstudio.core.audio import load_audio
from relstudio.core.progress import run_task
from relstudio.core.relevance import relevance
from relstudio.gui import session
from relstudio.gui.document import Document
from relstudio.gui.model_import import import_expert
from tests.gui.conftest import FRONTEND, make_expert, wait_idle


@pytest.fixture
def doc(qtbot, library, cache, tmp_path):
    d = Document(library=library, cache=cache, device="cpu", viewpoint_folder=tmp_path / "viewpoints")
    yield d
    d.close()


def test_open_track_gives_the_core_relevance(qtbot, doc, library, track):
    fps = doc.roster.usable_fingerprints()
    doc.set_enabled(fps)
    doc.open_track(track)
    wait_idle(qtbot, doc)
    clip = load_audio(track, rate=FRONTEND.sample_rate)
    experts = [library.load(e) for e in library.usable()]
    expected = run_task(analyze(clip, experts, device="cpu", keep_mel=False))  # no cache: computed afresh
    cur = doc.current()
    assert [e.fingerprint for e in cur.experts] == fps
    np.testing.assert_allclose(cur.probs, expected.probs, atol=1e-6)
    np.testing.assert_allclose(cur.relevance, expected.relevance, atol=1e-6)
    assert doc.analysis.mel_db is not None and doc.analysis.mel_db.shape[0] == FRONTEND.n_mels


def test_toggling_runs_no_inference_and_new_experts_run_alone(qtbot, doc, track):
    a, b, c = doc.roster.usable_fingerprints()
    doc.set_enabled([a, b, c])
    doc.open_track(track)
    wait_idle(qtbot, doc)
    runs, misses = doc.runs, doc.cache.misses
    with qtbot.waitSignal(doc.relevanceChanged, timeout=1000):
        doc.set_expert_enabled(c, False)
    assert doc.runs == runs and doc.cache.misses == misses and not doc.runner.busy
    e = doc.analysis.evidence
    np.testing.assert_allclose(doc.current().relevance, relevance(doc.analysis.probs[:2], weights=e), atol=1e-9)
    doc.set_expert_enabled(c, True)
    assert doc.runs == runs and [e.fingerprint for e in doc.current().experts] == [a, b, c]

    # an expert that never ran on this track runs in the background, alone
    extra = make_expert(doc.library.folders[0][0], "delta", seed=99)
    doc.rescan_library()
    doc.set_expert_enabled(extra.fingerprint, True)
    assert doc.pending() == [extra.fingerprint] and doc.runner.busy
    wait_idle(qtbot, doc)
    assert doc.runs == runs + 1 and doc.cache.misses == misses + 1
    assert [e.fingerprint for e in doc.current().experts] == [a, b, c, extra.fingerprint]


def test_viewpoints_and_comparison(qtbot, doc, track, tmp_path):
    a, b, c = doc.roster.usable_fingerprints()
    doc.set_enabled([a, b])
    doc.keep_viewpoint("two")
    assert json.loads((tmp_path / "viewpoints" / "two.json").read_text())["experts"] == [a, b]
    doc.keep_viewpoint("three", [a, b, c])
    doc.set_compare("three")
    doc.open_track(track)
    wait_idle(qtbot, doc)
    e = doc.analysis.evidence
    np.testing.assert_allclose(doc.compared().relevance, relevance(doc.analysis.select([a, b, c]).probs, weights=e))
    np.testing.assert_allclose(doc.current().relevance, relevance(doc.analysis.select([a, b]).probs, weights=e))
    doc.apply_viewpoint("three")
    assert doc.enabled == [a, b, c]
    doc.remove_viewpoint("three")
    assert doc.compare is None and "three" not in doc.viewpoints


def test_threshold_auto_then_fixed(qtbot, doc, track):
    doc.set_enabled(doc.roster.usable_fingerprints())
    doc.open_track(track)
    wait_idle(qtbot, doc)
    assert doc.threshold_is_auto
    windows = doc.current().view().windows  # the top 10 % of the audible 1-s windows
    assert doc.threshold == pytest.approx(float(np.quantile(windows.relevance[windows.audible], 0.9)))
    assert doc.threshold_note == " (top 10 %)"
    doc.set_threshold(1.7)
    assert doc.threshold == 1.0 and not doc.threshold_is_auto and doc.threshold_note == ""


def test_the_threshold_text_follows_the_automatic_fraction(qtbot, doc, track):
    doc.set_enabled(doc.roster.usable_fingerprints())
    doc.open_track(track)
    wait_idle(qtbot, doc)
    doc.relevance.set_settings(doc.relevance.settings.replace(top_fraction=0.25))
    windows = doc.current().view().windows
    assert doc.threshold == pytest.approx(float(np.quantile(windows.relevance[windows.audible], 0.75)))
    assert doc.threshold_note == " (top 25 %)"


def test_session_round_trip(qtbot, doc, library, cache, track, tmp_path):
    a, b, c = doc.roster.usable_fingerprints()
    doc.set_enabled([b, c])
    doc.keep_viewpoint("pair", [a, b], persist=False)
    doc.set_compare("pair")
    doc.set_threshold(0.42)
    doc.open_track(track)
    wait_idle(qtbot, doc)
    path = session.write_session(tmp_path / "s", session.session_dict(doc, view_range=(1.0, 3.5), margin=0.3))
    assert path.suffix == ".relstudio"

    other = Document(library=library, cache=cache, device="cpu", viewpoint_folder=tmp_path / "vp2")
    try:
        with qtbot.waitSignal(other.viewRangeRequested, timeout=10000) as blocker:
            missing = session.apply_session(other, session.read_session(path))
        assert missing == [] and blocker.args == [1.0, 3.5]
        wait_idle(qtbot, other)
        assert other.enabled == [b, c] and other.viewpoints["pair"] == (a, b) and other.compare == "pair"
        assert other.threshold == pytest.approx(0.42)
        np.testing.assert_allclose(other.current().relevance, doc.current().relevance)
    finally:
        other.close()


def test_bad_session_and_missing_track_are_reported(doc, tmp_path):
    bad = tmp_path / "bad.relstudio"
    bad.write_text("{not json")
    with pytest.raises(Exception, match="bad.relstudio"):
        session.read_session(bad)
    missing = session.apply_session(doc, {"format": "relstudio-session", "enabled": ["0" * 16],
                                          "experts": {"0" * 16: {"label": "ghost"}},
                                          "track": str(tmp_path / "gone.wav")})
    assert "ghost" in missing and any("gone.wav" in m for m in missing)


def test_import_copies_and_lists_unusable_files_with_reason(qtbot, doc, tmp_path):
    from relstudio.core.errors import ExpertFileError
    from relstudio.core.frontend import FrontendConfig
    from relstudio.core.paths import user_experts_dir

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    good = make_expert(outside, "imported", seed=5)
    entry = import_expert(doc, good.path)
    assert entry.ok and (user_experts_dir() / good.path.name).exists()
    assert good.fingerprint in doc.roster.usable_fingerprints()

    wrong = make_expert(outside, "bigfe", seed=6, frontend=FrontendConfig())
    entry = import_expert(doc, wrong.path)
    assert not entry.ok and "front end differs" in entry.error and "n_mels" in entry.error

    junk = outside / "junk.expert.safetensors"
    junk.write_bytes(b"\x00" * 64)
    with pytest.raises(ExpertFileError, match="junk.expert.safetensors"):  # checked before it is copied
        import_expert(doc, junk)
    assert not (user_experts_dir() / junk.name).exists()


def test_default_experts_are_one_family_the_genres_first(qtbot, tmp_path, cache):
    import torch

    from relstudio.core.experts.expert_file import save_expert
    from relstudio.core.experts.library import ExpertLibrary
    from relstudio.core.nets.expert_cnn import ExpertCNN
    from tests.gui.conftest import NET

    shipped = tmp_path / "shipped"
    shipped.mkdir()
    seed = 0
    for family, classes in (("sound", ("speech", "metal", "organ")), ("genre", ("metal", "orchestral")),
                            ("instrument", ("violin",))):
        for cls in classes:
            seed += 1
            torch.manual_seed(seed)  # distinct weights, distinct fingerprints
            save_expert(shipped / f"{family}-{cls}.expert.safetensors", ExpertCNN(FRONTEND, NET),
                        label=f"{cls} ({family})", training={"class": cls, "family": family},
                        model_card={"class": cls, "family": family})
    doc = Document(library=ExpertLibrary([(shipped, "shipped")], frontend=FRONTEND), cache=cache, device="cpu",
                   viewpoint_folder=tmp_path / "vp")
    try:
        labels = [doc.roster.entry(f).label for f in doc.roster.default_enabled()]
        assert labels == ["metal (genre)", "orchestral (genre)"]  # one family: taxonomies never mix
    finally:
        doc.close()
