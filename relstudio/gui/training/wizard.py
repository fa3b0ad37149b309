"""The training wizard: labelled data → classes → settings → training (in the background) → results.

It is modeless: the main window stays usable while it is open, and closing it
does not stop a training. Starting a training queues it on the
:class:`~relstudio.gui.training.queue.TrainingQueue` it was given (the window's);
a second wizard opened meanwhile queues another. ``TrainingWizard(doc, queue=q,
job=job)`` opens on an existing job's progress (or results) page.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from relstudio.gui.training import remembered
from relstudio.gui.training.data_pages import ClassesPage, SourcePage
from relstudio.gui.training.progress_page import ProgressPage
from relstudio.gui.training.queue import DONE
from relstudio.gui.training.results_page import ResultsPage
from relstudio.gui.training.settings_page import SettingsPage

SOURCE, CLASSES, SETTINGS, TRAINING, RESULTS = range(5)


class TrainingWizard(QWizard):
    def __init__(self, doc, *, queue, dialogs=None, job=None, settings=None, parent=None):
        """``settings``: the QSettings where the last training's settings are remembered (None: not)."""
        super().__init__(parent)
        self.doc, self.settings = doc, settings
        self.queue = queue
        if dialogs is None:
            from relstudio.gui.dialogs import Dialogs

            dialogs = Dialogs(self)
        self.dialogs = dialogs
        self.job = job
        self.setWindowTitle("Train new experts — relstudio")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.CancelButton, "Close")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.resize(1000, 720)
        self.source_page = SourcePage(self)
        self.classes_page = ClassesPage(self)
        self.settings_page = SettingsPage(self)
        self.progress_page = ProgressPage(self)
        self.results_page = ResultsPage(self)
        for pid, page in ((SOURCE, self.source_page), (CLASSES, self.classes_page), (SETTINGS, self.settings_page),
                          (TRAINING, self.progress_page), (RESULTS, self.results_page)):
            self.setPage(pid, page)
        if job is not None:
            self.setStartId(RESULTS if job.state == DONE else TRAINING)
        else:
            remembered.restore(self, settings)

    def reviewed_counts(self) -> dict:
        """Clips per class the review marks would add (all classes that have positive marks)."""
        return self.doc.review.counts()["clips"]

    def start(self, request):
        """Queue ``request`` on the training queue and watch it."""
        self.job = self.queue.submit(request)
        remembered.remember(self, self.settings)
        return self.job

    def reject(self) -> None:
        """Close: a scan is stopped, a training goes on in the background (a cancelled one is over)."""
        self.classes_page.runner.cancel()
        super().reject()
