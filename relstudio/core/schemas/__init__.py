"""One validated schema per file format a user can be handed, and the guarded JSON reader they share.

Every user file (expert / RELNET / classifier metadata, sessions, viewpoints,
collection tables, review marks, cached rows) is read in two steps, both
before anything is allocated or built from it:

1. :func:`parse_json` — size bounded, nesting depth and item count bounded,
   integers of more than 4300 digits refused (Python's own limit);
2. :func:`validated` — a pydantic v2 model (strict types, ranges, lengths;
   ``NaN``/``Infinity``, which the training metadata may hold for undefined
   scores, are refused wherever a number is used)
   from :mod:`relstudio.core.schemas.models` or
   :mod:`relstudio.core.schemas.documents`.

A failure is the app's own error (:class:`~relstudio.core.errors.FileFormatError`
or the caller's, e.g. :class:`~relstudio.core.errors.ExpertFileError`) naming
the file and the dotted field, e.g. ``x.relstudio: field 'view.0': Input should
be a valid number``.
"""

from __future__ import annotations

import json
from pathlib import Path

from relstudio.core.errors import FileFormatError

MAX_DEPTH = 32
MAX_ITEMS = 2_000_000
MAX_FILE_BYTES = 64 * 1024 * 1024


def _check_nesting(obj, *, max_depth: int, max_items: int) -> None:
    stack, seen = [(obj, 1)], 0
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > max_depth:
                raise ValueError(f"nested deeper than {max_depth} levels")
            seen += len(node)
            if seen > max_items:
                raise ValueError(f"holds more than {max_items} values")
            stack.extend((v, depth + 1) for v in (node.values() if isinstance(node, dict) else node))


def _raise(error, path, problem: str, field: str = ""):
    if isinstance(error, type) and issubclass(error, FileFormatError):
        raise error(path, problem, field)
    raise error(path, f"field '{field}': {problem}" if field else problem)


def parse_json(raw, *, path, error=FileFormatError, what: str = "JSON", max_depth: int = MAX_DEPTH,
               max_items: int = MAX_ITEMS):
    """``raw`` (bytes or str) parsed as JSON with every guard above; ``error(path, problem)`` on failure."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, (bytes, bytearray)) else str(raw)
        data = json.loads(text)
        _check_nesting(data, max_depth=max_depth, max_items=max_items)
    except RecursionError:
        _raise(error, path, f"{what} is nested too deeply (more than {max_depth} levels)")
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        _raise(error, path, f"{what} is malformed ({str(exc)[:200]})")
    return data


def read_json_file(path, *, error=FileFormatError, what: str = "JSON", max_bytes: int = MAX_FILE_BYTES):
    """The JSON content of ``path`` (size checked before reading), parsed by :func:`parse_json`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            _raise(error, path, f"file is {size} bytes, more than a {what} file may hold ({max_bytes})")
        raw = path.read_bytes()
    except OSError as exc:
        _raise(error, path, f"cannot read file ({exc.strerror or exc})")
    return parse_json(raw, path=path, error=error, what=what)


def validated(model, data, *, path, error=FileFormatError, prefix: str = ""):
    """``model.model_validate(data)``; a failure raises ``error`` naming the file and the first bad field."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = exc.errors(include_url=False)
        first = problems[0]
        field = ".".join(str(p) for p in (prefix.split(".") if prefix else []) + list(first["loc"]))
        shown = repr(first.get("input"))
        message = first["msg"] + (f" (got {shown[:40]}{'…' if len(shown) > 40 else ''})" if "input" in first else "")
        if len(problems) > 1:
            message += f"; and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''}"
        _raise(error, path, message, field)
