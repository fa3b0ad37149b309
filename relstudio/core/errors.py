"""Typed errors. Every message names the file or the value that was wrong."""

from __future__ import annotations


class RelstudioError(Exception):
    """Base of every error relstudio reports to a user (CLI exit code 2, GUI dialog)."""


class ParameterError(RelstudioError, ValueError):
    """A function was called with a value it cannot use."""


class AudioReadError(RelstudioError):
    """An audio file could not be read or holds no usable audio."""

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ExpertFileError(RelstudioError):
    """An expert or model file is malformed, unsafe or unknown."""

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class IncompatibleExpertError(ExpertFileError):
    """A well-formed expert that cannot be used with the current front end or model."""


class DatasetError(RelstudioError):
    """A labelled folder or CSV cannot be used for training or evaluation."""


class Cancelled(RelstudioError):
    """A long task was cancelled by the user; nothing was written."""


def known_fields(cls, d, *, what: str) -> dict:
    """A copy of the JSON object ``d`` for the dataclass ``cls``: ``ParameterError`` naming ``what``
    when it is not an object or has fields ``cls`` does not know."""
    import dataclasses

    if not isinstance(d, dict):
        raise ParameterError(f"{what} must be a JSON object, got {type(d).__name__}")
    unknown = sorted(set(d) - {f.name for f in dataclasses.fields(cls)})
    if unknown:
        raise ParameterError(f"unknown {what} fields {unknown}")
    return dict(d)


class FileFormatError(ParameterError):
    """A file a user was handed (session, viewpoint, collection table, review marks …) is malformed.

    ``field`` is the dotted path of the bad value inside the file (``""`` for the file as a whole).
    """

    def __init__(self, path, problem: str, field: str = ""):
        self.path = str(path)
        self.field = field
        self.problem = f"field '{field}': {problem}" if field else problem
        super().__init__(f"{self.path}: {self.problem}")
