"""Every question the window asks the user, in one replaceable object (tests script the answers)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

AUDIO_FILTER = "Audio (*.wav *.flac *.ogg *.mp3 *.aiff *.aif *.m4a *.opus);;All files (*)"
EXPERT_FILTER = "Expert files (*.expert.safetensors)"
SESSION_FILTER = "relstudio session (*.relstudio)"
MODEL_FILTER = "relstudio models (*.expert.safetensors *.relnet.safetensors *.classifier.safetensors)"
OPEN_FILTER = (AUDIO_FILTER.replace(";;All files (*)", "") + f";;{SESSION_FILTER};;{MODEL_FILTER};;All files (*)")


class Dialogs:
    def __init__(self, parent):
        self.parent = parent

    def open_file(self, title: str, filter_: str, folder: str = "") -> str:
        path, _ = QFileDialog.getOpenFileName(self.parent, title, folder, filter_)
        return path

    def open_files(self, title: str, filter_: str, folder: str = "") -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(self.parent, title, folder, filter_)
        return paths

    def open_folder(self, title: str, folder: str = "") -> str:
        return QFileDialog.getExistingDirectory(self.parent, title, folder)

    def save_file(self, title: str, filter_: str, suggestion: str = "") -> str:
        path, _ = QFileDialog.getSaveFileName(self.parent, title, suggestion, filter_)
        return path

    def text(self, title: str, label: str, default: str = "") -> str | None:
        value, ok = QInputDialog.getText(self.parent, title, label, text=default)
        return value.strip() if ok and value.strip() else None

    def error(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self.parent)
        box.setModal(True)
        box.open()  # window-modal, non-blocking: the event loop keeps running

    def info(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, message, QMessageBox.StandardButton.Ok, self.parent)
        box.open()
