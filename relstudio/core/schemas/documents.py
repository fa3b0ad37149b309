"""Schemas of the JSON documents a user can be handed: sessions, viewpoints, review marks, collection tables.

Types are strict (a string where a number belongs is refused, not coerced),
numbers finite and in range (times 0 … one week, relevance and thresholds in
[0, 1]), lists bounded. Unknown keys are kept (a newer version may add some)
except inside the small records that code reads field by field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

MAX_SECONDS = 7 * 24 * 3600.0
Seconds = Field(ge=0.0, le=MAX_SECONDS)
Name = Field(min_length=1, max_length=200)


class _Record(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


class _Document(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow", allow_inf_nan=False)


# -- viewpoints ----------------------------------------------------------------------------
class ViewpointSchema(_Document):
    format: Literal["relstudio-viewpoint"]
    name: str = Field(max_length=64)
    experts: list[str] = Field(min_length=1, max_length=256)
    description: str = Field("", max_length=2000)
    first_screen: str = Field("", max_length=32)


# -- review marks --------------------------------------------------------------------------
class ReviewMarkSchema(_Record):
    start: float = Seconds
    end: float = Seconds
    label: str = Name
    positive: bool = True


class ReviewLayerSchema(_Document):
    source: Optional[str] = Field(None, max_length=4096)
    content_hash: Optional[str] = Field("", max_length=128)
    labels: list[ReviewMarkSchema] = Field(default_factory=list, max_length=100_000)


# -- sessions ------------------------------------------------------------------------------
class ExpertRefSchema(_Document):
    label: Optional[str] = Field(None, max_length=200)
    path: Optional[str] = Field(None, max_length=4096)


class TrackRefSchema(_Document):
    """A version-2 session's track (:func:`relstudio.gui.session_track.track_ref`)."""

    path: str = Field(max_length=4096)
    name: str = Field(max_length=4096)
    relative: Optional[str] = Field(None, max_length=4096)
    size: Optional[int] = Field(None, ge=0)
    file_hash: Optional[str] = Field(None, max_length=128)
    content_hash: Optional[str] = Field(None, max_length=128)


class SessionSchema(_Document):
    """A session as :mod:`relstudio.gui.session` checks it, after upgrading to version 2."""

    format: Literal["relstudio-session"]
    version: int = Field(2, ge=2, le=2)
    track: Optional[TrackRefSchema] = None
    relevance: Optional[dict[str, Any]] = Field(None, max_length=64)
    enabled: list[str] = Field(default_factory=list, max_length=1024)
    experts: dict[str, ExpertRefSchema] = Field(default_factory=dict, max_length=4096)
    viewpoints: dict[str, list[str]] = Field(default_factory=dict, max_length=1024)
    compare: Optional[str] = Field(None, max_length=200)
    threshold: Optional[float] = Field(None, ge=0.0, le=1.0)
    view: Optional[list[float]] = Field(None, min_length=2, max_length=2)
    selection: Optional[list[Annotated[float, Seconds]]] = Field(None, min_length=2, max_length=2)  # range selection
    margin: Optional[float] = Field(None, ge=0.0, le=3600.0)
    review: list[ReviewLayerSchema] = Field(default_factory=list, max_length=10_000)


# -- collection tables (and the cached rows they are made of) --------------------------------
class ExcerptSchema(_Document):
    start: float = Seconds
    end: float = Seconds
    relevance: float
    winner: str = Field(max_length=200)
    classes: dict[str, float] = Field(max_length=4096)


class RowSchema(_Document):
    """A row as :func:`relstudio.core.collection.excerpts.summarise` makes it (identity fields optional)."""

    duration: float = Seconds
    classification: str = Field(max_length=200)
    method: str = Field(max_length=64)
    scores: dict[str, float] = Field(max_length=4096)
    mean_relevance: float
    peak_relevance: float
    excerpts: list[ExcerptSchema] = Field(max_length=1000)
    class_excerpts: dict[str, list[ExcerptSchema]] = Field(default_factory=dict, max_length=4096)
    curve: list[float] = Field(default_factory=list, max_length=100_000)


class TableRowSchema(RowSchema):
    track: str = Field(max_length=4096)
    path: str = Field(max_length=4096)
    content_hash: str = Field("", max_length=128)


class ExpertIdSchema(_Document):
    label: str = Name
    fingerprint: str = Field(max_length=128)


class FailureSchema(_Document):
    path: str = Field(max_length=4096)
    reason: str = Field(max_length=20_000)


class SettingsSchema(_Document):
    top_k: int = Field(0, ge=0, le=1000)


class CollectionSchema(_Document):
    format: Literal["relstudio-collection"]
    format_version: int = Field(1, ge=1, le=1000)
    root: str = Field(max_length=4096)
    experts: list[ExpertIdSchema] = Field(max_length=4096)
    viewpoint: Optional[str] = Field(None, max_length=200)
    frontend: str = Field("", max_length=128)
    classifier: str = Field("SUM", max_length=4096)
    settings: SettingsSchema = Field(default_factory=SettingsSchema)
    complete: bool = False
    stats: dict[str, Any] = Field(default_factory=dict)
    failures: list[FailureSchema] = Field(default_factory=list, max_length=1_000_000)
    rows: list[TableRowSchema] = Field(max_length=1_000_000)
