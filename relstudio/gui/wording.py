"""Words the window shows, in one place: counts with their noun, time spans in m:ss, scores."""

from __future__ import annotations

import math

from relstudio.gui.views.common import format_time


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """``"1 expert"``, ``"3 experts"`` (``nouns``: an irregular plural)."""
    return f"{n} {noun if n == 1 else (nouns or noun + 's')}"


UNDEFINED = "—"  # a score with nothing to count (precision when nothing was detected)


def score(v) -> str:
    """``0.882``, or :data:`UNDEFINED` for None and NaN."""
    return UNDEFINED if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.3f}"


def precision(s: dict) -> str:
    """The precision of detector scores ``s`` (tp, fp, precision), :data:`UNDEFINED` when tp + fp = 0."""
    return score(s.get("precision")) if s.get("tp", 0) + s.get("fp", 0) > 0 else UNDEFINED


def time_span(t0: float, t1: float, *, decimals: int = 2) -> str:
    """``"2:32.07–2:32.39"``: a span in the m:ss of the time ruler and the status bar."""
    return f"{format_time(t0, decimals=decimals)}–{format_time(t1, decimals=decimals)}"
