"""Every question the window asks the user, in one replaceable object (tests script the answers).

File dialogs remember their last folder per kind of file (QSettings ``folders/<kind>``;
the kind is the first name of the filter, e.g. ``audio`` or ``relstudio session``,
unless the caller names one), so Open, Save session, Export and Import each open
where they were last used instead of the folder the app was started from.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

AUDIO_FILTER = "Audio (*.wav *.flac *.ogg *.mp3 *.aiff *.aif *.m4a *.opus);;All files (*)"
EXPERT_FILTER = "Expert files (*.expert.safetensors)"
SESSION_FILTER = "relstudio session (*.relstudio)"
MODEL_FILTER = "relstudio models (*.expert.safetensors *.relnet.safetensors *.classifier.safetensors)"
_AUDIO_GLOBS = AUDIO_FILTER.split("(", 1)[1].split(")", 1)[0]
OPEN_FILTER = (f"Audio and sessions ({_AUDIO_GLOBS} *.relstudio);;"  # the default shows sessions too
               + AUDIO_FILTER.replace(";;All files (*)", "") + f";;{SESSION_FILTER};;{MODEL_FILTER};;All files (*)")
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def filter_kind(filter_: str) -> str:
    """The kind of file a dialog filter names: its first entry's name, lower case (``"audio"``)."""
    return filter_.split(";;", 1)[0].split("(", 1)[0].strip().lower() or "files"


class Dialogs:
    def __init__(self, parent, *, settings=None):
        self.parent, self.settings = parent, settings

    # -- remembered folders -------------------------------------------------------------
    def last_folder(self, kind: str) -> str:
        value = self.settings.value(f"folders/{kind}", "") if self.settings is not None else ""
        return str(value or "")

    def remember(self, kind: str, path: str) -> None:
        if path and self.settings is not None:
            p = Path(path)
            self.settings.setValue(f"folders/{kind}", str(p if p.is_dir() else p.parent))

    def _start(self, kind: str, folder: str) -> str:
        """Where a dialog opens: ``folder`` when given (a full path or a folder), else the last one of ``kind``.
        A bare file name goes into the last folder of ``kind``."""
        if folder and (Path(folder).is_absolute() or not self.last_folder(kind)):
            return folder
        last = self.last_folder(kind)
        return str(Path(last) / folder) if folder else last

    # -- files -----------------------------------------------------------------------------
    def open_file(self, title: str, filter_: str, folder: str = "", *, kind: str | None = None) -> str:
        kind = kind or filter_kind(filter_)
        path, _ = QFileDialog.getOpenFileName(self.parent, title, self._start(kind, folder), filter_)
        self.remember(kind, path)
        return path

    def open_files(self, title: str, filter_: str, folder: str = "", *, kind: str | None = None) -> list[str]:
        kind = kind or filter_kind(filter_)
        paths, _ = QFileDialog.getOpenFileNames(self.parent, title, self._start(kind, folder), filter_)
        self.remember(kind, paths[0] if paths else "")
        return paths

    def open_folder(self, title: str, folder: str = "", *, kind: str = "folder") -> str:
        path = QFileDialog.getExistingDirectory(self.parent, title, self._start(kind, folder))
        self.remember(kind, path)
        return path

    def save_file(self, title: str, filter_: str, suggestion: str = "", *, kind: str | None = None) -> str:
        kind = kind or filter_kind(filter_)
        path, _ = QFileDialog.getSaveFileName(self.parent, title, self._start(kind, suggestion), filter_)
        self.remember(kind, path)
        return path

    # -- questions --------------------------------------------------------------------------
    def text(self, title: str, label: str, default: str = "") -> str | None:
        dialog = QInputDialog(self.parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(default)
        room = QFontMetrics(dialog.font()).horizontalAdvance(default) + 80  # the proposed name shows whole
        dialog.resize(max(460, room), dialog.sizeHint().height())
        ok = dialog.exec()
        value = dialog.textValue().strip()
        return value if ok and value else None

    def unsaved(self, title: str, message: str) -> str:
        """Save / Discard / Cancel (blocking); returns :data:`SAVE`, :data:`DISCARD` or :data:`CANCEL`."""
        b = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Question, title, message, b.Save | b.Discard | b.Cancel, self.parent)
        box.setDefaultButton(b.Save)
        answer = box.exec()
        return {b.Save: SAVE, b.Discard: DISCARD}.get(b(answer), CANCEL)

    def choose(self, title: str, message: str, choices: list[str]) -> str | None:
        """One of ``choices`` (buttons, the first is the default), or None when the box is closed."""
        box = QMessageBox(QMessageBox.Icon.Question, title, message, QMessageBox.StandardButton.NoButton, self.parent)
        buttons = [box.addButton(c, QMessageBox.ButtonRole.AcceptRole if i == 0 else QMessageBox.ButtonRole.RejectRole)
                   for i, c in enumerate(choices)]
        box.setDefaultButton(buttons[0])
        box.exec()
        clicked = box.clickedButton()
        return choices[buttons.index(clicked)] if clicked in buttons else None

    def error(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self.parent)
        box.setModal(True)
        box.open()  # window-modal, non-blocking: the event loop keeps running

    def info(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, message, QMessageBox.StandardButton.Ok, self.parent)
        box.open()

    def notify(self, title: str, message: str, actions: dict) -> None:
        """A non-modal note with one button per ``actions`` entry (text → callable) and Close: the window
        stays usable and nothing waits on an answer."""
        box = QMessageBox(QMessageBox.Icon.Information, title, message, QMessageBox.StandardButton.Close, self.parent)
        for text, fn in actions.items():
            box.addButton(text, QMessageBox.ButtonRole.AcceptRole).clicked.connect(fn)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()
