"""Crafted model files beyond the corpus: a valid expert whose JSON header or metadata was edited by hand.

Each case is ``(name, edit, reason)``: ``edit(meta, header)`` changes the parsed
metadata / tensor table in place (or returns replacement metadata *text*), and
``reason`` is a regex of the message the app must give.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from tests.reliability.corpus import GOOD_EXPERT

DEEP = "[" * 100_000 + "]" * 100_000


def split_model(path) -> tuple[dict, bytes]:
    """``(header, data)`` of a safetensors file."""
    blob = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", blob[:8])
    return json.loads(blob[8:8 + n]), blob[8 + n:]


def join_model(header: dict, data: bytes, *, meta_text: str | None = None) -> bytes:
    if meta_text is not None:
        header = dict(header, __metadata__={"relstudio": meta_text})
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + data


def crafted(dest, edit, src=GOOD_EXPERT) -> Path:
    """Write ``src`` with ``edit`` applied to its metadata and tensor table as ``dest``."""
    header, data = split_model(src)
    meta = json.loads(header["__metadata__"]["relstudio"])
    replaced = edit(meta, header)
    text = replaced if isinstance(replaced, str) else json.dumps(meta)
    Path(dest).write_bytes(join_model(header, data, meta_text=text))
    return Path(dest)


def _set(keys, value):
    def edit(meta, header):
        node = meta
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value
    return edit


def _shape_int(meta, header):
    header["fc.weight"]["shape"] = 5


def _deep_meta(meta, header):
    return json.dumps(meta)[:-1] + ', "training_extra": ' + DEEP + "}"


CASES = [
    ("band_is_text", _set(["frontend", "bands", 0, 0], "x"), r"field 'frontend\.bands\.0\.0'"),
    ("filters_is_text", _set(["net", "filters"], "abc"), r"field 'net\.filters'"),
    ("hidden_5_million", _set(["net", "hidden"], 5_000_000), r"field 'net\.hidden'.*less than or equal"),
    ("hidden_1e12", _set(["net", "hidden"], 10 ** 12), r"field 'net\.hidden'"),
    ("hidden_huge_int", _set(["net", "hidden"], 10 ** 4000), r"field 'net\.hidden'"),
    ("hidden_float", _set(["net", "hidden"], 1e308), r"field 'net\.hidden'"),
    ("net_805_million_parameters", _set(["net"], {"filters": [4096] * 3, "hidden": 65536, "n_outputs": 2}),
     r"807,612,418 parameters, more than 50,000,000"),
    ("rate_negative", _set(["frontend", "sample_rate"], -44100), r"field 'frontend\.sample_rate'"),
    ("band_outside", _set(["frontend", "bands"], [[0, 26], [26, 77], [77, 999]]), r"field 'frontend"),
    ("label_is_number", _set(["label"], 42), r"field 'label'"),
    ("label_is_dict", _set(["label"], {"a": 1}), r"field 'label'"),
    ("net_is_list", _set(["net"], [1, 2]), r"field 'net'"),
    ("shape_is_int", _shape_int, r"tensor fc\.weight.*shape"),
    ("deeply_nested_metadata", _deep_meta, r"nested too deeply|nested deeper"),
]
