"""What every time view shares: a seconds axis, the playback cursor, the selected segment, the range
selection, clicks.

Shift+drag in a view (or a plain drag in its time ruler) reports a range with
``rangeDragged(start, end)``; the timeline puts it in the document's one range
selection, which every view draws with :meth:`TimePlot.set_range_selection`.
The time ruler steps through :data:`TICK_STEPS` (1, 2, 5, 10, 15, 30 s; 1, 2, 5,
10 min …), the coarsest that keeps labels :data:`TICK_PIXELS` apart.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem

from relstudio.gui import theme
from relstudio.gui.views.fast_items import TimeGrid

AXIS_WIDTH = 68
# (major, minor) tick steps in seconds, finest first
TICK_STEPS = ((0.01, 0.005), (0.02, 0.01), (0.05, 0.01), (0.1, 0.05), (0.2, 0.1), (0.5, 0.1), (1, 0.5), (2, 1),
              (5, 1), (10, 5), (15, 5), (30, 10), (60, 15), (120, 30), (300, 60), (600, 120), (1200, 300),
              (1800, 600), (3600, 900))
TICK_PIXELS = 90  # room for one "m:ss.s" label


def format_time(t: float, *, decimals: int = 1) -> str:
    """``m:ss.s`` (or ``h:mm:ss`` past an hour)."""
    sign = "-" if t < 0 else ""
    t = abs(t)
    h, rest = divmod(t, 3600)
    m, s = divmod(rest, 60)
    if h >= 1:
        return f"{sign}{int(h)}:{int(m):02d}:{s:0{3 + decimals if decimals else 2}.{decimals}f}"
    return f"{sign}{int(m)}:{s:0{3 + decimals if decimals else 2}.{decimals}f}"


def tick_steps(span: float, pixels: float) -> tuple[float, float]:
    """The (major, minor) step of :data:`TICK_STEPS` for ``span`` seconds drawn over ``pixels``."""
    most = max(1.0, pixels / TICK_PIXELS)
    return next((s for s in TICK_STEPS if span / s[0] <= most), TICK_STEPS[-1])


class RangeViewBox(pg.ViewBox):
    """A view box where Shift+drag selects a time range (``rangeDragged``) instead of panning."""

    rangeDragged = Signal(float, float)

    def mouseDragEvent(self, ev, axis=None):
        if axis is None and ev.button() == Qt.MouseButton.LeftButton \
                and ev.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            ev.accept()
            self.drag_range(ev.buttonDownScenePos(), ev.scenePos())
            return
        super().mouseDragEvent(ev, axis)

    def drag_range(self, scene_from, scene_to) -> None:
        t0, t1 = self.mapSceneToView(scene_from).x(), self.mapSceneToView(scene_to).x()
        self.rangeDragged.emit(float(min(t0, t1)), float(max(t0, t1)))


class TimeAxis(pg.AxisItem):
    """Seconds shown as m:ss with as many decimals as the tick spacing needs; dragging it selects a range."""

    def tickSpacing(self, minVal, maxVal, size):
        major, minor = tick_steps(maxVal - minVal, size)
        return [(major, 0), (minor, 0)]

    def tickStrings(self, values, scale, spacing):
        decimals = 0 if spacing >= 1 else min(3, int(math.ceil(-math.log10(spacing))))
        return [format_time(v, decimals=decimals) for v in values]

    def mouseDragEvent(self, event):
        view = self.linkedView()
        if isinstance(view, RangeViewBox) and event.button() == Qt.MouseButton.LeftButton \
                and not view.sceneBoundingRect().contains(event.buttonDownScenePos()):
            event.accept()
            view.drag_range(event.buttonDownScenePos(), event.scenePos())
            return
        super().mouseDragEvent(event)


class BoundedAxis(pg.AxisItem):
    """A vertical value axis whose line and ticks cover only ``lo``–``hi`` of its view.

    The view may reach beyond (the relevance view keeps a band above R = 1 for
    its legend and labels); that room shows no axis line and no tick label.
    """

    def __init__(self, orientation: str = "left", *, lo: float, hi: float, ticks):
        super().__init__(orientation)
        self.lo, self.hi = float(lo), float(hi)
        self.setTicks([[(float(v), f"{v:g}") for v in ticks if self.lo <= v <= self.hi]])

    def generateDrawSpecs(self, p):
        specs = super().generateDrawSpecs(p)
        view = self.linkedView()
        if specs is None or view is None:
            return specs
        (pen, a, b), ticks, texts = specs
        top, bottom = (self.mapFromScene(view.mapViewToScene(QPointF(0.0, v))).y() for v in (self.hi, self.lo))
        return (pen, QPointF(a.x(), max(a.y(), top)), QPointF(b.x(), min(b.y(), bottom))), ticks, texts


class TimePlot(pg.PlotWidget):
    """A plot whose x axis is the track's time in seconds.

    Emits ``clicked(t, y)`` for a left click inside the plot area and
    ``hovered(t, y)`` as the mouse moves over it (``hovered(nan, nan)`` on leave).
    """

    clicked = Signal(float, float)
    hovered = Signal(float, float)

    def __init__(self, *, title: str = "", value_axis: pg.AxisItem | None = None, parent=None):
        axes = {"bottom": TimeAxis("bottom"), **({"left": value_axis} if value_axis is not None else {})}
        super().__init__(parent=parent, axisItems=axes, viewBox=RangeViewBox(), background=theme.PLOT_BG)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=True, y=False)
        self.vb = item.getViewBox()
        left = item.getAxis("left")
        left.setWidth(AXIS_WIDTH)
        for name in ("left", "bottom"):
            ax = item.getAxis(name)
            ax.setPen(pg.mkPen(theme.AXIS))
            ax.setTextPen(pg.mkPen(theme.TEXT_DIM))
        if title:
            left.setLabel(title, color=theme.TEXT_DIM)
        # the value axis does not change while the time range does: paint it from a cached pixmap
        left.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.grid = TimeGrid(self.vb, item.getAxis("bottom"))  # cheaper than the axis's own grid
        self.addItem(self.grid, ignoreBounds=True)
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(theme.CURSOR, width=1.5))
        self.cursor.setZValue(50)
        self.addItem(self.cursor, ignoreBounds=True)
        self.selection = pg.LinearRegionItem(movable=False, brush=QColor(255, 255, 255, 34),
                                             pen=pg.mkPen(QColor(255, 255, 255, 90)))
        self.selection.setZValue(40)
        self.selection.hide()
        self.addItem(self.selection, ignoreBounds=True)
        self.range_region = pg.LinearRegionItem(movable=False, brush=QColor(79, 140, 255, 60),
                                                pen=pg.mkPen(theme.ACCENT, width=1.5))
        self.range_region.setZValue(45)
        self.range_region.hide()
        self.addItem(self.range_region, ignoreBounds=True)
        self.rangeDragged = self.vb.rangeDragged
        self.scene().sigMouseClicked.connect(self._scene_clicked)
        self.scene().sigMouseMoved.connect(self._scene_moved)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def on_view_change(self, slot) -> QTimer:
        """Call ``slot`` when the visible range changed (at once, so the next paint shows it: a deferred call
        painted every view twice per pan or zoom step) and once per event-loop pass after a resize."""
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(0)
        timer.timeout.connect(slot)

        def now(*_):
            timer.stop()
            self.vb.updateMatrix()  # now, not in the paint: items that follow the transform change before it
            slot()

        self.vb.sigXRangeChanged.connect(now)
        self.vb.sigResized.connect(lambda *_: timer.start())
        return timer

    def show_time_axis(self, on: bool) -> None:
        self.getPlotItem().getAxis("bottom").setStyle(showValues=on)
        self.getPlotItem().getAxis("bottom").setHeight(None if on else 6)

    def set_duration(self, duration: float) -> None:
        d = max(duration, 0.05)
        self.vb.setLimits(xMin=0.0, xMax=d, minXRange=min(0.02, d), maxXRange=d)

    def set_cursor(self, t: float) -> None:
        self.cursor.setPos(t)

    @staticmethod
    def _show_region(region, span) -> None:
        if span is not None:
            region.setRegion(span)
        region.setVisible(span is not None)

    def set_selection(self, span) -> None:
        """Shade the selected segment ``(start, end)`` (``None``: none)."""
        self._show_region(self.selection, span)

    def set_range_selection(self, span) -> None:
        """Draw the document's range selection ``(start, end)`` (``None``: none)."""
        self._show_region(self.range_region, span)

    def visible_range(self) -> tuple[float, float]:
        x0, x1 = self.vb.viewRange()[0]
        return float(x0), float(x1)

    def pixel_width(self) -> int:
        return max(16, int(self.vb.width()))

    def seconds_per_pixel(self) -> float:
        """How many seconds one screen pixel spans at the current zoom."""
        x0, x1 = self.visible_range()
        return (x1 - x0) / self.pixel_width()

    def _inside(self, scene_pos) -> bool:
        return self.vb.sceneBoundingRect().contains(scene_pos)

    def _scene_clicked(self, ev) -> None:
        if not self._inside(ev.scenePos()):
            return
        p = self.vb.mapSceneToView(ev.scenePos())
        if ev.button() == Qt.MouseButton.LeftButton:
            self.on_click(float(p.x()), float(p.y()), ev.scenePos())
        elif ev.button() == Qt.MouseButton.RightButton:
            self.on_context(float(p.x()), float(p.y()), ev.screenPos())

    def on_click(self, t: float, y: float, scene_pos: QPointF) -> None:
        self.clicked.emit(t, y)

    def on_context(self, t: float, y: float, screen_pos) -> None:
        """A right click at time ``t`` (``screen_pos``: where a context menu would open)."""

    def _scene_moved(self, scene_pos) -> None:
        if self._inside(scene_pos):
            p = self.vb.mapSceneToView(scene_pos)
            self.hovered.emit(float(p.x()), float(p.y()))
        else:
            self.hovered.emit(float("nan"), float("nan"))

    def view_to_widget(self, t: float, y: float):
        """Widget (viewport) coordinates of a data point — used by tests to click on things."""
        scene = self.vb.mapViewToScene(QPointF(t, y))
        return self.mapFromScene(scene)
