"""How relevance is read: audibility floors, time resolution and passage rules.

One frozen :class:`RelevanceSettings` sits beside the
:class:`~relstudio.core.frontend.FrontendConfig`: the front end says what the
experts *hear*, these settings say which segments carry evidence and how the
curve becomes listenable passages. Unlike the front end they never change an
expert's output, so they can change at any time without re-running a model;
they are saved with sessions and exports (:meth:`RelevanceSettings.to_dict`).

See ``docs/relevance.md`` for the defaults and why they were chosen.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from relstudio.core.errors import ParameterError, known_fields

SEGMENT = "segment"
RESOLUTIONS = (SEGMENT, 0.5, 1.0, 2.0, 5.0)

# name: (low, high) inclusive bounds of every numeric field
_RANGES = {
    "relative_floor_db": (-120.0, 0.0),
    "absolute_floor_db": (-200.0, 0.0),
    "ramp_db": (0.0, 40.0),
    "fade_db": (0.0, 60.0),
    "fade_seconds": (0.0, 600.0),
    "reference_percentile": (1.0, 100.0),
    "min_gap": (0.0, 60.0),
    "min_passage": (0.0, 600.0),
    "top_fraction": (0.001, 1.0),
}


@dataclass(frozen=True)
class RelevanceSettings:
    """Audibility, resolution and passage rules (all keyword-constructible, frozen).

    Attributes
    ----------
    audibility : bool
        ``False`` gives every segment full evidence (the paper's raw curve).
    relative_floor_db : float
        A segment more than this far below the track's loud reference carries no
        evidence (dB, ≤ 0; default −45).
    absolute_floor_db : float
        A segment below this level carries no evidence whatever the track (dBFS; default −70).
    ramp_db : float
        Evidence rises linearly from 0 at the floor to 1 this many dB above it (default 6).
    fade_db : float
        The track's *body* is every segment within this many dB of its loud
        reference; audible segments before the first and after the last body
        segment — a fade-in or fade-out when they last at most ``fade_seconds`` —
        carry evidence by the fade's gain, their amplitude relative to the reference
        (0.5 at −6 dB), and none below the floor (default 6; 0 turns it off).
    fade_seconds : float
        The longest fade (default 20 s): a longer quiet opening or ending is music, not a fade.
    reference_percentile : float
        The loud reference is this percentile of the track's segment levels (default 95).
    resolution : "segment" or float
        Window length in seconds (one of :data:`RESOLUTIONS`; default 1.0), or
        ``"segment"`` for the raw overlapping segments.
    min_gap : float
        Passages closer than this (seconds) merge into one (default 0.5).
    min_passage : float
        Passages shorter than this (seconds) are dropped (default 1.0).
    top_fraction : float
        The default threshold keeps this fraction of the audible windows (default 0.1).
    """

    audibility: bool = True
    relative_floor_db: float = -45.0
    absolute_floor_db: float = -70.0
    ramp_db: float = 6.0
    fade_db: float = 6.0
    fade_seconds: float = 20.0
    reference_percentile: float = 95.0
    resolution: float | str = 1.0
    min_gap: float = 0.5
    min_passage: float = 1.0
    top_fraction: float = 0.1

    def __post_init__(self):
        if not isinstance(self.audibility, bool):
            raise ParameterError(f"audibility must be true or false, got {self.audibility!r}")
        for name, (lo, hi) in _RANGES.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ParameterError(f"{name} must be a number, got {value!r}")
            if not lo <= value <= hi:
                raise ParameterError(f"{name} must be in [{lo:g}, {hi:g}], got {value!r}")
            object.__setattr__(self, name, float(value))
        if self.ramp_db <= 0:
            raise ParameterError(f"ramp_db must be > 0 dB, got {self.ramp_db!r}")
        object.__setattr__(self, "resolution", check_resolution(self.resolution))

    # -- presets ---------------------------------------------------------------
    @classmethod
    def raw(cls, **changes) -> "RelevanceSettings":
        """The paper's curve: every segment is evidence, segment resolution, no passage rules."""
        base = dict(audibility=False, resolution=SEGMENT, min_gap=0.0, min_passage=0.0)
        base.update(changes)
        return cls(**base)

    # -- derived ---------------------------------------------------------------
    @property
    def window_seconds(self) -> float | None:
        """Window length in seconds, ``None`` at segment resolution."""
        return None if self.resolution == SEGMENT else float(self.resolution)

    def replace(self, **changes) -> "RelevanceSettings":
        return dataclasses.replace(self, **changes)

    # -- persistence -----------------------------------------------------------
    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "RelevanceSettings":
        """Settings from a JSON object; missing fields take their defaults, unknown ones are refused."""
        return cls(**known_fields(cls, d, what="relevance-settings"))


def check_resolution(value) -> float | str:
    """``"segment"`` or one of the window lengths of :data:`RESOLUTIONS` (accepts ``"1"``, ``"1s"``, 1)."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text == SEGMENT:
            return SEGMENT
        try:
            value = float(text[:-1] if text.endswith("s") else text)
        except ValueError:
            raise ParameterError(f"resolution must be 'segment' or seconds in {RESOLUTIONS[1:]}, "
                                 f"got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or float(value) not in RESOLUTIONS[1:]:
        raise ParameterError(f"resolution must be 'segment' or seconds in {RESOLUTIONS[1:]}, got {value!r}")
    return float(value)
