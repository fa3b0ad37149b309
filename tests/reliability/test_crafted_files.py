"""Crafted expert, session, viewpoint and collection files: refused with the file and the field named, never a crash.

A crafted expert in the user's expert folder must not stop ``relstudio-gui``
start-up nor ``relstudio analyze / experts list / demo``; a session that
cannot be read opens the window with the reason in a dialog.
"""

from __future__ import annotations

import json
import shutil

import pytest

from relstudio.cli import main
from relstudio.core.errors import ExpertFileError, FileFormatError
from relstudio.core.experts.expert_file import load_expert, read_expert_info
from relstudio.core.experts.library import ExpertLibrary
from tests.reliability.corpus import AUDIO_DIR, GOOD_EXPERT, matches
from tests.reliability.crafted import CASES, DEEP, crafted

TRACK = AUDIO_DIR / "rate_8k.wav"


@pytest.fixture
def crafted_folder(tmp_path):
    """The user's expert folder: the good expert and every crafted one."""
    from relstudio.core.paths import user_experts_dir

    folder = user_experts_dir()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(GOOD_EXPERT, folder)
    for name, edit, _ in CASES:
        crafted(folder / f"{name}.expert.safetensors", edit)
    return folder


@pytest.mark.parametrize("name,edit,reason", CASES, ids=[c[0] for c in CASES])
def test_crafted_expert_refused_naming_the_field(tmp_path, name, edit, reason):
    path = crafted(tmp_path / f"{name}.expert.safetensors", edit)
    for read in (read_expert_info, load_expert):
        with pytest.raises(ExpertFileError) as err:
            read(path)
        assert str(path) in str(err.value) and matches(reason, str(err.value)), str(err.value)


def test_huge_hidden_layer_is_refused_before_any_network_is_built(tmp_path, monkeypatch):
    import relstudio.core.nets.expert_cnn as nets

    def never(*a, **k):
        raise AssertionError("a network was built from a file that declares 5 million hidden units")

    monkeypatch.setattr(nets.ExpertCNN, "__init__", never)
    path = crafted(tmp_path / "big.expert.safetensors", lambda meta, header: meta["net"].update(hidden=5_000_000))
    assert main(["experts", "check", str(path)]) == 2


