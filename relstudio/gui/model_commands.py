"""What the window does with models: importing model files, the training wizard and its panel, classification.

A mixin of :class:`~relstudio.gui.main_window.MainWindow` (it uses ``self.doc``,
``self.dialogs``, ``self.status``): the Classification dock (RELNET next to the
SUM and RV fusions), the Training dock (the queue), opening training wizards
(modeless: the window stays usable) and importing expert, RELNET and
classifier files from Open or a drop.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from relstudio.core.errors import RelstudioError


class ModelCommands:
    def _add_model_docks(self) -> None:
        from relstudio.gui.panels.classification_panel import ClassificationPanel
        from relstudio.gui.training.queue_panel import TrainingPanel

        self.classification_panel = ClassificationPanel(self.doc)
        self.classification_dock = QDockWidget("Classification", self)
        self.classification_dock.setObjectName("classification")
        self.classification_dock.setWidget(self.classification_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.classification_dock)
        self.resizeDocks([self.dock, self.classification_dock], [470, 400], Qt.Orientation.Vertical)
        self.resizeDocks([self.dock], [390], Qt.Orientation.Horizontal)
        self.training_panel = TrainingPanel(self.doc.training)
        self.training_dock = QDockWidget("Training", self)
        self.training_dock.setObjectName("training")
        self.training_dock.setWidget(self.training_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.training_dock)
        self.classification_panel.segmentActivated.connect(self.play_segment)
        self.classification_panel.segmentChosen.connect(self.reveal_segment)
        self.training_panel.newRequested.connect(lambda: self.open_training_wizard())
        self.training_panel.showRequested.connect(lambda job_id: self.open_training_wizard(job_id))
        self.doc.training.jobAdded.connect(lambda _id: self._show_training_dock())
        self.wizards: list = []

    def _show_training_dock(self) -> None:
        if not self.training_dock.isVisible():
            self.training_dock.show()
            self.resizeDocks([self.training_dock], [150], Qt.Orientation.Vertical)

    def reveal_segment(self, k: int) -> None:
        """Select segment ``k`` and scroll the timeline to it when it is out of view (zoom kept)."""
        a = self.doc.analysis
        if a is None or not 0 <= k < a.n_segments:
            return
        self.doc.select_segment(k)
        t0, t1 = self.timeline.view_range()
        c = float(a.centres[k])
        if not t0 <= c <= t1:
            w = t1 - t0
            self.timeline.set_view_range(c - w / 2, c + w / 2)

    def open_training_wizard(self, job_id: int | None = None):
        """A new wizard (or one showing the job ``job_id``); modeless, so the window stays usable."""
        from relstudio.gui.training.wizard import TrainingWizard

        job = self.doc.training.job(job_id) if job_id is not None else None
        wizard = TrainingWizard(self.doc, dialogs=self.dialogs, job=job, parent=self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.destroyed.connect(lambda _o=None, w=wizard: self.wizards.remove(w) if w in self.wizards else None)
        self.wizards.append(wizard)
        wizard.show()
        return wizard

    def import_models(self, paths) -> None:
        """Import expert, RELNET and classifier files (others are refused with a message)."""
        from relstudio.core.experts.library import LibraryEntry

        for p in paths:
            try:
                result = self.doc.import_model(p)
            except (RelstudioError, OSError) as exc:
                self.dialogs.error("Cannot import model", str(exc))
                continue
            if isinstance(result, LibraryEntry):
                if result.ok:
                    self.status.showMessage(f"imported expert {result.label}", 5000)
                else:
                    self.dialogs.error("Expert imported but unusable", f"{result.path.name}: {result.error}")
                continue
            usable = set(self.doc.usable_fingerprints())
            missing = [lab for lab, fp in result.experts if fp not in usable]
            kind = result.kind.upper()
            if missing:
                self.dialogs.error(f"{kind} imported", f"{result.path.name} needs experts that are not in the "
                                                       f"library: {', '.join(missing)}. Import them too.")
            else:
                self.status.showMessage(f"imported {kind} {result.path.name} ({', '.join(result.classes)})", 5000)

    def show_warnings(self) -> None:
        if self.doc.warnings:
            self.dialogs.info("Warnings", "<br>".join(self.doc.warnings))
