"""The main window's docks: experts and viewpoints (right), classification (right), collection and training (bottom).

:func:`add_docks` builds the panels over the document (and the training
queue), places them on the window and returns them; the window wires their
signals to its commands. The first time, the collection and training docks
start hidden (:func:`restore_layout`); later the user's layout is restored.
View ▸ Reset layout (:func:`reset_layout`) puts docks and sizes back.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QVBoxLayout, QWidget

from relstudio.gui.panels.classification_panel import ClassificationPanel
from relstudio.gui.panels.collection_panel import CollectionPanel
from relstudio.gui.panels.expert_panel import ExpertPanel
from relstudio.gui.panels.viewpoint_panel import ViewpointPanel
from relstudio.gui.training.queue_panel import TrainingPanel

BOTTOM_HEIGHT = {"collection": 260, "training": 150}  # px: first heights of the bottom docks


@dataclass
class Docks:
    expert_panel: ExpertPanel
    viewpoint_panel: ViewpointPanel
    experts: QDockWidget
    collection_panel: CollectionPanel
    collection: QDockWidget
    classification_panel: ClassificationPanel
    classification: QDockWidget
    training_panel: TrainingPanel
    training: QDockWidget

    def shortcuts(self) -> list[tuple[QDockWidget, str]]:
        """(dock, key) for the View menu's "Show … panel" toggles."""
        return [(self.experts, "Ctrl+3"), (self.collection, "Ctrl+4"), (self.classification, "Ctrl+5"),
                (self.training, "Ctrl+6")]


def _dock(window: QMainWindow, title: str, name: str, widget, area) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    window.addDockWidget(area, dock)
    return dock


def add_docks(window: QMainWindow, *, doc, training) -> Docks:
    right, bottom = Qt.DockWidgetArea.RightDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea
    expert_panel, viewpoint_panel = ExpertPanel(doc), ViewpointPanel(doc)
    side = QWidget()
    col = QVBoxLayout(side)
    col.setContentsMargins(0, 0, 0, 0)
    col.addWidget(expert_panel, 1)
    col.addWidget(viewpoint_panel)
    experts = _dock(window, "Experts", "experts", side, right)
    experts.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                        | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
    experts.setMinimumWidth(300)
    window.setCorner(Qt.Corner.BottomRightCorner, right)

    enabled = lambda: [e for e in (doc.roster.entry(f) for f in doc.enabled) if e is not None]  # noqa: E731
    collection_panel = CollectionPanel(enabled, cache=doc.cache, device=doc.device.type if doc.engine_ready else "cpu")
    doc.engineReady.connect(lambda: setattr(collection_panel, "device", doc.device.type))  # no torch before
    collection = _dock(window, "Collection", "collection", collection_panel, bottom)

    classification_panel = ClassificationPanel(doc)
    classification = _dock(window, "Classification", "classification", classification_panel, right)
    training_panel = TrainingPanel(training)
    training_dock = _dock(window, "Training", "training", training_panel, bottom)
    docks = Docks(expert_panel, viewpoint_panel, experts, collection_panel, collection, classification_panel,
                  classification, training_panel, training_dock)
    _default_sizes(window, docks)
    return docks


def _default_sizes(window: QMainWindow, docks: Docks) -> None:
    """The side column 390 px wide, experts above classification (about 5:4), bottom docks at a useful height."""
    window.resizeDocks([docks.experts, docks.classification], [470, 400], Qt.Orientation.Vertical)
    window.resizeDocks([docks.experts], [390], Qt.Orientation.Horizontal)
    window.resizeDocks([docks.collection], [BOTTOM_HEIGHT["collection"]], Qt.Orientation.Vertical)
    if docks.training.isVisible():
        window.resizeDocks([docks.training], [BOTTOM_HEIGHT["training"]], Qt.Orientation.Vertical)


def reset_layout(window: QMainWindow, docks: Docks, timeline=None) -> None:
    """View ▸ Reset layout: every dock docked in its place at its first size (the collection and training
    docks keep whether they show), the experts and classification shown, the views' split as at first."""
    right, bottom = Qt.DockWidgetArea.RightDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea
    shown = {d: d.isVisible() for d in (docks.collection, docks.training)}
    for dock, area in ((docks.experts, right), (docks.classification, right), (docks.collection, bottom),
                       (docks.training, bottom)):
        dock.setFloating(False)
        window.addDockWidget(area, dock)  # moves it back to its area, out of any tab group
    window.splitDockWidget(docks.experts, docks.classification, Qt.Orientation.Vertical)
    docks.experts.show()
    docks.classification.show()
    for dock, on in shown.items():
        dock.setVisible(on)
    _default_sizes(window, docks)
    if timeline is not None:
        timeline.reset_sizes()


def show_training(window: QMainWindow, docks: Docks) -> None:
    """Show the Training dock (when a training is queued) at a useful height."""
    if not docks.training.isVisible():
        docks.training.show()
        window.resizeDocks([docks.training], [BOTTOM_HEIGHT["training"]], Qt.Orientation.Vertical)


def restore_layout(window: QMainWindow, docks: Docks, settings) -> None:
    """Docks and sizes as the user left them; the first time, the collection and training docks start hidden."""
    state = settings.value("window/state")
    if state is None or not window.restoreState(state):
        docks.collection.hide()
        docks.training.hide()
