"""Wizard page 3: the name of the new experts, the preset ("paper"), what to train, and advanced settings."""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLabel, QLineEdit,
                               QSpinBox, QVBoxLayout, QWizardPage)

from relstudio.core.errors import ParameterError
from relstudio.core.training.config import AugmentConfig
from relstudio.core.training.publish import slug
from relstudio.gui.training.run import PRESETS, TrainingRequest, preset_config

DEVICES = (("auto", "Automatic (CUDA when available)"), ("cpu", "CPU"), ("cuda", "CUDA"))


def _spin(lo: int, hi: int, value: int, tip: str) -> QSpinBox:
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setValue(value)
    s.setToolTip(tip)
    return s


def free_colours(doc, classes) -> dict:
    """A colour per class, preferring palette colours no usable expert of the library wears yet."""
    from relstudio.core.experts.library import PALETTE

    worn = {doc.library.colour_of(e).lower() for e in doc.library.usable()}
    order = [c for c in PALETTE if c.lower() not in worn] + list(PALETTE)
    return {c: order[i % len(order)] for i, c in enumerate(classes)}


class SettingsPage(QWizardPage):
    def __init__(self, wizard):
        super().__init__()
        self.wiz = wizard
        self.setTitle("Settings")
        self.setSubTitle("Experts are trained as in the paper (§3.1); RELNET then learns to classify with them.")
        self.setCommitPage(True)
        self.setButtonText(wizard.WizardButton.CommitButton, "Start training")
        self.name = QLineEdit()
        self.name.setToolTip("The family of the new experts: labels read 'class (name)'; files go to a folder "
                             "of that name in your expert library")
        self.where = QLabel()
        self.where.setObjectName("hint")
        self.name.textChanged.connect(self._update_where)
        self.preset = QComboBox()
        for key, (text, _changes) in PRESETS.items():
            self.preset.addItem(text, key)
        self.preset.currentIndexChanged.connect(lambda _i: self.apply_preset(self.preset.currentData()))
        self.relnet = QCheckBox("Train RELNET (a classifier weighted by the experts' relevance)")
        self.relnet.setChecked(True)
        self.baselines = QCheckBox("Train the CONVNET and CONV-KONG baselines for the comparison table")
        self.baselines.setChecked(True)
        self.relnet.toggled.connect(self.baselines.setEnabled)
        self.hidden = _spin(1, 1024, 100, "HN: neurons of the experts' fully connected layer (paper: 20, 50, 100, 150)")
        self.epochs = _spin(1, 100000, 1000, "at most this many epochs (early stopping usually ends sooner)")
        self.patience = _spin(1, 10000, 50, "stop an expert after this many epochs without improvement")
        self.min_delta = QDoubleSpinBox()
        self.min_delta.setRange(0.0, 10.0)
        self.min_delta.setDecimals(3)
        self.min_delta.setSingleStep(0.01)
        self.min_delta.setToolTip("the smallest drop of the validation loss that counts as an improvement")
        self.batch = _spin(1, 10000, 100, "clips per batch")
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(5)
        self.lr.setRange(1e-5, 1.0)
        self.lr.setSingleStep(1e-4)
        self.lr.setToolTip("Adam learning rate")
        self.augment = QComboBox()
        self.augment.addItem("None (paper)", "none")
        self.augment.addItem("Light: random EQ, tilt, time shift, noise", "light")
        self.augment.addItem("Recommended: gain, EQ, pitch, tempo, crops, mixing, noise, room", "recommended")
        self.device = QComboBox()
        import torch

        for key, text in DEVICES:
            self.device.addItem(text, key)
            if key == "cuda" and not torch.cuda.is_available():
                self.device.model().item(self.device.count() - 1).setEnabled(False)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("", self.where)
        form.addRow("Preset", self.preset)
        adv = QGroupBox("Advanced")
        grid = QFormLayout(adv)
        grid.addRow("Hidden units (HN)", self.hidden)
        grid.addRow("Max. epochs", self.epochs)
        grid.addRow("Patience (epochs)", self.patience)
        grid.addRow("Min. improvement", self.min_delta)
        grid.addRow("Batch size", self.batch)
        grid.addRow("Learning rate", self.lr)
        grid.addRow("Augmentation", self.augment)
        grid.addRow("Device", self.device)
        self.error = QLabel()
        self.error.setStyleSheet("color: #ff8a70")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.relnet)
        layout.addWidget(self.baselines)
        layout.addWidget(adv)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.apply_preset(next(iter(PRESETS)))

    def initializePage(self) -> None:
        summary = self.wiz.classes_page.summary
        if summary is not None and not self.name.text():
            self.name.setText(slug(summary.dataset.name))
        self._update_where()

    def cleanupPage(self) -> None:
        pass  # keep what the user typed when going back

    def _update_where(self) -> None:
        root = self.wiz.queue.experts_root
        self.where.setText(f"saved to {root / slug(self.name.text() or 'experts')}/  ·  "
                           f"labels like “{(self.wiz.classes_page.selected_classes() or ('class',))[0]} "
                           f"({self.name.text() or 'name'})”")

    def apply_preset(self, key: str) -> None:
        c = preset_config(key)
        self.preset.setCurrentIndex(self.preset.findData(key))
        self.hidden.setValue(c.hidden)
        self.epochs.setValue(c.max_epochs)
        self.patience.setValue(c.patience)
        self.min_delta.setValue(c.min_delta)
        self.batch.setValue(c.batch_size)
        self.lr.setValue(c.learning_rate)
        self.augment.setCurrentIndex(self.augment.findData("recommended" if c.augment == AugmentConfig.recommended()
                                                           else "light" if c.augment == AugmentConfig.light() else "none"))

    def config(self):
        """The TrainingConfig of the fields (the preset's other settings unchanged)."""
        return preset_config(self.preset.currentData(), hidden=self.hidden.value(), max_epochs=self.epochs.value(),
                             patience=self.patience.value(), min_delta=self.min_delta.value(),
                             batch_size=self.batch.value(), learning_rate=self.lr.value(),
                             augment=self.augment.currentData())

    def request(self) -> TrainingRequest:
        summary = self.wiz.classes_page.summary
        reviewed = tuple(self.wiz.doc.review.nonempty_layers()) if self.wiz.source_page.reviewed.isChecked() else ()
        classes = self.wiz.classes_page.selected_classes()
        return TrainingRequest(summary.dataset, classes, self.config(), self.wiz.doc.frontend,
                               self.device.currentData(), self.relnet.isChecked(),
                               self.relnet.isChecked() and self.baselines.isChecked(), slug(self.name.text()),
                               reviewed, free_colours(self.wiz.doc, classes))

    def validatePage(self) -> bool:
        try:
            request = self.request()
        except ParameterError as exc:
            self.error.setText(str(exc))
            return False
        self.error.setText("")
        self.wiz.start(request)
        return True
