"""A safe model container: safetensors weights + one JSON metadata object.

Nothing here unpickles or executes anything from the file. The header is
parsed by hand first (length bounded, JSON checked, dtypes and shapes
checked) before the tensors are read; a fingerprint over the weights and the
metadata that shapes them detects tampering or corruption. Writes go to a
temporary file in the same folder and are renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

import numpy as np

from relstudio.core.errors import ExpertFileError
from relstudio.core.fileio import atomic_write_bytes

MAX_HEADER_BYTES = 16 * 1024 * 1024
META_KEY = "relstudio"
_DTYPES = {"F32": np.float32}


def weights_digest(tensors: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in sorted(tensors):
        arr = np.ascontiguousarray(tensors[name], dtype=np.float32)
        h.update(name.encode())
        h.update(str(arr.shape).encode())
        h.update(arr.tobytes())
    return h.hexdigest()


def save_model(path, tensors: dict[str, np.ndarray], meta: dict) -> dict:
    """Write weights + metadata; returns the metadata with its ``weights_sha256``."""
    from safetensors.numpy import save

    arrays = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in tensors.items()}
    meta = dict(meta, weights_sha256=weights_digest(arrays))
    blob = save(arrays, metadata={META_KEY: json.dumps(meta, sort_keys=True)})
    atomic_write_bytes(Path(path), blob)
    return meta


def read_header(path) -> tuple[dict, dict]:
    """Return ``(metadata, tensor_specs)`` of a model file reading the header only."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(8)
            if len(head) < 8:
                raise ExpertFileError(path, "file is too short to be a safetensors file")
            if head[:1] == b"\x80" and 2 <= head[1] <= 5:
                raise ExpertFileError(path, "is a Python pickle, not a safetensors file; refused unopened "
                                            "(unpickling can run arbitrary code)")
            if head[:4] == b"PK\x03\x04":
                raise ExpertFileError(path, "is a zip archive (a PyTorch .pt checkpoint?), not a safetensors "
                                            "file; refused unopened (its pickle could run arbitrary code)")
            (n,) = struct.unpack("<Q", head)
            if n > MAX_HEADER_BYTES or 8 + n > size:
                raise ExpertFileError(path, f"header claims {n} bytes (file has {size}); not a valid model file")
            raw = f.read(n)
    except OSError as exc:
        raise ExpertFileError(path, f"cannot read file ({exc.strerror or exc})") from exc
    from relstudio.core.schemas import parse_json
    from relstudio.core.schemas.models import check_tensor_table

    try:
        header = parse_json(raw, path=path, error=ExpertFileError, what="header")
    except ExpertFileError as exc:
        raise ExpertFileError(path, f"not a safetensors file (header is not JSON: {exc.problem}; pickles and .pt "
                                    "checkpoints are refused)") from None
    if not isinstance(header, dict):
        raise ExpertFileError(path, "safetensors header is not a JSON object")
    extra = header.pop("__metadata__", None) or {}
    if not isinstance(extra, dict) or not isinstance(extra.get(META_KEY), str):
        raise ExpertFileError(path, "no relstudio metadata in the file (not a relstudio model)")
    meta = parse_json(extra[META_KEY], path=path, error=ExpertFileError, what="metadata JSON")
    if not isinstance(meta, dict):
        raise ExpertFileError(path, "metadata JSON is not an object")
    check_tensor_table(header, size - 8 - n, path)
    return meta, header


def load_tensors(path, expected: dict[str, tuple[int, ...]]) -> tuple[dict, dict[str, np.ndarray]]:
    """Read and verify a model file against the expected tensor names and shapes."""
    path = Path(path)
    meta, header = read_header(path)
    names, want = set(header), set(expected)
    if names != want:
        missing, extra = sorted(want - names), sorted(names - want)
        raise ExpertFileError(path, f"tensor names do not match the architecture (missing {missing}, unexpected {extra})")
    for name, shape in expected.items():
        got = tuple(header[name].get("shape", ()))
        if got != tuple(shape):
            raise ExpertFileError(path, f"tensor {name!r} has shape {got}, architecture needs {tuple(shape)}")
    from safetensors.numpy import load

    try:
        arrays = load(path.read_bytes())
    except Exception as exc:
        raise ExpertFileError(path, f"weights cannot be read ({exc})") from exc
    digest = weights_digest(arrays)
    if meta.get("weights_sha256") != digest:
        raise ExpertFileError(path, "weights do not match their recorded checksum (file was modified or corrupted)")
    return meta, arrays
