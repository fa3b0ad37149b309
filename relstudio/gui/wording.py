"""Words the window shows, in one place: counts with their noun and time spans in m:ss."""

from __future__ import annotations

from relstudio.gui.views.common import format_time


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """``"1 expert"``, ``"3 experts"`` (``nouns``: an irregular plural)."""
    return f"{n} {noun if n == 1 else (nouns or noun + 's')}"


def time_span(t0: float, t1: float, *, decimals: int = 2) -> str:
    """``"2:32.07–2:32.39"``: a span in the m:ss of the time ruler and the status bar."""
    return f"{format_time(t0, decimals=decimals)}–{format_time(t1, decimals=decimals)}"
