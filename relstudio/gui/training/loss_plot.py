"""Live loss curves of a training: train (solid) and validation (dashed) loss per epoch, per model.

Two plots side by side: the one-vs-all experts (one colour per expert) and the
second stage (RELNET, CONVNET, CONV-KONG). The plot only draws a
:class:`~relstudio.gui.training.queue.TrainingJob`'s history; it computes nothing.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QWidget

from relstudio.core.experts.library import PALETTE
from relstudio.gui import theme

STAGE_COLOURS = {"relnet": "#ffd54a", "convnet": "#8fd3ff", "convkong": "#c39bff"}
STAGE_NAMES = {"relnet": "RELNET", "convnet": "CONVNET", "convkong": "CONV-KONG"}


def _plot(title: str) -> pg.PlotWidget:
    w = pg.PlotWidget(background=theme.PLOT_BG)
    item = w.getPlotItem()
    item.setTitle(f"<span style='color:{theme.TEXT}; font-size:10pt'>{title}</span>")
    item.setMenuEnabled(False)
    item.hideButtons()
    item.showGrid(x=True, y=True, alpha=0.12)
    item.setLabel("bottom", "epoch", color=theme.TEXT_DIM)
    item.setLabel("left", "loss", color=theme.TEXT_DIM)
    for name in ("left", "bottom"):
        ax = item.getAxis(name)
        ax.setPen(pg.mkPen(theme.AXIS))
        ax.setTextPen(pg.mkPen(theme.TEXT_DIM))
        ax.enableAutoSIPrefix(False)
    item.getViewBox().setMouseEnabled(x=False, y=False)
    w.setMinimumHeight(220)
    return w


class LossPlot(QWidget):
    """``show_job(job)`` then ``refresh()`` after each epoch; ``curves`` maps (stage, name, kind) → item."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.experts_plot = _plot("Experts (one-vs-all)")
        self.second_plot = _plot("RELNET and baselines")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.experts_plot, 3)
        layout.addWidget(self.second_plot, 2)
        self.legends = {}
        for w in (self.experts_plot, self.second_plot):
            legend = w.getPlotItem().addLegend(offset=(-8, 8), labelTextColor=theme.TEXT, labelTextSize="8pt",
                                               brush=QColor(18, 20, 25, 200), verSpacing=-8)
            self.legends[w] = legend
        self.job = None
        self.curves: dict[tuple[str, str, str], pg.PlotDataItem] = {}
        self.best_markers = {}

    def show_job(self, job) -> None:
        self.job = job
        for w in (self.experts_plot, self.second_plot):
            w.getPlotItem().clear()
            self.legends[w].clear()
        self.curves = {}
        self.best_markers = {}
        for w in (self.experts_plot, self.second_plot):
            marker = pg.ScatterPlotItem(size=8, pen=pg.mkPen(theme.TEXT, width=1.2))
            marker.setZValue(10)
            w.addItem(marker)
            self.best_markers[w] = marker
        self.refresh()

    def _colour(self, stage: str, name: str) -> str:
        if stage != "experts":
            return STAGE_COLOURS.get(stage, theme.CURVE)
        names = sorted(n for s, n in self.job.history if s == "experts")
        return PALETTE[names.index(name) % len(PALETTE)] if name in names else PALETTE[0]

    def refresh(self) -> None:
        """Redraw every curve of the job's history (new models get a curve and a legend entry)."""
        if self.job is None:
            return
        for (stage, name), rows in sorted(self.job.history.items()):
            plot = self.experts_plot if stage == "experts" else self.second_plot
            colour = self._colour(stage, name)
            epochs = [r[0] for r in rows]
            for kind, col, style in (("train", 1, Qt.PenStyle.SolidLine), ("val", 2, Qt.PenStyle.DashLine)):
                key = (stage, name, kind)
                curve = self.curves.get(key)
                if curve is None:
                    curve = pg.PlotDataItem(pen=pg.mkPen(colour, width=2 if kind == "train" else 1.6, style=style))
                    plot.addItem(curve)
                    self.curves[key] = curve
                    if kind == "train":
                        self.legends[plot].addItem(curve, STAGE_NAMES.get(stage, name) if stage != "experts" else name)
                curve.setData(epochs, [r[col] for r in rows])
        self._mark_best()

    def _mark_best(self) -> None:
        """A dot on each model's validation curve at its best epoch (the weights that are kept)."""
        spots = {w: [] for w in self.best_markers}
        for (stage, name), epoch in self.job.best.items():
            rows = self.job.history.get((stage, name), [])
            row = next((r for r in rows if r[0] == epoch), None)
            if row is not None:
                plot = self.experts_plot if stage == "experts" else self.second_plot
                spots[plot].append({"pos": (epoch, row[2]), "brush": pg.mkBrush(self._colour(stage, name))})
        for plot, marker in self.best_markers.items():
            marker.setData(spots[plot])

    def data(self, stage: str, name: str, kind: str = "train"):
        """The (epochs, losses) drawn for one model (tests compare them with the job's history)."""
        x, y = self.curves[(stage, name, kind)].getData()
        return list(x), list(y)
