"""The workstation window (PySide6 + pyqtgraph). The only package that imports Qt or sounddevice."""

from relstudio.gui import qt_fixes as _qt_fixes  # noqa: F401 — must run before any signal is emitted
