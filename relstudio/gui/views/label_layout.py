"""Placing text boxes on a plot: inside its bounds, clear of each other and of fixed obstacles.

Pure geometry in pixels (x right, y down), no Qt: the relevance view lays out
its peak labels with :func:`place_labels` (best peaks first) and its hover card
with :func:`place_card`; tests check the result directly.

A rectangle is ``(x, y, width, height)``.
"""

from __future__ import annotations

from dataclasses import dataclass

Rect = tuple[float, float, float, float]


def overlaps(a: Rect, b: Rect, *, gap: float = 0.0) -> bool:
    """Whether ``a`` and ``b`` overlap (or come closer than ``gap`` pixels)."""
    return (a[0] < b[0] + b[2] + gap and b[0] < a[0] + a[2] + gap
            and a[1] < b[1] + b[3] + gap and b[1] < a[1] + a[3] + gap)


def inside(r: Rect, bounds: Rect) -> bool:
    return (r[0] >= bounds[0] - 1e-6 and r[1] >= bounds[1] - 1e-6 and r[0] + r[2] <= bounds[0] + bounds[2] + 1e-6
            and r[1] + r[3] <= bounds[1] + bounds[3] + 1e-6)


def clamp_x(x: float, width: float, bounds: Rect, *, margin: float = 2.0) -> float:
    """``x`` moved so ``[x, x + width]`` lies inside the bounds (left-aligned when it cannot)."""
    lo, hi = bounds[0] + margin, bounds[0] + bounds[2] - margin - width
    return max(lo, min(x, hi)) if hi >= lo else lo


@dataclass(frozen=True)
class Label:
    """A label to place: centred over ``x``, its bottom at or above ``y`` (the point it names)."""

    x: float
    y: float
    width: float
    height: float


def place_labels(labels, *, bounds: Rect, obstacles=(), gap: float = 3.0, limit: int = 40,
                 keys=None) -> list[Rect | None]:
    """Greedy placement, in the given order (best first): each label over its point, else stacked higher.

    A label is centred over ``x`` (clamped inside ``bounds``) with its bottom ``gap``
    above ``y``; when that box hits an earlier label or an obstacle it is tried one
    row higher, up to the top of ``bounds``. Labels that find no place, and all
    after ``limit`` placed, get ``None``. Placed boxes never overlap each other or
    the obstacles and lie inside ``bounds``. With ``keys`` (one per label, e.g. its
    text), a label whose columns already hold a label of the same key is left out
    rather than stacked: the one there names it already.
    """
    placed: list[Rect] = []
    placed_keys: list = []
    out: list[Rect | None] = []
    fixed = [tuple(o) for o in obstacles]
    top = bounds[1] + 1.0
    for j, lab in enumerate(labels):
        spot = None
        if len(placed) < limit and lab.width <= bounds[2] and lab.height <= bounds[3]:
            x = clamp_x(lab.x - lab.width / 2, lab.width, bounds)
            y = min(lab.y - gap, bounds[1] + bounds[3]) - lab.height
            # only boxes sharing this label's columns can be hit, whatever its height
            def shares_columns(r):
                return r[0] < x + lab.width + 1.0 and x < r[0] + r[2] + 1.0

            near = [i for i, r in enumerate(placed) if shares_columns(r)]
            if keys is not None and any(placed_keys[i] == keys[j] for i in near):
                out.append(None)
                continue
            column = [placed[i] for i in near] + [r for r in fixed if shares_columns(r)]
            while y >= top:
                box = (x, y, lab.width, lab.height)
                hit = [r for r in column if overlaps(box, r, gap=1.0)]
                if not hit:
                    spot = box
                    break
                y = min(r[1] for r in hit) - lab.height - 1.5  # just above the highest thing it hit
        if spot is not None:
            placed.append(spot)
            placed_keys.append(None if keys is None else keys[j])
        out.append(spot)
    return out


def place_card(*, mouse: tuple[float, float], size: tuple[float, float], bounds: Rect, avoid_y=None,
               offset: float = 14.0) -> Rect:
    """Where the hover card goes: beside the mouse (right, else left), always inside ``bounds``.

    ``avoid_y`` is ``(top, bottom)``: the pixel rows the curve takes under the
    card's columns. The card goes above that band when it fits, else below it,
    else at the top of the bounds.
    """
    w, h = size
    mx, _my = mouse
    right_edge = bounds[0] + bounds[2] - 2.0
    x = mx + offset if mx + offset + w <= right_edge else mx - offset - w
    x = clamp_x(x, w, bounds)
    top, bottom = bounds[1] + 2.0, bounds[1] + bounds[3] - 2.0 - h
    y = top
    if avoid_y is not None:
        band_top, band_bottom = avoid_y
        if band_top - 4.0 - h >= top:
            y = top
        elif band_bottom + 4.0 <= bottom:
            y = bottom
    return (x, max(top, min(y, max(top, bottom))), w, h)
