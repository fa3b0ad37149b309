"""Viewpoints: named expert sets stored as JSON in the user data folder."""

import json
import os
from pathlib import Path

import pytest

from relstudio.core.errors import ParameterError
from relstudio.core.experts.library import ExpertLibrary
from relstudio.core.viewpoints import (Viewpoint, delete_viewpoint, list_viewpoints, load_viewpoint,
                                       save_viewpoint, viewpoints_dir)


def test_round_trip_list_and_delete():
    a = Viewpoint("genre", ("metal", "orchestral"), "two genres")
    b = Viewpoint("sounds 2", ("speech",))
    path = save_viewpoint(a)
    save_viewpoint(b)
    assert path == Path(os.environ["RELSTUDIO_DATA_DIR"]) / "viewpoints" / "genre.json"
    assert json.loads(path.read_text())["experts"] == ["metal", "orchestral"]
    assert load_viewpoint("genre") == a and load_viewpoint(str(path)) == a
    (viewpoints_dir() / "junk.json").write_text("{not json")
    assert [v.name for v in list_viewpoints()] == ["genre", "sounds 2"]
    delete_viewpoint("genre")
    with pytest.raises(ParameterError, match="known: sounds 2"):
        load_viewpoint("genre")


@pytest.mark.parametrize("name, experts, match", [
    ("../evil", ("a",), "viewpoint name"), ("", ("a",), "viewpoint name"),
    ("ok", (), "at least one"), ("ok", ("a", "a"), "twice")])
def test_invalid_viewpoints_are_refused(name, experts, match):
    with pytest.raises(ParameterError, match=match):
        Viewpoint(name, experts)


def test_resolve_against_a_library(tone_noise):
    library = ExpertLibrary([(tone_noise[0].path.parent, "user")])
    noise = tone_noise[1]
    entries = Viewpoint("v", ("tone", noise.fingerprint)).resolve(library)
    assert [e.label for e in entries] == ["tone", "noise"]
    with pytest.raises(ParameterError, match="no expert named 'metal'"):
        Viewpoint("v", ("metal",)).resolve(library)
