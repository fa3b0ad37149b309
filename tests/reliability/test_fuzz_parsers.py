"""Property-based fuzzing of every parser of a user file: only the app's own errors may come out.

Each parser gets random JSON, a valid document with one value replaced by a
random one (wrong types, huge numbers, deep nesting) or a key removed, and
raw random text. Any exception other than :class:`RelstudioError` fails.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relstudio.core.errors import RelstudioError
from tests.reliability.corpus import GOOD_EXPERT
from tests.reliability.crafted import join_model, split_model

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SENTINEL = "\u2063deep\u2063"
WORK = Path(tempfile.mkdtemp(prefix="relstudio-fuzz-"))

scalars = (st.none() | st.booleans() | st.integers(-10 ** 6, 10 ** 6) | st.floats(allow_nan=True)
           | st.sampled_from([10 ** 4000, -10 ** 30, 2 ** 63, 5_000_000, 10 ** 12, 1e308, -1, 0, "", "x", "abc",
                              "..", "../..", "\x1b[2J", SENTINEL])
           | st.text(max_size=12))
values = st.recursive(scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c,
                                                                                    max_size=4), max_leaves=12)


def paths_of(doc, prefix=()):
    """Every key path into ``doc`` (dict keys and list indices)."""
    out = [prefix] if prefix else []
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for k, v in items:
        out += paths_of(v, prefix + (k,))
    return out


@st.composite
def mutated(draw, good: dict):
    """``good`` as JSON text with one value replaced by a random one, a key removed, or a deep nest spliced in."""
    doc = json.loads(json.dumps(good))
    path = draw(st.sampled_from(paths_of(doc)))
    node = doc
    for k in path[:-1]:
        node = node[k]
    if isinstance(node, dict) and draw(st.booleans()) and draw(st.booleans()):
        del node[path[-1]]
    else:
        node[path[-1]] = draw(values)
    text = json.dumps(doc, allow_nan=True)
    depth = draw(st.sampled_from([40, 3000, 200_000]))
    return text.replace(json.dumps(SENTINEL), "[" * depth + "]" * depth)


def only_own_errors(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except RelstudioError:
        return None


def _text_file(name: str, text: str) -> Path:
    path = WORK / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


# -- model files ---------------------------------------------------------------------------------------------
HEADER, DATA = split_model(GOOD_EXPERT)
GOOD_META = json.loads(HEADER["__metadata__"]["relstudio"])
TABLE = {k: v for k, v in HEADER.items() if k != "__metadata__"}


def _check_model(blob: bytes) -> None:
    from relstudio.core.experts.expert_file import load_expert, verify_expert
    from relstudio.core.experts.library import ExpertLibrary
    from relstudio.core.experts.relnet_file import read_classifier_info

    folder = WORK / "models"
    folder.mkdir(exist_ok=True)
    path = folder / "x.expert.safetensors"
    path.write_bytes(blob)
    only_own_errors(verify_expert, path)
    only_own_errors(load_expert, path)
    only_own_errors(read_classifier_info, path)
    entry = ExpertLibrary([(folder, "user")]).entries[0]  # the scan never raises
    assert entry.ok or entry.error


@FUZZ
@given(st.data())
def test_expert_metadata(data):
    text = data.draw(mutated(GOOD_META))
    _check_model(join_model(HEADER, DATA, meta_text=text))


@FUZZ
@given(st.data())
def test_tensor_table(data):
    text = data.draw(mutated(TABLE))
    raw = text.encode()
    _check_model(len(raw).to_bytes(8, "little") + raw + DATA)


@FUZZ
@given(values)
def test_random_header_json(value):
    raw = json.dumps(value, allow_nan=True).encode()
    _check_model(len(raw).to_bytes(8, "little") + raw + DATA)
    _check_model(join_model(TABLE, DATA, meta_text=json.dumps(value, allow_nan=True)))


# -- documents -----------------------------------------------------------------------------------------------
VIEWPOINT = {"format": "relstudio-viewpoint", "name": "genre", "experts": ["metal", "rock"], "description": "d"}
MARK = {"start": 0.5, "end": 1.0, "label": "bird", "positive": True}
LAYER = {"source": "/a.wav", "content_hash": "abc", "labels": [MARK, dict(MARK, label="frog", positive=False)]}
SESSION = {"format": "relstudio-session", "version": 1, "track": "/a.wav", "content_hash": "abc",
           "enabled": ["fp1"], "experts": {"fp1": {"label": "metal", "path": "/x"}},
           "viewpoints": {"v": ["fp1"]}, "compare": None, "threshold": 0.5, "view": [0.0, 10.0], "margin": 1.0,
           "review": [LAYER]}
EXCERPT = {"start": 0.0, "end": 2.0, "relevance": 0.7, "winner": "metal", "classes": {"metal": 0.9}}
ROW = {"track": "a.wav", "path": "/a.wav", "content_hash": "abc", "duration": 10.0, "classification": "metal",
       "method": "SUM", "scores": {"metal": 0.9, "rock": 0.1}, "mean_relevance": 0.5, "peak_relevance": 0.8,
       "excerpts": [EXCERPT], "class_excerpts": {"metal": [EXCERPT]}, "curve": [0.1, 0.5]}
TABLE_DOC = {"format": "relstudio-collection", "format_version": 1, "root": "/", "viewpoint": None,
             "experts": [{"label": "metal", "fingerprint": "fp1"}, {"label": "rock", "fingerprint": "fp2"}],
             "frontend": "f", "classifier": "SUM", "settings": {"top_k": 3}, "complete": True, "stats": {},
             "failures": [{"path": "/b.wav", "reason": "empty"}], "rows": [ROW]}


def _read_viewpoint(text):
    from relstudio.core.viewpoints import load_viewpoint, scan_viewpoints

    path = _text_file("vp.json", text)
    only_own_errors(load_viewpoint, path)
    found, bad = scan_viewpoints(folder=WORK)
    assert len(found) + len(bad) >= 1


def _read_session(text):
    pytest.importorskip("PySide6")
    from relstudio.gui.session import read_session

    only_own_errors(read_session, _text_file("s.relstudio", text))


def _read_layer(text):
    from relstudio.core.training.reviewed import ReviewLayer

    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return
    only_own_errors(ReviewLayer.from_dict, value)


def _read_table(text):
    from relstudio.core.collection.ranking import rank
    from relstudio.core.collection.results import csv_text, read_results

    (WORK / "table").mkdir(exist_ok=True)
    _text_file("table/collection.json", text)
    results = only_own_errors(read_results, WORK / "table")
    if results is not None:  # a table that was accepted can be ranked and exported
        for by in ("relevance", "class:metal", "class:nothing"):
            for what in ("tracks", "excerpts"):
                only_own_errors(rank, results, by=by, what=what, limit=5)
        csv_text(results)


def _read_row(text):
    from relstudio.core.collection.rowcache import RowCache

    (WORK / "rows").mkdir(exist_ok=True)
    _text_file("rows/k.json", text)
    row = RowCache(WORK / "rows").get("k")
    assert row is None or isinstance(row, dict)


DOCUMENTS = [(_read_viewpoint, VIEWPOINT), (_read_session, SESSION), (_read_layer, LAYER), (_read_table, TABLE_DOC),
             (_read_row, ROW)]


@pytest.mark.parametrize("reader,good", DOCUMENTS, ids=[r.__name__[1:] for r, _ in DOCUMENTS])
def test_documents_mutated(reader, good):
    reader(json.dumps(good))  # the control is accepted

    @FUZZ
    @given(st.data())
    def run(data):
        reader(data.draw(mutated(good)))

    run()


@pytest.mark.parametrize("reader", [r for r, _ in DOCUMENTS], ids=[r.__name__[1:] for r, _ in DOCUMENTS])
def test_documents_random(reader):
    @FUZZ
    @given(values | st.text(max_size=200))
    def run(value):
        reader(value if isinstance(value, str) and not value.startswith(SENTINEL) else json.dumps(value))

    run()
