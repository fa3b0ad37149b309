"""Sessions that travel (issue 16, point 1): the track by absolute path, by path relative to the session
and by content; *Locate…* when all fail; format version 2 read from version 1; types checked on reading."""

import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relstudio.core.errors import ParameterError
from relstudio.gui import session
from relstudio.gui.document import Document
from tests.gui.conftest import make_window, wait_idle


@pytest.fixture
def doc(qtbot, library, cache, tmp_path):
    d = Document(library=library, cache=cache, device="cpu", viewpoint_folder=tmp_path / "viewpoints")
    yield d
    d.close()


@pytest.fixture
def saved(qtbot, library, cache, tmp_path, track):
    """A session saved next to its track in tmp_path/project, with a mark and a range selection."""
    project = tmp_path / "project"
    project.mkdir()
    audio = project / "piece.wav"
    shutil.copy(track, audio)
    w = make_window(qtbot, library, cache, tmp_path)
    w.open_path(audio)
    wait_idle(qtbot, w.doc)
    w.doc.review.mark(3, "alpha", True)
    w.doc.range_selection.set(2.0, 3.5)
    w.dialogs.answers.append(str(project / "work"))
    assert w.files.save_session()
    w.close()
    return project / "work.relstudio"


def _reopen(qtbot, library, cache, tmp_path, path, *answers):
    w = make_window(qtbot, library, cache, tmp_path / "other")
    w.dialogs.answers += list(answers)
    w.files.open_session(path)
    return w


def test_a_session_moved_with_its_track_opens_from_the_relative_path(qtbot, library, cache, tmp_path, saved,
                                                                     monkeypatch):
    state = json.loads(saved.read_text())
    assert state["version"] == 2 and state["track"]["relative"] == "piece.wav"
    assert state["track"]["path"] == str(saved.parent / "piece.wav") and len(state["track"]["file_hash"]) == 32
    assert state["selection"] == pytest.approx([2.0, 3.5])
    moved = tmp_path / "elsewhere" / "copy"
    shutil.move(str(saved.parent), moved)
    monkeypatch.chdir(tmp_path)  # launched from another folder
    w = _reopen(qtbot, library, cache, tmp_path, moved / "work.relstudio")
    try:
        wait_idle(qtbot, w.doc)
        assert w.doc.path == moved / "piece.wav" and w.dialogs.errors == [] and w.dialogs.asked == []
        assert [m.label for m in w.doc.review.marks_for(3)] == ["alpha"]
        assert w.doc.range_selection.span == pytest.approx((2.0, 3.5))  # the selection comes back
        assert all(v.range_region.isVisible() for v in w.timeline.views)
        qtbot.wait(20)
        assert not w.files.unsaved.is_dirty()  # a session just opened has nothing to save
    finally:
        w.close()


def test_a_renamed_track_is_found_by_content_and_a_lost_one_is_located(qtbot, library, cache, tmp_path, saved):
    (saved.parent / "piece.wav").rename(saved.parent / "renamed.wav")
    (saved.parent / "decoy.wav").write_bytes(b"x" * (saved.parent / "renamed.wav").stat().st_size)  # same size
    w = _reopen(qtbot, library, cache, tmp_path, saved)
    try:
        wait_idle(qtbot, w.doc)
        assert w.doc.path == saved.parent / "renamed.wav" and w.dialogs.asked == []
    finally:
        w.close()
    lost = tmp_path / "far" / "away.wav"
    lost.parent.mkdir()
    (saved.parent / "renamed.wav").rename(lost)
    w = _reopen(qtbot, library, cache, tmp_path, saved, "Locate…", str(lost))
    try:
        wait_idle(qtbot, w.doc)
        assert w.dialogs.asked[0][0] == "Track not found" and w.doc.path == lost
        assert w.files.unsaved.is_dirty()  # the session should learn the new place
    finally:
        w.close()
    w = _reopen(qtbot, library, cache, tmp_path, saved, "Open without the track")
    try:
        qtbot.wait(50)
        assert w.doc.track is None and "piece.wav" in w.dialogs.errors[-1][1]
    finally:
        w.close()


def test_a_version_1_session_is_upgraded(qtbot, doc, track, tmp_path, monkeypatch):
    monkeypatch.chdir(track.parent)
    v1 = {"format": "relstudio-session", "version": 1, "track": track.name, "content_hash": "abc",
          "enabled": [], "experts": {}, "viewpoints": {}, "compare": None, "threshold": 0.3,
          "view": [1.0, 2.0], "margin": 0.1, "review": []}
    path = tmp_path / "old.relstudio"
    path.write_text(json.dumps(v1))
    state = session.read_session(path)
    assert state["version"] == 2 and "content_hash" not in state
    assert state["track"] == {"path": track.name, "relative": track.name, "name": track.name, "size": None,
                              "file_hash": None, "content_hash": "abc"}
    assert session.apply_session(doc, state, session_path=path) == []
    wait_idle(qtbot, doc)
    assert doc.path.name == track.name and doc.threshold == pytest.approx(0.3)
    with pytest.raises(ParameterError, match="version 7"):
        session.upgrade({**v1, "version": 7})


@pytest.mark.parametrize("key, value", [("enabled", "abc"), ("threshold", "high"), ("viewpoints", {"a": "b"}),
                                        ("track", {"path": 3}), ("view", [1, "x"]), ("experts", {"f": 1}),
                                        ("threshold", True), ("selection", [1.0, "x"]), ("selection", [-1.0, 2.0]),
                                        ("selection", [1.0])])
def test_wrong_types_are_refused_naming_the_field(tmp_path, key, value):
    path = tmp_path / "bad.relstudio"
    path.write_text(json.dumps({"format": "relstudio-session", "version": 2, key: value}))
    with pytest.raises(ParameterError, match="bad.relstudio"):
        session.read_session(path)


_json = st.recursive(st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=5),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                     max_leaves=10)
_keys = st.sampled_from(["track", "enabled", "experts", "viewpoints", "compare", "threshold", "view", "margin",
                         "review", "version", "selection"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(_keys, _json, max_size=6))
def test_any_json_reads_as_a_session_or_a_parameter_error(tmp_path, fields):
    path = tmp_path / "fuzz.relstudio"
    path.write_text(json.dumps({"format": "relstudio-session", **fields}))
    try:
        state = session.read_session(path)
    except ParameterError:
        return
    assert state["version"] == 2
