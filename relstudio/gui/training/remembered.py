"""The training wizard remembers the settings of its last started training (QSettings ``training/*``):
the labelled data, the preset, what to train and every advanced field; a new wizard opens with them."""

from __future__ import annotations

PREFIX = "training/"
NUMBERS = ("hidden", "epochs", "patience", "batch")  # QSpinBox fields of the settings page
DECIMALS = ("min_delta", "lr")  # QDoubleSpinBox fields
CHECKS = ("relnet", "baselines")
CHOICES = ("augment", "device")  # QComboBox fields, by their data


def remember(wizard, settings) -> None:
    """Store what the wizard's pages hold now (called when a training starts)."""
    if settings is None:
        return
    page = wizard.settings_page
    settings.setValue(PREFIX + "source", wizard.source_page.path.text().strip())
    settings.setValue(PREFIX + "preset", page.preset.currentData())
    for name in NUMBERS + DECIMALS:
        settings.setValue(PREFIX + name, getattr(page, name).value())
    for name in CHECKS:
        settings.setValue(PREFIX + name, getattr(page, name).isChecked())
    for name in CHOICES:
        settings.setValue(PREFIX + name, getattr(page, name).currentData())


def restore(wizard, settings) -> None:
    """Fill a new wizard with the last training's settings (fields never stored keep their defaults)."""
    if settings is None:
        return
    page = wizard.settings_page

    def value(name):
        return settings.value(PREFIX + name, None)

    if value("source"):
        wizard.source_page.path.setText(str(value("source")))
    if value("preset") and page.preset.findData(value("preset")) >= 0:
        page.apply_preset(str(value("preset")))
    for name, kind in [(n, int) for n in NUMBERS] + [(n, float) for n in DECIMALS]:
        if value(name) is not None:
            try:
                getattr(page, name).setValue(kind(float(value(name))))
            except (TypeError, ValueError):
                pass  # a hand-edited ini: keep the default
    for name in CHECKS:
        if value(name) is not None:
            getattr(page, name).setChecked(str(value(name)).lower() in ("true", "1"))
    for name in CHOICES:
        index = getattr(page, name).findData(value(name)) if value(name) is not None else -1
        if index >= 0:
            getattr(page, name).setCurrentIndex(index)