def test_refusing_a_huge_header_does_not_even_import_torch(tmp_path):
    import subprocess
    import sys

    from tests.reliability.corpus import AUDIO_DIR

    path = crafted(tmp_path / "big.expert.safetensors", lambda meta, header: meta["net"].update(hidden=5_000_000))
    code = ("import sys\nfrom relstudio.cli import main\n"
            f"assert main(['experts', 'check', {str(path)!r}]) == 2\nassert 'torch' not in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=AUDIO_DIR.parents[3],
                          env={**__import__("os").environ, "PYTHONPATH": str(AUDIO_DIR.parents[3])}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "field 'net.hidden'" in done.stderr and "Traceback" not in done.stderr


def test_library_lists_each_crafted_file_greyed(crafted_folder):
    library = ExpertLibrary([(crafted_folder, "user")])
    by_name = {e.path.name: e for e in library.entries}
    assert [e.label for e in library.usable()] == ["good"]
    for name, _, reason in CASES:
        entry = by_name[f"{name}.expert.safetensors"]
        assert not entry.ok and matches(reason, entry.error), (name, entry.error)


def test_cli_keeps_working_with_crafted_experts_in_the_user_folder(crafted_folder, capsys, monkeypatch):
    monkeypatch.setenv("RELSTUDIO_SHIPPED_EXPERTS", str(crafted_folder.parent / "no-shipped"))
    assert main(["experts", "list"]) == 0
    out, err = capsys.readouterr()
    assert out.count("UNUSABLE") == len(CASES) and "Traceback" not in err
    assert main(["analyze", str(TRACK), "--no-cache", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["experts"][0]["label"] == "good" and "Traceback" not in err
    code = main(["demo", str(TRACK)])  # no shipped sound-class/genre experts: a one-line error, not a traceback
    out, err = capsys.readouterr()
    assert code in (0, 2) and "Traceback" not in err


def test_session_with_wrong_types_names_the_field(tmp_path):
    from relstudio.gui.session import read_session

    base = {"format": "relstudio-session", "version": 1, "enabled": [], "viewpoints": {}, "review": []}
    cases = {"margin": ("abc", "margin"), "view": (["a", 1], "view.0"), "threshold": (7, "threshold"),
             "enabled": ({"a": 1}, "enabled"), "review": ([{"labels": [{"start": -1, "end": 1, "label": "x"}]}],
                                                          "review.0.labels.0.start")}
    for key, (value, field) in cases.items():
        path = tmp_path / f"{key}.relstudio"
        path.write_text(json.dumps(dict(base, **{key: value})))
        with pytest.raises(FileFormatError, match=f"field '{field}'") as err:
            read_session(path)
        assert str(path) in str(err.value)
    deep = tmp_path / "deep.relstudio"
    deep.write_text('{"format": "relstudio-session", "view": ' + DEEP + "}")
    with pytest.raises(FileFormatError, match="nested too deeply"):
        read_session(deep)


def test_nested_viewpoint_is_listed_unusable(tmp_path, capsys, monkeypatch):
    from relstudio.core.viewpoints import list_viewpoints, viewpoints_dir

    folder = viewpoints_dir()
    folder.mkdir(parents=True)
    (folder / "deep.json").write_text('{"format": "relstudio-viewpoint", "experts": ' + DEEP + "}")
    (folder / "types.json").write_text('{"format": "relstudio-viewpoint", "name": 5, "experts": ["a"]}')
    (folder / "fine.json").write_text('{"format": "relstudio-viewpoint", "name": "fine", "experts": ["a"]}')
    assert [v.name for v in list_viewpoints()] == ["fine"]
    assert main(["viewpoints", "list"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("fine") and "Traceback" not in err
    assert "deep.json: UNUSABLE: viewpoint is nested too deeply" in err
    assert "types.json: UNUSABLE: field 'name'" in err


ROW = {"track": "a.wav", "path": "/a.wav", "duration": 1.0, "classification": "x", "method": "SUM",
       "scores": {"x": 1.0}, "mean_relevance": 0.5, "peak_relevance": 0.5, "excerpts": []}


@pytest.mark.parametrize("rows,field", [([{"track": "a"}], "rows.0.duration"), ("x", "rows"),
                                        ([dict(ROW, scores="abc")], "rows.0.scores"),
                                        ([dict(ROW, excerpts=[{"start": "x"}])], "rows.0.excerpts.0.start"),
                                        ([dict(ROW, duration=1e300)], "rows.0.duration")])
def test_crafted_collection_table_is_refused_by_rank(tmp_path, capsys, rows, field):
    table = {"format": "relstudio-collection", "root": "/", "experts": [], "rows": rows}
    (tmp_path / "collection.json").write_text(json.dumps(table))
    assert main(["rank", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"field '{field}'" in err and "Traceback" not in err


def test_gui_starts_with_crafted_experts_and_an_unreadable_session(qtbot, crafted_folder, tmp_path, monkeypatch):
    pytest.importorskip("PySide6")
    from relstudio.gui import app, main_window
    from tests.reliability.test_gui_corpus import NoAudioDevice, Recorder

    monkeypatch.setattr(main_window, "Dialogs", lambda parent, **_settings: Recorder())
    from relstudio.core.viewpoints import viewpoints_dir

    viewpoints_dir().mkdir(parents=True)
    (viewpoints_dir() / "deep.json").write_text('{"format": "relstudio-viewpoint", "experts": ' + DEEP + "}")
    session = tmp_path / "bad.relstudio"
    session.write_text('{"format": "relstudio-session", "margin": "abc"}')
    args = app.build_parser().parse_args([str(session)])
    _, window = app.create_window(args, backend=NoAudioDevice())
    qtbot.addWidget(window)
    assert window.isVisible()
    entries = {e.path.name: e for e in window.doc.library.entries}
    assert entries["good.expert.safetensors"].ok
    assert all(not entries[f"{n}.expert.safetensors"].ok for n, _, _ in CASES)
    (title, text), = window.dialogs.errors
    assert str(session) in text and "field 'margin'" in text
    assert any("viewpoint deep.json not loaded: viewpoint is nested too deeply" in w for w in window.doc.warnings)
    window.doc.close()

