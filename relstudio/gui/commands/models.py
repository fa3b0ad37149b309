"""Model commands: importing model files, the training wizards and queue, model cards, viewpoints, warnings.

Expert, RELNET and classifier files enter the library from Open, Import or a
drop (:mod:`relstudio.gui.model_import`). Training wizards are modeless (the
window stays usable) and queue on the ``training`` queue they are handed;
when a training finishes, its experts are listed in the library and a note
offers *Add to view*: the open view never changes by itself.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from relstudio.core.errors import RelstudioError
from relstudio.gui import model_import
from relstudio.gui.dialogs import MODEL_FILTER
from relstudio.gui.wording import plural


class ModelCommands(QObject):
    def __init__(self, *, doc, training, dialogs, status, selected_model_path, parent, settings=None):
        """``selected_model_path()``: the model file selected in the expert panel (or ``None``);
        ``parent``: the window that wizards and model cards belong to; ``settings``: where the wizard
        remembers its last settings."""
        super().__init__(parent)
        self.settings = settings
        self.doc, self.training, self.dialogs, self.status = doc, training, dialogs, status
        self.selected_model_path, self.parent_widget = selected_model_path, parent
        self.wizards: list = []  # the open training wizards
        training.jobFinished.connect(self._training_finished)

    # -- importing -------------------------------------------------------------------
    def import_dialog(self) -> None:
        paths = self.dialogs.open_files("Import models", MODEL_FILTER)
        if paths:
            self.import_models(paths)

    def import_models(self, paths) -> None:
        """Import expert, RELNET and classifier files (others are refused with a message)."""
        from relstudio.core.experts.library import LibraryEntry

        for p in paths:
            try:
                result = model_import.import_model(self.doc, p)
            except (RelstudioError, OSError) as exc:
                self.dialogs.error("Cannot import model", str(exc))
                continue
            if isinstance(result, LibraryEntry):
                if result.ok:
                    self.status.showMessage(f"imported expert {result.label}", 5000)
                else:
                    self.dialogs.error("Expert imported but unusable", f"{result.path.name}: {result.error}")
                continue
            usable = set(self.doc.roster.usable_fingerprints())
            missing = [lab for lab, fp in result.experts if fp not in usable]
            kind = result.kind.upper()
            if missing:
                self.dialogs.error(f"{kind} imported", f"{result.path.name} needs experts that are not in the "
                                                       f"library: {', '.join(missing)}. Import them too.")
            else:
                self.status.showMessage(f"imported {kind} {result.path.name} ({', '.join(result.classes)})", 5000)

    # -- training ---------------------------------------------------------------------
    def open_training_wizard(self, job_id: int | None = None):
        """A new wizard (or one showing the job ``job_id``); modeless, so the window stays usable."""
        from relstudio.gui.training.wizard import TrainingWizard

        job = self.training.job(job_id) if job_id is not None else None
        wizard = TrainingWizard(self.doc, queue=self.training, dialogs=self.dialogs, job=job,
                                settings=self.settings, parent=self.parent_widget)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.destroyed.connect(lambda _o=None, w=wizard: self.wizards.remove(w) if w in self.wizards else None)
        self.wizards.append(wizard)
        wizard.show()
        return wizard

    def close_wizards(self) -> None:
        for wizard in list(self.wizards):
            wizard.close()

    def _training_finished(self, job_id: int) -> None:
        job = self.training.job(job_id)
        if job.outcome is not None:
            fps = model_import.adopt_trained(self.doc, job.outcome.folder, job.outcome.experts)
            self.doc.message.emit(f"training {job.name} finished: experts saved in {job.outcome.folder}")
            self.dialogs.notify("Training finished", f"“{job.name}” saved {plural(len(fps), 'expert')} in "
                                f"{job.outcome.folder}. They are listed under “Your experts”; the open view "
                                "is unchanged.", {"Add to view": lambda: model_import.add_to_view(self.doc, fps)})
        elif job.error:
            self.doc.problem.emit(f"Training {job.name} failed", job.error)

    # -- looking at models ------------------------------------------------------------
    def show_model_card(self, path: str | None = None) -> None:
        from relstudio.gui.panels.model_card import ModelCardDialog

        path = path or self.selected_model_path()
        if not path:
            self.status.showMessage("select an expert in the panel first", 4000)
            return
        entry = next((e for e in self.doc.library.entries if str(e.path) == str(path)), None)
        dialog = ModelCardDialog(path, error=entry.error if entry else "", parent=self.parent_widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def keep_viewpoint(self) -> None:
        if not self.doc.enabled:
            self.dialogs.error("Keep viewpoint", "Enable at least one expert first.")
            return
        name = self.dialogs.text("Keep viewpoint", "Name of this set of experts:",
                                 " vs ".join(self.doc.roster.display_label(f) for f in self.doc.enabled)[:60])
        if name:
            try:
                self.doc.keep_viewpoint(name)
            except RelstudioError as exc:
                self.dialogs.error("Keep viewpoint", str(exc))

    def show_warnings(self) -> None:
        if self.doc.warnings:
            self.dialogs.info("Warnings", "<br>".join(self.doc.warnings))
